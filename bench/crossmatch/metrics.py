"""What a linker proposed, scored against the known truth.

Every linker hands back rows (pupil, episode, score, band) and, where it can say, the pairs
its candidate search let through. Precision and recall are of pairs: an `auto` row is right
when its pupil is the episode's true one; the recall of a band is the share of episodes that
have a true pupil whose true pair is in that band (or, for `auto`+`review`, in either).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

AUTO = "auto"
REVIEW = "review"


@dataclass(frozen=True)
class Row:
    pupil_id: str
    episode_id: str
    score: float
    band: str


@dataclass
class KindScores:
    episodes: int = 0
    auto: int = 0
    either: int = 0
    wrong_auto: int = 0


@dataclass
class Scores:
    episodes: int
    matching: int
    candidate_recall: float | None
    auto_precision: float | None
    auto_recall: float
    either_precision: float | None
    either_recall: float
    review_per_1000: float
    auto_rows: int
    review_rows: int
    wrong_auto: int
    episodes_with_two_autos: int
    kinds: dict[str, KindScores] = field(default_factory=dict)


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def score(
    rows: list[Row],
    candidates: set[tuple[str, str]] | None,
    truth: dict[str, str | None],
    kinds: dict[str, set[str]],
) -> Scores:
    matching = [episode for episode, pupil in truth.items() if pupil is not None]
    autos = [row for row in rows if row.band == AUTO]
    either = [row for row in rows if row.band in (AUTO, REVIEW)]
    right_auto = {row.episode_id for row in autos if truth.get(row.episode_id) == row.pupil_id}
    wrong_auto = {row.episode_id for row in autos if truth.get(row.episode_id) != row.pupil_id}
    right_either = {row.episode_id for row in either if truth.get(row.episode_id) == row.pupil_id}
    candidate_recall = None
    if candidates is not None:
        found = sum(1 for episode in matching if (truth[episode], episode) in candidates)
        candidate_recall = ratio(found, len(matching))
    per_kind: dict[str, KindScores] = {}
    for episode, tags in kinds.items():
        for tag in tags:
            kind = per_kind.setdefault(tag, KindScores())
            kind.episodes += 1
            kind.auto += episode in right_auto
            kind.either += episode in right_either
            kind.wrong_auto += episode in wrong_auto
    autos_per_episode = Counter(row.episode_id for row in autos)
    return Scores(
        episodes=len(truth),
        matching=len(matching),
        candidate_recall=candidate_recall,
        auto_precision=ratio(len(autos) - len(wrong_auto_rows(autos, truth)), len(autos)),
        auto_recall=len(right_auto) / len(matching) if matching else 0.0,
        either_precision=ratio(
            sum(1 for row in either if truth.get(row.episode_id) == row.pupil_id), len(either)
        ),
        either_recall=len(right_either) / len(matching) if matching else 0.0,
        review_per_1000=1000 * (len(either) - len(autos)) / len(truth) if truth else 0.0,
        auto_rows=len(autos),
        review_rows=len(either) - len(autos),
        wrong_auto=len(wrong_auto_rows(autos, truth)),
        episodes_with_two_autos=sum(1 for n in autos_per_episode.values() if n > 1),
        kinds=per_kind,
    )


def wrong_auto_rows(autos: list[Row], truth: dict[str, str | None]) -> list[Row]:
    return [row for row in autos if truth.get(row.episode_id) != row.pupil_id]


def banded(scored: list[tuple[str, str, float]], auto_from: float, review_from: float) -> list[Row]:
    """Bands for a linker that only gives a probability per pair (Splink, recordlinkage).

    As the cross-match does: an episode's best pupil is `auto` when its probability reaches
    `auto_from` (one `auto` per episode at most); every other pair from `review_from` up is
    `review`. Ties for best go to `review`, since picking one of them would be a guess.
    """
    by_episode: dict[str, list[tuple[float, str]]] = {}
    for pupil_id, episode_id, probability in scored:
        if probability >= review_from:
            by_episode.setdefault(episode_id, []).append((probability, pupil_id))
    rows: list[Row] = []
    for episode_id, pairs in by_episode.items():
        pairs.sort(key=lambda pair: (-pair[0], pair[1]))
        best = pairs[0][0]
        tied = len(pairs) > 1 and pairs[1][0] == best
        for rank, (probability, pupil_id) in enumerate(pairs):
            band = AUTO if rank == 0 and best >= auto_from and not tied else REVIEW
            rows.append(Row(pupil_id, episode_id, probability, band))
    return rows
