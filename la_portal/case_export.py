"""The LA's cases list as an .xlsx workbook: both lists of the page, with the school, and the
download recorded in the access log."""

from __future__ import annotations

from openpyxl import Workbook

from cme.access import Viewer
from cme.events import Action
from cme.exports.cells import as_text
from cme.storage import audit
from cme.storage.case_views import cases_for_la
from cme.storage.engine import write_transaction
from school_portal.case_export import HEADERS, _row
from school_portal.export import _finish, _sheet


async def la_cases_download(viewer: Viewer, include_closed: bool) -> bytes:
    async with write_transaction():
        rows = await cases_for_la(viewer, include_closed=include_closed)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            list="la_cases",
            children=len({r.pupil["id"] for r in rows}),
            include_closed=include_closed,
        )
    which = "all cases handed to the LA" if include_closed else "open cases"
    book = Workbook()
    sheet = _sheet(
        book,
        "Cases",
        f"{viewer.la_name}: {len(rows)} {which}",
        ["List", "School", *HEADERS],
    )
    # The page's order: the cases handed over, then the children missing education.
    for r in sorted(rows, key=lambda r: r.case.on_cme_list):
        listed = "Children missing education" if r.case.on_cme_list else "Handed to the LA"
        sheet.append([listed, r.pupil["school.name"], *_row(r)])
        as_text(sheet[sheet.max_row])
    return _finish(sheet, [26, 30, 16, 16, 14, 6, 12, 10, 34, 40, 12, 50, 40])
