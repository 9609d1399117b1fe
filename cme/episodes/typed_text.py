"""Reading what a person typed into a form: one-line and free text within the stored
columns' lengths, ticked boxes, and London dates and times. Each mistake is InvalidField
naming the box in words.

Dates come as `dd/mm/yyyy` or as a date input sends them (`yyyy-mm-dd`), times as `hh:mm`;
both are London's. A time the clocks skipped (the spring change) is a mistake; one they showed
twice (the autumn change) is taken as the first, British Summer Time, as the import does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cme.errors import InvalidField
from cme.timeline import LONDON

EARLIEST_YEAR = 2000
EARLIEST_BIRTH = date(1990, 1, 1)
# A clock a little fast is not a time in the future.
CLOCK_SLOP = timedelta(minutes=5)
_TICKED = ("yes", "on", "true", "1")


def form_text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return "" if value is None else str(value)


def typed_fields(cls: type[Any], form: Mapping[str, Any]) -> dict[str, str]:
    return {f.name: form_text(form, f.name) for f in fields(cls) if f.type in ("str", str)}


def one_line(value: str, label: str, limit: int) -> str:
    """One line of text, spacing folded, no longer than the column holds."""
    # A NUL byte is no character PostgreSQL will store.
    line = " ".join(value.replace("\x00", " ").split())
    if len(line) > limit:
        raise InvalidField(label, f"{label}: keep this under {limit:,} characters.")
    return line


def free_lines(value: str, label: str, limit: int) -> str:
    """Free text that may run over lines: each line's spacing folded, blank lines kept out."""
    lines = value.replace("\x00", " ").splitlines()
    kept = "\n".join(" ".join(line.split()) for line in lines if line.strip())
    if len(kept) > limit:
        raise InvalidField(label, f"{label}: keep this under {limit:,} characters.")
    return kept


def parse_day(value: str, label: str) -> date | None:
    """A date typed as dd/mm/yyyy or sent by a date input (yyyy-mm-dd); None when blank."""
    raw = value.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise InvalidField(label, f"{label}: enter a real date as dd/mm/yyyy, for example 24/10/2026.")


def parse_clock(value: str, label: str) -> time | None:
    """A time of day typed as hh:mm (24-hour clock; a time input may add seconds)."""
    raw = value.strip()
    if not raw:
        return None
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?", raw)
    if match:
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise InvalidField(
        label, f"{label}: enter the time as hh:mm on the 24-hour clock, for example 14:30."
    )


def london_moment(
    day_text: str, clock_text: str, day_label: str, time_label: str, what: str = ""
) -> datetime | None:
    """The moment (in UTC) of a London date and time typed in two boxes; None when both are
    blank. `what` says what happened, for messages ("the child was reported missing")."""
    day = parse_day(day_text, day_label)
    clock = parse_clock(clock_text, time_label)
    if day is None:
        if clock is not None:
            raise InvalidField(day_label, f"{day_label}: enter the date as well as the time.")
        return None
    if day.year < EARLIEST_YEAR:
        raise InvalidField(
            day_label, f"{day_label}: {day:%d/%m/%Y} is too long ago: check the year."
        )
    if clock is None:
        when = f" {what}" if what else ""
        raise InvalidField(
            time_label,
            f"{time_label}: enter the time{when} as well as the date, for example 14:30.",
        )
    # fold=0: of a time the clocks showed twice, the first (British Summer Time).
    local = datetime.combine(day, clock, LONDON)
    at = local.astimezone(UTC)
    if at.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        later = (datetime.combine(day, clock) + timedelta(hours=1)).time()
        raise InvalidField(
            time_label,
            f"{time_label}: {clock:%H:%M} on {day:%d/%m/%Y} did not happen in the UK, as the "
            f"clocks went forward an hour that night. Enter the time the clocks showed, for "
            f"example {later:%H:%M}.",
        )
    return at


def london_parts(at: datetime | None) -> tuple[str, str]:
    """A stored moment as the date and time boxes show it (yyyy-mm-dd, hh:mm, London)."""
    if at is None:
        return "", ""
    local = at.astimezone(LONDON)
    return local.date().isoformat(), f"{local:%H:%M}"


def ticked(value: str) -> bool:
    return value.strip().lower() in _TICKED


def tick(value: bool) -> str:
    return "yes" if value else ""
