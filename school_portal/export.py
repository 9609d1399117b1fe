"""The Today list as an .xlsx workbook, for officers who work from a spreadsheet."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from cme.storage.flags import SchoolFlags

HEADERS = [
    "UPN",
    "Surname",
    "Forename",
    "Year",
    "Reg",
    "Flag",
    "Run (school days)",
    "Since",
    "Detail",
]


# Text from an uploaded register that Excel would read as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(row: tuple[Any, ...]) -> None:
    for cell in row:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"


def flags_workbook(school_name: str, report: SchoolFlags) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Flags"
    sheet.append([f"{school_name}: flags on {report.on:%d/%m/%Y}" if report.on else school_name])
    sheet["A1"].font = Font(bold=True)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for f in report.flags:
        sheet.append(
            [
                f.upn,
                f.surname,
                f.forename,
                f.year_group,
                f.reg_group,
                f.flag.kind.label,
                f.flag.run_school_days,
                f.flag.since,
                f.flag.detail,
            ]
        )
        _as_text(sheet[sheet.max_row])
    for row in sheet.iter_rows(min_row=3, min_col=8, max_col=8):
        for cell in row:
            cell.number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A3"
    for column, width in zip("ABCDEFGHI", (16, 16, 14, 6, 6, 34, 10, 12, 60), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
