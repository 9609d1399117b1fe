"""Escalations while a child is still missing: over 24 hours for any child, over 48 for a
looked-after child (RULES.md §7); none once the child is back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cme.episodes.episode import Child, Episode
from cme.episodes.triggers import Escalation, EscalationRule, escalations
from cme.timeline import LONDON

SINCE = datetime(2026, 6, 1, 21, 15, tzinfo=LONDON)
RULE = EscalationRule()
SECOND = timedelta(seconds=1)


def kinds(hours: timedelta, looked_after: bool, rule: EscalationRule = RULE) -> list[Escalation]:
    return [kind for kind, _ in escalations(SINCE, None, looked_after, SINCE + hours, rule)]


@pytest.mark.parametrize("looked_after", [False, True])
def test_exactly_24_hours_is_not_over_24(looked_after: bool) -> None:
    assert kinds(timedelta(hours=24), looked_after) == []
    assert kinds(timedelta(hours=24) + SECOND, looked_after) == [Escalation.MISSING_LONG]


def test_a_looked_after_child_escalates_again_after_48_hours() -> None:
    assert kinds(timedelta(hours=48), True) == [Escalation.MISSING_LONG]
    assert kinds(timedelta(hours=48) + SECOND, True) == [
        Escalation.LOOKED_AFTER_LONG,
        Escalation.MISSING_LONG,
    ]
    assert kinds(timedelta(days=10), False) == [Escalation.MISSING_LONG], "not looked after"


def test_the_words_say_what_to_do() -> None:
    found = dict(escalations(SINCE, None, True, SINCE + timedelta(hours=49), RULE))
    assert found[Escalation.MISSING_LONG] == "Missing over 24 hours"
    assert "over 48 hours" in found[Escalation.LOOKED_AFTER_LONG]
    assert "senior manager" in found[Escalation.LOOKED_AFTER_LONG]


def test_an_la_sets_its_own_hours() -> None:
    rule = EscalationRule(missing_hours=12, looked_after_hours=18)
    assert kinds(timedelta(hours=12), True, rule) == []
    assert kinds(timedelta(hours=13), True, rule) == [Escalation.MISSING_LONG]
    assert kinds(timedelta(hours=19), True, rule) == [
        Escalation.LOOKED_AFTER_LONG,
        Escalation.MISSING_LONG,
    ]
    found = dict(escalations(SINCE, None, True, SINCE + timedelta(hours=19), rule))
    assert found[Escalation.MISSING_LONG] == "Missing over 12 hours"


def test_a_returned_child_has_no_escalations() -> None:
    back = SINCE + timedelta(hours=60)
    assert escalations(SINCE, back, True, SINCE + timedelta(days=5), RULE) == []
    assert escalations(SINCE, back, False, SINCE + timedelta(days=5), RULE) == []


def test_hours_are_real_hours_across_the_clock_change() -> None:
    # Missing from 10:00 on Saturday 24 October 2026; clocks go back that night, so 09:30
    # on the Sunday is 24.5 hours later.
    since = datetime(2026, 10, 24, 10, tzinfo=LONDON)
    now = datetime(2026, 10, 25, 9, 30, tzinfo=LONDON)
    assert [k for k, _ in escalations(since, None, False, now, RULE)] == [Escalation.MISSING_LONG]
    # In spring the same clock times are only 22.5 hours apart.
    since = datetime(2026, 3, 28, 10, tzinfo=LONDON)
    now = datetime(2026, 3, 29, 9, 30, tzinfo=LONDON)
    assert escalations(since, None, False, now, RULE) == []


def test_london_and_utc_times_mix() -> None:
    now = (SINCE + timedelta(hours=25)).astimezone(UTC)
    assert [k for k, _ in escalations(SINCE, None, False, now, RULE)] == [Escalation.MISSING_LONG]


def test_missing_counts_from_last_seen_when_the_police_know_it() -> None:
    reported = datetime(2026, 6, 2, 9, tzinfo=LONDON)
    episode = Episode("Testshire Police", "MFH-1", reported, Child("Ann", "Example"))
    assert episode.missing_since == reported
    seen = Episode(
        "Testshire Police", "MFH-2", reported, Child("Ann", "Example"), last_seen_at=SINCE
    )
    assert seen.missing_since == SINCE
    now = SINCE + timedelta(hours=25)
    assert escalations(episode.missing_since, None, False, now, RULE) == []
    assert escalations(seen.missing_since, None, False, now, RULE)
