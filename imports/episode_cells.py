"""Reading one cell of a police episode file: a moment in UK time, a date, the place the child
went missing from, free text.

A time without a zone is a time on a UK clock (Europe/London) and is returned in UTC. Once a
year a London time does not exist (the hour the clocks go forward) and once a year it happens
twice (the hour they go back): the first is refused, the second read as the first of the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from cme.episodes.episode import MISSING_FROM_WORDS, MissingFrom
from cme.timeline import LONDON
from imports.cells import parse_date, text
from imports.pupil_details_cells import Bad
from imports.pupil_details_cells import shown as shown_detail

WHEN = "write it as dd/mm/yyyy hh:mm, for example 05/10/2026 14:30"
DAY = "write it as dd/mm/yyyy, for example 05/10/2026"
FROM = "write Home, Care placement, School or Other"

_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_CLOCK = (
    r"(?P<h>\d{1,2})(?:[:.]?(?P<m>\d{2}))?(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<half>[ap])?(?:\.?m\.?)?\s*(?:hrs|hours|h)?"
)
_THEN = rf"(?:(?:\s*,\s*|\s+|t){_CLOCK})?"
_UK = re.compile(rf"^(?P<d>\d{{1,2}})[/.-](?P<mo>\d{{1,2}})[/.-](?P<y>\d{{4}}|\d{{2}}){_THEN}$")
_NAMED = re.compile(
    rf"^(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[ -](?P<mon>[a-z]{{3,9}})\.?[ -](?P<y>\d{{4}}|\d{{2}})"
    rf"{_THEN}$"
)
_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ t](?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<zone>z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_TIME_ONLY = re.compile(rf"^{_CLOCK}$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware, in UTC
    twice: bool = False  # a London time that happened twice: the first was taken


def read_moment(raw: Any, date1904: bool = False) -> Moment | None:
    """When something happened, from a date-and-time cell, a date cell (midnight), an Excel
    serial number or text; None for a blank cell."""
    if raw is None:
        return None
    if isinstance(raw, bool | time | timedelta):
        raise Bad(f"{text(raw)!r} is not a date and time: {WHEN}.")
    if isinstance(raw, datetime):
        return _aware(raw) if raw.tzinfo else london(raw)
    if isinstance(raw, date):
        return london(datetime.combine(raw, time()))
    if isinstance(raw, int | float):
        return london(_serial(raw, date1904))
    words = " ".join(str(raw).lower().split())
    if not words:
        return None
    if _SERIAL.match(words):
        return london(_serial(float(words), date1904))
    naive, zone = _written(words, raw)
    return _aware(naive.replace(tzinfo=zone)) if zone else london(naive)


def read_moment_at(day_raw: Any, clock: time, date1904: bool = False) -> Moment | None:
    """A date column read with the time from its separate time column."""
    day = read_day(day_raw, date1904)
    if day is None:
        raise Bad("There is a time but no date: fill in the date, or clear the time.")
    return london(datetime.combine(day, clock))


def read_time(raw: Any) -> time:
    if isinstance(raw, datetime):
        return raw.time().replace(microsecond=0)
    if isinstance(raw, time):
        return raw.replace(microsecond=0)
    if isinstance(raw, timedelta) and timedelta() <= raw < timedelta(days=1):
        return (datetime.min + raw).time()
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 0 <= raw < 1:
        return (datetime.min + timedelta(seconds=round(raw * 86400) % 86400)).time()
    m = _TIME_ONLY.match(" ".join(str(raw).lower().split()))
    clock = _clock(m) if m and (m["m"] or m["half"]) else None
    if clock is None:
        raise Bad(f"{text(raw)!r} is not a time of day: write it as hh:mm, for example 14:30.")
    return clock


def read_day(raw: Any, date1904: bool = False) -> date | None:
    """A date (of birth, of a check) from a date cell, a serial number or text; None if blank."""
    if raw is None or not text(raw):
        return None
    day = parse_date(raw, date1904) if not isinstance(raw, bool) else None
    if day is None and isinstance(raw, str):
        try:
            day = _written(" ".join(raw.lower().split()), raw)[0].date()
        except Bad:
            day = None
    if day is None:
        raise Bad(f"{text(raw)!r} is not a date: {DAY}.")
    return day


def london(naive: datetime) -> Moment:
    """A time on a UK clock, in UTC."""
    _plausible(naive)
    local = naive.replace(tzinfo=LONDON, fold=0)
    at = local.astimezone(UTC)
    if at.astimezone(LONDON).replace(tzinfo=None) != naive:
        raise Bad(
            f"{naive:%d/%m/%Y %H:%M} did not happen in the UK: the clocks went forward an hour "
            "that night. Check the time (it may be an hour out, or meant as BST)."
        )
    return Moment(at, twice=local.utcoffset() != local.replace(fold=1).utcoffset())


def shown(value: Any) -> str:
    """A value in a message: a moment as a UK clock showed it."""
    if isinstance(value, datetime):
        local = value.astimezone(LONDON) if value.tzinfo else value  # a cell's own time
        return f"{local:%d/%m/%Y %H:%M}"
    if isinstance(value, MissingFrom):
        return value.label
    return shown_detail(value)


def missing_from(raw: Any) -> MissingFrom | None:
    words = _words(text(raw)).removeprefix("missing from ")
    if not words:
        return None
    found = _FROM.get(words)
    if found is None:
        raise Bad(f"{text(raw)!r} is not a place a child goes missing from: {FROM}.")
    return found


def free_text(raw: Any) -> str:
    """Text that may run over lines (an address, circumstances): each line's spacing folded,
    blank lines dropped."""
    if raw is None:
        return ""
    lines = (" ".join(line.replace("\x00", " ").split()) for line in text_lines(raw))
    return "\n".join(line for line in lines if line)


def text_lines(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [text(raw)]


def _words(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]", " ", value.lower()).split())


_FROM = {_words(w): m for w, m in MISSING_FROM_WORDS.items()} | {
    _words(m.label): m for m in MissingFrom
}


def _aware(at: datetime) -> Moment:
    _plausible(at)
    return Moment(at.astimezone(UTC))


def _plausible(at: datetime) -> None:
    """Far-off years are typing slips, and beyond a zone's arithmetic at the very ends."""
    if not 1900 <= at.year <= 2200:
        raise Bad(f"{at:%d/%m/%Y %H:%M} is not a date and time of an episode: {WHEN}.")


