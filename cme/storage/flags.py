"""Flags for a school on a school day, and a pupil's attendance calendar.

Reads the compact mark strings of the academic years up to the day's (a run can carry over
the summer, an N can stay overdue for years), so a whole school's flags are a few thousand
short string scans.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from cme.access import Viewer
from cme.attendance import Flag, FlagKind, PupilMarks, flags_on
from cme.errors import NotFound
from cme.events import Action
from cme.policy import Policy
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import is_sqlite, write_transaction
from cme.storage.organisations import school_visible_to
from cme.storage.policies import policy_for_la
from cme.storage.pupils import PUPIL_DETAILS, get_pupil, list_pupils
from cme.storage.scope import pupils_sql
from cme.storage.tables import FlagSnapshot, Pupil, PupilYear, School, SchoolYear
from cme.timeline import Session, academic_year, closed_days, school_days


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
    policy: Policy = field(default_factory=Policy)

    @property
    def is_school_day(self) -> bool:
        return self.on in self.school_days if self.on else False

    def only(self, kind: FlagKind | None = None, year_group: str | None = None) -> SchoolFlags:
        """The flags of `kind` of the children in `year_group`; None means any."""
        return replace(
            self,
            flags=[
                f
                for f in self.flags
                if (kind is None or f.flag.kind is kind)
                and (year_group is None or f.year_group == year_group)
            ],
        )

    def by_child(self) -> list[list[PupilFlag]]:
        """One entry per child, in the order of each child's most urgent flag."""
        groups: dict[int, list[PupilFlag]] = {}
        for f in self.flags:
            groups.setdefault(f.pupil_id, []).append(f)
        return list(groups.values())

    @property
    def year_groups(self) -> list[str]:
        return sorted({f.year_group for f in self.flags}, key=lambda y: (len(y), y))


async def policy_for_school(school_id: int) -> Policy:
    row = await School.select(School.la).where(School.id == school_id).first()
    return await policy_for_la(int(row["la"])) if row else Policy()


async def _school_days(school_id: int, years: list[int] | None) -> list[date]:
    """The school's school days in `years` (None: every year), in order."""
    query = SchoolYear.select(SchoolYear.academic_year, SchoolYear.calendar).where(
        SchoolYear.school == school_id
    )
    if years is not None:
        query = query.where(SchoolYear.academic_year.is_in(years))
    rows = await query
    return sorted(d for r in rows for d in school_days(r["academic_year"], r["calendar"]))


async def register_calendar(school_id: int) -> tuple[list[date], set[date]]:
    """The school's school days in order, and its closures, over every year of register."""
    calendars = await SchoolYear.select(SchoolYear.academic_year, SchoolYear.calendar).where(
        SchoolYear.school == school_id
    )
    days = sorted(d for r in calendars for d in school_days(r["academic_year"], r["calendar"]))
    closed = {d for r in calendars for d in closed_days(r["academic_year"], r["calendar"])}
    return days, closed


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


async def school_flags(
    school_id: int, on: date | None = None, policy: Policy | None = None
) -> SchoolFlags:
    """Every pupil's flags on `on` (default: the latest school day in the register), under
    `policy` (default: the school's LA's thresholds).

    Not scoped: callers are `flags_for_viewer` or trusted command-line use.
    """
    on = on or await latest_school_day(school_id)
    if on is None:
        return SchoolFlags(school_id, None, [], [], policy or await policy_for_school(school_id))
    # The school days of every year, so that the page can step to the next year's days and
    # knows the register's latest; the marks of every year up to `on`'s, not only the last
    # two: an N never corrected stays overdue however old it is (the pupil page reads every
    # year too), and no flag looks past `on`.
    days = await _school_days(school_id, None)
    policy = policy or await policy_for_school(school_id)
    marks: dict[int, dict[int, str]] = {}
    for row in await PupilYear.select(
        PupilYear.pupil, PupilYear.academic_year, PupilYear.marks
    ).where(PupilYear.school == school_id, PupilYear.academic_year <= academic_year(on)):
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
    found.sort(key=lambda f: (f.flag.kind.urgency, -f.flag.count, f.surname, f.forename))
    return SchoolFlags(school_id, on, days, found, policy)


