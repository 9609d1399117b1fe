"""The project's own cross-match (`cme.matching`), and a stand-in for testing the benchmark.

The stand-in links exact forename, surname and date of birth and nothing else; it is only
there to check the benchmark's own plumbing (`--stand-in`), never reported as the matcher.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.crossmatch.metrics import AUTO, Row
from cme.matching.records import Person


def link(pupils: list[Person], episodes: list[Person]) -> list[Row]:
    from cme.matching.match import match

    return [
        Row(p.pupil_id, p.episode_id, p.score, str(p.band.value)) for p in match(pupils, episodes)
    ]


def candidates(pupils: Sequence[Person], episodes: Sequence[Person]) -> set[tuple[str, str]]:
    """The pairs the matcher's candidate search lets through, measured apart from the timing.

    This reaches into the matcher's blocking, which is not part of its interface: if that
    changes shape, the benchmark says "not measured" rather than failing.
    """
    from cme.matching import blocking
    from cme.matching.prepared import Prepared

    cases = [Prepared(episode) for episode in episodes]
    roll = blocking.Roll(pupils, cases)
    found: set[tuple[str, str]] = set()
    for case in cases:
        for number in roll.candidates(case):
            found.add((pupils[number].id, case.person.id))
    return found


def stand_in(pupils: list[Person], episodes: list[Person]) -> list[Row]:
    def key(person: Person) -> tuple[str, str, object]:
        return (person.forename.casefold(), person.surname.casefold(), person.date_of_birth)

    by_key: dict[tuple[str, str, object], list[str]] = {}
    for pupil in pupils:
        if pupil.date_of_birth is not None:
            by_key.setdefault(key(pupil), []).append(pupil.id)
    rows = []
    for episode in episodes:
        found = by_key.get(key(episode), [])
        if len(found) == 1:
            rows.append(Row(found[0], episode.id, 1.0, AUTO))
    return rows
