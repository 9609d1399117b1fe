"""Lists 4 and 5, read from the register over a period (by default the academic year so far):

- "hidden missing": pupils never linked to a police episode who had an unexplained absence
  run (school days on which every marked session is N or O, a day with no mark neither
  counting nor breaking it) of at least a chosen length, or a part-day absence;
- pupils with a part-day absence (the flags' notion: one session N or O, the other in
  school) who have linked episodes.

Runs are found in the database as islands (the days of a run share the count of breaking
days before them, a running sum per pupil), after a
pupil's year is first tested for any N or O in the period at all, so that only those pupils'
days are laid out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.matching_lists import MARKED_PRESENT, NEUTRAL_MARKS, UNEXPLAINED
from cme.storage.clock import today
from cme.storage.matching import LINKED_SQL, WAITING_SQL
from cme.storage.partnership.common import (
    Filters,
    Hidden,
    Page,
    calendar,
    check,
    linked,
    page_of,
    pupil_filters,
    symbols,
)
from cme.storage.policies import policy_for_la
from cme.storage.values import as_day, as_moment
from cme.timeline import academic_year, year_start

_U, _P, _N = symbols(UNEXPLAINED), symbols(MARKED_PRESENT), symbols(NEUTRAL_MARKS)
PART_DAY_SQL = f"((am IN ({_U}) AND pm IN ({_P})) OR (pm IN ({_U}) AND am IN ({_P})))"
_ANY_UNEXPLAINED = " OR ".join(
    f"SUBSTR(py.marks, win.start, win.len) LIKE '%{s}%'" for s in sorted(UNEXPLAINED)
)


def period(f: Filters, on: date | None = None) -> tuple[date, date]:
    """The days read: the filter's, else the academic year up to today."""
    until = f.until or on or today()
    return f.since or year_start(academic_year(until)), until


async def _days(viewer: Viewer, f: Filters, linked_pupils: bool) -> tuple[str, list[Any], Page]:
    """The WITH part down to `days` (pupil, day, am, pm) and `part` (part-day absences)."""
    since, until = period(f)
    cal = await calendar(viewer.la_id, since, until)
    where, args = pupil_filters(viewer, f)
    ever = f"EXISTS (SELECT 1 {linked(viewer.la_id)})"
    sql = (
        f"WITH {cal}, win(yr, start, len) AS (SELECT yr, MIN(am), MAX(pm) - MIN(am) + 1 "
        "FROM cal GROUP BY yr), "
        "days AS (SELECT py.pupil, cal.day, SUBSTR(py.marks, cal.am, 1) AS am, "
        "SUBSTR(py.marks, cal.pm, 1) AS pm FROM pupil p JOIN pupil_year py ON py.pupil = p.id "
        "JOIN win ON win.yr = py.academic_year JOIN cal ON cal.yr = py.academic_year "
        f"WHERE {where} AND {ever if linked_pupils else 'NOT ' + ever} "
        f"AND ({_ANY_UNEXPLAINED})), "
        "part AS (SELECT pupil, COUNT(*) AS part_days, MAX(day) AS last_part FROM days "
        f"WHERE {PART_DAY_SQL} GROUP BY pupil)"
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
    sql, args, shell = await _days(viewer, filters, linked_pupils=False)
    sql += (
        ", known AS (SELECT pupil, day, CASE WHEN (am IN ({u}) OR am IN ({n})) AND "
        "(pm IN ({u}) OR pm IN ({n})) THEN 1 ELSE 0 END AS u FROM days "
        "WHERE NOT (am IN ({n}) AND pm IN ({n}))), "
        "isl AS (SELECT pupil, day, u, SUM(1 - u) OVER (PARTITION BY pupil ORDER BY day "
        "ROWS UNBOUNDED PRECEDING) AS grp FROM known), "
        "runs AS (SELECT pupil, COUNT(*) AS length, MAX(day) AS last_day FROM isl WHERE u = 1 "
        "GROUP BY pupil, grp), "
        "run AS (SELECT pupil, COUNT(*) AS runs, MAX(length) AS longest, MAX(last_day) AS "
        f"last_run FROM runs WHERE length >= {int(run_days)} GROUP BY pupil), "
        # One row per pupil from both kinds at once: joining `run` and `part` to the pupils
        # separately made PostgreSQL loop over one for each row of the other (its estimates
        # of a CTE's rows are far too low).
        "found AS (SELECT pupil, MAX(runs) AS runs, MAX(longest) AS longest, MAX(last_run) AS "
        "last_run, MAX(part_days) AS part_days, MAX(last_part) AS last_part FROM ("
        "SELECT pupil, runs, longest, last_run, 0 AS part_days, NULL AS last_part FROM run "
        "UNION ALL SELECT pupil, 0, 0, NULL, part_days, last_part FROM part) f GROUP BY pupil), "
        "hid AS (SELECT p.id AS pupil, found.runs, found.longest, found.last_run, "
        "found.part_days, found.last_part, "
        # A possible police match still waiting for an officer: not linked, so listed here,
        # but the officer is pointed to it.
        "(SELECT MIN(m.id) FROM episode_match m WHERE m.pupil = p.id "
        f"AND {WAITING_SQL}) AS waiting_match, "
        f"{_NAMES} JOIN found ON found.pupil = p.id)"
    ).format(u=_U, n=_N)
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
    sql, args, shell = await _days(viewer, filters, linked_pupils=True)
    sql += (
        ", eps AS (SELECT m.pupil, COUNT(*) AS episodes, MAX(e.reported_at) AS latest, "
        "SUM(CASE WHEN e.returned_at IS NULL THEN 1 ELSE 0 END) AS still_missing "
        "FROM episode_match m JOIN missing_episode e ON e.id = m.episode "
        "JOIN part ON part.pupil = m.pupil "
        f"WHERE m.la = {int(viewer.la_id)} AND e.la = {int(viewer.la_id)} AND {LINKED_SQL} "
        "GROUP BY m.pupil), "
        f"pd AS (SELECT p.id AS pupil, part.part_days, part.last_part, eps.episodes, "
        f"eps.latest, eps.still_missing, {_NAMES} JOIN part ON part.pupil = p.id "
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
