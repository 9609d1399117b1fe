"""The repeat trigger at its window's edges: so many episodes within so many months or days
call a multi-agency meeting, once per meeting (RULES.md §7)."""

from __future__ import annotations

from datetime import date

import pytest

from cme.episodes.triggers import RepeatRule, WindowUnit, repeat_triggers
from cme.errors import InvalidField
from cme.policy import Policy

THREE_IN_THREE_MONTHS = RepeatRule()
THREE_IN_30_DAYS = RepeatRule(episodes=3, length=30, unit=WindowUnit.DAYS)


@pytest.mark.parametrize(
    ("last", "start"),
    [
        (date(2026, 5, 15), date(2026, 2, 15)),
        # Month ends clamp to the shorter month, leap years included.
        (date(2026, 5, 31), date(2026, 2, 28)),
        (date(2028, 5, 31), date(2028, 2, 29)),
        (date(2026, 11, 30), date(2026, 8, 30)),
        # Across the new year.
        (date(2026, 1, 15), date(2025, 10, 15)),
        (date(2026, 3, 31), date(2025, 12, 31)),
        (date(2026, 2, 28), date(2025, 11, 28)),
    ],
)
def test_a_months_window_starts_the_same_date_three_months_earlier(last: date, start: date) -> None:
    assert THREE_IN_THREE_MONTHS.window_start(last) == start


@pytest.mark.parametrize(
    ("length", "last", "start"),
    [
        (1, date(2026, 3, 31), date(2026, 2, 28)),
        (12, date(2026, 1, 15), date(2025, 1, 15)),
        (12, date(2028, 2, 29), date(2027, 2, 28)),
        (13, date(2026, 1, 15), date(2024, 12, 15)),
        (24, date(2026, 1, 31), date(2024, 1, 31)),
    ],
)
def test_other_month_lengths(length: int, last: date, start: date) -> None:
    assert RepeatRule(length=length).window_start(last) == start


def test_a_days_window_counts_both_ends() -> None:
    assert THREE_IN_30_DAYS.window_start(date(2026, 3, 30)) == date(2026, 3, 1)
    assert THREE_IN_30_DAYS.window_start(date(2026, 1, 10)) == date(2025, 12, 12)
    assert RepeatRule(length=1, unit=WindowUnit.DAYS).window_start(date(2026, 3, 30)) == date(
        2026, 3, 30
    )


@pytest.mark.parametrize(
    ("first", "fires"),
    [
        (date(2026, 2, 15), True),  # exactly three calendar months before the third
        (date(2026, 2, 14), False),  # one day more
    ],
)
def test_three_in_three_months_at_the_edge(first: date, fires: bool) -> None:
    reported = [first, date(2026, 4, 1), date(2026, 5, 15)]
    triggers = repeat_triggers(reported, [], THREE_IN_THREE_MONTHS)
    assert bool(triggers) is fires
    if fires:
        assert triggers[0].index == 2 and triggers[0].on == date(2026, 5, 15)
        assert triggers[0].counted == 3


@pytest.mark.parametrize(
    ("first", "last", "fires"),
    [
        (date(2026, 2, 28), date(2026, 5, 31), True),
        (date(2026, 2, 27), date(2026, 5, 31), False),
        (date(2028, 2, 29), date(2028, 5, 31), True),
        (date(2028, 2, 28), date(2028, 5, 31), False),
        (date(2025, 10, 15), date(2026, 1, 15), True),
        (date(2025, 10, 14), date(2026, 1, 15), False),
    ],
)
def test_month_end_and_new_year_edges(first: date, last: date, fires: bool) -> None:
    middle = first + (last - first) / 2
    assert bool(repeat_triggers([first, middle, last], [], THREE_IN_THREE_MONTHS)) is fires


@pytest.mark.parametrize(
    ("third", "fires"),
    [(date(2026, 3, 30), True), (date(2026, 3, 31), False)],
)
def test_three_in_30_days_counts_day_1_and_day_30_not_day_31(third: date, fires: bool) -> None:
    reported = [date(2026, 3, 1), date(2026, 3, 15), third]
    assert bool(repeat_triggers(reported, [], THREE_IN_30_DAYS)) is fires
    # The default window would count all three.
    assert repeat_triggers(reported, [], THREE_IN_THREE_MONTHS)


def test_three_episodes_on_one_day_count_as_three() -> None:
    day = date(2026, 6, 1)
    [trigger] = repeat_triggers([day, day, day], [], THREE_IN_30_DAYS)
    assert trigger.index == 2 and trigger.counted == 3


def test_two_episodes_never_fire_a_rule_of_three() -> None:
    assert repeat_triggers([date(2026, 6, 1), date(2026, 6, 2)], [], THREE_IN_30_DAYS) == []
    assert repeat_triggers([], [], THREE_IN_30_DAYS) == []


def test_each_episode_counts_towards_one_call_only() -> None:
    # The fourth and fifth are not another call; the sixth is the third since the first.
    reported = [date(2026, 6, d) for d in (1, 3, 5, 7, 9, 11)]
    first, second = repeat_triggers(reported, [], THREE_IN_30_DAYS)
    assert first.index == 2 and first.on == date(2026, 6, 5)
    assert second.index == 5 and second.on == date(2026, 6, 11) and second.counted == 3
    assert len(repeat_triggers(reported[:5], [], THREE_IN_30_DAYS)) == 1


