"""Flags for a school on a school day, and a pupil's attendance calendar.

Reads the compact mark strings for the day's academic year and the one before (a run can
carry over the summer), so a whole school's flags are a few thousand short string scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cme.access import Viewer
from cme.attendance import Flag, PupilMarks, flags_on
from cme.errors import NotFound
from cme.policy import Policy
from cme.storage.organisations import school_visible_to
from cme.storage.policies import policy_for_la
from cme.storage.pupils import PUPIL_DETAILS, get_pupil
from cme.storage.tables import Pupil, PupilYear, School, SchoolYear
from cme.timeline import academic_year, closed_days, school_days


@dataclass(frozen=True)
class PupilFlag:
    pupil_id: int
    upn: str
    forename: str
    surname: str
    year_group: str
    reg_group: str
    flag: Flag


@dataclass(frozen=True)
class SchoolFlags:
    school_id: int
    on: date | None
    school_days: list[date]
    flags: list[PupilFlag]

    @property
    def is_school_day(self) -> bool:
        return self.on in self.school_days if self.on else False


async def policy_for_school(school_id: int) -> Policy:
    row = await School.select(School.la).where(School.id == school_id).first()
    return await policy_for_la(int(row["la"])) if row else Policy()


async def _school_days(school_id: int, years: list[int]) -> list[date]:
    rows = await SchoolYear.select(SchoolYear.academic_year, SchoolYear.calendar).where(
        SchoolYear.school == school_id, SchoolYear.academic_year.is_in(years)
    )
    return sorted(d for r in rows for d in school_days(r["academic_year"], r["calendar"]))


async def latest_school_day(school_id: int) -> date | None:
    row = await (
        SchoolYear.select(SchoolYear.academic_year)
        .where(SchoolYear.school == school_id)
        .order_by(SchoolYear.academic_year, ascending=False)
        .first()
    )
    if row is None:
        return None
    days = await _school_days(school_id, [row["academic_year"]])
    return days[-1] if days else None


async def school_flags(school_id: int, on: date | None = None) -> SchoolFlags:
    """Every pupil's flags on `on` (default: the latest school day in the register).

    Not scoped: callers are `flags_for_viewer` or trusted command-line use.
    """
    on = on or await latest_school_day(school_id)
    if on is None:
        return SchoolFlags(school_id, None, [], [])
    years = [academic_year(on) - 1, academic_year(on)]
    days = await _school_days(school_id, years)
    policy = await policy_for_school(school_id)
    marks: dict[int, dict[int, str]] = {}
    for row in await PupilYear.select(
        PupilYear.pupil, PupilYear.academic_year, PupilYear.marks
    ).where(PupilYear.school == school_id, PupilYear.academic_year.is_in(years)):
        marks.setdefault(row["pupil"], {})[row["academic_year"]] = row["marks"]
    pupils = {
        r["id"]: r for r in await Pupil.select(*PUPIL_DETAILS).where(Pupil.school == school_id)
    }
    found: list[PupilFlag] = []
    for pupil_id, by_year in marks.items():
        p = pupils[pupil_id]
        for flag in flags_on(PupilMarks(by_year), days, on, policy):
            found.append(
                PupilFlag(
                    pupil_id,
                    p["upn"],
                    p["legal_forename"],
                    p["legal_surname"],
                    p["year_group"],
                    p["reg_group"],
                    flag,
                )
            )
    found.sort(key=lambda f: (f.flag.kind.urgency, -f.flag.run_school_days, f.surname, f.forename))
    return SchoolFlags(school_id, on, days, found)


async def flags_for_viewer(viewer: Viewer, school_id: int, on: date | None = None) -> SchoolFlags:
    if not viewer.sees_pupils:
        raise NotFound("no such school")
    await school_visible_to(viewer, school_id)
    return await school_flags(school_id, on)


@dataclass(frozen=True)
class PupilRecord:
    pupil: dict[str, Any]
    marks: PupilMarks
    school_days: list[date]
    closed_days: set[date]
    flags: list[Flag]
    on: date | None


async def pupil_record(viewer: Viewer, pupil_id: int, on: date | None = None) -> PupilRecord:
    """The pupil (scoped to the viewer: NotFound otherwise), their marks and current flags."""
    pupil = await get_pupil(viewer, pupil_id)
    school_id = int(pupil["school.id"])
    rows = await PupilYear.select(PupilYear.academic_year, PupilYear.marks).where(
        PupilYear.pupil == pupil_id
    )
    by_year = {r["academic_year"]: r["marks"] for r in rows}
    calendars = await SchoolYear.select(SchoolYear.academic_year, SchoolYear.calendar).where(
        SchoolYear.school == school_id
    )
    days = sorted(d for r in calendars for d in school_days(r["academic_year"], r["calendar"]))
    closed = {d for r in calendars for d in closed_days(r["academic_year"], r["calendar"])}
    on = on or (days[-1] if days else None)
    flags = (
        flags_on(PupilMarks(by_year), days, on, await policy_for_school(school_id)) if on else []
    )
    return PupilRecord(pupil, PupilMarks(by_year), days, closed, flags, on)
