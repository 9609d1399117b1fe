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

from dataclasses import dataclass
from datetime import date, timedelta

from cme.matching_lists import UNEXPLAINED, part_day, unexplained_day
from cme.timeline import year_start


@dataclass(frozen=True)
class AbsenceDay:
    day: date
    sessions: int  # unexplained sessions that day: 1 or 2
    part_day: bool  # one session N or O, the other in school
    run_start: date | None  # the first day of the run this day is part of; None: not a run day

    @property
    def week(self) -> date:
        return self.day - timedelta(days=self.day.weekday())


def absence_days(year: int, marks: str) -> list[AbsenceDay]:
    """The days of one pupil's academic year that carry an unexplained session, in order."""
    if not any(s in marks for s in UNEXPLAINED):
        return []
    start = year_start(year)
    found: list[AbsenceDay] = []
    run_start: date | None = None
    for index in range(len(marks) // 2):
        am, pm = marks[2 * index], marks[2 * index + 1]
        carries = unexplained_day(am, pm)
        day = start + timedelta(days=index)
        if carries is False:
            run_start = None
        elif carries and run_start is None:
            run_start = day
        sessions = (am in UNEXPLAINED) + (pm in UNEXPLAINED)
        if sessions:
            found.append(
                AbsenceDay(day, sessions, part_day(am, pm), run_start if carries else None)
            )
    return found
