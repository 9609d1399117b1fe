"""The return interview's 72-hour deadline: elapsed hours from the return, whatever the
clocks do in between (RULES.md §7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cme.episodes.interview import (
    Interview,
    InterviewState,
    deadline_met,
    interview_due,
    interview_state,
)
from cme.timeline import LONDON

SECOND = timedelta(seconds=1)


def london(
    year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0, fold: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON, fold=fold)


def test_crossing_midnight_the_deadline_is_three_days_later_at_the_same_time() -> None:
    back = london(2026, 1, 12, 22, 30)  # a Monday night in winter
    due = interview_due(back)
    assert due.astimezone(LONDON) == london(2026, 1, 15, 22, 30)
    assert due - back == timedelta(hours=72)


def test_when_the_clocks_go_back_the_deadline_is_72_real_hours_not_the_same_clock_time() -> None:
    # Clocks go back at 02:00 BST on Sunday 25 October 2026: the Tuesday deadline is an hour
    # earlier by the clock than the Saturday return.
    back = london(2026, 10, 24, 10)
    due = interview_due(back)
    assert due.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 10, 27, 9)
    assert due.astimezone(UTC) - back.astimezone(UTC) == timedelta(hours=72)
    assert due.astimezone(UTC) == datetime(2026, 10, 27, 9, tzinfo=UTC)


def test_when_the_clocks_go_forward_the_deadline_is_an_hour_later_by_the_clock() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    back = london(2026, 3, 28, 10)
    due = interview_due(back)
    assert due.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 3, 31, 11)
    assert due.astimezone(UTC) - back.astimezone(UTC) == timedelta(hours=72)


def test_a_return_given_in_utc_has_the_same_deadline_as_in_london() -> None:
    back = london(2026, 10, 24, 10)
    assert interview_due(back.astimezone(UTC)) == interview_due(back)


@pytest.mark.parametrize(
    ("back", "deadline"),
    [
        (london(2026, 1, 12, 22, 30), london(2026, 1, 15, 22, 30)),
        (london(2026, 10, 24, 10), london(2026, 10, 27, 9)),
        (london(2026, 3, 28, 10), london(2026, 3, 31, 11)),
    ],
)
def test_done_at_the_deadline_is_in_time_and_a_second_later_is_late(
    back: datetime, deadline: datetime
) -> None:
    later = deadline + timedelta(days=5)
    on_time = interview_state(back, Interview(done_at=deadline), later)
    assert on_time is InterviewState.DONE_IN_TIME
    assert deadline_met(back, deadline, 72) is True
    late = interview_state(back, Interview(done_at=deadline + SECOND), later)
    assert late is InterviewState.DONE_LATE
    assert deadline_met(back, deadline + SECOND, 72) is False


def test_done_at_the_same_clock_time_after_the_clocks_go_back_is_an_hour_late() -> None:
    back = london(2026, 10, 24, 10)
    assert deadline_met(back, london(2026, 10, 27, 10), 72) is False
    assert deadline_met(back, london(2026, 10, 27, 9, 59), 72) is False
    assert deadline_met(back, london(2026, 10, 27, 9), 72) is True


def test_in_the_repeated_hour_the_later_of_the_two_clock_times_is_late() -> None:
    # Back at 01:30 BST on Thursday: due at 01:30 BST on Sunday 25 October, the first time
    # the clock shows 01:30 that night; the second 01:30 (GMT) is an hour late.
    back = london(2026, 10, 22, 1, 30)
    assert interview_due(back) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert deadline_met(back, london(2026, 10, 25, 1, 30, fold=0), 72) is True
    assert deadline_met(back, london(2026, 10, 25, 1, 30, fold=1), 72) is False


def test_waiting_is_due_until_the_deadline_and_overdue_a_second_after() -> None:
    back = london(2026, 10, 24, 10)
    deadline = london(2026, 10, 27, 9)
    assert interview_state(back, None, back) is InterviewState.DUE
    assert interview_state(back, None, deadline) is InterviewState.DUE
    assert interview_state(back, Interview(), deadline + SECOND) is InterviewState.OVERDUE
    # An interview offered but not held still waits.
    offered = Interview(offered_at=back + timedelta(hours=2), offered_by="CME officer")
    assert interview_state(back, offered, deadline + SECOND) is InterviewState.OVERDUE
    assert InterviewState.DUE.waiting and InterviewState.OVERDUE.waiting


def test_declined_is_neither_due_nor_overdue() -> None:
    back = london(2026, 10, 24, 10)
    declined = Interview(declined_at=back + timedelta(hours=30))
    state = interview_state(back, declined, back + timedelta(days=30))
    assert state is InterviewState.DECLINED
    assert not state.waiting
    assert deadline_met(back, None, 72) is None, "not known: no interview was held"


def test_an_interview_held_after_being_declined_counts_as_held() -> None:
    back = london(2026, 10, 24, 10)
    later = Interview(declined_at=back + timedelta(hours=1), done_at=back + timedelta(hours=40))
    assert interview_state(back, later, back + timedelta(days=9)) is InterviewState.DONE_IN_TIME


def test_a_child_not_yet_returned_has_no_deadline() -> None:
    now = london(2026, 10, 24, 10)
    assert interview_state(None, None, now) is InterviewState.NOT_RETURNED
    assert interview_state(None, Interview(done_at=now), now) is InterviewState.NOT_RETURNED
    assert not InterviewState.NOT_RETURNED.waiting
    assert deadline_met(None, now, 72) is None
    assert InterviewState.NOT_RETURNED.label == "Not yet returned"


def test_an_la_may_hold_itself_to_fewer_hours() -> None:
    back = london(2026, 10, 24, 10)
    assert interview_due(back, 48).astimezone(LONDON) == london(2026, 10, 26, 9)
    assert deadline_met(back, london(2026, 10, 26, 9), 48) is True
    assert deadline_met(back, london(2026, 10, 26, 9, 0, 1), 48) is False
    assert interview_state(back, None, london(2026, 10, 26, 9, 1), 48) is InterviewState.OVERDUE


def test_a_return_time_without_a_time_zone_is_refused() -> None:
    naive = datetime(2026, 10, 24, 10)
    with pytest.raises(ValueError, match="time zone"):
        interview_due(naive)
    with pytest.raises(ValueError, match="time zone"):
        interview_state(naive, None, london(2026, 10, 25, 10))
    with pytest.raises(ValueError, match="time zone"):
        deadline_met(naive, london(2026, 10, 25, 10), 72)
