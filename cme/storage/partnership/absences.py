"""Lists 4 and 5, read over a period (by default the academic year so far):

- "hidden missing": pupils never linked to a police episode who had an unexplained absence
  run (school days on which every marked session is N or O, a day with no mark neither
  counting nor breaking it) of at least a chosen length, or a part-day absence;
- pupils with a part-day absence (the flags' notion: one session N or O, the other in
  school) who have linked episodes.

Both read `absence_day` (`cme.measures.absence_days`), written with the marks at import:
a run's days share its first day, so a run's length within the period is a count of its rows
there, and nothing unpacks the marks on a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.storage.clock import today
from cme.storage.matching import LINKED_SQL, WAITING_SQL
from cme.storage.measures.scope import day_sql
from cme.storage.partnership.common import (
    Filters,
    Hidden,
    Page,
    check,
    linked,
    page_of,
    pupil_filters,
)
from cme.storage.policies import policy_for_la
from cme.storage.values import as_day, as_moment
from cme.timeline import academic_year, year_start


def period(f: Filters, on: date | None = None) -> tuple[date, date]:
    """The days read: the filter's, else the academic year up to today."""
    until = f.until or on or today()
    return f.since or year_start(academic_year(until)), until


def _found(
    viewer: Viewer, f: Filters, run_days: int, part_days_only: bool = False
) -> tuple[str, list[Any], Page]:
    """The WITH part down to `found`: one row per pupil of the filters with an unexplained
    session in the period (linked or not), their runs of at least `run_days` days and their
    part-day absences; with `part_days_only`, their part-day absences alone."""
    since, until = period(f)
    where, args = pupil_filters(viewer, f)
    shortest = int(run_days)
    # One row per run within the period (the days that are no run's make one more row, with
    # no run_start), then one per pupil: a run crossing the period's start or end counts only
    # its days inside. A part day is never a run day (its other session was in school).
    sql = (
        "WITH pieces AS (SELECT a.pupil, a.run_start, COUNT(*) AS length, MAX(a.day) AS last_day, "
        "SUM(CASE WHEN a.part_day THEN 1 ELSE 0 END) AS part_days, "
        "MAX(CASE WHEN a.part_day THEN a.day END) AS last_part "
        "FROM absence_day a JOIN pupil p ON p.id = a.pupil "
        # The pupil's own school is the absence day's (a pupil belongs to one school): said of
        # both so that the database can read the days by school and day.
        f"WHERE a.school IN (SELECT id FROM school WHERE la = {int(viewer.la_id)}) AND {where} "
        f"AND a.day >= {day_sql(since)} AND a.day <= {day_sql(until)} "
        f"{'AND a.part_day ' if part_days_only else ''}GROUP BY a.pupil, a.run_start), "
        "found AS (SELECT pupil, "
        f"SUM(CASE WHEN run_start IS NOT NULL AND length >= {shortest} THEN 1 ELSE 0 END) AS runs, "
        f"MAX(CASE WHEN run_start IS NOT NULL AND length >= {shortest} THEN length ELSE 0 END) "
        "AS longest, "
        f"MAX(CASE WHEN run_start IS NOT NULL AND length >= {shortest} THEN last_day END) "
        "AS last_run, SUM(part_days) AS part_days, MAX(last_part) AS last_part FROM pieces "
        "GROUP BY pupil)"
    )
    return sql, args, Page([], 0, 1, 1, since, until)


@dataclass(frozen=True)
class AbsenceRow:
    pupil_id: int
    forename: str
    surname: str
    school: str
    year_group: str
    runs: int  # runs of at least the chosen length
    longest_run: int
    last_run_day: date | None
    part_days: int
    last_part_day: date | None
    waiting_match: int | None = None  # a possible police match waiting for review


@dataclass(frozen=True)
class PartDayRow:
    pupil_id: int
    forename: str
    surname: str
    school: str
    year_group: str
    part_days: int
    last_part_day: date | None
    episodes: int
    latest_reported_at: datetime
    missing_now: bool


_NAMES = (
    "p.legal_forename, p.legal_surname, p.year_group, s.name AS school_name "
    "FROM pupil p JOIN school s ON s.id = p.school"
)


