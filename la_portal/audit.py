"""The audit trail for LA administrators: who changed what and who looked at which child,
filtered, paged by the database, and downloadable as exactly the rows the filters select."""

from __future__ import annotations

import io
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cme.access import Viewer
from cme.events import Action
from cme.exports.cells import as_text
from cme.storage import audit, organisations
from cme.storage.audit import AuditFilter, AuditRow
from cme.timeline import LONDON
from cme.web.guards import requires_la_admin
from cme.web.pages import render, viewer_of
from la_portal import audit_words
from school_portal.export import XLSX

PAGE_SIZE = 50
# A download is for a period or a person, not the whole history: past this many rows, the
# newest are given and the page says so.
EXPORT_CAP = 10_000

_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
# Ids and page numbers from the address: ASCII digits only (str.isdigit also accepts "²",
# which int() refuses), and few enough that the database can take the offset.
_NUMBER = re.compile(r"[0-9]{1,9}")
# A filter date outside these years is a typing mistake, and the day after 31/12/9999 does
# not exist.
_YEARS = range(1900, 3000)


def _number(typed: str) -> int | None:
    return int(typed) if _NUMBER.fullmatch(typed) else None


def _day(typed: str) -> date:
    """A UK date as people type it (05/11/2026 or 5/11/2026); ISO as browsers send it."""
    typed = typed.strip()
    match = _UK_DATE.match(typed)
    if match:
        day, month, year = (int(g) for g in match.groups())
        found = date(year, month, day)
    else:
        found = date.fromisoformat(typed)
    if found.year not in _YEARS:
        raise ValueError(typed)
    return found


@dataclass
class AuditQuery:
    """The filters as typed (kept, to show back) and as parsed; `errors` by input name."""

    who: str = ""
    what: str = ""
    school: str = ""
    since: str = ""
    until: str = ""
    page: int = 1
    chosen: AuditFilter = field(default_factory=AuditFilter)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(
        cls, who: str, what: str, school: str, since: str, until: str, page: str
    ) -> AuditQuery:
        q = cls(who.strip(), what.strip(), school.strip(), since.strip(), until.strip())
        q.page = min(_number(page.strip()) or 1, 1_000_000)
        account_id = school_id = None
        action = None
        if q.who:
            account_id = _number(q.who)
            if account_id is None:
                q.errors["who"] = "Choose a person from the list."
        if q.what:
            try:
                action = Action(q.what)
            except ValueError:
                q.errors["what"] = "Choose what happened from the list."
        if q.school:
            school_id = _number(q.school)
            if school_id is None:
                q.errors["school"] = "Choose a school from the list."
        days: dict[str, date | None] = {"since": None, "until": None}
        for name, words in (("since", "From"), ("until", "To")):
            typed = getattr(q, name)
            if typed:
                try:
                    days[name] = _day(typed)
                except ValueError:
                    q.errors[name] = f"{words}: enter a date such as 05/11/2026."
        first, last = days["since"], days["until"]
        if first and last and last < first:
            q.errors["until"] = "The \u201cTo\u201d date is before the \u201cFrom\u201d date."
        q.chosen = AuditFilter(account_id, action, school_id, first, last)
        return q

    def link(self, **changes: Any) -> str:
        """This query's filters (changed as given) as a query string, without empty ones."""
        params = {
            "who": self.who,
            "what": self.what,
            "school": self.school,
            "since": self.since,
            "until": self.until,
            "page": "",
            **changes,
        }
        kept = {k: v for k, v in params.items() if v not in ("", None, 1)}
        return "?" + urlencode(kept) if kept else ""


@dataclass(frozen=True)
class Options:
    people: list[tuple[str, str]]
    actions: list[tuple[str, str]]
    schools: list[tuple[str, str]]

    def words_for(self, q: AuditQuery) -> dict[str, str]:
        """The chosen filters in words ("Who": "jo@school.example"), for captions."""
        chosen = {
            "Who": dict(self.people).get(q.who, q.who),
            "What": dict(self.actions).get(q.what, q.what),
            "School": dict(self.schools).get(q.school, q.school),
            "From": q.chosen.since.strftime("%d/%m/%Y") if q.chosen.since else "",
            "To": q.chosen.until.strftime("%d/%m/%Y") if q.chosen.until else "",
        }
        return {k: v for k, v in chosen.items() if v}


