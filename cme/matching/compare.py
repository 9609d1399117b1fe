"""How two records agree on each field: one comparison level per field, in order from the
strongest agreement to none, as in a Fellegi-Sunter (Splink) comparison.

Each level is a plain-English kind of agreement ("nickname", "typing slip", "day and month
swapped", "same postcode district") that a person can check by eye; the model learns how much
each one counts (see model.py). String distances come from rapidfuzz (optimal string
alignment, i.e. Damerau-Levenshtein with adjacent transpositions, and Jaro-Winkler) and
sounds from jellyfish's metaphone; nothing here measures strings by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from rapidfuzz.distance import OSA, JaroWinkler

from cme.matching.names import Name, are_nicknames
from cme.matching.prepared import NameSet, Prepared, digits

MISSING = -1  # either side blank: the field says nothing either way


class Field(StrEnum):
    FORENAME = "forename"
    SURNAME = "surname"
    DATE_OF_BIRTH = "date_of_birth"
    GENDER = "gender"
    ADDRESS = "address"
    POSTCODE = "postcode"


FIELDS = tuple(Field)

LEVELS: dict[Field, tuple[str, ...]] = {
    Field.FORENAME: (
        "exact",
        "swapped",
        "nickname",
        "other_name",
        "typo",
        "sounds_alike",
        "similar",
        "different",
    ),
    Field.SURNAME: (
        "exact",
        "double_part",
        "former",
        "typo",
        "sounds_alike",
        "similar",
        "different",
    ),
    Field.DATE_OF_BIRTH: ("exact", "day_month_swapped", "one_digit", "two_parts", "different"),
    Field.GENDER: ("same", "different"),
    Field.ADDRESS: ("same_house", "same_street", "similar", "different"),
    Field.POSTCODE: ("exact", "sector", "district", "different"),
}

# How two single names agree, before the field decides what that means for it.
_EXACT, _NICKNAME, _PART, _TYPO, _SOUNDS, _SIMILAR, _DIFFERENT = range(7)
_FORENAME_LEVEL = (0, 2, 3, 4, 5, 6, 7)
_SURNAME_LEVEL = (0, 6, 1, 3, 4, 5, 6)  # surnames have no nicknames
FORENAME_SWAPPED, FORENAME_OTHER, SURNAME_FORMER = 1, 3, 2
Levels = tuple[int, int, int, int, int, int]


def name_agreement(a: Name, b: Name, nicknames: bool) -> int:
    if a.compact == b.compact:
        return _EXACT
    if nicknames and are_nicknames(a, b):
        return _NICKNAME
    several = len(a.parts) > 1 or len(b.parts) > 1
    if several and not set(a.parts).isdisjoint(b.parts):
        return _PART
    shorter = min(len(a.compact), len(b.compact))
    if shorter >= 3 and OSA.distance(a.compact, b.compact, score_cutoff=1) <= 1:
        return _TYPO
    if several and any(
        min(len(x), len(y)) >= 4 and OSA.distance(x, y, score_cutoff=1) <= 1
        for x in a.parts
        for y in b.parts
    ):
        return _TYPO
    if a.sound and a.sound == b.sound:
        return _SOUNDS
    if shorter == 1:
        return _SIMILAR if a.compact[0] == b.compact[0] else _DIFFERENT
    if JaroWinkler.similarity(a.compact, b.compact) >= 0.85:
        return _SIMILAR
    return _DIFFERENT


class Comparer:
    """Compares prepared records. Remembers how each pair of distinct names compared: names
    repeat (many Olivers, many Smiths), so most pairs cost one dictionary look-up."""

    def __init__(self) -> None:
        self._forenames: dict[tuple[Name, Name], int] = {}
        self._surnames: dict[tuple[Name, Name], int] = {}
        # Forename and surname levels by pair of NameSets (see `names`).
        self.known_names: dict[tuple[NameSet, NameSet], tuple[int, int]] = {}

    def forename(self, a: Name, b: Name) -> int:
        key = (a, b)
        found = self._forenames.get(key)
        if found is None:
            found = self._forenames[key] = name_agreement(a, b, nicknames=True)
        return found

    def surname(self, a: Name, b: Name) -> int:
        key = (a, b)
        found = self._surnames.get(key)
        if found is None:
            found = self._surnames[key] = name_agreement(a, b, nicknames=False)
        return found

    def names(self, e: NameSet, p: NameSet) -> tuple[int, int]:
        """Forename and surname levels; forename `swapped` when each name matches the other
        side's other name, and the surname then compared the swapped way."""
        key = (e, p)
        found = self.known_names.get(key)
        if found is None:
            found = self.known_names[key] = self._name_levels(e, p)
        return found

    def _name_levels(self, e: NameSet, p: NameSet) -> tuple[int, int]:
        # .compact rather than the Names' truth, and the remembered agreements looked up in
        # place: this runs for every new pair of names.
        forenames, surnames = self._forenames, self._surnames
        if e.forename.compact and p.forename.compact:
            fn = forenames.get((e.forename, p.forename))
            if fn is None:
                fn = self.forename(e.forename, p.forename)
        else:
            fn = -1
        if e.surname.compact and p.surname.compact:
            sn = surnames.get((e.surname, p.surname))
            if sn is None:
                sn = self.surname(e.surname, p.surname)
        else:
            sn = -1
        if fn > _NICKNAME and (e.other_forenames or p.other_forenames):
            if _any_within(self._forenames, self.forename, e.forenames, p.forenames, _TYPO):
                fn = _PART
        if fn >= _SOUNDS and sn >= _SOUNDS and e.forename.compact and e.surname.compact:
            # Written the other way round: the episode's surname is the pupil's forename (or a
            # nickname or slip of it), and its forename the pupil's surname.
            across = self.forename(e.surname, p.forename) if p.forename.compact else _DIFFERENT
            if (
                across <= _TYPO
                and p.surname.compact
                and self.surname(e.forename, p.surname) <= _TYPO
            ):
                return FORENAME_SWAPPED, _SURNAME_LEVEL[across] if across != _NICKNAME else 5
        if sn > _PART and (e.other_surnames or p.other_surnames):
            if _any_within(self._surnames, self.surname, e.surnames, p.surnames, _PART):
                return _forename(fn), SURNAME_FORMER
        return _forename(fn), (_SURNAME_LEVEL[sn] if sn >= 0 else MISSING)

    def levels(self, e: Prepared, p: Prepared) -> Levels:
        fn, sn = self.known_names.get((e.names, p.names)) or self.names(e.names, p.names)
        return (
            fn,
            sn,
            0 if e.dob_ordinal and e.dob_ordinal == p.dob_ordinal else date_of_birth(e, p),
            (MISSING if not e.gender or not p.gender else 0 if e.gender == p.gender else 1),
            address(e, p),
            postcode(e, p),
        )


