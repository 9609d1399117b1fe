"""The wide layout: one row per pupil, one column per session."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from cme.marks import NO_DATA, UnknownMark
from cme.timeline import Session
from imports.errors import Problem
from imports.files import Sheet
from imports.layout import Layout
from imports.model import (
    Problems,
    Register,
    RegisterPupil,
    Symbols,
    cell,
    is_blank,
    place,
    read_pupil,
)


def _picker(cols: list[int]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """The cells of `cols`, in that order, picked from a row by C code."""
    if not cols:
        return lambda row: ()
    if len(cols) == 1:
        only = cols[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*cols)


def parse_wide(sheet: Sheet, layout: Layout, problems: Problems) -> Register:
    warnings: list[str] = []
    where = place(sheet.name)
    weekend = sorted({d for d, _ in layout.sessions.values() if d.weekday() >= 5})
    if weekend:
        warnings.append(
            "Columns for weekend days "
            f"({', '.join(f'{d:%d/%m/%Y}' for d in weekend)}) were ignored."
        )
    columns = sorted(
        ((col, key) for col, key in layout.sessions.items() if key[0].weekday() < 5),
        key=lambda item: (item[1], item[0]),
    )
    sessions = sorted({key for _, key in columns})
    # Usually one column per session, in date order: a row's marks are then picked and
    # looked up by C loops, and only a row with something to report is read cell by cell.
    one_each = len(sessions) == len(columns)
    cols = [col for col, _ in columns]
    width = max(cols, default=-1) + 1
    pick = _picker(cols)
    symbols = Symbols()
    by_upn: dict[str, RegisterPupil] = {}
    order: list[RegisterPupil] = []
    for r, row in enumerate(sheet.rows_from(layout.data_row), start=layout.data_row):
        if is_blank(row):
            continue
        pupil = read_pupil(row, layout, r + 1, warnings, sheet.name, problems)
        if pupil is None:
            if any(cell(row, col) not in (None, "") for col in cols):
                warnings.append(f"{where} {r + 1} has marks but no UPN, so it was skipped.")
            continue
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        marks = symbols.row(pick(row)) if one_each else None
        if marks is None:
            marks = _cell_by_cell(
                row, sheet.name, r + 1, pupil, columns, sessions, layout, symbols, problems
            )
        earlier = by_upn.get(pupil.upn)
        if earlier is None:
            pupil.symbols = marks
            by_upn[pupil.upn] = pupil
            order.append(pupil)
            continue
        merged = list(earlier.symbols)
        for i, symbol in enumerate(marks):
            if symbol == NO_DATA:
                continue
            if merged[i] not in (NO_DATA, symbol):
                day, session = sessions[i]
                problems.add(
                    Problem(
                        f"UPN {pupil.upn} appears in rows {earlier.row} and {r + 1} with "
                        f"different marks for {day:%d/%m/%Y} {session}",
                        sheet=sheet.name,
                        row=r + 1,
                        upn=pupil.upn,
                        name=pupil.name or None,
                    )
                )
            merged[i] = symbol
        earlier.symbols = "".join(merged)
    return Register(sheet.name, "wide", sessions, order, [], warnings)


def _cell_by_cell(
    row: Sequence[Any],
    sheet: str | None,
    number: int,
    pupil: RegisterPupil,
    columns: list[tuple[int, tuple[date, Session]]],
    sessions: list[tuple[date, Session]],
    layout: Layout,
    symbols: Symbols,
    problems: Problems,
) -> str:
    slot = {key: i for i, key in enumerate(sessions)}
    marks = [NO_DATA] * len(sessions)
    for col, key in columns:
        value = cell(row, col)
        try:
            symbol = symbols(value)
        except UnknownMark as exc:
            problems.unknown_marks = True
            problems.add(
                Problem(
                    f"{exc.value!r} is not an attendance code",
                    sheet=sheet,
                    row=number,
                    column=layout.headers[col],
                    value=exc.value,
                    upn=pupil.upn,
                    name=pupil.name or None,
                )
            )
            continue
        i = slot[key]
        if marks[i] not in (NO_DATA, symbol):
            problems.add(
                Problem(
                    f"two columns for {key[0]:%d/%m/%Y} {key[1]} hold different marks",
                    sheet=sheet,
                    row=number,
                    upn=pupil.upn,
                    name=pupil.name or None,
                )
            )
        marks[i] = symbol
    return "".join(marks)
