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
