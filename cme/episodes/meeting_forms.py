"""The intervention meeting forms, as CME officers type them: calling a meeting by hand,
and recording one as held. Each parses into the use case's values or raises InvalidField
naming the box in words; the form keeps what was typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cme.episodes.episode import LIMITS
from cme.episodes.typed_text import EARLIEST_YEAR, free_lines, parse_day, typed_fields
from cme.errors import InvalidField

CALL_LABELS = {"reason": "Reason", "episode": "Episode"}
CALL_ERRORS = {label: name for name, label in CALL_LABELS.items()}


@dataclass
class CallMeetingForm:
    """Calling an intervention meeting by hand: why, and the episode behind it if one."""

    reason: str = ""
    episode: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> CallMeetingForm:
        return cls(**typed_fields(cls, form))

    def episode_id(self) -> int | None:
        """The episode chosen, if any; whether it is the child's is the use case's to check."""
        raw = self.episode.strip()
        if not raw:
            return None
        if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            raise InvalidField(
                CALL_LABELS["episode"], "Choose one of the child's episodes, or none."
            )
        return int(raw)


@dataclass(frozen=True)
class MeetingRecord:
    held_on: date
    agencies: str
    actions: str
    review_on: date | None


MEETING_LABELS = {
    "held_on": "Held on",
    "agencies": "Agencies",
    "actions": "Actions agreed",
    "review_on": "Review date",
}
MEETING_ERRORS = {label: name for name, label in MEETING_LABELS.items()}


@dataclass
class MeetingForm:
    """Recording an intervention meeting as held."""

    held_on: str = ""
    agencies: str = ""
    actions: str = ""
    review_on: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> MeetingForm:
        return cls(**typed_fields(cls, form))

    def record(self) -> MeetingRecord:
        label = MEETING_LABELS
        held = parse_day(self.held_on, label["held_on"])
        if held is None:
            raise InvalidField(label["held_on"], "Enter the date the meeting was held.")
        if held.year < EARLIEST_YEAR:
            raise InvalidField(
                label["held_on"], f"{held:%d/%m/%Y} is too long ago: check the year."
            )
        agencies = free_lines(self.agencies, label["agencies"], LIMITS["agencies"])
        if not agencies:
            raise InvalidField(label["agencies"], "Name the agencies that took part.")
        return MeetingRecord(
            held_on=held,
            agencies=agencies,
            actions=free_lines(self.actions, label["actions"], LIMITS["actions"]),
            review_on=parse_day(self.review_on, label["review_on"]),
        )
