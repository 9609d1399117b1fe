"""The removal gate: reg 9(1)(i) of the 2024 Regs (RULES.md §6).

A pupil may be deleted from roll as missing education only when all of these hold, and the
gate names every one that does not.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removal:
    allowed: bool
    blocked_by: list[str]


@dataclass(frozen=True)
class RemovalFacts:
    is_open: bool
    run_school_days: int  # the G/N/O run ending on the day of the decision
    required_run: int  # fixed by law at 20 (cme.policy.FIXED_BY_LAW)
    school_enquiries: int
    la_enquiries: int
    handed_to_la: bool
    joint_review_found_enquiries_failed: bool
    dsl_sees_no_sickness_or_unavoidable_cause: bool


def removal_gate(facts: RemovalFacts) -> Removal:
    blocked: list[str] = []
    if not facts.is_open:
        blocked.append("The case is closed.")
    if facts.run_school_days < facts.required_run:
        blocked.append(
            f"The child has been absent {facts.run_school_days} school day"
            f"{'s' if facts.run_school_days != 1 else ''} in a row with every session coded "
            f"G, N or O; removal needs at least {facts.required_run}."
        )
    if facts.school_enquiries == 0:
        blocked.append("No reasonable enquiries by the school are recorded.")
    if not facts.handed_to_la:
        blocked.append("The case has not been handed to the LA's CME officer.")
    if facts.la_enquiries == 0:
        blocked.append("No reasonable enquiries by the LA are recorded.")
    if not facts.joint_review_found_enquiries_failed:
        blocked.append(
            "No joint review by the school's DSL and the LA's CME officer records that the "
            "enquiries have failed to find the child."
        )
    if not facts.dsl_sees_no_sickness_or_unavoidable_cause:
        blocked.append(
            "The DSL has not recorded that there is no reason to believe the absence is due "
            "to sickness or an unavoidable cause."
        )
    return Removal(not blocked, blocked)
