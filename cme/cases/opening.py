"""Reconciling a child's cases with the register: what to open, correct, reopen and close so
that the cases match what the register shows up to a day (issue 8 §2).

- The absence going on now has a case, back-dated to its true day one.
- Absences that began after the school's last look and are already over get a case too,
  opened and closed on their days: a missed day never loses a child.
- An open case whose absence ended closes with the day and why (returned, explained).
- A case the register closed is reopened if a correction shows the absence never ended.
- A case a person closed as located, died or removed covers its absence for good; one a
  person closed as returned or explained covers it only up to the day they closed it.
- Looking at an earlier day than a case already knows about changes nothing: the later look
  knew more.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from cme.attendance import PupilMarks
from cme.cases.absences import (
    Absence,
    DayKind,
    Ending,
    Reason,
    current_absence,
    day_kind,
    ending,
    same_absence,
)
from cme.leave import Leave
from cme.policy import Policy

# Outcomes a person records that say nothing about days after the day they recorded them.
_ONLY_UP_TO_THE_DAY = frozenset({Ending.RETURNED.value, Ending.EXPLAINED.value})


@dataclass(frozen=True)
class KnownCase:
    """A case as stored, as much as reconciling needs."""

    id: int
    status: str
    reason: Reason
    day_one: date
    clock_start: date
    ended_on: date | None = None
    outcome: str | None = None
    by_register: bool = False  # closed by the register, not by a person


@dataclass(frozen=True)
class OpenCase:
    absence: Absence
    previous: int | None
    # Set for an absence already over: the case opens and closes at once.
    ended: tuple[Ending, date] | None = None


@dataclass(frozen=True)
class MoveDayOne:
    case_id: int
    absence: Absence


@dataclass(frozen=True)
class CloseCase:
    case_id: int
    ending: Ending
    on: date


@dataclass(frozen=True)
class ReopenCase:
    case_id: int
    absence: Absence


Change = OpenCase | MoveDayOne | CloseCase | ReopenCase


def finished_absences(
    marks: PupilMarks,
    days: Sequence[date],
    after: date,
    on: date,
    policy: Policy,
    leaves: Sequence[Leave] = (),
) -> Iterator[tuple[Absence, tuple[Ending, date]]]:
    """Absences that began after `after` and had ended by `on`, with how and when."""
    seen: set[date] = set()
    first = bisect.bisect_right(days, after)
    for day in days[first : bisect.bisect_right(days, on)]:
        absence = current_absence(marks, days, day, policy, leaves)
        if absence is None or absence.day_one <= after or absence.day_one in seen:
            continue
        seen.add(absence.day_one)
        ended = ending(marks, days, absence.day_one, on, absence.reason)
        if ended:
            yield absence, ended


def _absent_after(
    marks: PupilMarks, days: Sequence[date], absence: Absence, after: date, on: date
) -> Absence | None:
    """The part of `absence` after `after`, if the child was absent then."""
    absent = [
        d
        for d in days[bisect.bisect_right(days, after) : bisect.bisect_right(days, on)]
        if d >= absence.day_one and day_kind(*marks.day(d)) is not DayKind.NEUTRAL
    ]
    if not absent:
        return None
    return replace(absence, day_one=absent[0], clock_start=absent[0], days_missing=len(absent))


def reconcile(
    cases: Sequence[KnownCase],
    marks: PupilMarks,
    days: Sequence[date],
    on: date,
    policy: Policy,
    leaves: Sequence[Leave] = (),
    since: date | None = None,
) -> list[Change]:
    """What must change for the child's cases to match the register up to `on`; `since` is
    the day the school's cases were last brought up to (None: never). Running it again on its
    own result changes nothing, which makes the sweep idempotent."""
    last = bisect.bisect_right(days, on) - 1
    if last < 0:
        return []
    if any(c.day_one > on or (c.ended_on and c.ended_on > on) for c in cases):
        return []
    current = current_absence(marks, days, on, policy, leaves)
    ordered = sorted(cases, key=lambda c: (c.day_one, c.id))
    latest = ordered[-1] if ordered else None
    still_open = [c for c in ordered if c.status == "open"]
    changes: list[Change] = []

    if (
        not still_open
        and current is not None
        and latest is not None
        and latest.status == "closed"
        and latest.by_register
        and ending(marks, days, latest.day_one, on, latest.reason) is None
        and same_absence(marks, days, latest.day_one, current)
    ):
        return [ReopenCase(latest.id, current)]

    for case in still_open:
        if current and case is still_open[-1] and same_absence(marks, days, case.day_one, current):
            if (current.day_one, current.clock_start, current.reason) != (
                case.day_one,
                case.clock_start,
                case.reason,
            ):
                changes.append(MoveDayOne(case.id, current))
            return changes
        ended = ending(marks, days, case.day_one, on, case.reason)
        if ended is None:
            # The absence is gone from the register (corrected away): closed on the last day
            # looked at, and never on or after the day a different absence began.
            upto = bisect.bisect_left(days, current.day_one) - 1 if current else last
            ended = (Ending.EXPLAINED, max(case.day_one, days[upto]) if upto >= 0 else case.day_one)
        changes.append(CloseCase(case.id, *ended))

    looked_to = max(
        [c.ended_on or c.day_one for c in ordered]
        + [ch.on for ch in changes if isinstance(ch, CloseCase)],
        default=None,
    )
    previous = latest.id if latest else None
    if since is not None:
        for absence, ended in finished_absences(marks, days, since, on, policy, leaves):
            if looked_to is not None and absence.day_one <= looked_to:
                continue
            if current is not None and absence.day_one >= current.day_one:
                continue
            changes.append(OpenCase(absence, previous, ended))
    if current is None:
        return changes

    covering = [
        c
        for c in ordered
        if c.ended_on is not None
        and (c.status == "removed" or (c.status == "closed" and not c.by_register))
        and current.day_one <= c.ended_on
    ]
    if covering:
        cover = max(covering, key=lambda c: c.ended_on or c.day_one)
        if cover.status == "closed" and cover.outcome in _ONLY_UP_TO_THE_DAY:
            assert cover.ended_on is not None
            after = _absent_after(marks, days, current, cover.ended_on, on)
            if after is not None:
                changes.append(OpenCase(after, previous))
        return changes
    if any(c.day_one == current.day_one for c in ordered):
        return changes
    changes.append(OpenCase(current, previous))
    return changes
