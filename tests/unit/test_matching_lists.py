"""The cross-check lists' rules (cme.matching_lists): which marks are absent or present, when
an episode covers a session (British Summer Time and Greenwich Mean Time), the weeks an
episode falls in, part-day absences and unexplained runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cme.marks import BY_CODE
from cme.matching_lists import (
    ABSENT,
    ATTENDED,
    MARKED_PRESENT,
    POSSIBLE,
    attendance_percent,
    longest_run,
    missing_at,
    part_day,
    session_moment,
    unexplained_day,
    week_of,
)
from cme.timeline import LONDON, Session


def s(code: str) -> str:
    return BY_CODE[code].symbol


def test_absent_and_present_marks_never_overlap_and_leave_out_the_not_possible() -> None:
    assert not ABSENT & MARKED_PRESENT
    for code in ("N", "O", "G", "I", "M", "E", "C2"):
        assert s(code) in ABSENT, code
    for code in ("/", "\\", "L", "U", "K", "V", "B"):
        assert s(code) in MARKED_PRESENT, code
    for code in ("X", "Y1", "D", "Z", "#"):
        assert s(code) not in ABSENT | MARKED_PRESENT | POSSIBLE, code
    # A late arrival after the register closed was in school, but is not attendance.
    assert s("U") in POSSIBLE and s("U") not in ATTENDED


def test_sessions_are_read_at_london_registration_times() -> None:
    assert session_moment(date(2024, 10, 8), Session.AM) == datetime(2024, 10, 8, 8, tzinfo=UTC)
    assert session_moment(date(2024, 12, 3), Session.PM) == datetime(
        2024, 12, 3, 13, 30, tzinfo=UTC
    )


def test_an_episode_covers_a_session_from_the_report_until_the_return() -> None:
    am = session_moment(date(2024, 10, 9), Session.AM)
    reported = datetime(2024, 10, 8, 7, tzinfo=LONDON)
    assert missing_at(reported, None, am)
    assert missing_at(reported, datetime(2024, 10, 9, 12, tzinfo=LONDON), am)
    assert not missing_at(reported, datetime(2024, 10, 9, 8, 59, tzinfo=LONDON), am)
    assert missing_at(am, None, am)  # reported at registration: missing then
    assert not missing_at(datetime(2024, 10, 9, 9, 1, tzinfo=LONDON), None, am)


def test_weeks_run_monday_to_monday_in_london() -> None:
    start, end = week_of(date(2024, 10, 30))  # the clocks went back on Sunday 27 October
    assert start == datetime(2024, 10, 28, tzinfo=LONDON)
    assert end == datetime(2024, 11, 4, tzinfo=LONDON)
    assert week_of(date(2024, 11, 3)) == (start, end)


def test_part_day_is_one_session_unexplained_and_the_other_in_school() -> None:
    assert part_day(s("N"), s("\\"))
    assert part_day(s("/"), s("O"))
    assert part_day(s("L"), s("N"))
    assert not part_day(s("N"), s("N"))
    assert not part_day(s("I"), s("\\"))
    assert not part_day(s("N"), "?")


def test_unexplained_runs_pass_over_days_with_no_mark() -> None:
    assert unexplained_day(s("N"), s("O")) is True
    assert unexplained_day(s("N"), "#") is True
    assert unexplained_day(" ", " ") is None
    assert unexplained_day(s("N"), s("/")) is False
    week = [(s("N"), s("N")), (" ", " "), (s("O"), s("O")), (s("/"), s("\\")), (s("N"), s("N"))]
    assert longest_run(week) == 2
    assert longest_run([]) == 0


def test_attendance_percent() -> None:
    assert attendance_percent(25, 29) == 86.2
    assert attendance_percent(0, 0) is None
