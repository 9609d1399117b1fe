"""The Fellegi-Sunter model: how much each kind of agreement on each field counts.

For each field and each comparison level (compare.py) the model holds two probabilities:
m, how often the level is seen when the two records are the same child, and u, how often
it is seen when they are not. Agreeing at that level multiplies the odds that the records
are the same child by m/u; its weight is log2(m/u) bits, positive for evidence for, negative
against. A missing value counts nothing either way. The prior is the share of episodes whose
child is on the roll at all (`match_rate`), spread evenly over the pupils.

Why this model rather than hand-set points: each weight is a likelihood ratio learned from
the data's own error rates and frequencies (how often the police misspell a forename, how
often two unrelated children share a postcode district), so the score is a probability a
person can reason about, every field's contribution can be shown on its own (“date of birth:
day and month swapped, +5.2”), and the same model adapts to a county of villages or a city
of tower blocks. It is the model Splink implements, estimated the way Splink estimates it:

- u from random pairs (almost all random pairs are different children), and, for levels
  that are plain equality of a value (same date of birth, same postcode), exactly from how
  often each value occurs;
- m by expectation-maximisation on the blocked candidate pairs, in two sessions so that no
  field is learned from pairs chosen for agreeing on it: pairs with the same date of birth
  teach the names, pairs with the same names teach the date of birth; both teach gender,
  address and postcode. The default model's values act as a prior (a few pseudo-pairs), so a
  small file cannot drive a weight to an extreme.

Exact agreement on a forename or surname is further adjusted by the name's frequency among
the pupils (term-frequency adjustment, as in Splink): sharing "Smith" counts less than
sharing "Oyelaran-Whitcombe". That happens at scoring time (scoring.py), as frequencies
belong to the roll, not to the model.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from cme.matching.blocking import Roll
from cme.matching.compare import FIELDS, LEVELS, MISSING, Comparer, Field
from cme.matching.prepared import Prepared, swapped_day_month
from cme.matching.records import Person

_DEFAULT_M: dict[Field, tuple[float, ...]] = {
    Field.FORENAME: (0.86, 0.01, 0.05, 0.02, 0.03, 0.01, 0.01, 0.01),
    Field.SURNAME: (0.86, 0.04, 0.02, 0.03, 0.01, 0.01, 0.03),
    Field.DATE_OF_BIRTH: (0.92, 0.025, 0.03, 0.015, 0.01),
    Field.GENDER: (0.98, 0.02),
    Field.ADDRESS: (0.72, 0.03, 0.03, 0.22),
    Field.POSTCODE: (0.72, 0.03, 0.06, 0.19),
}
_DEFAULT_U: dict[Field, tuple[float, ...]] = {
    Field.FORENAME: (0.01, 0.00002, 0.002, 0.0005, 0.002, 0.002, 0.02, 0.96348),
    Field.SURNAME: (0.004, 0.0002, 0.0001, 0.001, 0.002, 0.02, 0.9727),
    Field.DATE_OF_BIRTH: (0.0002, 0.0001, 0.001, 0.004, 0.9947),
    Field.GENDER: (0.5, 0.5),
    Field.ADDRESS: (0.0001, 0.001, 0.0005, 0.9984),
    Field.POSTCODE: (0.0001, 0.002, 0.02, 0.9779),
}

# How many pairs' worth of belief the default values carry when estimating from data.
_PRIOR_MATCHES = 20.0
_PRIOR_PAIRS = 20_000.0
_PRIOR_SAMPLED = 2_000.0
# Sample sizes: enough for every level seen more than one time in a thousand, and quick.
_U_SAMPLE = 30_000
_U_PUPILS = 5_000
_EM_EPISODES = 800
_EM_ROUNDS = 25


@dataclass(frozen=True)
class Model:
    m: dict[Field, tuple[float, ...]] = field(default_factory=lambda: dict(_DEFAULT_M))
    u: dict[Field, tuple[float, ...]] = field(default_factory=lambda: dict(_DEFAULT_U))
    # The share of episodes whose child is among the pupils.
    match_rate: float = 0.7

    def weights(self) -> dict[Field, tuple[float, ...]]:
        """log2(m/u) per field and level."""
        return {
            f: tuple(math.log2(m / u) for m, u in zip(self.m[f], self.u[f], strict=True))
            for f in FIELDS
        }

    def prior_weight(self, pupils: int) -> float:
        """log2 of the prior odds that an episode is about one given pupil of `pupils`."""
        rate = min(max(self.match_rate, 0.01), 0.99)
        return math.log2(rate / (max(pupils, 1) * (1 - rate)))

    def as_dict(self) -> dict[str, object]:
        """A plain form (JSON-ready) to keep a model; `from_dict` reads it back."""
        return {
            "match_rate": self.match_rate,
            "m": {f.value: list(v) for f, v in self.m.items()},
            "u": {f.value: list(v) for f, v in self.u.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Model:
        def table(raw: object) -> dict[Field, tuple[float, ...]]:
            assert isinstance(raw, dict)
            return {f: tuple(float(x) for x in raw[f.value]) for f in FIELDS}

        rate = data["match_rate"]
        assert isinstance(rate, int | float)
        return cls(m=table(data["m"]), u=table(data["u"]), match_rate=float(rate))

    @classmethod
    def estimate(cls, pupils: Sequence[Person], episodes: Sequence[Person], seed: int = 0) -> Model:
        """Learn u from random pairs and m by EM on blocked pairs (see the module's note)."""
        cases = [Prepared(e) for e in episodes]
        return estimate(Roll(pupils, cases), cases, seed=seed)


def estimate(
    roll: Roll, episodes: Sequence[Prepared], comparer: Comparer | None = None, seed: int = 0
) -> Model:
    if not len(roll) or not episodes:
        return Model()
    comparer = comparer or Comparer()
    rng = random.Random(seed)  # noqa: S311  (sampling, not secrets)
    # Value frequencies and random pairs from a sample of the roll keep a large roll quick.
    chosen = range(len(roll))
    if len(roll) > _U_PUPILS:
        chosen = sorted(rng.sample(chosen, _U_PUPILS))  # type: ignore[assignment]
    u = _estimate_u([roll[j] for j in chosen], episodes, comparer, rng)
    sample = list(episodes)
    if len(sample) > _EM_EPISODES:
        sample = rng.sample(sample, _EM_EPISODES)

    def pairs(find: Callable[[Prepared], Iterable[int]]) -> Counter[tuple[int, ...]]:
        return Counter(comparer.levels(e, roll[j]) for e in sample for j in find(e))

    by_dob = _em(pairs(roll.same_date_of_birth), u, skip={Field.DATE_OF_BIRTH})
    by_names = _em(pairs(roll.same_names), u, skip={Field.FORENAME, Field.SURNAME})
    m = dict(_DEFAULT_M)
    for f in FIELDS:
        if f in (Field.FORENAME, Field.SURNAME):
            m[f] = by_dob.m[f]
        elif f is Field.DATE_OF_BIRTH:
            m[f] = by_names.m[f]
        else:
            m[f] = _normalised([a + b for a, b in zip(by_dob.m[f], by_names.m[f], strict=True)])
    # The same-date-of-birth pairs hold the matches whose date agrees exactly; scaled up by how
    # often the date agrees in a match, that is how many episodes have their child here.
    dated = sum(e.dob is not None for e in sample)
    rate = by_dob.matches / (m[Field.DATE_OF_BIRTH][0] * dated) if dated else 0.7
    return Model(m=m, u=u, match_rate=min(max(rate, 0.05), 0.95))


def _normalised(values: Sequence[float]) -> tuple[float, ...]:
    total = sum(values)
    return tuple(v / total for v in values)


def _estimate_u(
    pupils: Sequence[Prepared],
    episodes: Sequence[Prepared],
    comparer: Comparer,
    rng: random.Random,
) -> dict[Field, tuple[float, ...]]:
    seen = {f: [0] * len(LEVELS[f]) for f in FIELDS}
    for _ in range(min(_U_SAMPLE, len(pupils) * len(episodes))):
        levels = comparer.levels(rng.choice(episodes), rng.choice(pupils))
        for f, level in zip(FIELDS, levels, strict=True):
            if level != MISSING:
                seen[f][level] += 1
    # Levels that are plain equality of one value: exactly, from the values' frequencies.
    exact: dict[Field, dict[int, float | None]] = {
        Field.FORENAME: {0: _agreement(pupils, episodes, lambda r: r.forename.compact)},
        Field.SURNAME: {0: _agreement(pupils, episodes, lambda r: r.surname.compact)},
        Field.DATE_OF_BIRTH: {
            0: _agreement(pupils, episodes, lambda r: r.dob),
            1: _agreement(pupils, episodes, lambda r: r.dob, lambda r: _swapped(r)),
        },
        Field.POSTCODE: _nested(
            _agreement(pupils, episodes, lambda r: r.postcode.full),
            _agreement(pupils, episodes, lambda r: r.postcode.sector),
            _agreement(pupils, episodes, lambda r: r.postcode.district),
        ),
        Field.ADDRESS: _nested(
            _agreement(pupils, episodes, lambda r: r.address.house + "|" + r.address.street),
            _agreement(pupils, episodes, lambda r: r.address.street),
        ),
    }
    u: dict[Field, tuple[float, ...]] = {}
    # Each estimate is weighed against the default by how many pairs it rests on.
    known = len(pupils) * len(episodes)
    for f in FIELDS:
        counts, total = seen[f], sum(seen[f])
        rates = [
            (c + _PRIOR_SAMPLED * p) / (total + _PRIOR_SAMPLED)
            for c, p in zip(counts, _DEFAULT_U[f], strict=True)
        ]
        for level, rate in exact.get(f, {}).items():
            if rate is None:
                continue
            default = _DEFAULT_U[f][level]
            rates[level] = (rate * known + default * _PRIOR_PAIRS) / (known + _PRIOR_PAIRS)
        last = len(rates) - 1
        rates[last] = max(1.0 - sum(rates[:last]), 0.5)
        u[f] = _normalised([max(r, 1e-7) for r in rates])
    return u


def _swapped(r: Prepared) -> object:
    return swapped_day_month(r.dob) if r.dob else None


def _agreement(
    pupils: Sequence[Prepared],
    episodes: Sequence[Prepared],
    value: Callable[[Prepared], Hashable],
    other: Callable[[Prepared], Hashable] | None = None,
) -> float | None:
    """The share of (episode, pupil) pairs, both known, where the pupil's value equals the
    episode's (or the episode's `other` value)."""
    held: Counter[Hashable] = Counter(v for p in pupils if (v := value(p)))
    known_episodes = [e for e in episodes if value(e)]
    if not held or not known_episodes:
        return None
    other = other or value
    agree = 0
    for e in known_episodes:
        if key := other(e):
            agree += held[key]
    return agree / (sum(held.values()) * len(known_episodes))


def _nested(*rates: float | None) -> dict[int, float | None]:
    """Levels as differences of nested agreements (same sector includes same postcode)."""
    out: dict[int, float | None] = {}
    before = 0.0
    for level, rate in enumerate(rates):
        if rate is None:
            return {}
        out[level] = max(rate - before, 0.0)
        before = rate
    return out


@dataclass
class _Fit:
    m: dict[Field, tuple[float, ...]]
    matches: float


def _em(
    patterns: Counter[tuple[int, ...]], u: dict[Field, tuple[float, ...]], skip: set[Field]
) -> _Fit:
    fields = [(i, f) for i, f in enumerate(FIELDS) if f not in skip]
    m = {f: _DEFAULT_M[f] for f in FIELDS}
    total = sum(patterns.values())
    if not total:
        return _Fit(m, 0.0)
    share = 0.01
    matches = 0.0
    for _ in range(_EM_ROUNDS):
        tally = {f: [_PRIOR_MATCHES * p for p in _DEFAULT_M[f]] for _, f in fields}
        matches = 0.0
        for pattern, count in patterns.items():
            odds = share / (1 - share)
            for i, f in fields:
                level = pattern[i]
                if level != MISSING:
                    odds *= m[f][level] / u[f][level]
            belief = count * odds / (1 + odds)
            matches += belief
            for i, f in fields:
                if pattern[i] != MISSING:
                    tally[f][pattern[i]] += belief
        share = min(max(matches / total, 1e-6), 1 - 1e-6)
        for _, f in fields:
            m[f] = _normalised(tally[f])
    return _Fit(m, matches)
