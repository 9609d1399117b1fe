"""Reading dates and sessions from cells, as real exports write them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from cme.timeline import Session

_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
_SESSIONS = {
    "am": Session.AM,
    "pm": Session.PM,
    "morning": Session.AM,
    "afternoon": Session.PM,
    "a": Session.AM,
    "p": Session.PM,
}
_HEADER = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"  # optional day name
    r"(.+?)\s*[-_ ]?\s*\(?(am|pm|morning|afternoon)\)?$"
)


def parse_date(value: Any, date1904: bool = False) -> date | None:
    """A date from a date cell, an Excel serial number, or dd/mm/yyyy or ISO text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return (_EPOCH_1904 if date1904 else _EPOCH_1900) + timedelta(days=int(value))
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        if m := _UK.match(text):
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            return date(year + 2000 if year < 100 else year, month, day)
        if m := _ISO.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if re.fullmatch(r"\d{5}(\.0+)?", text):
            return parse_date(float(text), date1904)
    except ValueError:
        return None
    return None


def parse_session(value: Any) -> Session | None:
    return _SESSIONS.get(str(value).strip().lower().rstrip("."))


def parse_session_header(value: Any, date1904: bool = False) -> tuple[date, Session] | None:
    """`02/09/2024 AM`, `2024-09-02 PM`, `Mon 02/09/2024 Morning`, `02/09/2024 (AM)`."""
    if not isinstance(value, str):
        return None
    m = _HEADER.match(" ".join(value.strip().lower().split()))
    if not m:
        return None
    day = parse_date(m.group(1), date1904)
    return (day, _SESSIONS[m.group(2)]) if day else None


def header_key(value: Any) -> str:
    """A header as compared with the names we know: lower case, punctuation and spacing folded."""
    text = str(value if value is not None else "").lower().replace("_", " ")
    return " ".join(re.sub(r"[^a-z0-9/% ]", " ", text).split())


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A NUL byte (from a broken export) is no character PostgreSQL will store.
    return " ".join(str(value).replace("\x00", " ").split())
