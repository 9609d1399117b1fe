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


def unexplained_days(marks: PupilMarks, school_days: Sequence[date], on: date) -> int:
    """School days touched by the unbroken run of N/O sessions that includes `on`'s latest
    N or O. Any session the pupil was marked for otherwise (present, late, ill...) ends it,
    so a child seen in school this morning starts again at day one; `#` and missing marks
    are passed over."""
    i = bisect.bisect_left(school_days, on)
    if i == len(school_days) or school_days[i] != on:
        return 0
    days = 0
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
                return days + touched
        days += touched
        i -= 1
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

    since_text = f"{since:%d/%m/%Y}" if since else ""
    if run >= policy.removal_run_school_days:
        flag(
            FlagKind.TWENTY_DAY_RUN,
            f"Absent {run} school days in a row (G/N/O) since {since_text}. Removal from roll "
            "(reg 9(1)(i)) only once the school and the LA have jointly made reasonable "
            "enquiries and failed to find the child.",
        )
    if run >= policy.continuous_absence_school_days:
        flag(
            FlagKind.CONTINUOUS_ABSENCE_10,
            f"Absent {run} school days in a row (G/N/O) since {since_text}: refer to the LA "
            "CME officer.",
        )
    unexplained = [s for s, m in ((Session.AM, am), (Session.PM, pm)) if m in UNEXPLAINED_SYMBOLS]
    if unexplained and (am in ARRIVED_SYMBOLS or pm in ARRIVED_SYMBOLS):
        flag(
            FlagKind.PART_DAY_MISSING,
            f"In school for one session but unexplained for the {unexplained[0]}: missing for "
            "part of the school day. DSL to assess today.",
        )
    if unexplained:
        days = unexplained_days(marks, school_days, on)
        if days == 1:
            text = (
                "Day one: contact parents or carers today. If that fails or raises concern, the "
                "DSL assesses vulnerability today."
            )
        elif days > policy.la_contact_school_days:
            text = (
                f"Unexplained for {days} school days: not resolved within "
                f"{policy.la_contact_school_days}, so hand the case to the LA CME officer with "
                "the enquiries made so far."
            )
        else:
            text = (
                f"Unexplained for {days} school days: record each enquiry (date, who, method, "
                "outcome)."
            )
        flag(FlagKind.UNEXPLAINED_ABSENCE, text)
    missing = [s for s, m in ((Session.AM, am), (Session.PM, pm)) if m == MISSING]
    if missing:
        first = marks.first_real_mark()
        if first is not None and first <= on:
            flag(
                FlagKind.MISSING_MARK,
                f"No mark for {' and '.join(missing)}: complete the register (an empty mark is "
                "never counted as present or absent).",
            )
    late = overdue_n(marks, school_days, on, policy.n_code_deadline_school_days)
    if late:
        flag(
            FlagKind.OVERDUE_N,
            f"{len(late)} day(s) still coded N more than {policy.n_code_deadline_school_days} "
            f"school days later (oldest {late[0]:%d/%m/%Y}): replace N with the real code.",
        )
    sick = illness_days(marks, on)
    if sick >= policy.sickness_school_days:
        flag(
            FlagKind.SICKNESS_15,
            f"{sick:g} school days of illness this academic year: include in the LA sickness "
            "return and consider s19 provision.",
        )
    return sorted(flags, key=lambda f: f.kind.urgency)
