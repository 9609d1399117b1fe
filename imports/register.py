"""Parse an attendance register export into pupils and their marks, or say precisely why not."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from stdnum.gb import upn as upn_check

from cme.identifiers import PUPIL_FIELD_LIMITS
from cme.marks import NO_DATA, VALID_CODES, UnknownMark, normalise, symbol_for
from cme.timeline import Session
from imports.cells import parse_date, parse_session, text
from imports.errors import RegisterError
from imports.files import Sheet, read_sheets
from imports.layout import NEEDED, REQUIRED_PUPIL, Layout, detect, looks_like_summary

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
    symbols: list[str] = field(default_factory=list)


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


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.count = 0
        self.unknown_marks = False

    def add(self, text: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(text)

    def raise_if_any(self) -> None:
        if not self.count:
            return
        items = list(self.items)
        if self.count > len(items):
            items.append(f"... and {self.count - len(items)} more")
        message = f"The register was not imported: {self.count} problem(s) to fix in the file."
        if self.unknown_marks:
            message += f" Valid attendance codes are: {VALID_CODES} (and - or blank for no mark)."
        raise RegisterError(message, items)


def parse_register(data: bytes, filename: str, max_bytes: int) -> Register:
    sheets = read_sheets(data, filename, max_bytes)
    problems = _Problems()
    registers = []
    for sheet, layout in _choose(sheets):
        where = f'Sheet "{sheet.name}", row' if sheet.name else "Row"
        if layout.kind == "wide":
            register = _wide(sheet, layout, problems, where)
        else:
            register = _long(sheet, layout, problems, where)
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
                place = f' on sheet "{sheet.name}"' if sheet.name else ""
                raise RegisterError(
                    f"The register has no {', '.join(_NAMES[c] for c in missing)} column{place}. "
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
    place = f' on sheet "{sheet.name}"' if sheet.name else ""
    raise RegisterError(
        f"The layout of this file was not recognised. Headers found{place}: "
        f"{_list(headers) or '(none)'}. Needed: {NEEDED}."
    )


_NAMES = {"upn": "UPN", "surname": "Legal Surname", "forename": "Legal Forename"}


def _merge(registers: list[Register], problems: _Problems) -> Register:
    """Several sheets as one register: sessions joined, a pupil on two sheets merged."""
    sessions = sorted({key for r in registers for key in r.sessions})
    index = {key: i for i, key in enumerate(sessions)}
    pupils: dict[str, RegisterPupil] = {}
    for r in registers:
        for pupil in r.pupils:
            merged = pupils.get(pupil.upn)
            if merged is None:
                merged = pupils[pupil.upn] = replace(pupil, symbols=[NO_DATA] * len(sessions))
            for i, symbol in enumerate(pupil.symbols):
                if symbol == NO_DATA:
                    continue
                j = index[r.sessions[i]]
                if merged.symbols[j] not in (NO_DATA, symbol):
                    day, session = sessions[j]
                    problems.add(
                        f"UPN {pupil.upn} has different marks for {day:%d/%m/%Y} {session} on "
                        f'two sheets (sheet "{r.sheet}" row {pupil.row})'
                    )
                merged.symbols[j] = symbol
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


def _cell(row: Sequence[Any], col: int | None) -> Any:
    return row[col] if col is not None and col < len(row) else None


def _pupil(
    row: Sequence[Any],
    layout: Layout,
    number: int,
    warnings: list[str],
    where: str,
    problems: _Problems,
) -> RegisterPupil | None:
    c = layout.columns
    upn = text(_cell(row, c["upn"])).upper().replace(" ", "")
    if not upn:
        return None
    if not upn_check.is_valid(upn):
        warnings.append(
            f"{where} {number}: UPN {upn!r} fails the UPN format or check letter. The pupil was "
            "imported so their absences are still flagged; correct the UPN in your MIS."
        )
    raw_dob = _cell(row, c.get("dob"))
    dob = parse_date(raw_dob) if raw_dob not in (None, "") else None
    if raw_dob not in (None, "") and dob is None:
        warnings.append(
            f"{where} {number}: date of birth {text(raw_dob)!r} is not a date; left blank."
        )
    pupil = RegisterPupil(
        row=number,
        upn=upn,
        forename=text(_cell(row, c["forename"])),
        surname=text(_cell(row, c["surname"])),
        dob=dob,
        gender=text(_cell(row, c.get("gender"))),
        year_group=text(_cell(row, c.get("year_group"))),
        reg_group=text(_cell(row, c.get("reg_group"))),
    )
    for name, limit in PUPIL_FIELD_LIMITS.items():
        value = getattr(pupil, name)
        if len(value) > limit:
            header = layout.headers[c[name]] if name in c else name
            problems.add(
                f'{where} {number}, column "{header}": {value[:40]!r}... is longer than '
                f"{limit} characters"
            )
    return pupil


class _Symbols:
    """Cell value -> mark symbol, cached: a register repeats a handful of values a million times."""

    def __init__(self) -> None:
        self.cache: dict[Any, str] = {}

    def __call__(self, value: Any) -> str:
        try:
            return self.cache[value]
        except KeyError:
            symbol = symbol_for(normalise(value))
            self.cache[value] = symbol
            return symbol
        except TypeError:  # unhashable: never in practice, but never crash on a cell
            return symbol_for(normalise(value))


def _is_blank(row: Sequence[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _wide(sheet: Sheet, layout: Layout, problems: _Problems, where: str) -> Register:
    warnings: list[str] = []
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
    slot = {key: i for i, key in enumerate(sessions)}
    symbols = _Symbols()
    by_upn: dict[str, RegisterPupil] = {}
    order: list[RegisterPupil] = []
    for r, row in enumerate(sheet.rows_from(layout.data_row), start=layout.data_row):
        if _is_blank(row):
            continue
        pupil = _pupil(row, layout, r + 1, warnings, where, problems)
        if pupil is None:
            if any(_cell(row, col) not in (None, "") for col, _ in columns):
                warnings.append(f"{where} {r + 1} has marks but no UPN, so it was skipped.")
            continue
        marks = [NO_DATA] * len(sessions)
        for col, key in columns:
            value = _cell(row, col)
            try:
                symbol = symbols(value)
            except UnknownMark as exc:
                problems.unknown_marks = True
                problems.add(
                    f'{where} {r + 1}, column "{layout.headers[col]}": {exc.value!r} is not an '
                    "attendance code"
                )
                continue
            i = slot[key]
            if marks[i] not in (NO_DATA, symbol):
                problems.add(
                    f"{where} {r + 1}: two columns for {key[0]:%d/%m/%Y} {key[1]} hold "
                    "different marks"
                )
            marks[i] = symbol
        earlier = by_upn.get(pupil.upn)
        if earlier is None:
            pupil.symbols = marks
            by_upn[pupil.upn] = pupil
            order.append(pupil)
            continue
        for i, symbol in enumerate(marks):
            if symbol == NO_DATA:
                continue
            if earlier.symbols[i] not in (NO_DATA, symbol):
                day, session = sessions[i]
                problems.add(
                    f"UPN {pupil.upn} appears in rows {earlier.row} and {r + 1} with different "
                    f"marks for {day:%d/%m/%Y} {session}"
                )
            earlier.symbols[i] = symbol
    return Register(sheet.name, "wide", sessions, order, [], warnings)


_UNSEEN = object()
_WEEKEND = -1


def _long(sheet: Sheet, layout: Layout, problems: _Problems, where: str) -> Register:
    """One row per pupil per session. The loop runs once per row of a file that may have
    half a million, so each distinct UPN, date-and-session and mark is worked out once and
    cached, and a session is an integer slot (2 * the date's ordinal, + 1 for PM)."""
    warnings: list[str] = []
    c = layout.columns
    cu, cd, cs, cm = c["upn"], c["date"], c["session"], c["mark"]
    cl, cc = c.get("minutes_late"), c.get("comment")
    width = max(v for v in c.values()) + 1
    symbols = _Symbols()
    slots: dict[tuple[Any, Any], int | None] = {}
    upns: dict[Any, str] = {}
    pupils: dict[str, RegisterPupil] = {}
    # upn -> slot -> row number * 128 + the symbol's code point: one int per session.
    marks: dict[str, dict[int, int]] = {}
    notes: list[SessionNote] = []
    weekend: set[date] = set()
    number = layout.data_row
    for row in sheet.rows_from(layout.data_row):
        number += 1
        if len(row) < width:
            if _is_blank(row):
                continue
            row = [*row, *([""] * (width - len(row)))]
        upn = upns.get(row[cu])
        if upn is None:
            if _is_blank(row):
                continue
            upn = text(row[cu]).upper().replace(" ", "")
            if not upn:
                warnings.append(f"{where} {number} has no UPN, so it was skipped.")
                continue
            upns[row[cu]] = upn
        if upn not in pupils:
            pupil = _pupil(row, layout, number, warnings, where, problems)
            assert pupil is not None
            pupils[upn] = pupil
            marks[upn] = {}
        key = (row[cd], row[cs])
        slot = slots.get(key, _UNSEEN)
        if slot is _UNSEEN:
            slot = slots[key] = _slot(key[0], key[1], sheet.date1904, weekend)
        if slot is None:
            problems.add(
                f"{where} {number}: date {text(key[0])!r} and session {text(key[1])!r} are not "
                "a date and AM/PM"
            )
            continue
        if slot == _WEEKEND:
            continue
        try:
            symbol = symbols(row[cm])
        except UnknownMark as exc:
            problems.unknown_marks = True
            problems.add(
                f'{where} {number}, column "{layout.headers[cm]}": {exc.value!r} is not an '
                "attendance code"
            )
            continue
        assert isinstance(slot, int)
        per_pupil = marks[upn]
        earlier = per_pupil.get(slot)
        if earlier is None:
            per_pupil[slot] = number * 128 + ord(symbol)
        elif earlier & 127 != ord(symbol):
            day, session = _slot_key(slot)
            problems.add(
                f"UPN {upn} has two different marks for {day:%d/%m/%Y} {session} "
                f"(rows {earlier >> 7} and {number})"
            )
        if (cl is not None and row[cl] not in (None, "")) or (
            cc is not None and row[cc] not in (None, "")
        ):
            minutes = text(row[cl]) if cl is not None else ""
            day, session = _slot_key(slot)
            notes.append(
                SessionNote(
                    upn,
                    day,
                    session,
                    _minutes(minutes),
                    text(row[cc]) if cc is not None else "",
                )
            )
    if weekend:
        warnings.append(
            "Rows for weekend days "
            f"({', '.join(f'{d:%d/%m/%Y}' for d in sorted(weekend))}) were ignored."
        )
    all_slots = sorted({s for per_pupil in marks.values() for s in per_pupil})
    index = {s: i for i, s in enumerate(all_slots)}
    for upn, pupil in pupils.items():
        pupil.symbols = [NO_DATA] * len(all_slots)
        for s, value in marks[upn].items():
            pupil.symbols[index[s]] = chr(value & 127)
    sessions = [_slot_key(s) for s in all_slots]
    return Register(sheet.name, "long", sessions, list(pupils.values()), notes, warnings)


def _slot(raw_date: Any, raw_session: Any, date1904: bool, weekend: set[date]) -> int | None:
    day = parse_date(raw_date, date1904)
    session = parse_session(raw_session)
    if day is None or session is None:
        return None
    if day.weekday() >= 5:
        weekend.add(day)
        return _WEEKEND
    return 2 * day.toordinal() + (session is Session.PM)


def _slot_key(slot: int) -> tuple[date, Session]:
    return date.fromordinal(slot // 2), Session.PM if slot % 2 else Session.AM


def _minutes(value: str) -> int | None:
    """Minutes late as a whole number, or None for anything that is not a sensible one."""
    try:
        minutes = float(value)
    except ValueError:
        return None
    return int(minutes) if math.isfinite(minutes) and 0 <= minutes < 24 * 60 else None


__all__ = ["Register", "RegisterPupil", "SessionNote", "parse_register"]
