"""What a parsed register is, and the pieces both layouts share: reading a pupil's details
from a row, turning cell values into mark symbols, and collecting the problems to report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from stdnum.gb import upn as upn_check

from cme.identifiers import PUPIL_FIELD_LIMITS
from cme.marks import NO_DATA, VALID_CODES, UnknownMark, normalise, symbol_for
from cme.timeline import Session
from imports.cells import parse_date, text
from imports.errors import Problem, RegisterError
from imports.layout import Layout

MAX_PROBLEMS = 20


@dataclass(frozen=True)
class SessionNote:
    upn: str
    day: date
    session: Session
    minutes_late: int | None
    comment: str


@dataclass
class RegisterPupil:
    row: int
    upn: str
    forename: str
    surname: str
    dob: date | None
    gender: str
    year_group: str
    reg_group: str
    # One symbol per entry of Register.sessions: NO_DATA where the file has no cell for this
    # pupil and session, MISSING where the cell is empty, otherwise the mark's symbol.
    symbols: str = ""

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}".strip()


@dataclass
class Register:
    sheet: str | None
    layout: str
    sessions: list[tuple[date, Session]]
    pupils: list[RegisterPupil]
    notes: list[SessionNote]
    warnings: list[str]

    @property
    def first_day(self) -> date | None:
        return self.sessions[0][0] if self.sessions else None

    @property
    def last_day(self) -> date | None:
        return self.sessions[-1][0] if self.sessions else None

    @property
    def session_marks(self) -> int:
        return sum(len(p.symbols) - p.symbols.count(NO_DATA) for p in self.pupils)


class Problems:
    """The problems found so far: all counted, the first MAX_PROBLEMS kept."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.count = 0
        self.unknown_marks = False

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)

    def raise_if_any(self) -> None:
        if not self.count:
            return
        items = list(self.items)
        if self.count > len(items):
            items.append(Problem(f"... and {self.count - len(items)} more"))
        message = f"The register was not imported: {self.count} problem(s) to fix in the file."
        if self.unknown_marks:
            message += f" Valid attendance codes are: {VALID_CODES} (and - or blank for no mark)."
        raise RegisterError(message, items)


def place(sheet: str | None) -> str:
    """How warnings name a row: `Sheet "Y7", row 12` or `Row 12`."""
    return f'Sheet "{sheet}", row' if sheet else "Row"


def cell(row: Sequence[Any], col: int | None) -> Any:
    return row[col] if col is not None and col < len(row) else None


def is_blank(row: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def row_pupil(row: Sequence[Any], layout: Layout) -> tuple[str | None, str | None]:
    """The UPN and name on a row, as far as they can be read, for a problem about it."""
    c = layout.columns
    upn = text(cell(row, c.get("upn"))).upper().replace(" ", "") or None
    name = " ".join(
        t for t in (text(cell(row, c.get("forename"))), text(cell(row, c.get("surname")))) if t
    )
    return upn, name[:100] or None


def read_pupil(
    row: Sequence[Any],
    layout: Layout,
    number: int,
    warnings: list[str],
    sheet: str | None,
    problems: Problems,
) -> RegisterPupil | None:
    c = layout.columns
    upn = text(cell(row, c["upn"])).upper().replace(" ", "")
    if not upn:
        return None
    where = place(sheet)
    if not upn_check.is_valid(upn):
        warnings.append(
            f"{where} {number}: UPN {upn!r} fails the UPN format or check letter. The pupil was "
            "imported so their absences are still flagged; correct the UPN in your MIS."
        )
    raw_dob = cell(row, c.get("dob"))
    dob = parse_date(raw_dob) if raw_dob not in (None, "") else None
    if raw_dob not in (None, "") and dob is None:
        warnings.append(
            f"{where} {number}: date of birth {text(raw_dob)!r} is not a date; left blank."
        )
    pupil = RegisterPupil(
        row=number,
        upn=upn,
        forename=text(cell(row, c["forename"])),
        surname=text(cell(row, c["surname"])),
        dob=dob,
        gender=text(cell(row, c.get("gender"))),
        year_group=text(cell(row, c.get("year_group"))),
        reg_group=text(cell(row, c.get("reg_group"))),
    )
    for name, limit in PUPIL_FIELD_LIMITS.items():
        value = getattr(pupil, name)
        if len(value) > limit:
            header = layout.headers[c[name]] if name in c else name
            problems.add(
                Problem(
                    f"{value[:40]!r}... is longer than {limit} characters",
                    sheet=sheet,
                    row=number,
                    column=header,
                    value=value[:40] + "...",
                    upn=upn[:40],
                    name=pupil.name[:100] or None,
                )
            )
    return pupil


BAD = "\x00"  # the symbol cached for a value that is not an attendance code


class Symbols:
    """Cell value -> mark symbol, cached: a register repeats a handful of values a million
    times. `row` turns a whole row of cells into a string of symbols in C loops."""

    def __init__(self) -> None:
        self.cache: dict[Any, str] = {}

    def __call__(self, value: Any) -> str:
        try:
            symbol = self.cache[value]
        except KeyError:
            symbol = self._learn(value)
        except TypeError:  # unhashable: never in practice, but never crash on a cell
            return symbol_for(normalise(value))
        if symbol == BAD:
            raise UnknownMark(str(value))
        return symbol

    def _learn(self, value: Any) -> str:
        try:
            symbol = symbol_for(normalise(value))
        except UnknownMark:
            symbol = BAD
        self.cache[value] = symbol
        return symbol

    def row(self, cells: Sequence[Any]) -> str | None:
        """The cells' symbols as one string, or None if one is not an attendance code (the
        caller then goes cell by cell to report where)."""
        get = self.cache.__getitem__
        try:
            try:
                symbols = "".join(map(get, cells))
            except KeyError:
                for value in cells:
                    if value not in self.cache:
                        self._learn(value)
                symbols = "".join(map(get, cells))
        except TypeError:
            return None
        return None if BAD in symbols else symbols
