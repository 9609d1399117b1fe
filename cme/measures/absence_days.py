"""The facts kept from each register for the partnership's figures: for every day on which a
pupil has an unexplained (N or O) session, how many such sessions, whether it was a part-day
absence, and which unexplained absence run the day belongs to.

Marks are one string per pupil and year, so counting them over a period in SQL would unpack
every pupil's year on every view; these rows are written with the marks (at import) and the
dashboard only adds them up. The rules are the cross-check lists' own
(`cme.matching_lists`): a run is school days on which every marked session is N or O, a day
with no mark neither counting nor breaking it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from cme.matching_lists import NEUTRAL_MARKS, UNEXPLAINED, part_day
from cme.timeline import year_start


@dataclass(frozen=True)
class AbsenceDay:
    day: date
    sessions: int  # unexplained sessions that day: 1 or 2
    part_day: bool  # one session N or O, the other in school
    run_start: date | None  # the first day of the run this day is part of; None: not a run day
    run_end: date | None = None  # the run's last day
    run_length: int = 0  # the run's days (days with no mark do not count)

    @property
    def week(self) -> date:
        return self.day - timedelta(days=self.day.weekday())


# Each session as one letter: U unexplained, K any other mark that breaks a run, and "."
# for no mark (which neither counts nor breaks); the year is then searched in C, not stepped
# through a day at a time in Python.
_CLASS = {ord(c): "K" for c in map(chr, range(256))}
_CLASS.update({ord(s): "." for s in NEUTRAL_MARKS if len(s) == 1})
_CLASS.update({ord(s): "U" for s in UNEXPLAINED if len(s) == 1})


def absence_days(year: int, marks: str) -> list[AbsenceDay]:
    """The days of one pupil's academic year that carry an unexplained session, in order,
    each run day with its run's first and last day and length: a figure over a period reads a
    run that lies wholly inside it from any one of its days."""
    classes = marks.translate(_CLASS)
    if "U" not in classes:
        return []
    start = year_start(year)
    found: list[AbsenceDay] = []
    runs: dict[date, list[date]] = {}
    run_start: date | None = None
    last_run_day = -1
    for index in sorted({at // 2 for at in _positions(classes)}):
        day = start + timedelta(days=index)
        am, pm = marks[2 * index], marks[2 * index + 1]
        carries = "K" not in classes[2 * index : 2 * index + 2]
        if not carries:
            run_start = None  # one session in school, or explained: the run is broken
        elif run_start is None or "K" in classes[2 * (last_run_day + 1) : 2 * index]:
            run_start = day  # a day in school (or explained) since the last run day
        if carries:
            assert run_start is not None
            runs.setdefault(run_start, []).append(day)
            last_run_day = index
        sessions = (am in UNEXPLAINED) + (pm in UNEXPLAINED)
        found.append(AbsenceDay(day, sessions, part_day(am, pm), run_start if carries else None))
    return [
        replace(d, run_end=runs[d.run_start][-1], run_length=len(runs[d.run_start]))
        if d.run_start is not None
        else d
        for d in found
    ]


def _positions(classes: str) -> list[int]:
    found, at = [], classes.find("U")
    while at >= 0:
        found.append(at)
        at = classes.find("U", at + 1)
    return found
