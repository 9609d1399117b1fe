from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing to fix in a file: what is wrong, and where (sheet, row, column, the value
    found, and the pupil on that row), so a page can list them beside each other."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    upn: str | None = None
    name: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        """The problem in one line, its place first: `Sheet "Y7", row 12, column "02/09/2024
        AM": 'Q' is not an attendance code`."""
        place = []
        if self.sheet is not None:
            place.append(f'Sheet "{self.sheet}"')
        if self.row is not None:
            place.append(f"row {self.row}" if place else f"Row {self.row}")
        if self.column is not None:
            place.append(f'column "{self.column}"' if place else f'Column "{self.column}"')
        return f"{', '.join(place)}: {self.message}" if place else self.message


class RegisterError(ValueError):
    """A file that cannot be imported: `message` says what is wrong, `problems` where."""

    def __init__(self, message: str, problems: Sequence[Problem | str] | None = None) -> None:
        self.message = message
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem(message=str(p)) for p in problems or ()
        ]
        super().__init__(self.text)

    @property
    def text(self) -> str:
        return "\n".join([self.message, *(f"  - {p}" for p in self.problems)])

    def as_json(self) -> dict[str, Any]:
        return {"message": self.message, "problems": [p.as_json() for p in self.problems]}
