"""What real records contain: for each kind of slip, a pair that must still match and a
near miss (another child with the same slip) that must not be linked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cme.matching import Band, Person
from tests.unit.matching.roll import found

ALFRED = Person(
    id="P1",
    forename="Alfred",
    surname="Hargreaves",
    date_of_birth=date(2013, 4, 9),
    gender="M",
    address="14 Linden Grove, Millbrook",
    postcode="MB4 7QT",
)
AMIRA = Person(
    id="P2",
    forename="Amira",
    surname="Okafor-Reid",
    date_of_birth=date(2011, 10, 23),
    gender="F",
    address="Flat 2, 7 Juniper Court",
    postcode="MB9 1LX",
)
ELSEWHERE = {"address": "88 Harbour View, Eastcliff", "postcode": "EC7 3DD"}


def episode(base: Person, **changes: object) -> Person:
    return replace(base, id="E1", **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field", "agreement"),
    [
        ({"forename": "Alfrde"}, "forename", "typing slip"),
        ({"surname": "Hargraeves"}, "surname", "typing slip"),
        ({"surname": "Hargrieves"}, "surname", "sounds alike"),
        ({"forename": "Alfie"}, "forename", "nickname (Alfie/Alfred)"),
        ({"forename": "ALFRED", "surname": "hargreaves"}, "forename", "exact"),
        (
            {"forename": "Hargreaves", "surname": "Alfred"},
            "forename",
            "forename and surname swapped",
        ),
        ({"date_of_birth": date(2013, 9, 4)}, "date_of_birth", "day and month swapped"),
        ({"date_of_birth": date(2013, 4, 8)}, "date_of_birth", "one digit different"),
        ({"date_of_birth": date(2018, 4, 9)}, "date_of_birth", "one digit different"),
        ({"gender": "Boy"}, "gender", "same"),
        ({"postcode": "mb47qt", "address": "14 LINDEN GR"}, "address", "same house"),
        ({"postcode": "MB4 7QU"}, "postcode", "same postcode sector (MB4 7)"),
    ],
)
def test_a_slip_still_links_the_child(
    changes: dict[str, object], field: str, agreement: str
) -> None:
    proposals = found([ALFRED], episode(ALFRED, **changes))
    assert proposals["P1"].band is Band.AUTO
    reason = next(r for r in proposals["P1"].reasons if r.field == field)
    assert reason.agreement == agreement
    assert reason.weight > 0


@pytest.mark.parametrize(
    "changes",
    [
        {"forename": "Alfrde"},
        {"surname": "Hargraeves"},
        {"forename": "Alfie"},
        {"forename": "Hargreaves", "surname": "Alfred"},
        {"date_of_birth": date(2013, 9, 4)},
        {"date_of_birth": date(2013, 4, 8)},
    ],
)
def test_the_same_slip_on_another_child_is_not_proposed(changes: dict[str, object]) -> None:
    # Another child with the same slip: born years apart and living elsewhere.
    other = episode(ALFRED, **{"date_of_birth": date(2016, 12, 27), **ELSEWHERE, **changes})
    if "date_of_birth" in changes:
        other = replace(other, forename="Oscar", surname="Pemberton")
    assert "P1" not in found([ALFRED], other)


@pytest.mark.parametrize(
    ("surname", "agreement"),
    [
        ("Reid", "part of a double surname (Reid/Okafor-Reid)"),
        ("Okafor", "part of a double surname (Okafor/Okafor-Reid)"),
        ("Okafor Reid", "exact"),
        ("Reid-Okafor", "part of a double surname (Reid-Okafor/Okafor-Reid)"),
    ],
)
def test_one_part_of_a_double_surname_links(surname: str, agreement: str) -> None:
    proposals = found([AMIRA], episode(AMIRA, surname=surname))
    assert proposals["P2"].band is Band.AUTO
    assert next(r for r in proposals["P2"].reasons if r.field == "surname").agreement == agreement


def test_a_part_of_a_double_surname_on_another_child_is_not_proposed() -> None:
    other = episode(AMIRA, surname="Reid", date_of_birth=date(2008, 2, 2), **ELSEWHERE)
    assert "P2" not in found([AMIRA], other)


def test_a_former_surname_on_record_links() -> None:
    pupil = replace(AMIRA, surname="Mensah", former_surnames="Okafor-Reid")
    proposals = found([pupil], episode(AMIRA))
    reason = next(r for r in proposals["P2"].reasons if r.field == "surname")
    assert reason.agreement == "former or other surname"
    assert proposals["P2"].band is Band.AUTO


def test_a_changed_surname_links_when_forename_birthday_and_home_agree_exactly() -> None:
    pupil = replace(AMIRA, surname="Mensah")
    proposals = found([pupil], episode(AMIRA))
    assert proposals["P2"].band is Band.AUTO
    assert "changed surname" in proposals["P2"].why


@pytest.mark.parametrize(
    "changes",
    [
        {"forename": "Ami"},  # and a short form of the forename
        {"date_of_birth": date(2011, 10, 28)},  # and a slipped digit
        ELSEWHERE,  # and a move
        {"address": "Flat 5, 7 Juniper Court"},  # a neighbour at the same postcode
        {"gender": "M"},
    ],
)
def test_a_changed_surname_with_anything_else_out_of_the_way_goes_to_a_person(
    changes: dict[str, object],
) -> None:
    pupil = replace(AMIRA, surname="Mensah")
    proposals = found([pupil], episode(AMIRA, **changes))
    assert all(p.band is Band.REVIEW for p in proposals.values())


def test_a_preferred_name_links() -> None:
    pupil = replace(ALFRED, forename="Jonathan", other_names="Alf")
    proposals = found([pupil], episode(ALFRED, forename="Alf"))
    reason = next(r for r in proposals["P1"].reasons if r.field == "forename")
    assert reason.agreement == "other or middle name on record"


def test_a_house_move_links_when_name_and_birthday_agree_exactly() -> None:
    moved = episode(ALFRED, address="3 Quarry Hill, Eastcliff", postcode="EC2 8PL")
    proposals = found([ALFRED], moved)
    assert proposals["P1"].band is Band.AUTO
    assert "house move" in proposals["P1"].why
    fields = {r.field: r for r in proposals["P1"].reasons}
    assert fields["postcode"].agreement == "different"
    assert fields["postcode"].weight < 0
    # Another address follows from another postcode: the move is counted once.
    assert fields["address"].agreement == "different, counted with the postcode"
    assert fields["address"].weight == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"forename": "Alfie"},
        {"surname": "Hargraeves"},
        {"date_of_birth": date(2013, 9, 4)},
        {"date_of_birth": date(2013, 4, 8)},
        {"date_of_birth": None},
        {"surname": "Mensah"},
        {"gender": "F"},
    ],
)
def test_a_house_move_with_another_slip_goes_to_a_person(changes: dict[str, object]) -> None:
    moved = episode(ALFRED, address="3 Quarry Hill, Eastcliff", postcode="EC2 8PL", **changes)
    assert found([ALFRED], moved)["P1"].band is Band.REVIEW


@pytest.mark.parametrize(
    "blank",
    [
        {"forename": ""},
        {"surname": ""},
        {"date_of_birth": None, "forename": "Alfie"},
        {"date_of_birth": None, "surname": "Hargraeves"},
        {"date_of_birth": None, "address": "", "postcode": ""},
        {"date_of_birth": None, "address": "", "postcode": "MB4"},
        {"date_of_birth": None, "address": "16 Linden Grove, Millbrook"},
        {"date_of_birth": None, "gender": "F"},
    ],
)
def test_a_blank_name_or_date_of_birth_goes_to_a_person(blank: dict[str, object]) -> None:
    proposals = found([ALFRED], episode(ALFRED, **blank))
    assert proposals["P1"].band is Band.REVIEW
    missing = [r for r in proposals["P1"].reasons if r.agreement == "missing"]
    assert len(missing) >= 1 and all(r.weight == 0 for r in missing)


def test_a_blank_date_of_birth_links_when_name_and_home_agree_exactly() -> None:
    proposals = found([ALFRED], episode(ALFRED, date_of_birth=None, address="14 Linden Gr"))
    assert proposals["P1"].band is Band.AUTO
    assert "date of birth is missing" in proposals["P1"].why
    assert "no other pupil comes close" in proposals["P1"].why


def test_a_blank_date_of_birth_on_the_roll_links_the_same_way() -> None:
    pupil = replace(ALFRED, date_of_birth=None)
    assert found([pupil], episode(ALFRED))["P1"].band is Band.AUTO


def test_a_blank_date_of_birth_with_a_same_name_cousin_at_home_goes_to_a_person() -> None:
    cousin = replace(ALFRED, id="P9", date_of_birth=date(2010, 1, 5))
    proposals = found([ALFRED, cousin], episode(ALFRED, date_of_birth=None))
    assert {"P1", "P9"} <= proposals.keys()
    assert all(p.band is Band.REVIEW for p in proposals.values())
    assert "another pupil also fits" in proposals["P1"].why


@pytest.mark.parametrize(
    "blank", [{"gender": ""}, {"address": ""}, {"postcode": ""}, {"address": "", "postcode": ""}]
)
def test_a_blank_gender_or_address_still_links(blank: dict[str, object]) -> None:
    assert found([ALFRED], episode(ALFRED, **blank))["P1"].band is Band.AUTO


def test_a_blank_pupil_record_matches_nothing() -> None:
    assert "P0" not in found([Person(id="P0")], episode(ALFRED))
