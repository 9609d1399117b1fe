"""Candidates come from indexed keys, never from all pairs, and survive each kind of slip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cme.matching import Person
from cme.matching.blocking import Roll
from cme.matching.prepared import Prepared
from tests.unit.matching.roll import BACKGROUND

CHILD = Person(
    "P1", "Isabelle", "Fairweather", date(2012, 3, 8), "F", "9 Larch Walk, Millbrook", "MB2 6RS"
)
ROLL = [*BACKGROUND, CHILD]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"forename": "Izzy"},
        {"forename": "Isabele", "date_of_birth": date(2012, 3, 9)},
        {"surname": "Fairwether", "date_of_birth": date(2013, 3, 8)},
        {"forename": "Fairweather", "surname": "Isabelle"},
        {"forename": "Fairweather", "surname": "Isabelle", "date_of_birth": date(2012, 3, 18)},
        {"date_of_birth": date(2012, 8, 3)},
        {"date_of_birth": date(2012, 8, 3), "surname": "Fairwether"},
        {"date_of_birth": None},
        {"date_of_birth": None, "address": "", "postcode": ""},
        {"surname": "Fairweather-Khan"},
        {"surname": "Okoro", "address": "1 New Street", "postcode": "EC1 1AA"},
        {"forename": "Bella", "surname": "Okoro"},
        {"forename": "", "surname": "", "date_of_birth": None},
    ],
)
def test_the_child_is_a_candidate_despite_the_slip(changes: dict[str, object]) -> None:
    episode = Prepared(replace(CHILD, **{"id": "E1", **changes}))  # type: ignore[arg-type]
    roll = Roll(ROLL, [episode])
    assert len(ROLL) - 1 in roll.candidates(episode)


def test_candidates_are_few() -> None:
    episodes = [Prepared(replace(p, id=f"E{n}")) for n, p in enumerate(BACKGROUND[:200])]
    roll = Roll(ROLL, episodes)
    sizes = [len(roll.candidates(e)) for e in episodes]
    assert max(sizes) < len(ROLL) / 20
    assert all(n in roll.candidates(e) for n, e in enumerate(episodes))


def test_a_key_shared_by_very_many_pupils_is_skipped() -> None:
    estate = [replace(p, postcode="MB1 1AA") for p in BACKGROUND]
    episode = Prepared(Person("E1", "", "", None, "", "", "MB1 1AA"))
    assert len(Roll(estate, [episode], cap=5000).candidates(episode)) == len(estate)
    assert Roll(estate, [episode]).candidates(episode) == set()
