"""The flags of RULES.md §4, computed for one pupil on one school day.

Inputs are the pupil's mark strings by academic year (see `cme.timeline`) and the school's
school days in order; nothing here touches a database. Counts are in school days of the
pupil's school: weekends and closures are not school days, so they neither count nor break a
continuous absence run.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cme.marks import (
    ARRIVED_SYMBOLS,
    CLOSED,
    ILLNESS,
    MISSING,
    N_SYMBOL,
    NO_DATA,
    RUN_SYMBOLS,
    UNEXPLAINED_SYMBOLS,
)
from cme.policy import Policy
from cme.timeline import Session, academic_year, position, year_start


class FlagKind(StrEnum):
    TWENTY_DAY_RUN = "twenty_day_run"
    CONTINUOUS_ABSENCE_10 = "continuous_absence_10"
    PART_DAY_MISSING = "part_day_missing"
    UNEXPLAINED_ABSENCE = "unexplained_absence"
    MISSING_MARK = "missing_mark"
    OVERDUE_N = "overdue_n"
    SICKNESS_15 = "sickness_15"

    @property
    def urgency(self) -> int:
        """0 is the most urgent. Members are declared in this order."""
        return list(FlagKind).index(self)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    FlagKind.TWENTY_DAY_RUN: "20-day run: removal may be considered",
    FlagKind.CONTINUOUS_ABSENCE_10: "Continuous unauthorised absence",
    FlagKind.PART_DAY_MISSING: "Missing for part of the day",
    FlagKind.UNEXPLAINED_ABSENCE: "Unexplained absence",
    FlagKind.MISSING_MARK: "Missing mark",
    FlagKind.OVERDUE_N: "N code overdue",
    FlagKind.SICKNESS_15: "Illness: LA sickness return",
}


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    run_school_days: int
    since: date | None
    detail: str


_FIRST_REAL = re.compile(f"[^{re.escape(NO_DATA + MISSING + CLOSED)}Z]")


class PupilMarks:
    """A pupil's marks, across the academic years loaded."""

    def __init__(self, by_year: Mapping[int, str]) -> None:
        self.by_year = by_year

    def day(self, day: date) -> tuple[str, str]:
        marks = self.by_year.get(academic_year(day))
        if marks is None:
            return NO_DATA, NO_DATA
        at = position(day, Session.AM)
        return marks[at], marks[at + 1]

    def first_real_mark(self) -> date | None:
        """The first day with a mark showing the pupil on roll and the school open."""
        for year in sorted(self.by_year):
            found = _FIRST_REAL.search(self.by_year[year])
            if found:
                return year_start(year) + timedelta(days=found.start() // 2)
        return None


def continuous_absence_run(
    marks: PupilMarks, school_days: Sequence[date], on: date
) -> tuple[int, date | None]:
    """(length, first day) of the run of school days ending on `on` on which every session is
    G, N or O; (0, None) if `on` is not such a day."""
    i = bisect.bisect_left(school_days, on)
    if i == len(school_days) or school_days[i] != on:
        return 0, None
    length, since = 0, None
    while i >= 0:
        am, pm = marks.day(school_days[i])
        if am not in RUN_SYMBOLS or pm not in RUN_SYMBOLS:
            break
        length, since = length + 1, school_days[i]
        i -= 1
    return length, since


def illness_days(marks: PupilMarks, on: date) -> float:
    """School days coded I in the academic year up to `on`; a half day counts a half."""
    text = marks.by_year.get(academic_year(on), "")
    return text.count(ILLNESS, 0, position(on, Session.PM) + 1) / 2


def overdue_n(
    marks: PupilMarks, school_days: Sequence[date], on: date, deadline: int
) -> list[date]:
    """Days this academic year still coded N more than `deadline` school days before `on`."""
    at = bisect.bisect_right(school_days, on) - 1
    if at - deadline - 1 < 0:
        return []
    last_overdue = school_days[at - deadline - 1]
    year = academic_year(on)
    if academic_year(last_overdue) != year:
        return []
    text = marks.by_year.get(year, "")
    end = position(last_overdue, Session.PM) + 1
    days: list[date] = []
    pos = text.find(N_SYMBOL, 0, end)
    while pos != -1:
        day = year_start(year) + timedelta(days=pos // 2)
        if not days or days[-1] != day:
            days.append(day)
        pos = text.find(N_SYMBOL, pos + 1, end)
    return days


def flags_on(
    marks: PupilMarks,
    school_days: Sequence[date],
    on: date,
    policy: Policy,
) -> list[Flag]:
    """Every flag for the pupil on school day `on`, most urgent first."""
    i = bisect.bisect_left(school_days, on)
    if i == len(school_days) or school_days[i] != on:
        return []
    am, pm = marks.day(on)
    run, since = continuous_absence_run(marks, school_days, on)
    flags: list[Flag] = []

    def flag(kind: FlagKind, detail: str) -> None:
        flags.append(Flag(kind, run, since, detail))

    if run >= policy.removal_run_school_days:
        flag(FlagKind.TWENTY_DAY_RUN, f"{run} school days absent (G/N/O) since {since}")
    if run >= policy.continuous_absence_school_days:
        flag(FlagKind.CONTINUOUS_ABSENCE_10, f"{run} school days absent (G/N/O) since {since}")
    unexplained = [s for s, m in ((Session.AM, am), (Session.PM, pm)) if m in UNEXPLAINED_SYMBOLS]
    if unexplained and (am in ARRIVED_SYMBOLS or pm in ARRIVED_SYMBOLS):
        flag(
            FlagKind.PART_DAY_MISSING,
            f"in school for one session, unexplained ({unexplained[0]}) for the other",
        )
    if unexplained:
        previous = school_days[i - 1] if i else None
        day_one = previous is None or not (set(marks.day(previous)) & UNEXPLAINED_SYMBOLS)
        sessions = " and ".join(unexplained)
        flag(
            FlagKind.UNEXPLAINED_ABSENCE,
            f"day one: contact parents today ({sessions})"
            if day_one
            else f"continuing ({sessions})",
        )
    missing = [s for s, m in ((Session.AM, am), (Session.PM, pm)) if m == MISSING]
    if missing:
        first = marks.first_real_mark()
        if first is not None and first <= on:
            flag(
                FlagKind.MISSING_MARK, f"no mark for {' and '.join(missing)}: complete the register"
            )
    late = overdue_n(marks, school_days, on, policy.n_code_deadline_school_days)
    if late:
        flag(
            FlagKind.OVERDUE_N,
            f"{len(late)} day(s) still coded N after {policy.n_code_deadline_school_days} "
            f"school days, oldest {late[0]}",
        )
    sick = illness_days(marks, on)
    if sick >= policy.sickness_school_days:
        flag(FlagKind.SICKNESS_15, f"{sick:g} school days of illness this academic year")
    return sorted(flags, key=lambda f: f.kind.urgency)