def _any_within(
    known: dict[tuple[Name, Name], int],
    compare: Callable[[Name, Name], int],
    these: tuple[Name, ...],
    those: tuple[Name, ...],
    level: int,
) -> bool:
    """Whether any name of `these` agrees with any of `those` at `level` or closer: the same
    as any(compare(a, b) <= level ...), with the remembered agreements looked up in place."""
    for a in these:
        for b in those:
            found = known.get((a, b))
            if (found if found is not None else compare(a, b)) <= level:
                return True
    return False


def _forename(agreement: int) -> int:
    return _FORENAME_LEVEL[agreement] if agreement >= 0 else MISSING


def date_of_birth(e: Prepared, p: Prepared) -> int:
    a, b = e.dob, p.dob
    if a is None or b is None:
        return MISSING
    if a == b:
        return 0
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return 1
    same = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    if same == 2:
        return 2 if OSA.distance(digits(a), digits(b), score_cutoff=1) <= 1 else 3
    return 4


def postcode(e: Prepared, p: Prepared) -> int:
    a, b = e.postcode, p.postcode
    if not (a.full or a.district) or not (b.full or b.district):
        return MISSING
    if a.full and a.full == b.full:
        return 0
    if a.sector and a.sector == b.sector:
        return 1
    return 2 if a.district and a.district == b.district else 3


def address(e: Prepared, p: Prepared) -> int:
    a, b = e.address, p.address
    if not a.folded or not b.folded:
        return MISSING
    if a.folded == b.folded:
        return 0
    if a.street and a.street == b.street:
        return 0 if a.house and a.house == b.house else 1
    if a.house and a.house == b.house and a.street and b.street:
        if JaroWinkler.similarity(a.street, b.street) >= 0.85:
            return 2
    return 3
