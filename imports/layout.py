"""Recognising a register's layout from its header rows.

Long: one row per pupil per session (pupil columns, Date, Session, Mark, optional minutes late
and comment). Wide: one row per pupil, one column per session, headed either `02/09/2024 AM`
in one row, or by a date row (merged over its AM and PM columns) and an AM/PM row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cme.timeline import Session
from imports.cells import header_key, parse_date, parse_session, parse_session_header

PUPIL_COLUMNS = {
    "upn": ("upn", "unique pupil number", "pupil upn"),
    "surname": ("legal surname", "surname", "last name", "family name"),
    "forename": (
        "legal forename",
        "legal forenames",
        "forename",
        "forenames",
        "first name",
        "given name",
    ),
    "dob": ("dob", "date of birth", "birth date"),
    "year_group": (
        "year",
        "nc year",
        "year group",
        "ncyear",
        "national curriculum year",
        "curriculum year",
    ),
    "reg_group": (
        "reg",
        "reg group",
        "registration group",
        "reg grp",
        "form",
        "form group",
        "tutor group",
    ),
    "gender": ("gender", "sex"),
}
LONG_COLUMNS = {
    "date": ("date", "session date", "attendance date"),
    "session": ("session", "am/pm", "am / pm", "ampm", "am pm"),
    "mark": ("mark", "code", "attendance mark", "attendance code"),
    "minutes_late": ("minutes late", "mins late", "late minutes", "minutes"),
    "comment": ("comment", "comments", "note", "notes"),
}
SUMMARY_HINTS = (
    "possible",
    "attendance %",
    "% attendance",
    "attendance percentage",
    "authorised absence",
    "unauthorised absence",
    "sessions attended",
    "present",
)
REQUIRED_PUPIL = ("upn", "surname", "forename")
NEEDED = (
    "a UPN column, Legal Surname and Legal Forename, and either one column per session "
    "headed like '02/09/2024 AM' (or a date row above an AM/PM row), or Date, Session "
    "(AM/PM) and Mark columns"
)
HEADER_SEARCH_ROWS = 30


@dataclass
class Layout:
    kind: str  # "wide" or "long"
    header_row: int  # index of the row holding pupil headers
    data_row: int  # index of the first data row
    columns: dict[str, int]  # pupil and long-layout fields -> column index
    sessions: dict[int, tuple[date, Session]] = field(default_factory=dict)  # wide: col -> session
    headers: list[str] = field(default_factory=list)  # display names by column


def _find(keys: list[str], names: Sequence[str]) -> int | None:
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _fill_right(row: Sequence[Any]) -> list[Any]:
    """Merged header cells arrive as a value then empties: carry the value rightwards."""
    filled, last = [], None
    for cell in row:
        if cell not in (None, ""):
            last = cell
        filled.append(last)
    return filled


def detect(rows: Sequence[Sequence[Any]], date1904: bool = False) -> Layout | None:
    for r in range(min(HEADER_SEARCH_ROWS, len(rows))):
        keys = [header_key(c) for c in rows[r]]
        if _find(keys, PUPIL_COLUMNS["upn"]) is None:
            continue
        columns = {
            name: col
            for name, aliases in PUPIL_COLUMNS.items()
            if (col := _find(keys, aliases)) is not None
        }
        headers = [str(c) if c is not None else "" for c in rows[r]]
        long_cols = {
            name: col
            for name, aliases in LONG_COLUMNS.items()
            if (col := _find(keys, aliases)) is not None
        }
        if {"date", "session", "mark"} <= set(long_cols):
            return Layout("long", r, r + 1, {**columns, **long_cols}, headers=headers)
        sessions = _session_columns(rows, r, date1904)
        if sessions:
            layout = Layout("wide", r, sessions[1], columns, sessions[0], headers)
            if sessions[1] == r + 2:  # AM/PM row below: name columns "date AM"
                for col, (day, session) in layout.sessions.items():
                    layout.headers[col] = f"{day:%d/%m/%Y} {session}"
            return layout
        return Layout("unknown", r, r + 1, columns, headers=headers)
    return None


def _session_columns(
    rows: Sequence[Sequence[Any]], r: int, date1904: bool
) -> tuple[dict[int, tuple[date, Session]], int] | None:
    """Session columns and the first data row, for the three wide header styles."""
    single = {
        c: parsed
        for c, cell in enumerate(rows[r])
        if (parsed := parse_session_header(cell, date1904))
    }
    if single:
        return single, r + 1
    # A date row above, AM/PM in the pupil header row.
    if r > 0:
        found = _two_row(_fill_right(rows[r - 1]), rows[r], date1904)
        if found:
            return found, r + 1
    # Dates in the pupil header row, AM/PM in the row below.
    if r + 1 < len(rows):
        found = _two_row(_fill_right(rows[r]), rows[r + 1], date1904)
        if found:
            return found, r + 2
    return None


def _two_row(
    dates: Sequence[Any], sessions: Sequence[Any], date1904: bool
) -> dict[int, tuple[date, Session]]:
    found = {}
    for c, cell in enumerate(sessions):
        session = parse_session(cell) if cell not in (None, "") else None
        if session is None or c >= len(dates) or dates[c] in (None, ""):
            continue
        day = parse_date(dates[c], date1904)
        if day is not None:
            found[c] = (day, session)
    return found


def looks_like_summary(headers: Sequence[str]) -> list[str]:
    keys = [header_key(h) for h in headers]
    return [
        h for h, k in zip(headers, keys, strict=True) if k and any(s in k for s in SUMMARY_HINTS)
    ]
