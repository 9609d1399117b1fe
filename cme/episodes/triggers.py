"""When a child's going missing calls for more than the episode's own follow-up (RULES.md §7).

- The repeat trigger: so many episodes within a window (policy default 3 in 3 months) calls a
  multi-agency intervention meeting within a week. Episodes count by the London day they were
  reported; the window is the day of the latest episode and the days back to the same date
  `length` months (or days) before it, both ends counted. An episode counts towards one
  meeting only, and none reported on or before the day of a meeting held counts again: three
  more, another meeting.
- Escalations while a child is still missing: any child over 24 hours, a looked-after child
  over 48 hours (Hampshire: the social worker tells a senior manager).
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class WindowUnit(StrEnum):
    DAYS = "days"
    MONTHS = "months"


@dataclass(frozen=True)
class RepeatRule:
    episodes: int = 3
    length: int = 3
    unit: WindowUnit = WindowUnit.MONTHS
    meeting_within_days: int = 7

    @property
    def words(self) -> str:
        unit = self.unit.value if self.length != 1 else self.unit.value.rstrip("s")
        return f"{self.episodes} episodes in {self.length} {unit}"

    def window_start(self, last: date) -> date:
        """The first day counted in a window that ends on `last`."""
        if self.unit is WindowUnit.DAYS:
            return last - timedelta(days=self.length - 1)
        month = last.month - self.length
        year = last.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return date(year, month, min(last.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Trigger:
    """The episode (by its index in the list given) that reached the count, and the day the
    meeting is due."""

    index: int
    on: date
    meeting_due: date
    counted: int


def repeat_triggers(
    reported: Sequence[date],
    meetings_held: Sequence[date],
    rule: RepeatRule,
    called: Collection[int] = (),
) -> list[Trigger]:
    """Each new point in a child's episodes (reported days, oldest first) at which the rule
    fires. `called` are the episodes (by index) at which meetings were called already: each
    has taken the episodes of its window, so an older episode arriving late, or a changed
    report time, does not call a second meeting for the same episodes."""
    held = sorted(meetings_held)
    taken = [False] * len(reported)

    def window(i: int) -> list[int]:
        start = rule.window_start(reported[i])
        after = max((m for m in held if m <= reported[i]), default=None)
        if after is not None:
            start = max(start, after + timedelta(days=1))
        return [j for j in range(i + 1) if reported[j] >= start and not taken[j]]

    for i in sorted(called):
        for j in window(i):
            taken[j] = True
    found: list[Trigger] = []
    for i, day in enumerate(reported):
        if taken[i]:
            continue
        # An episode counts towards one call only: a fourth in the window is not another
        # call, but three more are.
        counted = window(i)
        if len(counted) < rule.episodes:
            continue
        for j in counted:
            taken[j] = True
        found.append(Trigger(i, day, day + timedelta(days=rule.meeting_within_days), len(counted)))
    return found


class Escalation(StrEnum):
    MISSING_LONG = "missing long"
    LOOKED_AFTER_LONG = "looked after missing long"


@dataclass(frozen=True)
class EscalationRule:
    missing_hours: int = 24
    looked_after_hours: int = 48


def escalations(
    missing_since: datetime,
    returned_at: datetime | None,
    looked_after: bool,
    now: datetime,
    rule: EscalationRule,
) -> list[tuple[Escalation, str]]:
    """The escalations an open episode has reached, with words for people; none once the
    child has returned."""
    if returned_at is not None:
        return []
    # Timestamps: two London times subtract as wall clocks, an hour out across a clock change.
    hours = (now.timestamp() - missing_since.timestamp()) / 3600
    found = []
    if looked_after and hours > rule.looked_after_hours:
        found.append(
            (
                Escalation.LOOKED_AFTER_LONG,
                f"Looked-after child missing over {rule.looked_after_hours} hours: the social "
                "worker tells a senior manager",
            )
        )
    if hours > rule.missing_hours:
        found.append((Escalation.MISSING_LONG, f"Missing over {rule.missing_hours} hours"))
    return found