async def flags_for_viewer(viewer: Viewer, school_id: int, on: date | None = None) -> SchoolFlags:
    """`school_flags`, if the viewer may see the school's children: on its latest register day
    (`on` None, or that day) as stored, any other day worked out now."""
    if not viewer.sees_pupils:
        raise NotFound("no such school")
    stored = await _stored_flags(_snapshot(school_id, viewer))
    if stored is not None and on in (None, stored.on):
        return stored
    if stored is None:
        await school_visible_to(viewer, school_id)
        if on is None or on == await latest_school_day(school_id):
            return await _store_missing_flags(school_id)
        return await school_flags(school_id, on)
    return await school_flags(school_id, on, stored.policy)


# --- stored flags (issue 9, C) ---
# A school's flags on its latest register day are kept in FlagSnapshot. They change only
# with its marks and pupils, which only the import writes (it stores them again in the same
# transaction, `store_latest_flags`), and with its LA's thresholds (`set_policy` deletes them;
# each snapshot also keeps the thresholds it was worked out under, so one worked out under
# thresholds changed meanwhile is never used).


def _snapshot(school_id: int, viewer: Viewer | None = None) -> Any:
    """The school's stored flags, with its LA's thresholds now; only within the viewer's
    scope if a viewer is given. A plain statement: it is on every Today page, and building it
    with joins cost more than running it."""
    scope, args = pupils_sql(viewer, "f.school") if viewer else ("1 = 1", [])
    return FlagSnapshot.raw(
        "SELECT f.school, f.day, f.school_days, f.flags, f.policy, la.policy AS la_policy "
        "FROM flag_snapshot f JOIN school s ON s.id = f.school "
        "JOIN local_authority la ON la.id = s.la "
        f"WHERE f.school = {{}} AND {scope}",
        school_id,
        *args,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _flags_json(flags: list[PupilFlag]) -> str:
    return json.dumps(
        [
            [
                *(f.pupil_id, f.upn, f.forename, f.surname, f.year_group, f.reg_group),
                *(f.flag.kind.value, f.flag.count, _iso(f.flag.since)),
                *(
                    f.flag.run_school_days,
                    _iso(f.flag.run_since),
                    [s.value for s in f.flag.sessions],
                ),
            ]
            for f in flags
        ],
        separators=(",", ":"),
    )


def _flags_from_json(text: str) -> list[PupilFlag]:
    kinds = {k.value: k for k in FlagKind}
    found = []
    for pupil_id, upn, forename, surname, year_group, reg_group, *facts in json.loads(text):
        kind, count, since, run, run_since, sessions = facts
        # JSON keeps 2 and 2.5 apart: the count keeps the type it is shown with.
        flag = Flag(
            kinds[kind], count, _day(since), run, _day(run_since), tuple(map(Session, sessions))
        )
        found.append(PupilFlag(pupil_id, upn, forename, surname, year_group, reg_group, flag))
    return found


async def _stored_flags(query: Any) -> SchoolFlags | None:
    """The snapshot `query` finds, unless there is none or it was worked out under other
    thresholds than the LA's now."""
    rows = await query
    row = rows[0] if rows else None
    if row is None or row["policy"] != row["la_policy"]:
        return None
    return SchoolFlags(
        int(row["school"]),
        row["day"],
        [date.fromisoformat(d) for d in json.loads(row["school_days"])],
        _flags_from_json(row["flags"]),
        Policy.from_json(row["policy"]),
    )


async def store_latest_flags(school_id: int) -> SchoolFlags:
    """Work out the school's flags on its latest register day and store them, in the caller's
    transaction (the import's, which has just changed the marks)."""
    la = await School.select(School.la.policy).where(School.id == school_id).first()
    policy_text = la["la.policy"] if la else Policy().to_json()
    report = await school_flags(school_id, policy=Policy.from_json(policy_text))
    await FlagSnapshot.delete().where(FlagSnapshot.school == school_id)
    if report.on is not None:
        await FlagSnapshot.insert(
            FlagSnapshot(
                school=school_id,
                day=report.on,
                school_days=json.dumps([d.isoformat() for d in report.school_days]),
                flags=_flags_json(report.flags),
                policy=policy_text,
                stored_at=utcnow(),
            )
        )
    return report


async def _store_missing_flags(school_id: int) -> SchoolFlags:
    """For the first page to find no snapshot (or a stale one): holding the school, as an
    import does, so that no import can store newer marks' flags in between."""
    async with write_transaction():
        if not is_sqlite():
            # SQLite's IMMEDIATE transactions already run one at a time.
            await School.raw("SELECT id FROM school WHERE id = {} FOR UPDATE", school_id)
        # Another request may have stored them while this one waited for the school.
        stored = await _stored_flags(_snapshot(school_id))
        return stored or await store_latest_flags(school_id)


# --- end stored flags ---


@dataclass(frozen=True)
class PupilRecord:
    pupil: dict[str, Any]
    marks: PupilMarks
    school_days: list[date]
    closed_days: set[date]
    flags: list[Flag]
    on: date | None
    policy: Policy

    @property
    def is_school_day(self) -> bool:
        return self.on in self.school_days if self.on else False


async def pupil_record(viewer: Viewer, pupil_id: int, on: date | None = None) -> PupilRecord:
    """The pupil (scoped to the viewer: NotFound otherwise), their marks and flags on `on`
    (default: the latest school day). Looking is recorded in the access log, in the same
    transaction as the reads: no record is shown unlogged."""
    async with write_transaction():
        pupil = await get_pupil(viewer, pupil_id)
        school_id = int(pupil["school.id"])
        rows = await PupilYear.select(PupilYear.academic_year, PupilYear.marks).where(
            PupilYear.pupil == pupil_id
        )
        by_year = {r["academic_year"]: r["marks"] for r in rows}
        days, closed = await register_calendar(school_id)
        on = on or (days[-1] if days else None)
        policy = await policy_for_school(school_id)
        flags = flags_on(PupilMarks(by_year), days, on, policy) if on else []
        await audit.record(
            Action.PUPIL_VIEWED,
            viewer=viewer,
            school_id=school_id,
            pupil_id=pupil_id,
            upn=pupil["upn"],
            on=on.isoformat() if on else None,
        )
    return PupilRecord(pupil, PupilMarks(by_year), days, closed, flags, on, policy)


async def flags_download(
    viewer: Viewer,
    school_id: int,
    on: date | None,
    kind: FlagKind | None = None,
    year_group: str | None = None,
) -> SchoolFlags:
    """The flags a download holds (the page's filters applied), with the download recorded in
    the access log in the same transaction: lists of children leave the tracker logged."""
    async with write_transaction():
        report = (await flags_for_viewer(viewer, school_id, on)).only(kind, year_group)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            school_id=school_id,
            list="flags",
            on=report.on.isoformat() if report.on else None,
            flag=kind.value if kind else None,
            year_group=year_group,
            children=len({f.pupil_id for f in report.flags}),
        )
    return report


async def current_flags(viewer: Viewer, school_id: int) -> dict[int, list[Flag]]:
    """Each child's flags on the school's latest school day, by pupil id."""
    report = await flags_for_viewer(viewer, school_id)
    found: dict[int, list[Flag]] = {}
    for f in report.flags:
        found.setdefault(f.pupil_id, []).append(f.flag)
    return found


async def pupils_download(
    viewer: Viewer, school_id: int, search: str = ""
) -> tuple[list[dict[str, Any]], dict[int, list[Flag]]]:
    """The pupils list as a download holds it (the search applied) with each child's current
    flags, the download recorded in the access log in the same transaction."""
    async with write_transaction():
        found = await list_pupils(viewer, school_id, search=search)
        flags = await current_flags(viewer, school_id)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            school_id=school_id,
            list="pupils",
            search=search or None,
            children=len(found),
        )
    return found, flags