async def hidden_missing(viewer: Viewer, filters: Filters, every_page: bool = False) -> Page:
    """Pupils with unexplained absence runs or part-day absences in the period who have never
    been linked to a police episode: the longest runs first."""
    check(viewer)
    run_days = filters.run_days or (await policy_for_la(viewer.la_id)).la_contact_school_days
    sql, args, shell = _found(viewer, filters, run_days)
    sql += (
        ", hid AS (SELECT p.id AS pupil, found.runs, found.longest, found.last_run, "
        "found.part_days, found.last_part, "
        # A possible police match still waiting for an officer: not linked, so listed here,
        # but the officer is pointed to it.
        "(SELECT MIN(m.id) FROM episode_match m WHERE m.pupil = p.id "
        f"AND {WAITING_SQL}) AS waiting_match, "
        f"{_NAMES} JOIN found ON found.pupil = p.id "
        "WHERE (found.runs > 0 OR found.part_days > 0) "
        f"AND NOT EXISTS (SELECT 1 {linked(viewer.la_id)}))"
    )
    kind = {Hidden.RUN: " WHERE runs > 0", Hidden.PART_DAY: " WHERE part_days > 0"}
    rows, total, page, pages = await page_of(
        sql,
        args,
        f"FROM hid{kind[filters.hidden] if filters.hidden else ''}",
        "longest DESC, part_days DESC, legal_surname, legal_forename, pupil",
        filters,
        every_page,
    )
    found = [
        AbsenceRow(
            pupil_id=int(r["pupil"]),
            forename=r["legal_forename"],
            surname=r["legal_surname"],
            school=r["school_name"],
            year_group=r["year_group"],
            runs=int(r["runs"]),
            longest_run=int(r["longest"]),
            last_run_day=as_day(r["last_run"]),
            part_days=int(r["part_days"]),
            last_part_day=as_day(r["last_part"]),
            waiting_match=int(r["waiting_match"]) if r["waiting_match"] is not None else None,
        )
        for r in rows
    ]
    return Page(found, total, page, pages, shell.since, shell.until, run_days)


async def part_day_with_episodes(
    viewer: Viewer, filters: Filters, every_page: bool = False
) -> Page:
    """Pupils with part-day absences in the period who have linked episodes: the most
    part-day absences first."""
    check(viewer)
    # The join to the pupils' linked episodes keeps only linked pupils.
    sql, args, shell = _found(viewer, filters, 1, part_days_only=True)
    sql += (
        ", eps AS (SELECT m.pupil, COUNT(*) AS episodes, MAX(e.reported_at) AS latest, "
        "SUM(CASE WHEN e.returned_at IS NULL THEN 1 ELSE 0 END) AS still_missing "
        "FROM episode_match m JOIN missing_episode e ON e.id = m.episode "
        "JOIN found ON found.pupil = m.pupil "
        f"WHERE m.la = {int(viewer.la_id)} AND e.la = {int(viewer.la_id)} AND {LINKED_SQL} "
        "GROUP BY m.pupil), "
        "pd AS (SELECT p.id AS pupil, found.part_days, found.last_part, "
        f"eps.episodes, eps.latest, eps.still_missing, {_NAMES} JOIN found ON found.pupil = p.id "
        "JOIN eps ON eps.pupil = p.id)"
    )
    rows, total, page, pages = await page_of(
        sql,
        args,
        "FROM pd",
        "part_days DESC, legal_surname, legal_forename, pupil",
        filters,
        every_page,
    )
    found = []
    for r in rows:
        latest = as_moment(r["latest"])
        assert latest is not None
        found.append(
            PartDayRow(
                pupil_id=int(r["pupil"]),
                forename=r["legal_forename"],
                surname=r["legal_surname"],
                school=r["school_name"],
                year_group=r["year_group"],
                part_days=int(r["part_days"]),
                last_part_day=as_day(r["last_part"]),
                episodes=int(r["episodes"]),
                latest_reported_at=latest,
                missing_now=int(r["still_missing"] or 0) > 0,
            )
        )
    return Page(found, total, page, pages, shell.since, shell.until)
