"""The return interview: offered and held within 72 hours of the child's return, and who
especially needs one (RULES.md §7).

The 72 hours are elapsed time, not clock time: a child back at 10:00 on the Saturday before
the clocks go back is due an interview by 09:00 GMT on the Tuesday, 72 real hours later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from cme.episodes.episode import Episode, MissingFrom

RETURN_INTERVIEW_HOURS = 72

# The LA may add its own themes; these are always offered.
THEMES = (
    "Exploitation risk (criminal)",
    "Exploitation risk (sexual)",
    "Family conflict",
    "Peer influence",
    "Substance use",
    "Mental health",
    "School issues",
    "Bullying",
    "Relationship",
    "Going to see family or friends",
    "Placement issues",
    "Online contact",
)


def interview_due(returned_at: datetime, hours: int = RETURN_INTERVIEW_HOURS) -> datetime:
    """When the return interview is due: `hours` elapsed hours after the return."""
    if returned_at.tzinfo is None:
        raise ValueError("a return time must say its time zone")
    # In UTC: adding hours to a London time would add wall-clock hours across a clock change.
    return returned_at.astimezone(UTC) + timedelta(hours=hours)


@dataclass(frozen=True)
class Interview:
    offered_at: datetime | None = None
    offered_by: str = ""
    done_at: datetime | None = None
    done_by: str = ""
    done_where: str = ""
    declined_at: datetime | None = None
    themes: tuple[str, ...] = ()
    notes: str = ""


class InterviewState(StrEnum):
    NOT_RETURNED = "not returned"
    DUE = "due"
    OVERDUE = "overdue"
    DONE_IN_TIME = "done in time"
    DONE_LATE = "done late"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            InterviewState.NOT_RETURNED: "Not yet returned",
            InterviewState.DUE: "Due",
            InterviewState.OVERDUE: "Overdue",
            # The LA may hold itself to fewer than 72 hours: the deadline shown says how many.
            InterviewState.DONE_IN_TIME: "Done in time",
            InterviewState.DONE_LATE: "Done late",
            InterviewState.DECLINED: "Declined",
        }[self]

    @property
    def waiting(self) -> bool:
        return self in (InterviewState.DUE, InterviewState.OVERDUE)


def interview_state(
    returned_at: datetime | None,
    interview: Interview | None,
    now: datetime,
    hours: int = RETURN_INTERVIEW_HOURS,
) -> InterviewState:
    if returned_at is None:
        return InterviewState.NOT_RETURNED
    due = interview_due(returned_at, hours)
    if interview is not None and interview.done_at is not None:
        return InterviewState.DONE_IN_TIME if interview.done_at <= due else InterviewState.DONE_LATE
    if interview is not None and interview.declined_at is not None:
        return InterviewState.DECLINED
    return InterviewState.OVERDUE if now > due else InterviewState.DUE


def deadline_met(returned_at: datetime | None, done_at: datetime | None, hours: int) -> bool | None:
    """Whether the interview was held within the deadline; None while that is not known."""
    if returned_at is None or done_at is None:
        return None
    return done_at <= interview_due(returned_at, hours)


@dataclass(frozen=True)
class InterviewCriteria:
    """Hampshire offers an interview for more than the statutory reasons (missing over 24
    hours, 3 or more times, known mental-health needs); an LA may too. Its "3 or more times"
    is already within the statutory "2 or more"."""

    hampshire: bool = False
    long_missing_hours: int = 24


def especially_needed(
    episode: Episode,
    episodes_of_child: int,
    criteria: InterviewCriteria = InterviewCriteria(),
    returned_at: datetime | None = None,
) -> list[str]:
    """Why this episode's return interview especially matters, in words for the list and the
    page; empty when nothing marks it out. `episodes_of_child` counts this one."""
    reasons = []
    if episode.looked_after or episode.missing_from is MissingFrom.CARE:
        reasons.append("Looked after: always offered")
    if episodes_of_child >= 2:
        reasons.append(f"Missing {episodes_of_child} times")
    if episode.harmed:
        reasons.append("Hurt or harmed while away")
    if episode.exploitation_risk:
        reasons.append("At risk of exploitation or trafficking")
    if episode.risky_contacts:
        reasons.append("In contact with people posing a risk")
    if episode.crime_while_away:
        reasons.append("Involved in crime while away")
    if criteria.hampshire:
        back = returned_at or episode.returned_at
        if back is not None:
            hours = (back.timestamp() - episode.missing_since.timestamp()) / 3600
            if hours > criteria.long_missing_hours:
                reasons.append(f"Missing over {criteria.long_missing_hours} hours")
        if episode.mental_health:
            reasons.append("Known mental-health needs")
    return reasons
