"""A cross-check list as an .xlsx workbook: every row the page's filters select (all pages, in
the page's order), the page's columns, and the download recorded in the access log in the
same transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook

from cme.access import Viewer
from cme.events import Action
from cme.exports.cells import append_text
from cme.storage import audit
from cme.storage import partnership as lists
from cme.storage.engine import write_transaction
from la_portal import partnership_words as words
from school_portal.export import _finish, _sheet

Reader = Callable[[Viewer, lists.Filters, bool], Awaitable[lists.Page]]


async def _sessions(v: Viewer, f: lists.Filters, every: bool) -> lists.Page:
    return await lists.sessions_during_episodes(v, f, every_page=every)


async def _caseload(v: Viewer, f: lists.Filters, every: bool) -> lists.Page:
    return await lists.caseload_with_episodes(v, f, every_page=every)


async def _repeat(v: Viewer, f: lists.Filters, every: bool) -> lists.Page:
    return await lists.repeat_children(v, f, every_page=every)


async def _hidden(v: Viewer, f: lists.Filters, every: bool) -> lists.Page:
    return await lists.hidden_missing(v, f, every_page=every)


async def _part_day(v: Viewer, f: lists.Filters, every: bool) -> lists.Page:
    return await lists.part_day_with_episodes(v, f, every_page=every)


READERS: dict[str, Reader] = {
    words.SESSIONS.slug: _sessions,
    words.CASELOAD.slug: _caseload,
    words.REPEAT.slug: _repeat,
    words.HIDDEN_MISSING.slug: _hidden,
    words.PART_DAY.slug: _part_day,
}


SHEETS = {
    words.SESSIONS.slug: "Sessions while missing",
    words.CASELOAD.slug: "Caseload with episodes",
    words.REPEAT.slug: "Repeat missing",
    words.HIDDEN_MISSING.slug: "Hidden missing",
    words.PART_DAY.slug: "Part-day with episodes",
}


def _cell(value: Any) -> Any:
    # Dates and counts stay what they are (the sheet shows dates dd/mm/yyyy); moments, yes or
    # no and percentages read as on the page.
    if value is None or (isinstance(value, date | str) and not isinstance(value, datetime)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return words.show(value)


async def list_download(
    viewer: Viewer, slug: str, filters: lists.Filters, schools: dict[int, str]
) -> tuple[bytes, int]:
    """The workbook of one list and how many rows it holds."""
    list_words = words.LISTS[slug]
    async with write_transaction():
        found = await READERS[slug](viewer, filters, True)
        await audit.record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            list=f"partnership_{slug.replace('-', '_')}",
            filters={k: v for k, v in filters.query().items() if v},
            rows=len(found.rows),
            children=len({r.pupil_id for r in found.rows}),
        )
    book = Workbook()
    said = words.describe(list_words, filters, found, schools)
    caption = (
        f"{viewer.la_name}: {list_words.title.lower()}, "
        f"{words.count(found.total, list_words)} ({said})"
    )
    sheet = _sheet(book, SHEETS[slug], caption, [c.heading for c in list_words.columns])
    for row in found.rows:
        append_text(sheet, [_cell(v) for v in words.cells(list_words, row)])
    return _finish(sheet, [c.width for c in list_words.columns]), len(found.rows)
