"""A case: its facts, its timeline, and what it answers ("what is due?", "may we remove, and
if not, why not?"). Built from a stored case and its events; it reads nothing itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cme.cases.absences import Reason
from cme.cases.calendar import SchoolCalendar
from cme.cases.clock import ClockFacts, Due, due_steps
from cme.cases.enquiries import TELLS_THE_LA, Side
from cme.cases.removal import Removal, RemovalFacts, removal_gate
from cme.policy import Policy
from cme.timeline import LONDON


class EventKind(StrEnum):
    OPENED = "opened"
    REOPENED = "reopened"
    DAY_ONE_MOVED = "day_one_moved"
    CLOSED = "closed"
    CONTACT_ATTEMPT = "contact_attempt"
    SCREEN = "screen"
    REFERRAL = "referral"
    ENQUIRY = "enquiry"
    NOTE = "note"
    HANDED_OFF = "handed_off"
    JOINT_REVIEW = "joint_review"
    NO_SICKNESS_REASON = "no_sickness_reason"
    STEP_OVERDUE = "step_overdue"
    REMOVED = "removed"
    LA_CLOSED = "la_closed"
    ASSIGNED = "assigned"


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REMOVED = "removed"


class Stage(StrEnum):
    DAY_ONE = "day_one"
    SCHOOL_ENQUIRIES = "school_enquiries"
    REFER_NOW = "refer_now"
    WITH_LA = "with_la"
    REMOVAL_MAY_BE_CONSIDERED = "removal_may_be_considered"
    MISSING_EDUCATION = "missing_education"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.DAY_ONE: "Day one: nothing recorded yet",
    Stage.SCHOOL_ENQUIRIES: "School enquiries under way",
    Stage.REFER_NOW: "Refer to police and children's social care now",
    Stage.WITH_LA: "With the LA",
    Stage.REMOVAL_MAY_BE_CONSIDERED: "Removal from roll may be considered",
    Stage.MISSING_EDUCATION: "Removed from roll: the LA is still looking for the child",
    Stage.CLOSED: "Closed",
}

# The joint review decision that opens the removal gate.
ENQUIRIES_FAILED = "enquiries_failed"


@dataclass(frozen=True)
class Event:
    id: int
    kind: EventKind
    at: datetime
    actor: str | None
    detail: Mapping[str, Any] = field(default_factory=dict)


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Case:
    id: int
    pupil_id: int
    school_id: int
    la_id: int
    status: Status
    reason: Reason
    day_one: date
    clock_start: date
    closed_on: date | None = None
    outcome: str | None = None
    previous: int | None = None
    handed_to_la_at: datetime | None = None
    removed_on: date | None = None
    la_closed_on: date | None = None
    la_outcome: str | None = None
    events: Sequence[Event] = ()

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN

    @property
    def on_cme_list(self) -> bool:
        """Removed from roll with whereabouts unknown: the LA is still looking."""
        return self.status is Status.REMOVED and self.la_closed_on is None

    @property
    def handed_off_on(self) -> date | None:
        return self.handed_to_la_at.astimezone(LONDON).date() if self.handed_to_la_at else None

    def of_kind(self, kind: EventKind) -> list[Event]:
        return [e for e in self.events if e.kind is kind]

    def enquiries(self, side: Side) -> list[Event]:
        return [e for e in self.of_kind(EventKind.ENQUIRY) if e.detail.get("side") == side.value]

    @property
    def latest_screen(self) -> Event | None:
        screens = self.of_kind(EventKind.SCREEN)
        return screens[-1] if screens else None

    @property
    def must_refer(self) -> list[str]:
        screen = self.latest_screen
        return list(screen.detail.get("must_refer", [])) if screen else []

    @property
    def must_refer_pending(self) -> bool:
        """A screen answered a must-refer question and no referral has been recorded since."""
        screen = self.latest_screen
        if screen is None or not self.must_refer:
            return False
        return not any(e.id > screen.id for e in self.of_kind(EventKind.REFERRAL))

    @property
    def no_sickness_reason(self) -> bool:
        declared = self.of_kind(EventKind.NO_SICKNESS_REASON)
        return bool(declared) and bool(declared[-1].detail.get("confirmed"))

    @property
    def enquiries_failed(self) -> bool:
        """The latest joint review found the enquiries had failed: a later review that
        decided to go on looking closes the gate again."""
        reviews = self.of_kind(EventKind.JOINT_REVIEW)
        return bool(reviews) and reviews[-1].detail.get("decision") == ENQUIRIES_FAILED

    def status_on(self, on: date) -> Status:
        """The status the case had at the end of `on` (a case closed later was open then)."""
        if self.removed_on is not None and self.removed_on <= on:
            return Status.REMOVED
        if self.closed_on is not None and self.closed_on <= on:
            return Status.CLOSED
        return Status.OPEN

    def open_on(self, on: date) -> bool:
        return self.day_one <= on and self.status_on(on) is Status.OPEN

    def as_of(self, on: date) -> Case:
        """The case as it stood at the end of `on`: what was recorded later, and an ending
        after it, are left out (`cme cases --on` an earlier day)."""
        ended_later = self.status_on(on) is Status.OPEN and not self.is_open
        keep = tuple(e for e in self.events if e.at.astimezone(LONDON).date() <= on)
        if not ended_later and len(keep) == len(self.events):
            return self
        handed = self.handed_to_la_at
        if handed is not None and handed.astimezone(LONDON).date() > on:
            handed = None
        if ended_later:
            return replace(
                self,
                status=Status.OPEN,
                closed_on=None,
                outcome=None,
                removed_on=None,
                la_closed_on=None,
                la_outcome=None,
                handed_to_la_at=handed,
                events=keep,
            )
        return replace(self, handed_to_la_at=handed, events=keep)

    def clock_facts(self, n_days: Sequence[date]) -> ClockFacts:
        reviews = [
            (held, _day(r.detail.get("next_review_on")))
            for r in self.of_kind(EventKind.JOINT_REVIEW)
            if (held := _day(r.detail.get("held_on"))) is not None
        ]
        told = any(e.detail.get("kind") == TELLS_THE_LA for e in self.enquiries(Side.SCHOOL))
        return ClockFacts(
            day_one=self.day_one,
            clock_start=self.clock_start,
            is_open=self.is_open,
            contacted=bool(self.of_kind(EventKind.CONTACT_ATTEMPT)),
            screened=self.latest_screen is not None,
            la_told=told,
            handed_off_on=self.handed_off_on,
            joint_reviews=reviews,
            decided=not self.is_open,
            n_days=n_days,
            unexplained=self.reason is Reason.UNEXPLAINED,
        )

    def due(
        self, on: date, calendar: SchoolCalendar, policy: Policy, n_days: Sequence[date] = ()
    ) -> list[Due]:
        return due_steps(self.clock_facts(n_days), on, calendar, policy)

    def removal(self, run_school_days: int, policy: Policy) -> Removal:
        return removal_gate(
            RemovalFacts(
                is_open=self.is_open,
                run_school_days=run_school_days,
                required_run=policy.removal_run_school_days,
                school_enquiries=len(self.enquiries(Side.SCHOOL)),
                la_enquiries=len(self.enquiries(Side.LA)),
                handed_to_la=self.handed_to_la_at is not None,
                joint_review_found_enquiries_failed=self.enquiries_failed,
                dsl_sees_no_sickness_or_unavoidable_cause=self.no_sickness_reason,
            )
        )

    def stage(self, run_school_days: int, policy: Policy) -> Stage:
        if self.on_cme_list:
            return Stage.MISSING_EDUCATION
        if not self.is_open:
            return Stage.CLOSED
        if self.must_refer_pending:
            return Stage.REFER_NOW
        if self.handed_to_la_at is not None:
            if run_school_days >= policy.removal_run_school_days:
                return Stage.REMOVAL_MAY_BE_CONSIDERED
            return Stage.WITH_LA
        recorded = (EventKind.CONTACT_ATTEMPT, EventKind.SCREEN, EventKind.ENQUIRY)
        if any(self.of_kind(k) for k in recorded):
            return Stage.SCHOOL_ENQUIRIES
        return Stage.DAY_ONE
