"""Values as they come back from either engine, and dates as a filter's text gives them:
SQLite's raw rows hold dates and times as text, PostgreSQL's as dates and aware datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

# A date outside these is no date any record holds, and would only overflow the day after it.
_FIRST, _LAST = date(1900, 1, 1), date(2200, 1, 1)


def day_from_text(value: str | None) -> date | None:
    """A filter's date (YYYY-MM-DD); None for blank, unreadable or out-of-range text."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if _FIRST <= day <= _LAST else None


def as_day(value: Any) -> date | None:
    """A row's date (or the date of a row's timestamp text); None for none or unreadable."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_moment(value: Any) -> datetime | None:
    """A row's timestamp, aware (SQLite's text without an offset is UTC, as stored)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=UTC)