def test_a_window_in_months_is_at_most_a_year() -> None:
    assert Policy(repeat_window_length=12).repeat_window_length == 12
    with pytest.raises(InvalidField, match="at most 12 months"):
        Policy(repeat_window_length=13)
    assert Policy(repeat_window_length=365, repeat_window_unit="days").repeat_window_length == 365


def test_after_a_meeting_only_later_episodes_count_towards_the_next() -> None:
    reported = [date(2026, 6, d) for d in (1, 3, 5, 8, 10, 12)]
    meeting = [date(2026, 6, 6)]
    first, second = repeat_triggers(reported, meeting, THREE_IN_30_DAYS)
    assert first.on == date(2026, 6, 5)
    # 8 and 10 June follow the meeting: with the three before they are five in the window,
    # but only three after the meeting fire the next.
    assert second.index == 5 and second.on == date(2026, 6, 12) and second.counted == 3
    assert len(repeat_triggers(reported[:5], meeting, THREE_IN_30_DAYS)) == 1


def test_an_episode_on_the_day_of_the_meeting_does_not_count_towards_the_next() -> None:
    reported = [date(2026, 6, d) for d in (1, 3, 5, 6, 8, 10)]
    meeting = [date(2026, 6, 6)]
    triggers = repeat_triggers(reported, meeting, THREE_IN_30_DAYS)
    assert [t.on for t in triggers] == [date(2026, 6, 5)]


def test_a_meeting_held_before_any_trigger_resets_the_count() -> None:
    # A meeting called by hand (one very high-risk episode) counts as held.
    reported = [date(2026, 6, 1), date(2026, 6, 3), date(2026, 6, 8), date(2026, 6, 9)]
    assert repeat_triggers(reported, [date(2026, 6, 4)], THREE_IN_30_DAYS) == []
    more = [*reported, date(2026, 6, 10)]
    [trigger] = repeat_triggers(more, [date(2026, 6, 4)], THREE_IN_30_DAYS)
    assert trigger.on == date(2026, 6, 10) and trigger.counted == 3


def test_each_meeting_allows_one_more_trigger() -> None:
    reported = [date(2026, 1, d) for d in (1, 2, 3, 10, 11, 12, 20, 21, 22)]
    meetings = [date(2026, 1, 5), date(2026, 1, 15)]
    triggers = repeat_triggers(reported, meetings, THREE_IN_THREE_MONTHS)
    assert [t.on for t in triggers] == [date(2026, 1, 3), date(2026, 1, 12), date(2026, 1, 22)]
    # Meetings may be given in any order.
    assert repeat_triggers(reported, meetings[::-1], THREE_IN_THREE_MONTHS) == triggers


def test_the_meeting_is_due_within_a_week_of_the_trigger() -> None:
    reported = [date(2026, 12, 20), date(2026, 12, 24), date(2026, 12, 28)]
    [trigger] = repeat_triggers(reported, [], THREE_IN_THREE_MONTHS)
    assert trigger.meeting_due == date(2027, 1, 4)
    rule = RepeatRule(meeting_within_days=3)
    assert repeat_triggers(reported, [], rule)[0].meeting_due == date(2026, 12, 31)


def test_a_count_of_four_waits_for_the_fourth() -> None:
    rule = RepeatRule(episodes=4, length=30, unit=WindowUnit.DAYS)
    reported = [date(2026, 6, d) for d in (1, 3, 5, 7)]
    [trigger] = repeat_triggers(reported, [], rule)
    assert trigger.index == 3 and trigger.counted == 4
    assert repeat_triggers(reported[:3], [], rule) == []


def test_the_rule_in_words() -> None:
    assert THREE_IN_THREE_MONTHS.words == "3 episodes in 3 months"
    assert THREE_IN_30_DAYS.words == "3 episodes in 30 days"
    assert RepeatRule(length=1).words == "3 episodes in 1 month"
    assert RepeatRule(length=1, unit=WindowUnit.DAYS).words == "3 episodes in 1 day"


def test_an_older_episode_arriving_late_calls_no_second_meeting() -> None:
    # T1-T3 (1-3 March) called a meeting at T3; T0 (28 February) arrives later, first in order.
    reported = [date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    assert repeat_triggers(reported, [], THREE_IN_THREE_MONTHS, called=[3]) == []
    # Without the meeting called already, the same episodes call one, at the third.
    [trigger] = repeat_triggers(reported, [], THREE_IN_THREE_MONTHS)
    assert trigger.index == 2


def test_episodes_outside_a_called_meetings_window_still_call_their_own() -> None:
    # A meeting called in June took June's episodes; three in January (a late import of
    # history, more than 3 months before) call their own.
    reported = [date(2026, 1, d) for d in (5, 6, 7)] + [date(2026, 6, d) for d in (1, 2, 3)]
    [trigger] = repeat_triggers(reported, [], THREE_IN_THREE_MONTHS, called=[5])
    assert trigger.on == date(2026, 1, 7)
