"""The statutory clock: which steps are due on a case, when, and which are overdue.

Every count is in school days (`SchoolCalendar`). Defaults come from the LA's `Policy`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cme.cases.calendar import SchoolCalendar
from cme.policy import Policy

# Once the LA holds a case the school's DSL and the CME officer review it jointly at least
# this often (school days).
JOINT_REVIEW_EVERY = 10


class Step(StrEnum):
    """Values are the `cme cases --json` contract."""

    CONTACT_PARENTS = "contact_parents"
    VULNERABILITY_SCREEN = "vulnerability_screen"
    NOTIFY_LA = "notify_la"
    REPLACE_N = "replace_n"
    CME_REFERRAL = "cme_referral"
    JOINT_REVIEW = "joint_review"
    REMOVAL_DECISION = "removal_decision"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Step.CONTACT_PARENTS: "Contact the parents or carers",
    Step.VULNERABILITY_SCREEN: "DSL's vulnerability screen",
    Step.NOTIFY_LA: "Tell the LA if not resolved",
    Step.REPLACE_N: "Replace N codes with the real reason",
    Step.CME_REFERRAL: "Refer to the LA's CME officer",
    Step.JOINT_REVIEW: "Joint review by the school's DSL and the CME officer",
    Step.REMOVAL_DECISION: "Decide whether the child may be removed from roll",
}


@dataclass(frozen=True)
class Due:
    step: Step
    due_on: date
    done: bool
    overdue: bool


@dataclass(frozen=True)
class ClockFacts:
    """What the clock needs to know about a case, as of the day asked about."""

    day_one: date
    clock_start: date
    is_open: bool
    contacted: bool
    screened: bool
    la_told: bool
    handed_off_on: date | None
    joint_reviews: Sequence[tuple[date, date | None]]  # (held on, next review on)
    decided: bool
    n_days: Sequence[date]  # days of this absence still coded N, in order
    unexplained: bool  # the case is about N/O absence (not a holiday run or leave)


def due_steps(facts: ClockFacts, on: date, calendar: SchoolCalendar, policy: Policy) -> list[Due]:
    """Every step of the case with its due date, in due-date order."""
    start = facts.clock_start
    found: list[tuple[Step, date, bool]] = [
        (Step.CONTACT_PARENTS, calendar.nth_school_day(start, 1), facts.contacted),
        (Step.VULNERABILITY_SCREEN, calendar.nth_school_day(start, 1), facts.screened),
        (
            Step.NOTIFY_LA,
            calendar.nth_school_day(start, policy.la_contact_school_days),
            facts.la_told or facts.handed_off_on is not None,
        ),
    ]
    if facts.unexplained or facts.n_days:
        oldest = facts.n_days[0] if facts.n_days else facts.day_one
        deadline = calendar.school_days_after(oldest, policy.n_code_deadline_school_days)
        found.append((Step.REPLACE_N, deadline, not facts.n_days))
    found.append(
        (
            Step.CME_REFERRAL,
            calendar.nth_school_day(facts.day_one, policy.continuous_absence_school_days),
            facts.handed_off_on is not None,
        )
    )
    if facts.handed_off_on is not None:
        found.append((Step.JOINT_REVIEW, _next_review(facts, calendar), False))
    found.append(
        (
            Step.REMOVAL_DECISION,
            calendar.nth_school_day(facts.day_one, policy.removal_run_school_days),
            facts.decided,
        )
    )
    dues = [
        Due(step, due_on, done or not facts.is_open, facts.is_open and not done and on > due_on)
        for step, due_on, done in found
    ]
    return sorted(dues, key=lambda d: (d.due_on, list(Step).index(d.step)))


def _next_review(facts: ClockFacts, calendar: SchoolCalendar) -> date:
    assert facts.handed_off_on is not None
    if not facts.joint_reviews:
        return calendar.school_days_after(facts.handed_off_on, JOINT_REVIEW_EVERY)
    held, next_on = max(facts.joint_reviews)
    latest_allowed = calendar.school_days_after(held, JOINT_REVIEW_EVERY)
    return min(next_on, latest_allowed) if next_on else latest_allowed
