"""Tiny registers for rule tests: each day is two mark symbols (AM, PM), weekdays only."""

from __future__ import annotations

from datetime import date, timedelta

from cme.attendance import PupilMarks
from cme.timeline import Session, academic_year, blank_year, position, school_calendar, school_days

MONDAY = date(2025, 1, 6)


def weekdays(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build(
    pairs: list[str], start: date = MONDAY, school_open: set[int] | None = None
) -> tuple[PupilMarks, list[date], list[date]]:
    """(the pupil's marks, the school days, the weekdays used). A classmate present on every
    day not closed (`##`) keeps the school open, as a real register would; on the days
    indexed in `school_open` the classmate is present even where the pupil has `##`."""
    school_open = school_open or set()
    days = weekdays(start, len(pairs))
    years = {academic_year(d) for d in days}
    pupil = {y: list(blank_year(y)) for y in years}
    classmate = {y: list(blank_year(y)) for y in years}
    for day, pair in zip(days, pairs, strict=True):
        y = academic_year(day)
        for session, symbol in zip(Session, pair, strict=True):
            pupil[y][position(day, session)] = symbol
            closed = pair == "##" and (day - start).days not in _offsets(start, school_open)
            classmate[y][position(day, session)] = "#" if closed else "/"
    marks = {y: "".join(v) for y, v in pupil.items()}
    calendars = {y: school_calendar(y, ["".join(pupil[y]), "".join(classmate[y])]) for y in years}
    open_days = sorted(d for y in years for d in school_days(y, calendars[y]))
    return PupilMarks(marks), open_days, days


def _offsets(start: date, indices: set[int]) -> set[int]:
    days = weekdays(start, max(indices) + 1) if indices else []
    return {(days[i] - start).days for i in indices}
