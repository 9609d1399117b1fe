"""When a case opens and when its absence ends (issue 8 §2; RULES.md §4-§5).

A case opens on the first school day on which the pupil was in school for no session and at
least one session is N or O; when a G/N/O run reaches the LA's continuous-absence threshold
(an unauthorised holiday that has run on), back-dated to the run's first day; or on the
expected return date of recorded leave when the pupil has not come back.

The absence ends when the pupil is in school or attending elsewhere in any session
(`returned`), or when a day shows the pupil absent for explained reasons only, or the
unexplained marks were corrected away (`absence_explained`). Days with no mark, closures and
weekends neither continue nor end an absence.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum

from cme.attendance import PupilMarks
from cme.leave import Leave
from cme.marks import ARRIVED_SYMBOLS, BY_CODE, CLOSED, MISSING, NO_DATA, RUN_SYMBOLS
from cme.marks import UNEXPLAINED_SYMBOLS as UNEXPLAINED
from cme.policy import Policy


class Reason(StrEnum):
    UNEXPLAINED = "unexplained"
    HOLIDAY_RUN = "holiday_run"
    NOT_RETURNED = "not_returned_from_leave"


class Ending(StrEnum):
    RETURNED = "returned"
    EXPLAINED = "absence_explained"


class DayKind(Enum):
    ARRIVED = "arrived"
    ABSENT = "absent"  # no session in school, at least one G, N or O
    EXPLAINED = "explained"  # no session in school, none G, N or O
    NEUTRAL = "neutral"  # nothing known: no mark, closed, not on roll


# D: the pupil is at the other school they are dual registered with, so they are in
# education and known to be safe; for a case that counts as attending elsewhere.
_IN_EDUCATION = ARRIVED_SYMBOLS | {BY_CODE["D"].symbol}
_NOTHING_KNOWN = frozenset({NO_DATA, MISSING, CLOSED, BY_CODE["Z"].symbol})


def day_kind(am: str, pm: str) -> DayKind:
    known = [s for s in (am, pm) if s not in _NOTHING_KNOWN]
    if not known:
        return DayKind.NEUTRAL
    if any(s in _IN_EDUCATION for s in known):
        return DayKind.ARRIVED
    if any(s in RUN_SYMBOLS for s in known):
        return DayKind.ABSENT
    return DayKind.EXPLAINED


@dataclass(frozen=True)
class Absence:
    """An absence that should have a case: `day_one` is its first day, `clock_start` the day
    the statutory clock starts (the day a holiday run reached the threshold; otherwise day
    one), `days_missing` the school days absent from day one to the last day looked at."""

    reason: Reason
    day_one: date
    clock_start: date
    days_missing: int


def _last_index(days: Sequence[date], on: date) -> int:
    return bisect.bisect_right(days, on) - 1


def current_absence(
    marks: PupilMarks,
    days: Sequence[date],
    on: date,
    policy: Policy,
    leaves: Sequence[Leave] = (),
) -> Absence | None:
    """The absence going on at the last register school day up to `on`, if any. `days` are
    the school's register days in order."""
    last = _last_index(days, on)
    if last < 0:
        return None
    found = [
        a
        for a in (_unexplained(marks, days, last, policy), *_leave(marks, days, last, leaves))
        if a
    ]
    return min(found, key=lambda a: a.day_one) if found else None


def _unexplained(
    marks: PupilMarks, days: Sequence[date], last: int, policy: Policy
) -> Absence | None:
    run: list[date] = []
    i = last
    while i >= 0:
        kind = day_kind(*marks.day(days[i]))
        if kind is DayKind.ABSENT:
            run.append(days[i])
        elif kind is not DayKind.NEUTRAL:
            break
        i -= 1
    if not run:
        return None
    run.reverse()
    first_unexplained = next(
        (n for n, d in enumerate(run) if set(marks.day(d)) & UNEXPLAINED), None
    )
    threshold = policy.continuous_absence_school_days
    if len(run) >= threshold and (first_unexplained is None or first_unexplained >= threshold):
        return Absence(Reason.HOLIDAY_RUN, run[0], run[threshold - 1], len(run))
    if first_unexplained is None:
        return None
    day_one = run[first_unexplained]
    return Absence(Reason.UNEXPLAINED, day_one, day_one, len(run) - first_unexplained)


def _leave(
    marks: PupilMarks, days: Sequence[date], last: int, leaves: Sequence[Leave]
) -> list[Absence | None]:
    """Leave the pupil has not come back from: every school day from the expected return
    date on shows them absent (explained or not)."""
    found: list[Absence | None] = []
    for leave in leaves:
        start = bisect.bisect_left(days, leave.return_on)
        if start > last:
            continue
        kinds = [day_kind(*marks.day(d)) for d in days[start : last + 1]]
        if DayKind.ARRIVED in kinds:
            continue
        absent = sum(k is not DayKind.NEUTRAL for k in kinds)
        if absent:
            day_one = days[start]
            found.append(Absence(Reason.NOT_RETURNED, day_one, day_one, absent))
    return found


def ending(
    marks: PupilMarks, days: Sequence[date], day_one: date, on: date, reason: Reason
) -> tuple[Ending, date] | None:
    """How and when the absence that began on `day_one` ended, up to `on`; None if it goes on.
    After leave only the pupil's return ends it: the register may still show the leave."""
    for d in days[bisect.bisect_left(days, day_one) : _last_index(days, on) + 1]:
        kind = day_kind(*marks.day(d))
        if kind is DayKind.ARRIVED:
            return Ending.RETURNED, d
        if kind is DayKind.EXPLAINED and reason is not Reason.NOT_RETURNED:
            return Ending.EXPLAINED, d
    return None


def same_absence(
    marks: PupilMarks, days: Sequence[date], case_day_one: date, absence: Absence
) -> bool:
    """True if `absence` is the one a case opened on `case_day_one` is about: nothing from the
    case's day one up to the absence's (either way round) shows the pupil back, or the absence
    explained. A correction can move day one earlier or later; it stays the same absence."""
    low, high = sorted((case_day_one, absence.day_one))
    ends = {DayKind.ARRIVED}
    if absence.reason is not Reason.NOT_RETURNED:
        ends.add(DayKind.EXPLAINED)
    looked_at = [*days[bisect.bisect_left(days, low) : bisect.bisect_left(days, high)]]
    looked_at.append(case_day_one)
    return not any(day_kind(*marks.day(d)) in ends for d in looked_at)


def days_missing(
    marks: PupilMarks, days: Sequence[date], day_one: date, to: date, reason: Reason
) -> int:
    """School days from `day_one` to `to` on which the pupil was absent, stopping where the
    absence ended."""
    count = 0
    for d in days[bisect.bisect_left(days, day_one) : _last_index(days, to) + 1]:
        kind = day_kind(*marks.day(d))
        if kind is DayKind.ARRIVED or (
            kind is DayKind.EXPLAINED and reason is not Reason.NOT_RETURNED
        ):
            break
        count += kind is not DayKind.NEUTRAL
    return count


def days_coded_n(marks: PupilMarks, days: Sequence[date], day_one: date, to: date) -> list[date]:
    """Days of the absence from `day_one` to `to` with a session still coded N."""
    n = BY_CODE["N"].symbol
    return [
        d
        for d in days[bisect.bisect_left(days, day_one) : _last_index(days, to) + 1]
        if n in marks.day(d)
    ]
