"""Register files the way real systems write them: .xlsx from XlsxWriter (shared strings, as
Excel stores them) and from openpyxl, in wide (one- or two-row header) and long layouts."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import xlsxwriter

from cme.demo_registers import PUPIL_HEADERS, Grid, long_rows, wide_rows


def xlsx(rows: list[list[str]], sheet: str = "Register", hidden_first: bool = False) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    if hidden_first:
        notes = book.add_worksheet("Notes")
        notes.write_row(0, 0, ["Exported from the MIS", "do not edit"])
        notes.hide()
    ws = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    if hidden_first:
        ws.activate()
    book.close()
    return buf.getvalue()


def xlsx_two_row_header(grid: Grid, date_cells: bool = True) -> bytes:
    """Dates in a merged cell over their AM and PM columns, AM/PM in the row below the names."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet("Attendance")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    first = len(PUPIL_HEADERS)
    ws.write_row(0, 0, PUPIL_HEADERS)
    for i, day in enumerate(grid.days):
        col = first + 2 * i
        if date_cells:
            ws.merge_range(0, col, 0, col + 1, "")
            ws.write_datetime(0, col, _dt(day), date_format)
        else:
            ws.merge_range(0, col, 0, col + 1, f"{day:%d/%m/%Y}")
        ws.write_row(1, col, ["AM", "PM"])
    for r, row in enumerate(wide_rows(grid)[1:], start=2):
        ws.write_row(r, 0, row)
    # A formatted but empty cell far below the data, as some exports leave.
    ws.write_blank(49_999, 3, None, date_format)
    book.close()
    return buf.getvalue()


def openpyxl_xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Register"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _dt(day: date):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


__all__ = ["long_rows", "openpyxl_xlsx", "wide_rows", "xlsx", "xlsx_two_row_header"]
