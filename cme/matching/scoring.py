"""A pair's match weight: the prior plus each field's log2(m/u), with exact name agreement
adjusted by how common the name is among the pupils (term frequency, as in Splink).

Address and postcode are not independent, as the model otherwise assumes of fields: the same
house is at the same postcode, and another postcode means another address. Where one of them
already implies the other, the implied one counts nothing (its weight given the other is
log2(1/1)), so a household is counted once, not twice, and a move costs what it costs once:
- the same house and the same postcode: the address counts, the postcode is part of it;
- another postcode (another sector, district or area) and another address: the postcode
  counts, the other address follows from it.
Every other combination (neighbours at one postcode, one street name in two towns) says
something in each field, and both count.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter

from cme.matching.blocking import Roll
from cme.matching.compare import FIELDS, LEVELS, MISSING, Comparer, Field, Levels, address, postcode
from cme.matching.compare import date_of_birth as dob_level
from cme.matching.model import Model
from cme.matching.names import Name, name
from cme.matching.prepared import Prepared

_SAME_HOUSE, _ADDRESS_DIFFERENT, _SAME_POSTCODE = 0, 3, 0
_HOME_ROW = len(LEVELS[Field.POSTCODE]) + 1  # and MISSING


def implied(address_level: int, postcode_level: int) -> Field | None:
    """Which of address and postcode says nothing the other has not said (module note)."""
    if address_level == _SAME_HOUSE and postcode_level == _SAME_POSTCODE:
        return Field.POSTCODE
    if address_level == _ADDRESS_DIFFERENT and postcode_level > _SAME_POSTCODE:
        return Field.ADDRESS
    return None


# How many pupils' worth of belief the model's average frequency carries: a name held by one
# pupil of ten is not thereby as common as one held by 20,000 of 200,000.
_TF_PRIOR_PUPILS = 2_000


def _compact_counts(written: Iterable[str]) -> Counter[str]:
    """How many pupils have each name, by its compact form: counted as written first, as a
    roll repeats the same few hundred forenames and few thousand surnames."""
    counts: Counter[str] = Counter()
    for text, count in Counter(written).items():
        counts[name(text).compact] += count
    return counts


class Scorer:
    def __init__(self, model: Model, roll: Roll, comparer: Comparer) -> None:
        self.comparer = comparer
        self.weights = model.weights()
        self.prior = model.prior_weight(len(roll))
        self._pupils = len(roll)
        self._exact = {
            Field.FORENAME: (
                model.m[Field.FORENAME][0],
                model.u[Field.FORENAME][0],
                _compact_counts(map(attrgetter("forename"), roll.people)),
            ),
            Field.SURNAME: (
                model.m[Field.SURNAME][0],
                model.u[Field.SURNAME][0],
                _compact_counts(map(attrgetter("surname"), roll.people)),
            ),
        }
        self._tf: dict[Field, dict[Name, float]] = {Field.FORENAME: {}, Field.SURNAME: {}}
        # Plain tuples for the hot path (an enum as a dictionary key hashes in Python).
        self._table = tuple(self.weights[f] for f in FIELDS)
        self._tf_forename = self._tf[Field.FORENAME]
        self._tf_surname = self._tf[Field.SURNAME]
        self._names = comparer.known_names
        # Address and postcode weighed together, at [(address level + 1) * 5 + postcode level
        # + 1] (MISSING is -1): a list, as this is looked up for every candidate pair.
        home, place = self.weights[Field.ADDRESS], self.weights[Field.POSTCODE]
        self._home = [
            (home[a] if a != MISSING and implied(a, c) is not Field.ADDRESS else 0.0)
            + (place[c] if c != MISSING and implied(a, c) is not Field.POSTCODE else 0.0)
            for a in (MISSING, *range(len(home)))
            for c in (MISSING, *range(len(place)))
        ]

    def exact_name(self, f: Field, value: Name) -> float:
        """The weight of exact agreement on this name: log2(m / its frequency)."""
        known = self._tf[f]
        found = known.get(value)
        if found is None:
            m, u, counts = self._exact[f]
            frequency = (counts.get(value.compact, 0) + _TF_PRIOR_PUPILS * u) / (
                self._pupils + _TF_PRIOR_PUPILS
            )
            found = known[value] = math.log2(m / frequency)
        return found

    def field_weight(self, f: Field, level: int, e: Prepared, p: Prepared, levels: Levels) -> float:
        """This field's weight in the pair whose levels are `levels`."""
        if level == MISSING or implied(levels[4], levels[5]) is f:
            return 0.0
        if level == 0 and f in self._exact:
            # The value both sides share (with swapped names, the pupil's other name).
            return self.exact_name(f, e.forename if f is Field.FORENAME else e.surname)
        return self.weights[f][level]

    def levels(self, e: Prepared, p: Prepared) -> Levels:
        return self.comparer.levels(e, p)

    def weight(self, e: Prepared, p: Prepared) -> float:
        """The same as summing field_weight over levels(e, p), with the common cases quick:
        this runs for every candidate pair."""
        forename, surname, born, gender, _, _ = self._table
        total = self.prior
        fn, sn = self._names.get((e.names, p.names)) or self.comparer.names(e.names, p.names)
        if fn == 0:
            found = self._tf_forename.get(e.forename)
            total += found if found is not None else self.exact_name(Field.FORENAME, e.forename)
        elif fn > 0:
            total += forename[fn]
        if sn == 0:
            found = self._tf_surname.get(e.surname)
            total += found if found is not None else self.exact_name(Field.SURNAME, e.surname)
        elif sn > 0:
            total += surname[sn]
        if e.dob_ordinal and p.dob_ordinal:
            total += born[0 if e.dob_ordinal == p.dob_ordinal else dob_level(e, p)]
        if e.gender and p.gender:
            total += gender[0 if e.gender == p.gender else 1]
        a = address(e, p) if e.address.folded and p.address.folded else MISSING
        return total + self._home[(a + 1) * _HOME_ROW + postcode(e, p) + 1]

    def explained(self, e: Prepared, p: Prepared) -> tuple[float, Levels]:
        levels = self.levels(e, p)
        total = self.prior + sum(
            self.field_weight(f, level, e, p, levels)
            for f, level in zip(FIELDS, levels, strict=True)
        )
        return total, levels
