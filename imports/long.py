"""The long layout: one row per pupil per session (Date, Session, Mark, optionally minutes
late and a comment)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from cme.marks import NO_DATA, UnknownMark
from cme.timeline import Session
from imports.cells import parse_date, parse_session, text
from imports.errors import Problem
from imports.files import Sheet
from imports.layout import Layout
from imports.model import (
    Problems,
    Register,
    RegisterPupil,
    SessionNote,
    Symbols,
    is_blank,
    place,
    read_pupil,
)

_UNSEEN = object()
_WEEKEND = -1


def parse_long(sheet: Sheet, layout: Layout, problems: Problems) -> Register:
    """The loop runs once per row of a file that may have half a million, so each distinct
    UPN, date-and-session and mark is worked out once and cached, and a session is an integer
    slot (2 * the date's ordinal, + 1 for PM)."""
    warnings: list[str] = []
    where = place(sheet.name)
    c = layout.columns
    cu, cd, cs, cm = c["upn"], c["date"], c["session"], c["mark"]
    cl, cc = c.get("minutes_late"), c.get("comment")
    width = max(v for v in c.values()) + 1
    symbols = Symbols()
    slots: dict[tuple[Any, Any], int | None] = {}
    upns: dict[Any, str] = {}
    pupils: dict[str, RegisterPupil] = {}
    # upn -> slot -> row number * 128 + the symbol's code point: one int per session.
    marks: dict[str, dict[int, int]] = {}
    notes: list[SessionNote] = []
    weekend: set[date] = set()
    number = layout.data_row
    # Rows usually come pupil by pupil: the last row's pupil is kept at hand.
    last_raw: Any = _UNSEEN
    upn = ""
    pupil: RegisterPupil | None = None
    per_pupil: dict[int, int] = {}
    for row in sheet.rows_from(layout.data_row):
        number += 1
        if len(row) < width:
            if is_blank(row):
                continue
            row = [*row, *([""] * (width - len(row)))]
        if row[cu] != last_raw:
            found_upn = upns.get(row[cu])
            if found_upn is None:
                if is_blank(row):
                    continue
                found_upn = text(row[cu]).upper().replace(" ", "")
                if not found_upn:
                    warnings.append(f"{where} {number} has no UPN, so it was skipped.")
                    continue
                upns[row[cu]] = found_upn
            upn = found_upn
            pupil = pupils.get(upn)
            if pupil is None:
                pupil = read_pupil(row, layout, number, warnings, sheet.name, problems)
                assert pupil is not None
                pupils[upn] = pupil
                marks[upn] = {}
            per_pupil = marks[upn]
            last_raw = row[cu]
        assert pupil is not None
        key = (row[cd], row[cs])
        slot = slots.get(key, _UNSEEN)
        if slot is _UNSEEN:
            slot = slots[key] = _slot(key[0], key[1], sheet.date1904, weekend)
        if slot is None:
            problems.add(
                Problem(
                    f"date {text(key[0])!r} and session {text(key[1])!r} are not a date and AM/PM",
                    sheet=sheet.name,
                    row=number,
                    value=f"{text(key[0])} {text(key[1])}".strip(),
                    upn=upn,
                    name=pupil.name or None,
                )
            )
            continue
        if slot == _WEEKEND:
            continue
        try:
            symbol = symbols(row[cm])
        except UnknownMark as exc:
            problems.unknown_marks = True
            problems.add(
                Problem(
                    f"{exc.value!r} is not an attendance code",
                    sheet=sheet.name,
                    row=number,
                    column=layout.headers[cm],
                    value=exc.value,
                    upn=upn,
                    name=pupil.name or None,
                )
            )
            continue
        assert isinstance(slot, int)
        earlier = per_pupil.get(slot)
        if earlier is None:
            per_pupil[slot] = number * 128 + ord(symbol)
        elif earlier & 127 != ord(symbol):
            day, session = _slot_key(slot)
            problems.add(
                Problem(
                    f"UPN {upn} has two different marks for {day:%d/%m/%Y} {session} "
                    f"(rows {earlier >> 7} and {number})",
                    sheet=sheet.name,
                    row=number,
                    upn=upn,
                    name=pupil.name or None,
                )
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
        symbols_of = [NO_DATA] * len(all_slots)
        for s, value in marks[upn].items():
            symbols_of[index[s]] = chr(value & 127)
        pupil.symbols = "".join(symbols_of)
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
