"""Leave of absence a school has authorised, with the date the child is expected back.

The statutory clock of a child who does not come back starts on the expected return date,
not on the first day of leave (RULES.md §4, §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cme.errors import InvalidField

REASON_LIMIT = 500


@dataclass
class LeaveForm:
    """What was typed on the pupil page, kept as text to show back beside any message."""

    starts_on: str = ""
    return_on: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Leave:
    id: int
    starts_on: date
    return_on: date
    reason: str


def check_leave(starts_on: date, return_on: date, reason: str) -> str:
    """The reason, tidied, or an InvalidField saying what to correct."""
    if return_on < starts_on:
        raise InvalidField(
            "Expected return date",
            f"The expected return date ({return_on:%d/%m/%Y}) is before the leave starts "
            f"({starts_on:%d/%m/%Y}).",
        )
    reason = reason.strip()
    if not reason:
        raise InvalidField(
            "Reason",
            "Enter the reason for the leave, for example \u201cfamily funeral abroad\u201d.",
        )
    if len(reason) > REASON_LIMIT:
        raise InvalidField("Reason", f"Keep the reason to {REASON_LIMIT} characters.")
    return reason


def overlapping_leave(starts_on: date, return_on: date, leaves: list[Leave]) -> Leave | None:
    """A current leave sharing a day with the new one: a child has one leave at a time."""
    for leave in sorted(leaves, key=lambda x: x.starts_on):
        if leave.starts_on <= return_on and starts_on <= leave.return_on:
            return leave
    return None
