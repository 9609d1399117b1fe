"""What every .xlsx the tracker writes does to its cells."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Text from an uploaded file that Excel would read as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(row: Iterable[Any]) -> None:
    """Store the row's text cells as text, so that none becomes a formula; every .xlsx this
    tracker writes goes through here."""
    for cell in row:
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"


def append_text(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row and store its text as text (`as_text`). The row is found by the number
    `append` keeps: `sheet.max_row` and `sheet[n]` count every cell of the sheet each time,
    which made a list of thousands of rows take a minute."""
    row = list(values)
    sheet.append(row)
    # sheet[n] would count every cell too (for the widest row): ask for each cell instead.
    at = sheet._current_row
    as_text(sheet.cell(at, column) for column in range(1, len(row) + 1))
