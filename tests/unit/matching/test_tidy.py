"""Postcodes, addresses, genders and names as different systems write them."""

from __future__ import annotations

import pytest

from cme.matching.names import are_nicknames, fold, name
from cme.matching.tidy import address, gender, postcode, postcode_in


@pytest.mark.parametrize(
    ("written", "full", "sector", "district"),
    [
        ("fb12ab", "FB1 2AB", "FB1 2", "FB1"),
        ("FB1  2AB", "FB1 2AB", "FB1 2", "FB1"),
        (" sw1a 1aa ", "SW1A 1AA", "SW1A 1", "SW1A"),
        ("m11ae", "M1 1AE", "M1 1", "M1"),
        ("LS27", "", "", "LS27"),
        ("not known", "", "", ""),
        ("3212", "3212", "", ""),  # another country's: kept whole
        ("", "", "", ""),
    ],
)
def test_postcodes_are_put_in_one_form(written: str, full: str, sector: str, district: str) -> None:
    assert tuple(postcode(written)) == (full, sector, district)


def test_a_postcode_inside_an_address_is_found() -> None:
    assert postcode_in("12 Rose Street, Townley, fb1 2ab").full == "FB1 2AB"
    assert postcode_in("12 Rose Street").full == ""


@pytest.mark.parametrize(
    ("written", "house", "street"),
    [
        ("12 Rose St, Townley", "12", "rose street"),
        ("12, Rose Street\nTownley FB1 2AB", "12", "rose street"),
        ("Flat 3, 12 Rose Street", "3 12", "rose street"),
        ("12A ROSE RD", "12a", "rose road"),
        ("Rose Cottage, Mill Lane", "", "rose cottage"),
    ],
)
def test_addresses_give_house_and_street(written: str, house: str, street: str) -> None:
    tidy = address(written)
    assert (tidy.house, tidy.street) == (house, street)


def test_a_blank_address_is_no_address() -> None:
    assert not address("")
    assert not address(" , \n ")


@pytest.mark.parametrize(
    ("written", "tidy"),
    [
        ("M", "M"),
        ("male", "M"),
        ("Boy", "M"),
        ("F", "F"),
        ("FEMALE", "F"),
        ("girl", "F"),
        ("U", ""),
        ("Unknown", ""),
        ("Not stated", ""),
        ("", ""),
    ],
)
def test_genders_are_put_in_one_form(written: str, tidy: str) -> None:
    assert gender(written) == tidy


def test_names_are_folded_to_plain_letters() -> None:
    assert fold("  O'Brien-SMITH ") == "obrien smith"
    assert fold("Zoë") == "zoe"
    assert name("Smith-Jones").parts == ("smith", "jones")
    assert name("Abdul Rahman").compact == "abdulrahman"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Our own list: British and South Asian short forms.
        ("Alfie", "Alfred"),
        ("Mo", "Mohammed"),
        ("Mohammed", "Muhammad"),
        ("Mohammad", "Muhammad"),
        ("Kate", "Katherine"),
        ("Kate", "Kathryn"),
        ("Sasha", "Alexandra"),
        ("Sasha", "Alexander"),
        ("Alex", "Alexandra"),
        ("Sam", "Samuel"),
        ("Sam", "Samantha"),
        ("Jess", "Jessica"),
        ("Harry", "Henry"),
        ("Ollie", "Oliver"),
        ("Izzy", "Isabelle"),
        ("Charlie", "Charlotte"),
        ("Charlie", "Charles"),
        ("Freddie", "Frederick"),
        ("Billy", "William"),
        ("Bella", "Isabella"),
        ("Maddie", "Madison"),
        ("Abdul", "Abdulrahman"),
        ("Abdul", "Abdullah"),
        ("Sid", "Siddharth"),
        ("Priya", "Priyanka"),
        ("Ola", "Aleksandra"),
        # The nicknames package's own (American) list.
        ("Peggy", "Margaret"),
        ("Bob", "Robert"),
    ],
)
def test_nicknames_and_short_forms(one: str, other: str) -> None:
    assert are_nicknames(name(one), name(other))
    assert are_nicknames(name(other), name(one))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Alfred", "Frederick"),  # both are Fred, but not each other
        ("Abdullah", "Abdulrahman"),  # both are Abdul, but not each other
        ("Oliver", "Jack"),
        # The American list has Emily as a nickname of Amelia; in England they are sisters.
        ("Amelia", "Emily"),
        ("Emma", "Emily"),
        ("Priya", "Sidra"),
    ],
)
def test_names_that_only_share_a_short_form_are_not_nicknames(one: str, other: str) -> None:
    assert not are_nicknames(name(one), name(other))