async def _options(viewer: Viewer) -> Options:
    people = [(str(p["id"]), p["email"]) for p in await audit.people(viewer)]
    actions = sorted(((a.value, a.label) for a in Action), key=lambda a: a[1])
    schools = [
        (str(s["id"]), f"{s['name']} ({s['urn']})")
        for s in await organisations.schools_visible_to(viewer)
    ]
    return Options(people, actions, schools)


async def _described(
    viewer: Viewer, rows: list[AuditRow]
) -> list[tuple[AuditRow, audit_words.Described]]:
    children = await audit.children_named(viewer, audit_words.pupil_ids(rows))
    return [(r, audit_words.describe(r, children)) for r in rows]


def _workbook(caption: str, rows: list[tuple[AuditRow, audit_words.Described]], note: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Audit trail"
    sheet.append([caption])
    sheet["A1"].font = Font(bold=True)
    as_text(sheet[1])
    header_row = 2
    if note:
        sheet.append([note])
        as_text(sheet[2])
        header_row = 3
    sheet.append(["When (UK time)", "Who", "What", "School", "Event", "Details"])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row, words in rows:
        sheet.append(
            [
                row.at.astimezone(LONDON).replace(tzinfo=None),
                row.email or "",
                words.what,
                row.school or "",
                words.summary,
                "\n".join(words.details),
            ]
        )
        last = sheet.max_row
        as_text(sheet[last])
        sheet.cell(last, 1).number_format = "dd/mm/yyyy hh:mm"
        sheet.cell(last, 6).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.auto_filter.ref = f"A{header_row}:F{max(sheet.max_row, header_row)}"
    sheet.freeze_panes = f"A{header_row + 1}"
    for n, width in enumerate([18, 30, 26, 28, 60, 60], start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class AuditController(Controller):
    path = "/la/admin/audit"
    guards = [requires_la_admin]

    @get("/")
    async def trail(
        self,
        request: Request[Any, Any, Any],
        who: FromQuery[str] = "",
        what: FromQuery[str] = "",
        school: FromQuery[str] = "",
        since: FromQuery[str] = "",
        until: FromQuery[str] = "",
        page: FromQuery[str] = "1",
    ) -> Template:
        viewer = viewer_of(request)
        q = AuditQuery.parse(who, what, school, since, until, page)
        options = await _options(viewer)
        context: dict[str, Any] = {
            "q": q,
            "form": asdict(q),
            "options": options,
            "export_cap": EXPORT_CAP,
        }
        if q.errors:
            return render(request, "la/audit.html", status_code=400, **context)
        found = await audit.events(
            viewer, q.chosen, limit=PAGE_SIZE, offset=(q.page - 1) * PAGE_SIZE
        )
        pages = max(1, math.ceil(found.total / PAGE_SIZE))
        return render(
            request,
            "la/audit.html",
            events=await _described(viewer, found.rows),
            total=found.total,
            first=(q.page - 1) * PAGE_SIZE + 1,
            last=(q.page - 1) * PAGE_SIZE + len(found.rows),
            pages=pages,
            filtered=options.words_for(q),
            **context,
        )

    @get("/download")
    async def download(
        self,
        request: Request[Any, Any, Any],
        who: FromQuery[str] = "",
        what: FromQuery[str] = "",
        school: FromQuery[str] = "",
        since: FromQuery[str] = "",
        until: FromQuery[str] = "",
    ) -> Response[bytes] | Template:
        viewer = viewer_of(request)
        q = AuditQuery.parse(who, what, school, since, until, "1")
        options = await _options(viewer)
        if q.errors:
            return render(
                request, "la/audit.html", status_code=400, q=q, form=asdict(q), options=options
            )
        filters = options.words_for(q)
        rows, total = await audit.events_download(viewer, q.chosen, cap=EXPORT_CAP, filters=filters)
        chosen = "; ".join(f"{k}: {v}" for k, v in filters.items()) or "all events"
        now = datetime.now(LONDON)
        caption = (
            f"{viewer.la_name} audit trail, {len(rows):,} events ({chosen}), "
            f"downloaded {now:%d/%m/%Y %H:%M} by {viewer.email}"
        )
        note = ""
        if total > len(rows):
            note = (
                f"{total:,} events match; this download holds the newest {len(rows):,}. "
                "Narrow the dates to download the rest."
            )
        content = _workbook(caption, await _described(viewer, rows), note)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="audit-trail-{now:%Y-%m-%d}.xlsx"'
            },
        )
