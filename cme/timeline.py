"""Marks laid out in time: one string per pupil per academic year, one symbol per session.

Position 2*d is the morning and 2*d+1 the afternoon of day d of the academic year (1 Sept is
day 0), weekends included so that a date's position is plain arithmetic. The school calendar
is derived from all on-roll pupils' marks: a weekday is a school day when some pupil has a
mark other than `#` (closed) or `Z` (not on roll).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from cme.marks import CLOSED, NO_DATA, OPEN_SYMBOLS

# English schools keep UK time: "today", school days and scheduled jobs are all London's.
LONDON = ZoneInfo("Europe/London")


class Session(StrEnum):
    AM = "AM"
    PM = "PM"


def academic_year(day: date) -> int:
    """2024 for the year 1 Sept 2024 to 31 Aug 2025."""
    return day.year if day.month >= 9 else day.year - 1


def year_start(year: int) -> date:
    return date(year, 9, 1)


def days_in_year(year: int) -> int:
    return (year_start(year + 1) - year_start(year)).days


def blank_year(year: int) -> str:
    return NO_DATA * (2 * days_in_year(year))


def position(day: date, session: Session) -> int:
    """Where the session sits in its academic year's string."""
    return 2 * (day - year_start(academic_year(day))).days + (session is Session.PM)


def day_of(year: int, index: int) -> date:
    return year_start(year) + timedelta(days=index)


def apply(marks: str, updates: Mapping[int, str]) -> str:
    if not updates:
        return marks
    chars = list(marks)
    for pos, symbol in updates.items():
        chars[pos] = symbol
    return "".join(chars)


# Calendar strings hold one character per day of the academic year.
OPEN, SHUT, NONE = "O", "#", "."


def school_calendar(year: int, pupil_marks: Iterable[str]) -> str:
    """One character per day: O school day, # planned closure on a weekday, . neither."""
    width = 2 * days_in_year(year)
    # OR the pupils' "this session shows the school open" bits together as one big integer
    # per kind: a large school's year is then a few thousand integer operations, not millions.
    open_table = {ord(c): "0" for c in map(chr, range(256))}
    shut_table = dict(open_table)
    for symbol in OPEN_SYMBOLS:
        open_table[ord(symbol)] = "1"
    shut_table[ord(CLOSED)] = "1"
    open_bits = shut_bits = 0
    for marks in pupil_marks:
        open_bits |= int(marks.translate(open_table) or "0", 2)
        shut_bits |= int(marks.translate(shut_table) or "0", 2)
    opened = format(open_bits, f"0{width}b")
    shut = format(shut_bits, f"0{width}b")
    days = []
    start = year_start(year)
    for d in range(width // 2):
        weekday = (start + timedelta(days=d)).weekday() < 5
        if weekday and "1" in opened[2 * d : 2 * d + 2]:
            days.append(OPEN)
        elif weekday and "1" in shut[2 * d : 2 * d + 2]:
            days.append(SHUT)
        else:
            days.append(NONE)
    return "".join(days)


def school_days(year: int, calendar: str) -> list[date]:
    return days_marked(year, calendar, OPEN)


def closed_days(year: int, calendar: str) -> list[date]:
    return days_marked(year, calendar, SHUT)


def days_marked(year: int, calendar: str, kind: str) -> list[date]:
    start = year_start(year)
    return [start + timedelta(days=d) for d, c in enumerate(calendar) if c == kind]
