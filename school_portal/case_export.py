"""The school's cases list as an .xlsx workbook, holding exactly what the page shows, with the
download recorded in the access log (it is a list of children)."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from cme.access import Viewer
from cme.events import Action
from cme.exports.cells import append_text
from cme.storage import audit
from cme.storage.case_views import CaseListRow, cases_for_school
from cme.storage.engine import write_transaction
from cme.web.case_words import outcome_words
from school_portal.export import CHILD_HEADERS, _finish, _sheet

HEADERS = [
    *CHILD_HEADERS[:4],
    "Day one",
    "School days missing",
    "Stage",
    "Next step",
    "Next step due",
    "Overdue",
    "Outcome",
]


def _row(r: CaseListRow) -> list[Any]:
    state = r.state
    following = state.next_due
    return [
        r.pupil["upn"],
        r.pupil["legal_surname"],
        r.pupil["legal_forename"],
        r.pupil["year_group"],
        state.case.day_one,
        state.days_missing,
        state.stage.label,
        following.step.label if following else None,
        following.due_on if following else None,
        "; ".join(d.step.label for d in state.overdue) or None,
        outcome_words(state.case.outcome) or None,
    ]


def cases_workbook(school_name: str, rows: list[CaseListRow], include_closed: bool) -> bytes:
    which = "all cases" if include_closed else "open cases"
    book = Workbook()
    sheet = _sheet(book, "Cases", f"{school_name}: {len(rows)} {which}", HEADERS)
    for r in rows:
        append_text(sheet, _row(r))
    return _finish(sheet, [16, 16, 14, 6, 12, 10, 34, 40, 12, 50, 40])


async def cases_download(viewer: Viewer, school_id: int, include_closed: bool) -> bytes:
    async with write_transaction():
        rows = await cases_for_school(viewer, school_id, include_closed=include_closed)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            list="cases",
            children=len({r.pupil["id"] for r in rows}),
            include_closed=include_closed,
        )
    return cases_workbook(viewer.school_name or "", rows, include_closed)
