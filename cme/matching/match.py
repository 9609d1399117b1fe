"""Which pupil, if any, each police episode is about.

For each episode: find the pupils sharing a blocking key with it (blocking.py), weigh each
pair with the Fellegi-Sunter model (model.py, scoring.py), then turn the weights into
probabilities across the episode's candidates together. An episode is about at most one
child, so candidates compete: P(pupil i) = o_i / (1 + Σ o_j), where o_j are the candidates'
odds and the 1 stands for "a child not on the roll". A twin whose sibling fits better loses
most of their probability to that sibling; two candidates that fit equally well share it, so
neither is linked without a person.

Bands: `auto` (linked without a person) only for the best candidate, when no other candidate
is proposed at all, the child's own details are confirmed and the probability is high enough
(bands.py says exactly when, and why that rule). Every other candidate reaching the review
threshold is proposed for `review`. Each proposal says in words why it is or is not `auto`.
The police record a child's episodes several times, so one pupil may be proposed for many
episodes.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum

from cme.matching.bands import runner_up, verdict
from cme.matching.blocking import Roll
from cme.matching.compare import Comparer
from cme.matching.explain import FieldReason, reasons
from cme.matching.model import Model, estimate
from cme.matching.prepared import Prepared
from cme.matching.records import Person
from cme.matching.scoring import Scorer

__all__ = ["AUTO_THRESHOLD", "REVIEW_THRESHOLD", "Band", "FieldReason", "Proposal", "match"]

REVIEW_THRESHOLD = 0.005
AUTO_THRESHOLD = 0.99


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
    # In words, why the pair is linked without a person or why a person must decide.
    why: str = ""

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
    # The police often record a child's episodes with the very same details: those have the
    # very same proposals, found once.
    proposed: dict[Person, list[Proposal]] = {}
    for number, case in enumerate(cases, start=1):
        details = replace(case.person, id="")
        same = proposed.get(details)
        if same is None:
            same = proposed[details] = _for_episode(
                case, roll, scorer, review_threshold, auto_threshold
            )
            found += same
        else:
            found += (replace(p, episode_id=case.person.id) for p in same)
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
    weight, ready, prepare = scorer.weight, roll.ready, roll.__getitem__
    scored = [
        (weight(case, ready[number] or prepare(number)), number) for number in roll.candidates(case)
    ]
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
        decided = (
            verdict(levels, score, len(chosen) == 1, auto_threshold)
            if rank == 0
            else runner_up(score)
        )
        proposals.append(
            Proposal(
                pupil_id=pupil.person.id,
                episode_id=case.person.id,
                score=score,
                weight=round(total, 2),
                band=Band.AUTO if decided.auto else Band.REVIEW,
                reasons=reasons(scorer, case, pupil, levels),
                why=decided.why,
            )
        )
    return proposals
