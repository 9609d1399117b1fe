"""List 3: repeat-missing children (the repeat trigger fired for the police's child, as the
episodes list's "Repeat" badge says) linked to a pupil, with the pupil's attendance over the
weeks their linked episodes fall in: every Monday-to-Sunday week (London) that some episode
overlaps, an open episode's up to now.

Counted in the database from the register: possible sessions (attended or absent),
attendance (present or at approved education elsewhere) and unexplained absences (N, O).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cme.access import Viewer
from cme.matching_lists import ATTENDED, POSSIBLE, UNEXPLAINED, attendance_percent
from cme.storage.clock import utcnow
from cme.storage.episode_children import REPEAT
from cme.storage.matching import LINKED_SQL
from cme.storage.partnership.common import (
    Filters,
    Page,
    calendar,
    check,
    linked,
    page_of,
    pupil_filters,
    symbols,
)
from cme.storage.values import as_moment
from cme.timeline import LONDON

# A pupil linked to an episode of a child the repeat trigger fired for.
REPEAT_PUPIL = (
    "EXISTS (SELECT 1 {linked} AND EXISTS (SELECT 1 FROM intervention_meeting im "
    f"WHERE im.child = e.child AND im.trigger = '{REPEAT}'))"
)


@dataclass(frozen=True)
class RepeatRow:
    pupil_id: int
    forename: str
    surname: str
    school: str
    year_group: str
    episodes: int
    first_reported_at: datetime
    latest_reported_at: datetime
    weeks: int
    possible: int
    attended: int
    unexplained: int

    @property
    def percent(self) -> float | None:
        return attendance_percent(self.attended, self.possible)


def _count(kind: frozenset[str]) -> str:
    return (
        f"SUM(CASE WHEN SUBSTR(py.marks, cal.am, 1) IN ({symbols(kind)}) THEN 1 ELSE 0 END) + "
        f"SUM(CASE WHEN SUBSTR(py.marks, cal.pm, 1) IN ({symbols(kind)}) THEN 1 ELSE 0 END)"
    )


async def _statement(viewer: Viewer, f: Filters, now: datetime) -> tuple[str, list[Any]]:
    cal = await calendar(viewer.la_id, None, now.astimezone(LONDON).date())
    where, args = pupil_filters(viewer, f)
    la = viewer.la_id
    # The weeks' sessions, once each however many episodes share a week; the calendar ends
    # today, so an open episode's weeks run to now.
    in_weeks = (
        f"EXISTS (SELECT 1 {linked(la, 'w', 'py.pupil')} AND w.reported_at < cal.week_to "
        "AND (w.returned_at IS NULL OR w.returned_at >= cal.week_from))"
    )
    sql = (
        f"WITH {cal}, rp AS (SELECT p.id AS pupil FROM pupil p WHERE {where} AND "
        f"{REPEAT_PUPIL.format(linked=linked(la))}), "
        "att AS (SELECT py.pupil, COUNT(DISTINCT cal.week_from) AS weeks, "
        f"{_count(POSSIBLE)} AS possible, {_count(ATTENDED)} AS attended, "
        f"{_count(UNEXPLAINED)} AS unexplained "
        "FROM rp JOIN pupil_year py ON py.pupil = rp.pupil JOIN cal ON cal.yr = py.academic_year "
        f"WHERE {in_weeks} GROUP BY py.pupil), "
        "eps AS (SELECT m.pupil, COUNT(*) AS episodes, MIN(e.reported_at) AS first, "
        "MAX(e.reported_at) AS latest FROM episode_match m JOIN missing_episode e ON "
        "e.id = m.episode JOIN rp ON rp.pupil = m.pupil "
        f"WHERE m.la = {la} AND e.la = {la} AND {LINKED_SQL} "
        "GROUP BY m.pupil), "
        "rep AS (SELECT p.id AS pupil, p.legal_forename, p.legal_surname, p.year_group, "
        "s.name AS school_name, eps.episodes, eps.first, eps.latest, "
        "COALESCE(att.weeks, 0) AS weeks, COALESCE(att.possible, 0) AS possible, "
        "COALESCE(att.attended, 0) AS attended, COALESCE(att.unexplained, 0) AS unexplained "
        "FROM rp JOIN pupil p ON p.id = rp.pupil JOIN school s ON s.id = p.school "
        "JOIN eps ON eps.pupil = rp.pupil LEFT JOIN att ON att.pupil = rp.pupil)"
    )
    return sql, args


async def repeat_children(
    viewer: Viewer, filters: Filters, now: datetime | None = None, every_page: bool = False
) -> Page:
    """The repeat-missing children the filters choose, the lowest attendance first."""
    check(viewer)
    now = now or utcnow()
    sql, args = await _statement(viewer, filters, now)
    below = ""
    if filters.below:
        below = f" WHERE possible > 0 AND attended * 100 < {int(filters.below)} * possible"
    rows, total, page, pages = await page_of(
        sql,
        args,
        f"FROM rep{below}",
        "CASE WHEN possible = 0 THEN 1 ELSE 0 END, (attended * 1.0) / (CASE WHEN possible = 0 "
        "THEN 1 ELSE possible END), unexplained DESC, legal_surname, legal_forename, pupil",
        filters,
        every_page,
    )
    return Page([_row(r) for r in rows], total, page, pages)


def _row(r: dict[str, Any]) -> RepeatRow:
    first, latest = as_moment(r["first"]), as_moment(r["latest"])
    assert first is not None and latest is not None
    return RepeatRow(
        pupil_id=int(r["pupil"]),
        forename=r["legal_forename"],
        surname=r["legal_surname"],
        school=r["school_name"],
        year_group=r["year_group"],
        episodes=int(r["episodes"]),
        first_reported_at=first,
        latest_reported_at=latest,
        weeks=int(r["weeks"]),
        possible=int(r["possible"]),
        attended=int(r["attended"]),
        unexplained=int(r["unexplained"]),
    )
