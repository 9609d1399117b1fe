"""Which pupil, if any, each police episode is about.

For each episode: find the pupils sharing a blocking key with it (blocking.py), weigh each
pair with the Fellegi-Sunter model (model.py, scoring.py), then turn the weights into
probabilities across the episode's candidates together. An episode is about at most one
child, so candidates compete: P(pupil i) = o_i / (1 + Σ o_j), where o_j are the candidates'
odds and the 1 stands for "a child not on the roll". A twin whose sibling fits better loses
most of their probability to that sibling; two candidates that fit equally well share it, so
neither is linked without a person.

Bands: `auto` (linked without a person) only when the best candidate's probability reaches
the auto threshold, no other candidate is proposed at all, and the date of birth and both
names agree (a blank date of birth or name, or a "different" one, always goes to a person:
that is what tells twins and same-name children apart). Every other candidate reaching the
review threshold is proposed for `review`. The police record a child's episodes several
times, so one pupil may be proposed for many episodes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

from cme.matching.blocking import Roll
from cme.matching.compare import Comparer, Levels
from cme.matching.explain import FieldReason, reasons
from cme.matching.model import Model, estimate
from cme.matching.prepared import Prepared
from cme.matching.records import Person
from cme.matching.scoring import Scorer

__all__ = ["AUTO_THRESHOLD", "REVIEW_THRESHOLD", "Band", "FieldReason", "Proposal", "match"]

REVIEW_THRESHOLD = 0.005
AUTO_THRESHOLD = 0.99

# Levels that must agree for an automatic link: date of birth exact, day and month swapped
# or one digit out; neither name blank or different.
_AUTO_DOB = {0, 1, 2}
_NOT_AUTO_FORENAME = {-1, 7}
_NOT_AUTO_SURNAME = {-1, 6}


def _sure(levels: Levels) -> bool:
    """What must also hold for a link without a person: the date of birth and both names
    agree, and where the child lives does not contradict it (another postcode district, or
    another address without the same postcode): a family that moved, or another child of
    the same name and birthday elsewhere, is for a person to tell apart."""
    fn, sn, born, _, home, place = levels
    if born not in _AUTO_DOB or fn in _NOT_AUTO_FORENAME or sn in _NOT_AUTO_SURNAME:
        return False
    return place != 3 and not (home == 3 and place != 0)


class Band(StrEnum):
    AUTO = "auto"
    REVIEW = "review"


@dataclass(frozen=True)
class Proposal:
    pupil_id: str
    episode_id: str
    score: float  # the probability that the episode is about this pupil
    weight: float  # the match weight: log2 odds, the prior plus every field's weight
    band: Band
    reasons: tuple[FieldReason, ...]

    def words(self) -> str:
        """One line of plain English: how each field agreed and how much it counted."""
        return "; ".join(r.words() for r in self.reasons)


def match(
    pupils: Sequence[Person],
    episodes: Sequence[Person],
    *,
    model: Model | None = None,
    progress: Callable[[int, int], None] | None = None,
    review_threshold: float = REVIEW_THRESHOLD,
    auto_threshold: float = AUTO_THRESHOLD,
) -> list[Proposal]:
    """For each episode (in the order given), its candidate pupils at or above the review
    threshold, best first; at most one of them `auto`. Without a model, one is estimated
    from these pupils and episodes."""
    with _collector_paused():
        return _match(pupils, episodes, model, progress, review_threshold, auto_threshold)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Matching makes millions of small objects and no reference cycles; Python's cycle
    collector would walk them again and again (two to three times the work), so it waits
    until the matching is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _match(
    pupils: Sequence[Person],
    episodes: Sequence[Person],
    model: Model | None,
    progress: Callable[[int, int], None] | None,
    review_threshold: float,
    auto_threshold: float,
) -> list[Proposal]:
    cases = [Prepared(e) for e in episodes]
    roll = Roll(pupils, cases)
    comparer = Comparer()
    if model is None:
        model = estimate(roll, cases, comparer)
    scorer = Scorer(model, roll, comparer)
    found: list[Proposal] = []
    step = max(1, len(cases) // 100)
    for number, case in enumerate(cases, start=1):
        found += _for_episode(case, roll, scorer, review_threshold, auto_threshold)
        if progress is not None and (number % step == 0 or number == len(cases)):
            progress(number, len(cases))
    return found


def _for_episode(
    case: Prepared,
    roll: Roll,
    scorer: Scorer,
    review_threshold: float,
    auto_threshold: float,
) -> list[Proposal]:
    weight = scorer.weight
    scored = [(weight(case, roll[number]), number) for number in roll.candidates(case)]
    if not scored:
        return []
    # Probabilities across the candidates, shifted so that 2**x cannot overflow.
    shift = max(0.0, max(w for w, _ in scored))
    odds = [2.0 ** (w - shift) for w, _ in scored]
    whole = 2.0**-shift + sum(odds)
    chosen = sorted(
        (
            (o / whole, number)
            for o, (_, number) in zip(odds, scored, strict=True)
            if o / whole >= review_threshold
        ),
        key=lambda c: (-c[0], roll.people[c[1]].id),
    )
    proposals = []
    for rank, (score, number) in enumerate(chosen):
        pupil = roll[number]
        total, levels = scorer.explained(case, pupil)
        auto = rank == 0 and len(chosen) == 1 and score >= auto_threshold and _sure(levels)
        proposals.append(
            Proposal(
                pupil_id=pupil.person.id,
                episode_id=case.person.id,
                score=score,
                weight=round(total, 2),
                band=Band.AUTO if auto else Band.REVIEW,
                reasons=reasons(scorer, case, pupil, levels),
            )
        )
    return proposals
