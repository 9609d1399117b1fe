"""School days in the past and the future.

Up to the last day the register covers, the register decides which days were school days.
After it, days are projected: weekdays inside the LA's terms, minus the closures the school
has recorded. Where the LA has entered no terms for a date, every weekday is counted: a due
date is then a little early rather than late, which is the safe side for a missing child.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

# No statutory step lies more than a school year ahead; a calendar that never yields a school
# day (terms entered wrongly) must not loop for ever.
_HORIZON_DAYS = 800


@dataclass(frozen=True)
class SchoolCalendar:
    register_days: Sequence[date]
    terms: Sequence[tuple[date, date]] = ()
    closures: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        register_days: Iterable[date],
        terms: Iterable[tuple[date, date]] = (),
        closures: Iterable[date] = (),
    ) -> SchoolCalendar:
        return cls(tuple(sorted(register_days)), tuple(sorted(terms)), frozenset(closures))

    @property
    def last_register_day(self) -> date | None:
        return self.register_days[-1] if self.register_days else None

    def is_school_day(self, day: date) -> bool:
        last = self.last_register_day
        if last is not None and day <= last:
            i = bisect.bisect_left(self.register_days, day)
            return i < len(self.register_days) and self.register_days[i] == day
        return self.is_projected_school_day(day)

    def is_projected_school_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closures:
            return False
        if not self.terms or day > self.terms[-1][1] or day < self.terms[0][0]:
            return True
        i = bisect.bisect_right(self.terms, (day, date.max)) - 1
        return i >= 0 and self.terms[i][0] <= day <= self.terms[i][1]

    def nth_school_day(self, start: date, n: int) -> date:
        """The n-th school day counting from `start` (day 1 is `start` itself when it is a
        school day, else the next school day)."""
        day, seen = start, 0
        for _ in range(_HORIZON_DAYS):
            if self.is_school_day(day):
                seen += 1
                if seen >= n:
                    return day
            day += timedelta(days=1)
        return day

    def school_days_after(self, start: date, n: int) -> date:
        """The n-th school day after `start` (not counting `start`)."""
        return self.nth_school_day(start + timedelta(days=1), n)

    def school_days_between(self, first: date, last: date) -> int:
        """School days from `first` to `last`, both included."""
        count, day = 0, first
        while day <= last:
            count += self.is_school_day(day)
            day += timedelta(days=1)
        return count
