"""A list of matches as an .xlsx workbook: every proposal of the kind the page shows (all
pages, in the page's order) with each field's agreement, the download in the access log."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from cme.access import Viewer
from cme.events import Action
from cme.exports.cells import append_text
from cme.storage import audit, match_queue
from cme.storage.engine import write_transaction
from cme.storage.match_queue import Kind, Proposal
from la_portal import match_words as words
from school_portal.export import _finish, _sheet

HEADERS = [
    "Likelihood",
    "Status",
    "Police: child",
    "Police: date of birth",
    "Reported missing",
    "Police force",
    "Police reference",
    "Pupil",
    "Pupil: date of birth",
    "UPN",
    "School",
    "Year",
    "How the records compare",
    "Each field",
    "Decided on",
]
WIDTHS = [12, 22, 22, 12, 20, 16, 16, 22, 12, 16, 26, 6, 36, 80, 20]


def _row(p: Proposal) -> list[Any]:
    return [
        words.likelihood(p.score),
        words.status(p),
        p.episode_name,
        p.episode_born,
        words.when(p.reported_at),
        p.force,
        p.reference,
        p.pupil_name,
        p.pupil_born,
        p.upn,
        p.school_name,
        p.year_group,
        words.summary(p),
        "; ".join(
            f"{r.label}: police {r.police}, pupil {r.pupil}, {r.agreement.lower()} ({r.weight})"
            for r in words.field_rows(p)
        ),
        words.when(p.decided_at) or None,
    ]


async def matches_download(viewer: Viewer, kind: Kind) -> bytes:
    async with write_transaction():
        found = await match_queue.queue(viewer, kind, every_page=True)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            list=f"matches_{kind.value}",
            matches=len(found.rows),
            children=len({p.pupil_id for p in found.rows}),
        )
    book = Workbook()
    caption = f"{viewer.la_name}: police episodes matched with pupils, {words.KINDS[kind].lower()}"
    sheet = _sheet(book, words.KINDS[kind][:31], caption, HEADERS)
    for p in found.rows:
        append_text(sheet, _row(p))
    return _finish(sheet, WIDTHS)