def _serial(value: float, date1904: bool) -> datetime:
    if not 1 <= value < 2958466:
        raise Bad(f"{text(value)!r} is not a date and time: {WHEN}.")
    return (_EPOCH_1904 if date1904 else _EPOCH_1900) + timedelta(seconds=round(value * 86400))


def _written(words: str, raw: Any) -> tuple[datetime, tzinfo | None]:
    """A date and time written as text, and its zone if it says one."""
    wrong = Bad(f"{text(raw)!r} is not a date and time: {WHEN}.")
    m = _UK.match(words) or _NAMED.match(words) or _ISO.match(words)
    if m is None:
        raise wrong
    parts = m.groupdict()
    month = _MONTHS.get(parts["mon"]) if parts.get("mon") else int(parts["mo"])
    year = int(parts["y"])
    year += 2000 if year < 100 else 0
    clock = _clock(m) if parts["h"] is not None else time()
    if month is None or clock is None or (parts["h"] and not (parts["m"] or parts.get("half"))):
        raise wrong
    try:
        day = date(year, month, int(parts["d"]))
        zone = _zone(parts.get("zone"))
    except ValueError:
        raise wrong from None
    return datetime.combine(day, clock), zone


def _clock(m: re.Match[str]) -> time | None:
    hour, minute, second = int(m["h"]), int(m["m"] or 0), int(m["s"] or 0)
    half = m.groupdict().get("half")
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _zone(written: str | None) -> tzinfo | None:
    if not written:
        return None
    if written == "z":
        return UTC
    digits = written[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(written)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if written[0] == "-" else offset)
