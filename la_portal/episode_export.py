"""The LA's list of missing episodes as an .xlsx workbook: every episode the page's filters
select (all pages, in the page's order), the page's columns, and the download recorded in the
access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpyxl import Workbook

from cme.access import Viewer
from cme.events import Action
from cme.exports.cells import append_text
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.episode_list import EpisodeRow, Filters, episode_list
from la_portal import episode_words as words
from school_portal.export import _finish, _sheet

HEADERS = [
    "Reported",
    "Surname",
    "Forename",
    "Date of birth",
    "Repeat",
    "Looked after",
    "Missing from",
    "Risk",
    "Police's words for the risk",
    "Risk scheme",
    "Last seen",
    "Returned or found",
    "Return interview",
    "Interview due by",
    "Especially needed",
    "Escalations",
    "Identity change waiting",
    "Police force",
    "Police reference",
]
WIDTHS = [20, 16, 14, 12, 8, 8, 14, 12, 22, 22, 20, 20, 20, 20, 40, 40, 12, 20, 16]


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _row(r: EpisodeRow) -> list[Any]:
    v = r.view
    e = v.episode
    return [
        words.when(e.reported_at),
        e.child.surname,
        e.child.forename,
        e.child.date_of_birth,
        _yes(r.repeat),
        _yes(e.looked_after),
        e.missing_from.label,
        words.risk_level_words(e),
        e.risk_raw or None,
        e.risk_scheme or None,
        words.when(e.last_seen_at) or None,
        words.when(e.returned_at) or None,
        v.state.label,
        words.when(v.due_at) or None,
        "; ".join(v.especially) or None,
        "; ".join(v.escalations) or None,
        _yes(v.pending is not None),
        e.force,
        e.reference,
    ]


async def episodes_download(
    viewer: Viewer, filters: Filters, now: datetime | None = None
) -> tuple[bytes, int]:
    """The workbook and how many episodes it holds."""
    async with write_transaction():
        found = await episode_list(viewer, filters, now, every_page=True)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            list="missing_episodes",
            filters={k: v for k, v in filters.query().items() if v},
            episodes=len(found.rows),
            children=len({r.view.child_id for r in found.rows}),
        )
    book = Workbook()
    caption = (
        f"{viewer.la_name}: children missing from home or care, {words.counts(found)} "
        f"({words.describe(filters)})"
    )
    sheet = _sheet(book, "Missing episodes", caption, HEADERS)
    for r in found.rows:
        append_text(sheet, _row(r))
    return _finish(sheet, WIDTHS), len(found.rows)
