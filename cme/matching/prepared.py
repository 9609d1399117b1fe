"""A person's details made ready to compare, once per person, so that comparing a pair costs
a few look-ups and at most a string distance or two. Tidied values are remembered per
distinct text: a roll of 200,000 pupils has far fewer distinct names and addresses."""

from __future__ import annotations

from datetime import date
from functools import cache

from cme.matching.names import BLANK, Name, name, names
from cme.matching.records import Person
from cme.matching.tidy import NO_POSTCODE, Address, Postcode, address, gender, postcode, postcode_in


class NameSet:
    """A person's forename, surname, other forenames and other surnames; one object per
    distinct combination (see `name_set_of`), with the keys blocking files it under."""

    __slots__ = (
        "crossed",
        "forename",
        "forenames",
        "marks",
        "other_forenames",
        "other_surnames",
        "pairs",
        "surname",
        "surnames",
    )

    def __init__(
        self,
        forename: Name,
        surname: Name,
        other_forenames: tuple[Name, ...],
        other_surnames: tuple[Name, ...],
    ) -> None:
        self.forename, self.surname = forename, surname
        self.other_forenames, self.other_surnames = other_forenames, other_surnames
        self.forenames = (forename, *other_forenames) if forename else other_forenames
        self.surnames = (surname, *other_surnames) if surname else other_surnames
        firsts = {k for n in self.forenames for k in n.code_keys}
        lasts = {k for n in self.surnames for k in n.code_keys}
        first_initials = {hash(p[0]) for n in self.forenames for p in n.parts}
        last_initials = {hash(p[0]) for n in self.surnames for p in n.parts}
        # Sums of hashes (see blocking.py), the same whichever way round the two names are
        # written, so that swapped names meet: the sounds of forename and surname together,
        # and the sound of one name with the first letter of the other.
        self.pairs = tuple({f + s for f in firsts for s in lasts})
        self.crossed = tuple(
            {c + i for c in firsts for i in last_initials}
            | {c + i for c in lasts for i in first_initials}
        )
        marks: set[str] = set()
        for n in (*self.forenames, *self.surnames):
            marks |= n.marks
        self.marks = frozenset(marks)


@cache
def name_set(
    forename: Name,
    surname: Name,
    other_forenames: tuple[Name, ...],
    other_surnames: tuple[Name, ...],
) -> NameSet:
    return NameSet(forename, surname, other_forenames, other_surnames)


def name_set_of(person: Person) -> NameSet:
    return _name_set(person.forename, person.surname, person.other_names, person.former_surnames)


@cache
def _name_set(forename: str, surname: str, other_names: str, former_surnames: str) -> NameSet:
    others = _other_names(other_names, former_surnames) if other_names or former_surnames else None
    return name_set(
        name(forename) if forename else BLANK,
        name(surname) if surname else BLANK,
        *(others or ((), ())),
    )


@cache
def _other_names(
    other_names: str, former_surnames: str
) -> tuple[tuple[Name, ...], tuple[Name, ...]]:
    others = names(other_names)
    # An alias "Jay Smith" offers Jay as a forename and Smith as a surname; "Jay" alone offers
    # only a forename.
    forenames = tuple(name(o.parts[0]) for o in others if o.parts)
    surnames = names(former_surnames) + tuple(name(o.parts[-1]) for o in others if len(o.parts) > 1)
    return forenames, surnames


_address = cache(address)
_postcode = cache(postcode)
_gender = cache(gender)


class Prepared:
    __slots__ = (
        "address",
        "dob",
        "dob_ordinal",
        "forename",
        "gender",
        "names",
        "person",
        "postcode",
        "surname",
    )

    def __init__(self, person: Person, names: NameSet | None = None) -> None:
        self.person = person
        self.names = names or name_set_of(person)
        self.forename, self.surname = self.names.forename, self.names.surname
        born = person.date_of_birth
        self.dob: date | None = born
        self.dob_ordinal = born.toordinal() if born else 0
        self.gender = _gender(person.gender) if person.gender else ""
        place: Postcode = _postcode(person.postcode) if person.postcode else NO_POSTCODE
        if not place and person.address:
            place = postcode_in(person.address)
        self.postcode = place
        self.address: Address = _address(person.address)


def digits(born: date) -> str:
    return f"{born.year:04d}{born.month:02d}{born.day:02d}"


def swapped_day_month(born: date) -> date | None:
    """The date with day and month read the other way round (3 Dec for 12 Mar), if that is
    another real date."""
    if born.day > 12 or born.day == born.month:
        return None
    try:
        return born.replace(month=born.day, day=born.month)
    except ValueError:
        return None
