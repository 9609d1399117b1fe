"""The missing-episode pages' words: filters, risk, times and deadlines, for the pages and the
download alike. Times are London's, as people read them: "Sat 24 Oct 2026, 10:00"."""

from __future__ import annotations

from datetime import date
from typing import Any

from cme.episodes.episode import IDENTITY_LABELS, Child, Episode, MissingFrom
from cme.episodes.interview import InterviewState
from cme.storage.episode_children import HAND, REPEAT
from cme.storage.episode_list import (
    ATTENTION_WORDS,
    RISK_WORDS,
    EpisodeList,
    Filters,
    State,
)
from cme.storage.episodes import CHILD_FIELDS, EpisodeView

# Shared with the pupil page; the LA's templates and downloads read them from here.
from cme.web.episode_display import STATE_CLASS as STATE_CLASS
from cme.web.episode_display import day as day
from cme.web.episode_display import short_when as short_when
from cme.web.episode_display import when as when

STATES = {State.ALL: "All", State.OPEN: "Still missing", State.RETURNED: "Returned"}
LOOKED_AFTER = {"yes": "Looked after", "no": "Not looked after"}
MISSING_FROM = [(m.value, m.label) for m in MissingFrom]
RISKS = RISK_WORDS
ATTENTION = ATTENTION_WORDS
TRIGGERS = {REPEAT: "Repeat trigger", HAND: "Called by hand"}


def capital(words: str) -> str:
    """The first letter a capital, the rest as written (Jinja's `capitalize` lowers them)."""
    return words[:1].upper() + words[1:]


def due_words(view: EpisodeView, hours: int) -> str:
    """ "due by Tue 27 Oct 09:00 — 72 hours after the return"; "" before the return."""
    if view.due_at is None:
        return ""
    return f"due by {short_when(view.due_at)} — {hours} hours after the return"


def deadline_met(view: EpisodeView) -> str:
    """Whether the interview was held by its deadline, in words; "" while not known."""
    if view.state is InterviewState.DONE_IN_TIME:
        return "Met: held within the deadline"
    if view.state is InterviewState.DONE_LATE:
        return "Missed: held after the deadline"
    if view.state is InterviewState.OVERDUE:
        return "Missed: not held yet"
    if view.state is InterviewState.DECLINED:
        return "The child declined the interview"
    return ""


def risk_level_words(episode: Episode) -> str:
    level = episode.risk
    return level.label if level is not None else "Not graded"


def risk_words(episode: Episode) -> str:
    """The level read from the police's words, their words, and the scheme if known."""
    said = [risk_level_words(episode)]
    if episode.risk_raw:
        said.append(f'police: "{episode.risk_raw}"')
    if episode.risk_scheme:
        said.append(episode.risk_scheme)
    return "; ".join(said)


def child_name(child: Child | dict[str, Any]) -> str:
    """ "Surname, Forename", as lists sort children."""
    if isinstance(child, Child):
        names = (child.surname, child.forename)
    else:
        names = (child.get("surname", ""), child.get("forename", ""))
    return ", ".join(n for n in names if n) or "(no name given)"


def counts(found: EpisodeList) -> str:
    """ "12 episodes, 3 still missing"."""
    episodes = "1 episode" if found.total == 1 else f"{found.total} episodes"
    return f"{episodes}, {found.open} still missing"


def describe(filters: Filters) -> str:
    """The filters in a phrase: "still missing; risk: high or very high"."""
    said = [STATES[filters.state].lower() if filters.state is not State.ALL else "all episodes"]
    if filters.risk is not None:
        said.append(f"risk: {RISKS[filters.risk].lower()}")
    if filters.looked_after is not None:
        said.append(LOOKED_AFTER["yes" if filters.looked_after else "no"].lower())
    if filters.missing_from is not None:
        said.append(f"missing from: {filters.missing_from.label.lower()}")
    if filters.since is not None:
        said.append(f"reported from {filters.since:%d/%m/%Y}")
    if filters.until is not None:
        said.append(f"reported to {filters.until:%d/%m/%Y}")
    if filters.attention is not None:
        said.append(ATTENTION[filters.attention].lower())
    if filters.child is not None:
        said.append("one child")
    return "; ".join(said)


def _value(name: str, value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if name == "date_of_birth" and isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def identity_rows(now: Child, proposed: Child) -> list[tuple[str, str, str, bool]]:
    """Each identity field: its label, as recorded, as the police's file has it, changed?"""
    return [
        (
            IDENTITY_LABELS[name],
            _value(name, getattr(now, name)),
            _value(name, getattr(proposed, name)),
            getattr(now, name) != getattr(proposed, name),
        )
        for name in CHILD_FIELDS
    ]


def meeting_state(meeting: dict[str, Any], today: date) -> tuple[str, str]:
    """The meeting's state in words, with its status class."""
    if meeting["held_on"] is not None:
        return f"Held on {day(meeting['held_on'])}", "s-done"
    if meeting["due_on"] < today:
        return f"Overdue: was due by {day(meeting['due_on'])}", "s-failed"
    return f"Due by {day(meeting['due_on'])}", "s-warning"
