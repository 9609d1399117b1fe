"""A pupil's attendance laid out as month grids for the pupil page."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from cme.attendance import PupilMarks
from cme.marks import MISSING, NO_DATA, Category, category_of, code_for

CSS_CLASS = {
    Category.PRESENT: "m-present",
    Category.ATTENDING_ELSEWHERE: "m-elsewhere",
    Category.NOT_POSSIBLE: "m-notpossible",
    Category.AUTHORISED: "m-authorised",
    Category.UNAUTHORISED: "m-unauthorised",
    Category.NOT_ON_ROLL: "m-notonroll",
    Category.CLOSED: "m-closed",
}
LEGEND = [(CSS_CLASS[c], c.value) for c in Category] + [("m-missing", "missing mark")]


@dataclass(frozen=True)
class SessionCell:
    code: str
    css: str
    title: str


@dataclass(frozen=True)
class DayCell:
    day: date | None
    kind: str  # "school", "weekend", "closed", "none", "pad"
    am: SessionCell | None = None
    pm: SessionCell | None = None
    in_run: bool = False
    chosen: bool = False


@dataclass(frozen=True)
class Month:
    title: str
    weeks: list[list[DayCell]]


def _session(symbol: str) -> SessionCell | None:
    if symbol == NO_DATA:
        return None
    if symbol == MISSING:
        return SessionCell("?", "m-missing", "missing mark: the register was not completed")
    category = category_of(symbol)
    code = code_for(symbol) or "?"
    assert category is not None
    return SessionCell(code, CSS_CLASS[category], f"{code}: {category.value}")


def months(
    marks: PupilMarks,
    school_days: list[date],
    closed: set[date],
    run_since: date | None,
    run_until: date | None,
    chosen: date | None = None,
) -> list[Month]:
    """Month grids, Monday first, from the first to the last school day of the pupil's school."""
    if not school_days:
        return []
    first, last = school_days[0], school_days[-1]
    open_days = set(school_days)
    result = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row = []
            for day in week:
                if day.month != month:
                    row.append(DayCell(None, "pad"))
                elif day.weekday() >= 5:
                    row.append(DayCell(day, "weekend"))
                elif day in closed:
                    row.append(DayCell(day, "closed"))
                elif day in open_days:
                    am, pm = marks.day(day)
                    in_run = bool(run_since and run_until and run_since <= day <= run_until)
                    row.append(
                        DayCell(day, "school", _session(am), _session(pm), in_run, day == chosen)
                    )
                else:
                    row.append(DayCell(day, "none"))
            weeks.append(row)
        result.append(Month(date(year, month, 1).strftime("%B %Y"), weeks))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result
