"""A pair's match weight: the prior plus each field's log2(m/u), with exact name agreement
adjusted by how common the name is among the pupils (term frequency, as in Splink)."""

from __future__ import annotations

import math
from collections import Counter

from cme.matching.blocking import Roll
from cme.matching.compare import FIELDS, MISSING, Comparer, Field, Levels, address, postcode
from cme.matching.compare import date_of_birth as dob_level
from cme.matching.model import Model
from cme.matching.names import Name
from cme.matching.prepared import Prepared

# How many pupils' worth of belief the model's average frequency carries: a name held by one
# pupil of ten is not thereby as common as one held by 20,000 of 200,000.
_TF_PRIOR_PUPILS = 2_000


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
                Counter(n.forename.compact for n in roll.name_sets),
            ),
            Field.SURNAME: (
                model.m[Field.SURNAME][0],
                model.u[Field.SURNAME][0],
                Counter(n.surname.compact for n in roll.name_sets),
            ),
        }
        self._tf: dict[Field, dict[Name, float]] = {Field.FORENAME: {}, Field.SURNAME: {}}
        # Plain tuples for the hot path (an enum as a dictionary key hashes in Python).
        self._table = tuple(self.weights[f] for f in FIELDS)
        self._tf_forename = self._tf[Field.FORENAME]
        self._tf_surname = self._tf[Field.SURNAME]

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

    def field_weight(self, f: Field, level: int, e: Prepared, p: Prepared) -> float:
        if level == MISSING:
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
        forename, surname, born, gender, home, place = self._table
        total = self.prior
        fn, sn = self.comparer.names(e.names, p.names)
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
        if e.address.folded and p.address.folded:
            total += home[address(e, p)]
        if e.postcode and p.postcode:
            total += place[postcode(e, p)]
        return total

    def explained(self, e: Prepared, p: Prepared) -> tuple[float, Levels]:
        levels = self.levels(e, p)
        total = self.prior + sum(
            self.field_weight(f, level, e, p) for f, level in zip(FIELDS, levels, strict=True)
        )
        return total, levels
