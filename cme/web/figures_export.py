"""One table of the figures pages as an .xlsx workbook: a title row saying whose figures and
over which period, then the page's headings and rows in the page's order, and the table's
note. Counts stay numbers, rates are fractions shown as percentages; every row goes through
`append_text`, so no cell can start a formula."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cme.exports.cells import append_text
from cme.exports.partnership_pack import sheet_name
from cme.measures.periods import Period
from cme.measures.tables import Cell, FigureTable, Kind


def caption(table: FigureTable, scope: str, period: Period) -> str:
    shared = ", small numbers hidden for sharing outside the LA" if table.shared else ""
    return f"{scope}: {table.title.lower()}, {period.label}{shared}"


def _value(cell: Cell) -> str | int | float | None:
    if cell.value == "":
        return None
    return cell.value


def _format(cell: Cell) -> str | None:
    if isinstance(cell.value, str) or cell.value is None:
        return None
    if cell.kind is Kind.RATE:
        return "0.0%"
    if cell.kind is Kind.DECIMAL:
        return "0.0"
    if cell.kind is Kind.DAYS:
        return "0.0" if cell.value % 1 else "0"
    return "#,##0"


def table_workbook(table: FigureTable, scope: str, period: Period) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = sheet_name(table.title)
    append_text(sheet, [caption(table, scope, period)])
    sheet["A1"].font = Font(bold=True)
    append_text(sheet, table.headings)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        append_text(sheet, [_value(c) for c in row])
        at = sheet._current_row
        for column, cell in enumerate(row, start=1):
            number_format = _format(cell)
            if number_format:
                sheet.cell(at, column).number_format = number_format
    if table.note:
        append_text(sheet, [])
        append_text(sheet, [table.note])
    sheet.freeze_panes = "A3"
    sheet.column_dimensions["A"].width = 48
    for column in range(2, len(table.headings) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(slug: str, who: str, period: Period, shared: bool) -> str:
    """`headline-370-2026-09-01-to-2026-11-23.xlsx`: what, whose and when, safe as a name."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", who).strip("-") or "figures"
    tail = "-shared" if shared else ""
    return f"{slug}-{safe}-{period.first.isoformat()}-to-{period.last.isoformat()}{tail}.xlsx"
