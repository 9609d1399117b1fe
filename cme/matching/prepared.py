"""A person's details made ready to compare, once per person, so that comparing a pair costs
a few look-ups and at most a string distance or two. Tidied values are remembered per
distinct text: a roll of 200,000 pupils has far fewer distinct names and addresses."""

from __future__ import annotations

from collections.abc import Collection
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
        "reach",
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
        if other_forenames or other_surnames:
            self.forenames = (forename, *other_forenames) if forename else other_forenames
            self.surnames = (surname, *other_surnames) if surname else other_surnames
            firsts, first_initials = set(forename.code_keys), set(forename.initial_keys)
            lasts, last_initials = set(surname.code_keys), set(surname.initial_keys)
            codes, initials, other_marks = _together(other_forenames)
            firsts.update(codes)
            first_initials.update(initials)
            codes, initials, more_marks = _together(other_surnames)
            lasts.update(codes)
            last_initials.update(initials)
            marks = forename.marks | surname.marks | other_marks | more_marks
            self.pairs, self.crossed = _keys(firsts, lasts, first_initials, last_initials)
        else:
            # Most people have one of each, and a roll makes one of these for every distinct
            # forename and surname written together: the same keys, made with less work.
            self.forenames, self.surnames = forename.alone, surname.alone
            marks = forename.marks | surname.marks
            self.pairs, self.crossed = _keys(
                forename.code_keys, surname.code_keys, forename.initial_keys, surname.initial_keys
            )
        self.marks = marks
        # What blocking checks a pupil's marks against: any mark of the episode's, or
        # ANYONE, which a person without names carries (they cannot be told apart by name).
        self.reach = marks or ANYONE


ANYONE = frozenset({""})


@cache
def _together(names: tuple[Name, ...]) -> tuple[tuple[int, ...], tuple[int, ...], frozenset[str]]:
    """The sounds and first letters (as blocking keys) and the marks of several names."""
    codes = dict.fromkeys(k for n in names for k in n.code_keys)
    initials = dict.fromkeys(k for n in names for k in n.initial_keys)
    return tuple(codes), tuple(initials), frozenset().union(*(n.marks for n in names))


def _keys(
    firsts: Collection[int],
    lasts: Collection[int],
    first_initials: Collection[int],
    last_initials: Collection[int],
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sums of hashes (see blocking.py), the same whichever way round the two names are
    written, so that swapped names meet: the sounds of forename and surname together, and the
    sound of one name with the first letter of the other. Each collection without repeats."""
    if len(firsts) == len(lasts) == len(first_initials) == len(last_initials) == 1:
        # One sound and one initial each (most names): no sets needed to drop repeats.
        (first,), (last,), (first_initial,), (last_initial,) = (
            firsts,
            lasts,
            first_initials,
            last_initials,
        )
        one, other = first + last_initial, last + first_initial
        return (first + last,), ((one,) if one == other else (one, other))
    # Loops rather than comprehensions: these sets have a few members each.
    pairs: set[int] = set()
    crossed: set[int] = set()
    for first in firsts:
        for last in lasts:
            pairs.add(first + last)
        for initial in last_initials:
            crossed.add(first + initial)
    for last in lasts:
        for initial in first_initials:
            crossed.add(last + initial)
    return tuple(pairs), tuple(crossed)


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


def written_names(forename: str, surname: str, other_names: str, former_surnames: str) -> NameSet:
    """A new NameSet for names as written, not remembered for the life of the process as
    `name_set_of`'s are: a roll makes one for most of its pupils, which would otherwise stay
    in memory, and Python's cycle collector would walk them again and again."""
    others = _other_names(other_names, former_surnames) if other_names or former_surnames else None
    return NameSet(
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
        if not (place.full or place.district) and person.address:
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
