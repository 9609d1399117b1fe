"""Fills the partnership's stored facts for data that was there before they were kept (the
migration of issue 12 runs these once). Plain SQL on named columns only, so that later
changes to the tables cannot break them."""

from __future__ import annotations

from datetime import date

from cme.storage.bulk import Connection
from cme.storage.engine import write_transaction
from cme.storage.measures.absence_days import store_absence_days
from cme.storage.measures.referral_days import days_to_referral, school_calendar
from cme.storage.values import as_day, as_moment
from cme.timeline import LONDON


async def fill_absence_days(weeks: bool = True) -> None:
    async with write_transaction():
        db = Connection()
        schools = [
            int(r["school"]) for r in await db.fetch("SELECT DISTINCT school FROM pupil_year")
        ]
    for school in schools:
        async with write_transaction():
            db = Connection()
            rows = await db.fetch(
                "SELECT pupil, academic_year, marks FROM pupil_year WHERE school = ?", school
            )
            written = {(int(r["pupil"]), int(r["academic_year"])): r["marks"] for r in rows}
            await store_absence_days(db, school, written, weeks)


async def fill_referral_days() -> None:
    async with write_transaction():
        db = Connection()
        rows = await db.fetch(
            "SELECT id, school, la, day_one, handed_to_la_at FROM cme_case "
            "WHERE handed_to_la_at IS NOT NULL AND referral_days IS NULL"
        )
        found: list[tuple[int, int]] = []
        calendars = {}
        for r in rows:
            school = int(r["school"])
            if school not in calendars:
                calendars[school] = await school_calendar(school, int(r["la"]))
            day_one = as_day(r["day_one"])
            handed = as_moment(r["handed_to_la_at"])
            assert isinstance(day_one, date) and handed is not None
            on = handed.astimezone(LONDON).date()
            found.append((days_to_referral(calendars[school], day_one, on), int(r["id"])))
        await db.execute_many("UPDATE cme_case SET referral_days = ? WHERE id = ?", found)
