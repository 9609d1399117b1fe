"""School days from a case's day one to its hand-over to the LA: kept on the case when it is
handed over, since the school's calendar decides which days count."""

from __future__ import annotations

from datetime import date, timedelta

from cme.cases.calendar import SchoolCalendar
from cme.storage.calendar_facts import term_dates
from cme.storage.flags import register_calendar


def days_to_referral(calendar: SchoolCalendar, day_one: date, referred_on: date) -> int:
    """Day one itself is 0: a case handed over on its first day took no school days."""
    if referred_on <= day_one:
        return 0
    return calendar.school_days_between(day_one + timedelta(days=1), referred_on)


async def school_calendar(school_id: int, la_id: int) -> SchoolCalendar:
    days, closures = await register_calendar(school_id)
    return SchoolCalendar.of(days, await term_dates(la_id), closures)
