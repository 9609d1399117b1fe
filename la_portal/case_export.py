"""The LA's caseload as an .xlsx workbook: every case the page's filters select (all pages, in
the page's order), the same columns, and the download recorded in the access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook

from cme.access import Viewer
from cme.events import Action
from cme.exports.cells import append_text
from cme.storage import audit
from cme.storage.caseload import CaseloadRow, Filters, caseload_rows
from cme.storage.engine import write_transaction
from cme.timeline import LONDON
from la_portal.caseload_words import describe, stage_words
from school_portal.export import _finish, _sheet

HEADERS = [
    "UPN",
    "Surname",
    "Forename",
    "Year",
    "School",
    "Stage",
    "School days missing",
    "Day one",
    "Next deadline",
    "Next step",
    "Overdue steps",
    "Risk",
    "Officer",
    "Last activity",
    "With",
]


def _row(r: CaseloadRow) -> list[Any]:
    following = r.next_due
    return [
        r.upn,
        r.surname,
        r.forename,
        r.year_group,
        r.school,
        stage_words(r),
        r.days_missing,
        r.day_one,
        following.due_on if following else None,
        following.step.label if following else None,
        "; ".join(d.step.label for d in r.overdue) or None,
        ", ".join(r.risks) or None,
        r.officer or "Not assigned",
        r.last_activity_at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")
        if r.last_activity_at
        else None,
        "LA" if r.handed_to_la else "School",
    ]


async def caseload_download(
    viewer: Viewer,
    filters: Filters,
    school_names: dict[int, str],
    officers: dict[int, str],
    on: date | None = None,
) -> tuple[bytes, int]:
    """The workbook and how many cases it holds."""
    async with write_transaction():
        rows = await caseload_rows(viewer, filters, on)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            list="la_caseload",
            filters={k: v for k, v in filters.query().items() if v},
            children=len({r.pupil_id for r in rows}),
        )
    book = Workbook()
    caption = f"{viewer.la_name}: {len(rows)} cases ({describe(filters, school_names, officers)})"
    sheet = _sheet(book, "Caseload", caption, HEADERS)
    for r in rows:
        append_text(sheet, _row(r))
    return _finish(sheet, [16, 16, 14, 6, 30, 34, 10, 12, 12, 40, 50, 24, 22, 16, 8]), len(rows)
