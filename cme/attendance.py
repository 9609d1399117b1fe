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
    """What a flag is about. Values are the fixed `cme flags --json` contract (some carry the
    default threshold in their name); members are named by meaning, because an LA may change
    every threshold but the removal rule's."""

    REMOVAL_MAY_BE_CONSIDERED = "twenty_day_run"
    CONTINUOUS_ABSENCE = "continuous_absence_10"
    PART_DAY_MISSING = "part_day_missing"
    UNEXPLAINED_ABSENCE = "unexplained_absence"
    MISSING_MARK = "missing_mark"
    OVERDUE_N = "overdue_n"
    LONG_ILLNESS = "sickness_15"

    @property
    def urgency(self) -> int:
        """0 is the most urgent. Members are declared in this order."""
        return list(FlagKind).index(self)

    @property
    def counts_sessions(self) -> bool:
        """True if `Flag.count` is of sessions (AM/PM) on the day, else of school days."""
        return self in (FlagKind.PART_DAY_MISSING, FlagKind.MISSING_MARK)


@dataclass(frozen=True)
class Flag:
    """Facts only; wording is the presentation's (`cme.web.flag_words`, the templates).

    `count` and `since` are the flag's own: the unexplained school days and the first of
    them; the G/N/O run and its first day (continuous absence, removal); the days still
    coded N past the deadline and the oldest; the school days of illness this academic
    year (halves for half days) and the first; the sessions (`sessions`) of a missing mark
    or a part-day absence, since the day itself.

    `run_school_days` and `run_since` are the continuous absence run ending on the day,
    whatever the flag (0 and None when the pupil was not absent all day): the `cme flags`
    contract's `run_school_days` and `since`.
    """

    kind: FlagKind
    count: float
    since: date | None
    run_school_days: int
    run_since: date | None
    sessions: tuple[Session, ...] = ()

    @property
    def day_one(self) -> bool:
        return self.kind is FlagKind.UNEXPLAINED_ABSENCE and self.count == 1


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


# Sessions that neither extend nor end a run: the pupil's own closure mark, and a mark
# the register has not got yet (never read as present or absent).
NEUTRAL = frozenset({CLOSED, MISSING, NO_DATA})


def _run_day(am: str, pm: str) -> bool | None:
    """True if the day continues a G/N/O run, False if it ends one, None if it does neither."""
    known = [s for s in (am, pm) if s not in NEUTRAL]
    if not known:
        return None
    return all(s in RUN_SYMBOLS for s in known)


def continuous_absence_run(
    marks: PupilMarks, school_days: Sequence[date], on: date
) -> tuple[int, date | None]:
    """(length, first day) of the run of school days ending on `on` on which every session is
    G, N or O; (0, None) if `on` is not such a day. The pupil's own `#` sessions and missing
    marks neither count nor break it."""
    i = bisect.bisect_left(school_days, on)
    if i == len(school_days) or school_days[i] != on:
        return 0, None
    if not _run_day(*marks.day(on)):
        return 0, None
    length, since = 0, None
    while i >= 0:
        continues = _run_day(*marks.day(school_days[i]))
        if continues is False:
            break
        if continues:
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
    """Days still coded N more than `deadline` school days before `on`, in every academic
    year loaded (an N left uncorrected over the summer is still overdue)."""
    at = bisect.bisect_right(school_days, on) - 1
    if at - deadline - 1 < 0:
        return []
    last_overdue = school_days[at - deadline - 1]
    cutoff_year = academic_year(last_overdue)
    days: list[date] = []
    for year in sorted(y for y in marks.by_year if y <= cutoff_year):
        text = marks.by_year[year]
        end = position(last_overdue, Session.PM) + 1 if year == cutoff_year else len(text)
        pos = text.find(N_SYMBOL, 0, end)
        while pos != -1:
            day = year_start(year) + timedelta(days=pos // 2)
            if not days or days[-1] != day:
                days.append(day)
            pos = text.find(N_SYMBOL, pos + 1, end)
    return days


def unexplained_days(
    marks: PupilMarks, school_days: Sequence[date], on: date
) -> tuple[int, date | None]:
    """(count, first day) of the school days touched by the unbroken run of N/O sessions that
    includes `on`'s latest N or O. Any session the pupil was marked for otherwise (present,
    late, ill, G...) ends it, so a child seen in school this morning starts again at day one;
    `#` and missing marks are passed over."""
    i = bisect.bisect_left(school_days, on)
    if i == len(school_days) or school_days[i] != on:
        return 0, None
    days, first = 0, None
    started = False
    while i >= 0:
        am, pm = marks.day(school_days[i])
        touched = False
        for symbol in (pm, am):
            if symbol in UNEXPLAINED_SYMBOLS:
                started = touched = True
            elif symbol in NEUTRAL:
                continue
            elif started:
                return (days + 1, school_days[i]) if touched else (days, first)
        if touched:
            days, first = days + 1, school_days[i]
        i -= 1
    return days, first


def first_illness(marks: PupilMarks, on: date) -> date | None:
    """The first day coded I in `on`'s academic year, up to `on`."""
    year = academic_year(on)
    at = marks.by_year.get(year, "").find(ILLNESS, 0, position(on, Session.PM) + 1)
    return None if at == -1 else year_start(year) + timedelta(days=at // 2)


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
    run, run_since = continuous_absence_run(marks, school_days, on)
    flags: list[Flag] = []

    def flag(
        kind: FlagKind, count: float, since: date | None, sessions: tuple[Session, ...] = ()
    ) -> None:
        flags.append(Flag(kind, count, since, run, run_since, sessions))

    if run >= policy.removal_run_school_days:
        flag(FlagKind.REMOVAL_MAY_BE_CONSIDERED, run, run_since)
    if run >= policy.continuous_absence_school_days:
        flag(FlagKind.CONTINUOUS_ABSENCE, run, run_since)
    unexplained = tuple(
        s for s, m in ((Session.AM, am), (Session.PM, pm)) if m in UNEXPLAINED_SYMBOLS
    )
    if unexplained and (am in ARRIVED_SYMBOLS or pm in ARRIVED_SYMBOLS):
        flag(FlagKind.PART_DAY_MISSING, len(unexplained), on, unexplained)
    if unexplained:
        flag(FlagKind.UNEXPLAINED_ABSENCE, *unexplained_days(marks, school_days, on))
    missing = tuple(s for s, m in ((Session.AM, am), (Session.PM, pm)) if m == MISSING)
    if missing:
        first = marks.first_real_mark()
        if first is not None and first <= on:
            flag(FlagKind.MISSING_MARK, len(missing), on, missing)
    late = overdue_n(marks, school_days, on, policy.n_code_deadline_school_days)
    if late:
        flag(FlagKind.OVERDUE_N, len(late), late[0])
    sick = illness_days(marks, on)
    if sick >= policy.sickness_school_days:
        flag(
            FlagKind.LONG_ILLNESS,
            int(sick) if sick.is_integer() else sick,
            first_illness(marks, on),
        )
    return sorted(flags, key=lambda f: f.kind.urgency)
