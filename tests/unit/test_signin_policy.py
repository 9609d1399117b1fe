from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cme.signin import MAX_FAILURES, WINDOW, locked_until, minutes_left

NOW = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)


def test_open_below_the_limit() -> None:
    failures = [NOW - timedelta(minutes=m) for m in range(MAX_FAILURES - 1)]
    assert locked_until(failures, NOW) is None


def test_locked_at_the_limit_until_the_window_passes() -> None:
    failures = [NOW - timedelta(minutes=m) for m in range(MAX_FAILURES)]
    until = locked_until(failures, NOW)
    assert until == NOW - timedelta(minutes=MAX_FAILURES - 1) + WINDOW
    assert locked_until(failures, until) is None
    assert minutes_left(until, NOW) == 11


def test_old_failures_do_not_count() -> None:
    failures = [NOW - WINDOW - timedelta(seconds=s) for s in range(10)]
    assert locked_until(failures, NOW) is None


@given(st.lists(st.integers(min_value=0, max_value=3600), max_size=20))
def test_lock_never_outlasts_the_window(seconds_ago: list[int]) -> None:
    failures = [NOW - timedelta(seconds=s) for s in seconds_ago]
    until = locked_until(failures, NOW)
    if until is not None:
        assert NOW < until <= NOW + WINDOW
        assert sum(1 for f in failures if NOW - f < WINDOW) >= MAX_FAILURES
