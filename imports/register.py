"""Parse an attendance register export into pupils and their marks, or say precisely why not."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from cme.marks import NO_DATA
from imports.ahead import parsed_ahead
from imports.cells import text
from imports.errors import Problem, RegisterError
from imports.files import Sheet, read_sheets
from imports.layout import NEEDED, REQUIRED_PUPIL, Layout, detect, looks_like_summary
from imports.long import parse_long
from imports.model import Problems, Register, RegisterPupil, SessionNote
from imports.wide import parse_wide


def parse_register(data: bytes, filename: str, max_bytes: int) -> Register:
    ahead = parsed_ahead(data, filename, max_bytes)
    if ahead is not None:
        return ahead
    try:
        return _parse(data, filename, max_bytes)
    except csv.Error as exc:
        raise RegisterError(f"The CSV file could not be read: {exc}.") from None


def _parse(data: bytes, filename: str, max_bytes: int) -> Register:
    sheets = read_sheets(data, filename, max_bytes)
    problems = Problems()
    registers = []
    for sheet, layout in _choose(sheets):
        if layout.kind == "wide":
            register = parse_wide(sheet, layout, problems)
        else:
            register = parse_long(sheet, layout, problems)
        if not register.pupils:
            raise RegisterError(
                f"No pupil rows were found below the header row (row {layout.header_row + 1})"
                + (f' on sheet "{sheet.name}".' if sheet.name else ".")
            )
        registers.append(register)
    problems.raise_if_any()
    register = registers[0] if len(registers) == 1 else _merge(registers, problems)
    problems.raise_if_any()
    return register


def _choose(sheets: list[Sheet]) -> list[tuple[Sheet, Layout]]:
    """Every visible sheet laid out as a register (exports split by year group or form
    come as several sheets, and none may be dropped); hidden ones only if none is visible."""
    seen: list[tuple[Sheet, Layout | None]] = []
    found: list[tuple[Sheet, Layout]] = []
    for sheet in sorted(sheets, key=lambda s: s.hidden):
        if found and sheet.hidden:
            break
        layout = detect(sheet.head, sheet.date1904)
        if layout and layout.kind in ("wide", "long"):
            missing = [c for c in REQUIRED_PUPIL if c not in layout.columns]
            if missing:
                where = f' on sheet "{sheet.name}"' if sheet.name else ""
                raise RegisterError(
                    f"The register has no {', '.join(_NAMES[c] for c in missing)} column{where}. "
                    f"Found headers: {_list(layout.headers)}. Needed: {NEEDED}."
                )
            found.append((sheet, layout))
            continue
        seen.append((sheet, layout))
    if found:
        return found
    for _, layout in seen:
        if layout is not None and (summary := looks_like_summary(layout.headers)):
            raise RegisterError(
                "This looks like an attendance summary (it has counts such as "
                f"{_list(summary[:4])}) rather than the register itself. Export the register "
                "with one mark per pupil per session (AM and PM) and upload that."
            )
    sheet, layout = seen[0] if seen else (sheets[0], None)
    headers = layout.headers if layout else _first_row(sheet.head)
    where = f' on sheet "{sheet.name}"' if sheet.name else ""
    raise RegisterError(
        f"The layout of this file was not recognised. Headers found{where}: "
        f"{_list(headers) or '(none)'}. Needed: {NEEDED}."
    )


_NAMES = {"upn": "UPN", "surname": "Legal Surname", "forename": "Legal Forename"}


def _merge(registers: list[Register], problems: Problems) -> Register:
    """Several sheets as one register: sessions joined, a pupil on two sheets merged."""
    sessions = sorted({key for r in registers for key in r.sessions})
    index = {key: i for i, key in enumerate(sessions)}
    pupils: dict[str, RegisterPupil] = {}
    merged_marks: dict[str, list[str]] = {}
    for r in registers:
        for pupil in r.pupils:
            if pupil.upn not in pupils:
                pupils[pupil.upn] = replace(pupil)
                merged_marks[pupil.upn] = [NO_DATA] * len(sessions)
            merged = merged_marks[pupil.upn]
            for i, symbol in enumerate(pupil.symbols):
                if symbol == NO_DATA:
                    continue
                j = index[r.sessions[i]]
                if merged[j] not in (NO_DATA, symbol):
                    day, session = sessions[j]
                    problems.add(
                        Problem(
                            f"UPN {pupil.upn} has different marks for {day:%d/%m/%Y} {session} "
                            "on two sheets",
                            sheet=r.sheet,
                            row=pupil.row,
                            upn=pupil.upn,
                            name=pupil.name or None,
                        )
                    )
                merged[j] = symbol
    for upn, pupil in pupils.items():
        pupil.symbols = "".join(merged_marks[upn])
    names = [r.sheet or "" for r in registers]
    return Register(
        ", ".join(names),
        "/".join(sorted({r.layout for r in registers})),
        sessions,
        list(pupils.values()),
        [n for r in registers for n in r.notes],
        [w for r in registers for w in r.warnings]
        + [f"{len(names)} sheets were imported together: {', '.join(names)}."],
    )


def _list(headers: Sequence[str]) -> str:
    return ", ".join(f'"{h}"' for h in headers if str(h).strip())


def _first_row(rows: Sequence[Sequence[Any]]) -> list[str]:
    for row in rows[:50]:
        if any(c not in (None, "") for c in row):
            return [text(c) for c in row]
    return []


__all__ = ["Register", "RegisterPupil", "SessionNote", "parse_register"]
