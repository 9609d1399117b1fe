"""School days from a case's day one to its hand-over to the LA: kept on the case when it is
handed over, since the school's calendar decides which days count."""

from __future__ import annotations

from datetime import date, timedelta

from cme.cases.calendar import SchoolCalendar
from cme.storage.calendar_facts import term_dates
from cme.storage.flags import register_calendar
from cme.storage.tables import Case
from cme.timeline import LONDON


def days_to_referral(calendar: SchoolCalendar, day_one: date, referred_on: date) -> int:
    """Day one itself is 0: a case handed over on its first day took no school days."""
    if referred_on <= day_one:
        return 0
    return calendar.school_days_between(day_one + timedelta(days=1), referred_on)


async def school_calendar(school_id: int, la_id: int) -> SchoolCalendar:
    days, closures = await register_calendar(school_id)
    return SchoolCalendar.of(days, await term_dates(la_id), closures)


async def refresh_referral_days(case_id: int) -> None:
    """Work the time to referral out again for a case already handed over whose day one the
    register has since moved: the figures count the records as they stand now."""
    row = await (
        Case.select(Case.school, Case.la, Case.day_one, Case.handed_to_la_at)
        .where(Case.id == case_id)
        .first()
    )
    if row is None or row["handed_to_la_at"] is None:
        return
    calendar = await school_calendar(int(row["school"]), int(row["la"]))
    referred_on = row["handed_to_la_at"].astimezone(LONDON).date()
    took = days_to_referral(calendar, row["day_one"], referred_on)
    await Case.update({Case.referral_days: took}).where(Case.id == case_id)
