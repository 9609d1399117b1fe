"""List 1: school sessions during a linked child's police episode on which the register has
them absent, or marked present (a conflict between the police's record and the school's).

A session is read when the police record the child missing at its registration time (9:00
for the morning, 13:30 for the afternoon, London): reported by then and not yet back
(`cme.matching_lists.missing_at`); an open episode's sessions stop at now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.marks import BY_SYMBOL
from cme.matching_lists import ABSENT, MARKED_PRESENT
from cme.storage.clock import utcnow
from cme.storage.matching import LINKED_SQL
from cme.storage.partnership.common import (
    Filters,
    Kind,
    Page,
    calendar,
    check,
    page_of,
    pupil_filters,
    symbols,
)
from cme.storage.tables import Pupil
from cme.storage.values import as_day, as_moment
from cme.timeline import LONDON


@dataclass(frozen=True)
class SessionRow:
    pupil_id: int
    forename: str
    surname: str
    school: str
    year_group: str
    episode_id: int
    reported_at: datetime
    returned_at: datetime | None
    day: date
    session: str
    code: str
    meaning: str
    kind: Kind


async def _hits(viewer: Viewer, f: Filters, now: datetime) -> tuple[str, list[Any]]:
    """The statement's WITH part: `hit`, every session read, with its mark and kind."""
    last = now.astimezone(LONDON).date()
    if f.until is not None:
        last = min(last, f.until)
    cal = await calendar(viewer.la_id, f.since, last)
    where, args = pupil_filters(viewer, f)
    present = symbols(MARKED_PRESENT)
    sql = (
        f"WITH {cal}, ses(day, yr, pos, session, at) AS ("
        "SELECT day, yr, am, 'AM', am_at FROM cal UNION ALL SELECT day, yr, pm, 'PM', pm_at "
        "FROM cal), hit AS (SELECT p.id AS pupil, p.legal_forename, p.legal_surname, "
        "p.year_group, s.name AS school_name, e.id AS episode, e.reported_at, e.returned_at, "
        "ses.day, ses.session, SUBSTR(py.marks, ses.pos, 1) AS mark, "
        f"CASE WHEN SUBSTR(py.marks, ses.pos, 1) IN ({present}) THEN '{Kind.CONFLICT.value}' "
        f"ELSE '{Kind.ABSENT.value}' END AS kind "
        "FROM episode_match m JOIN missing_episode e ON e.id = m.episode "
        "JOIN pupil p ON p.id = m.pupil JOIN school s ON s.id = p.school "
        "JOIN ses ON ses.at >= e.reported_at AND (e.returned_at IS NULL OR ses.at < e.returned_at) "
        "JOIN pupil_year py ON py.pupil = p.id AND py.academic_year = ses.yr "
        f"WHERE m.la = {{}} AND e.la = {{}} AND {LINKED_SQL} AND {where} AND ses.at <= {{}} "
        f"AND SUBSTR(py.marks, ses.pos, 1) IN ({symbols(ABSENT | MARKED_PRESENT)}))"
    )
    return sql, [viewer.la_id, viewer.la_id, *args, now]


async def session_counts(
    viewer: Viewer, filters: Filters, now: datetime | None = None
) -> dict[Kind, int]:
    """How many sessions each kind holds under the other filters."""
    check(viewer)
    sql, args = await _hits(viewer, filters, now or utcnow())
    rows = await Pupil.raw(f"{sql} SELECT kind, COUNT(*) AS n FROM hit GROUP BY kind", *args)
    found = {str(r["kind"]): int(r["n"]) for r in rows}
    return {k: found.get(k.value, 0) for k in Kind}


async def sessions_during_episodes(
    viewer: Viewer, filters: Filters, now: datetime | None = None, every_page: bool = False
) -> Page:
    """The page of sessions the filters choose, latest first (or, for the download, all)."""
    check(viewer)
    now = now or utcnow()
    sql, args = await _hits(viewer, filters, now)
    kind = f" WHERE kind = '{filters.kind.value}'" if filters.kind else ""
    rows, total, page, pages = await page_of(
        sql,
        args,
        f"FROM hit{kind}",
        "day DESC, session DESC, legal_surname, legal_forename, pupil, episode",
        filters,
        every_page,
    )
    return Page([_row(r) for r in rows], total, page, pages)


def _row(r: dict[str, Any]) -> SessionRow:
    mark = BY_SYMBOL.get(str(r["mark"]))
    reported = as_moment(r["reported_at"])
    day = as_day(r["day"])
    assert reported is not None and day is not None
    return SessionRow(
        pupil_id=int(r["pupil"]),
        forename=r["legal_forename"],
        surname=r["legal_surname"],
        school=r["school_name"],
        year_group=r["year_group"],
        episode_id=int(r["episode"]),
        reported_at=reported,
        returned_at=as_moment(r["returned_at"]),
        day=day,
        session=str(r["session"]),
        code=mark.code if mark else str(r["mark"]),
        meaning=mark.meaning if mark else "",
        kind=Kind(str(r["kind"])),
    )
