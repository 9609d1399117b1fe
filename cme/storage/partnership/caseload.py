"""List 2: children on the CME caseload who have police episodes linked to them, past or
current: one row per case, with the case's stage and school days missing as the caseload
keeps them (`case_summary.py`), and the child's linked episodes counted in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.cases.case import Stage, Status
from cme.storage.matching import LINKED_SQL
from cme.storage.partnership.common import (
    Filters,
    Page,
    check,
    choice,
    page_of,
    pupil_filters,
)
from cme.storage.values import as_day, as_moment

# On the caseload: open, or removed from roll while the LA still looks for the child (the
# caseload's "children missing education").
ON_CASELOAD = (
    f"(c.status = '{Status.OPEN.value}' OR "
    f"(c.status = '{Status.REMOVED.value}' AND c.la_closed_on IS NULL))"
)


@dataclass(frozen=True)
class CaseloadEpisodesRow:
    case_id: int
    pupil_id: int
    forename: str
    surname: str
    school: str
    year_group: str
    status: Status
    on_caseload: bool
    stage: Stage | None
    days_missing: int
    day_one: date
    episodes: int
    latest_reported_at: datetime
    missing_now: bool


def _statement(viewer: Viewer, f: Filters) -> tuple[str, list[Any]]:
    where, args = pupil_filters(viewer, f)
    parts = [where, "c.la = {}"]
    args.append(viewer.la_id)
    if not f.closed:
        parts.append(ON_CASELOAD)
    if f.missing_now:
        parts.append("x.still_missing > 0")
    return (
        "FROM cme_case c JOIN pupil p ON p.id = c.pupil JOIN school s ON s.id = c.school "
        "JOIN (SELECT m.pupil, COUNT(*) AS episodes, MAX(e.reported_at) AS latest, "
        "SUM(CASE WHEN e.returned_at IS NULL THEN 1 ELSE 0 END) AS still_missing "
        "FROM episode_match m JOIN missing_episode e ON e.id = m.episode "
        f"WHERE m.la = {{}} AND e.la = {{}} AND {LINKED_SQL} GROUP BY m.pupil) x "
        f"ON x.pupil = c.pupil WHERE {' AND '.join(parts)}",
        [viewer.la_id, viewer.la_id, *args],
    )


async def caseload_with_episodes(
    viewer: Viewer, filters: Filters, every_page: bool = False
) -> Page:
    """The cases the filters choose, the longest missing from school first."""
    check(viewer)
    sql, args = _statement(viewer, filters)
    rows, total, page, pages = await page_of(
        "WITH cl AS (SELECT c.id, c.pupil, c.status, c.stage, c.days_missing, c.day_one, "
        "c.la_closed_on, p.legal_forename, p.legal_surname, p.year_group, "
        "s.name AS school_name, x.episodes, x.latest, x.still_missing, "
        f"CASE WHEN {ON_CASELOAD} THEN 0 ELSE 1 END AS closed {sql})",
        args,
        "FROM cl",
        "closed, days_missing DESC, legal_surname, legal_forename, id",
        filters,
        every_page,
    )
    return Page([_row(r) for r in rows], total, page, pages)


def _row(r: dict[str, Any]) -> CaseloadEpisodesRow:
    status = Status(r["status"])
    latest = as_moment(r["latest"])
    day_one = as_day(r["day_one"])
    assert latest is not None and day_one is not None
    return CaseloadEpisodesRow(
        case_id=int(r["id"]),
        pupil_id=int(r["pupil"]),
        forename=r["legal_forename"],
        surname=r["legal_surname"],
        school=r["school_name"],
        year_group=r["year_group"],
        status=status,
        on_caseload=status is Status.OPEN
        or (status is Status.REMOVED and r["la_closed_on"] is None),
        stage=choice(Stage, r["stage"]),
        days_missing=int(r["days_missing"]),
        day_one=day_one,
        episodes=int(r["episodes"]),
        latest_reported_at=latest,
        missing_now=int(r["still_missing"] or 0) > 0,
    )
