"""Which return interviews especially matter and why (RULES.md §7): missing 2+ times, harmed,
exploitation, risky contacts, crime while away, always for a looked-after child; Hampshire's
extra reasons only when the LA turns them on."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from cme.episodes.episode import Child, Episode, MissingFrom
from cme.episodes.interview import InterviewCriteria, especially_needed
from cme.timeline import LONDON

SEEN = datetime(2026, 6, 6, 10, tzinfo=LONDON)
PLAIN = Episode(
    force="Testshire Police",
    reference="MFH-100",
    reported_at=SEEN + timedelta(hours=2),
    child=Child("Ann", "Example"),
    last_seen_at=SEEN,
    returned_at=SEEN + timedelta(hours=5),
)
HAMPSHIRE = InterviewCriteria(hampshire=True)


def test_a_first_episode_with_nothing_known_is_not_marked_out() -> None:
    assert especially_needed(PLAIN, 1) == []
    assert especially_needed(PLAIN, 1, HAMPSHIRE) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"harmed": True}, "Hurt or harmed while away"),
        ({"exploitation_risk": True}, "At risk of exploitation or trafficking"),
        ({"risky_contacts": True}, "In contact with people posing a risk"),
        ({"crime_while_away": True}, "Involved in crime while away"),
        ({"looked_after": True}, "Looked after: always offered"),
        ({"missing_from": MissingFrom.CARE}, "Looked after: always offered"),
    ],
)
def test_each_statutory_reason(change: dict[str, object], reason: str) -> None:
    assert especially_needed(replace(PLAIN, **change), 1) == [reason]  # type: ignore[arg-type]


def test_missing_two_or_more_times() -> None:
    assert especially_needed(PLAIN, 2) == ["Missing 2 times"]
    assert especially_needed(PLAIN, 5) == ["Missing 5 times"]


def test_a_looked_after_child_is_always_marked_out_and_named_once() -> None:
    from_care = replace(PLAIN, looked_after=True, missing_from=MissingFrom.CARE)
    assert especially_needed(from_care, 1) == ["Looked after: always offered"]


def test_every_reason_together_in_order() -> None:
    everything = replace(
        PLAIN,
        looked_after=True,
        harmed=True,
        exploitation_risk=True,
        risky_contacts=True,
        crime_while_away=True,
        mental_health=True,
        returned_at=SEEN + timedelta(hours=30),
    )
    assert especially_needed(everything, 3, HAMPSHIRE) == [
        "Looked after: always offered",
        "Missing 3 times",
        "Hurt or harmed while away",
        "At risk of exploitation or trafficking",
        "In contact with people posing a risk",
        "Involved in crime while away",
        "Missing over 24 hours",
        "Known mental-health needs",
    ]


def test_hampshire_reasons_count_only_when_turned_on() -> None:
    long_away = replace(PLAIN, returned_at=SEEN + timedelta(hours=30), mental_health=True)
    assert especially_needed(long_away, 1) == []
    assert especially_needed(long_away, 1, InterviewCriteria(hampshire=False)) == []
    assert especially_needed(long_away, 1, HAMPSHIRE) == [
        "Missing over 24 hours",
        "Known mental-health needs",
    ]


def test_hampshire_long_missing_counts_from_last_seen_and_exactly_24_hours_is_not_over() -> None:
    exactly = replace(PLAIN, returned_at=SEEN + timedelta(hours=24))
    assert especially_needed(exactly, 1, HAMPSHIRE) == []
    over = replace(PLAIN, returned_at=SEEN + timedelta(hours=24, seconds=1))
    assert especially_needed(over, 1, HAMPSHIRE) == ["Missing over 24 hours"]
    # Without a last-seen time the count starts at the report, two hours later.
    unseen = replace(over, last_seen_at=None)
    assert especially_needed(unseen, 1, HAMPSHIRE) == []


def test_hampshire_long_missing_across_the_clock_change_is_in_real_hours() -> None:
    # Clocks go back on 25 October 2026: 09:30 on the Sunday is 24.5 hours after 10:00 Saturday.
    seen = datetime(2026, 10, 24, 10, tzinfo=LONDON)
    back = datetime(2026, 10, 25, 9, 30, tzinfo=LONDON)
    episode = replace(PLAIN, last_seen_at=seen, reported_at=seen, returned_at=back)
    assert especially_needed(episode, 1, HAMPSHIRE) == ["Missing over 24 hours"]


def test_hampshire_long_missing_needs_a_return() -> None:
    still_missing = replace(PLAIN, returned_at=None)
    assert especially_needed(still_missing, 1, HAMPSHIRE) == []
    # The return may be given apart from the episode (as recorded since).
    back = SEEN + timedelta(hours=40)
    assert especially_needed(still_missing, 1, HAMPSHIRE, returned_at=back) == [
        "Missing over 24 hours"
    ]


def test_an_la_may_set_its_own_long_missing_hours() -> None:
    criteria = InterviewCriteria(hampshire=True, long_missing_hours=4)
    assert especially_needed(PLAIN, 1, criteria) == ["Missing over 4 hours"]
