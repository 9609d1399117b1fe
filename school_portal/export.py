"""Lists of children as .xlsx workbooks, holding exactly what the page shows.

One row per child; a title row saying what the list is (school, day, filters), a frozen
header row with an autofilter. Text from an uploaded register is never let become a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cme.attendance import Flag, FlagKind
from cme.exports.cells import append_text, as_text
from cme.storage.flags import SchoolFlags
from cme.web import flag_words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CHILD_HEADERS = ["UPN", "Surname", "Forename", "Year", "Reg"]


def _count_header(kind: FlagKind) -> str:
    unit = "sessions" if kind.counts_sessions else "school days"
    if kind is FlagKind.OVERDUE_N:
        unit = "days coded N"
    return f"{flag_words.label(kind)} ({unit})"


def _flag_cells(kind: FlagKind, flag: Flag | None) -> list[Any]:
    """The count, then (for flags that have one) the since-date; blank, never 0, if the
    child has no such flag."""
    if kind.counts_sessions:
        return [" and ".join(s.value for s in flag.sessions) if flag else None]
    return [flag.count if flag else None, flag.since if flag else None]


def _flag_headers(kind: FlagKind) -> list[str]:
    if kind.counts_sessions:
        return [f"{flag_words.label(kind)} (sessions)"]
    since = {FlagKind.OVERDUE_N: "oldest", FlagKind.LONG_ILLNESS: "first"}.get(kind, "since")
    return [_count_header(kind), f"{flag_words.label(kind)}: {since}"]


def _sheet(book: Workbook, title: str, caption: str, headers: list[str]) -> Worksheet:
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    sheet.append([caption])
    as_text(sheet[1])
    sheet["A1"].font = Font(bold=True)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return sheet


def _finish(sheet: Worksheet, widths: Sequence[int]) -> bytes:
    last = get_column_letter(sheet.max_column)
    sheet.auto_filter.ref = f"A2:{last}{max(sheet.max_row, 2)}"
    sheet.freeze_panes = "A3"
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    out = io.BytesIO()
    sheet.parent.save(out)
    return out.getvalue()


def _filters(kind: FlagKind | None, year: str) -> str:
    chosen = [flag_words.label(kind) if kind else "", f"Year {year}" if year else ""]
    return "; ".join(c for c in chosen if c) or "all flags, all years"


def flags_workbook(
    school_name: str, report: SchoolFlags, kind: FlagKind | None = None, year: str = ""
) -> bytes:
    """The Today list as shown: one row per child, one column (or two) per flag."""
    kinds = [k for k in FlagKind if any(f.flag.kind is k for f in report.flags)]
    on = f" on {report.on:%d/%m/%Y}" if report.on else ""
    groups = report.by_child()
    caption = f"{school_name}: {len(groups)} children flagged{on} ({_filters(kind, year)})"
    headers = [*CHILD_HEADERS, "Flags"]
    for k in kinds:
        headers += _flag_headers(k)
    headers.append("What to do")
    book = Workbook()
    sheet = _sheet(book, "Flags", caption, headers)
    for group in groups:
        first = group[0]
        by_kind = {f.flag.kind: f.flag for f in group}
        row: list[Any] = [first.upn, first.surname, first.forename]
        row += [first.year_group, first.reg_group]
        row.append("; ".join(flag_words.label(f.flag.kind) for f in group))
        for k in kinds:
            row += _flag_cells(k, by_kind.get(k))
        row.append("\n".join(flag_words.detail(f.flag, report.policy) for f in group))
        append_text(sheet, row)
        sheet.cell(sheet._current_row, len(row)).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
    widths = [16, 16, 14, 6, 6, 30] + [14] * (len(headers) - 7) + [80]
    return _finish(sheet, widths)


def pupils_workbook(
    school_name: str, pupils: list[dict[str, Any]], flags: dict[int, list[Flag]], search: str
) -> bytes:
    """The Pupils list as shown (the search applied), with each child's current flags."""
    what = f'matching "{search}"' if search else "all pupils"
    caption = f"{school_name}: {len(pupils)} pupils ({what})"
    headers = [*CHILD_HEADERS, "Date of birth", "Current flags"]
    book = Workbook()
    sheet = _sheet(book, "Pupils", caption, headers)
    for p in pupils:
        current = flags.get(p["id"], [])
        append_text(
            sheet,
            [
                p["upn"],
                p["legal_surname"],
                p["legal_forename"],
                p["year_group"],
                p["reg_group"],
                p["date_of_birth"],
                "; ".join(flag_words.label(f.kind) for f in current) or None,
            ],
        )
    return _finish(sheet, [16, 16, 14, 6, 6, 14, 50])
