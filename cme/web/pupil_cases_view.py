"""Values for the pupil page's cases section (`_pupil_cases.html`): the child's cases, newest
first, each linking to its case page."""

from __future__ import annotations

from typing import Any

from cme.access import Viewer
from cme.storage.case_context import CASE_COLUMNS, case_of
from cme.storage.scope import pupils_of
from cme.storage.tables import Case as CaseTable
from cme.web.case_words import outcome_words


async def section(viewer: Viewer, pupil: dict[str, Any]) -> dict[str, Any]:
    rows = await pupils_of(
        CaseTable.select(*CASE_COLUMNS).where(CaseTable.pupil == pupil["id"]),
        viewer,
        CaseTable.school,
    ).order_by(CaseTable.day_one, ascending=False)
    cases = [case_of(r) for r in rows]
    return {
        "pupil_cases": [
            {
                "id": c.id,
                "day_one": c.day_one,
                "open": c.is_open,
                "on_cme_list": c.on_cme_list,
                "handed": c.handed_to_la_at is not None,
                "ended_on": c.removed_on or c.closed_on,
                "outcome": outcome_words(c.outcome),
            }
            for c in cases
        ]
    }


async def open_cases_by_pupil(viewer: Viewer, school_id: int) -> dict[int, int]:
    """Pupil id -> id of the pupil's open case, for linking each flagged child on Today."""
    rows = await pupils_of(
        CaseTable.select(CaseTable.id, CaseTable.pupil).where(
            CaseTable.school == school_id, CaseTable.status == "open"
        ),
        viewer,
        CaseTable.school,
    )
    return {int(r["pupil"]): int(r["id"]) for r in rows}
