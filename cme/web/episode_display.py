"""How an episode's times and return interview are shown, wherever a child's episodes are:
the LA's episode pages and, for those who may see them, the pupil page and case timeline.
Times are London's, as people read them: "Sat 24 Oct 2026, 10:00"."""

from __future__ import annotations

from datetime import date, datetime

from cme.episodes.interview import InterviewState
from cme.timeline import LONDON

# The interview's state as a status class of the stylesheet.
STATE_CLASS = {
    InterviewState.NOT_RETURNED: "",
    InterviewState.DUE: "s-warning",
    InterviewState.OVERDUE: "s-failed",
    InterviewState.DONE_IN_TIME: "s-done",
    InterviewState.DONE_LATE: "s-warning",
    InterviewState.DECLINED: "",
}


def when(at: datetime | None) -> str:
    """ "Sat 24 Oct 2026, 10:00" in London; "" for none."""
    if at is None:
        return ""
    local = at.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def day(on: date | None) -> str:
    """ "Sat 24 Oct 2026"."""
    return f"{on:%a} {on.day} {on:%b %Y}" if on else ""


def short_when(at: datetime) -> str:
    """ "Tue 27 Oct 09:00", for a deadline near enough that the year goes without saying."""
    local = at.astimezone(LONDON)
    return f"{local:%a} {local.day} {local:%b %H:%M}"
