"""The later life of a case (issue 8 §3-§4): the hand-off to the LA, joint reviews, closing
with an outcome, removal from roll under the 20-day rule (with its deletion return), the LA
finding a child it was still looking for, and downloading the return.

Same shape as `case_actions`: one transaction per action, scope, role and state checked, an
event on the timeline and an audit row with what changed on the case (before and after).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from typing import Any

from cme.access import Viewer
from cme.cases.absences import DayKind, day_kind
from cme.cases.case import ENQUIRIES_FAILED, Case, EventKind, Status
from cme.cases.outcomes import CLOSING, FOUND, Outcome
from cme.cases.removal import Removal
from cme.errors import InvalidField, NotFound, Refused
from cme.events import Action
from cme.exports.deletion_return import build
from cme.notices import NoticeKind
from cme.roles import Role
from cme.storage import tables
from cme.storage.case_actions import (
    CME_OFFICER,
    DSL,
    LONG_TEXT,
    add_event,
    audit_case,
    choice,
    past_day,
    require_open,
    require_role,
    text,
)
from cme.storage.case_context import school_context
from cme.storage.cases import case_for, load_case
from cme.storage.clock import today, utcnow
from cme.storage.engine import write_transaction
from cme.storage.measures.referral_days import days_to_referral, school_calendar
from cme.storage.notifications import notify
from cme.storage.pupil_details import current_details
from cme.storage.pupils import PUPIL_COLUMNS
from cme.timeline import LONDON

DECISIONS: dict[str, str] = {
    "continue": "Carry on with the enquiries",
    ENQUIRIES_FAILED: "The enquiries have failed to find the child",
    "child_found": "The child has been found",
}
DELETION_RETURN = "deletion_return"
# Outcomes that say where the child is now: the form asks where, and the return carries it.
NEW_SCHOOL = frozenset({Outcome.NEW_SCHOOL_THIS_LA, Outcome.NEW_SCHOOL_OTHER_LA})


@dataclass(frozen=True)
class Whereabouts:
    """Where a located child is now, as far as the person recording it knows."""

    new_school: str = ""
    new_la: str = ""
    new_address: str = ""
    starts_on: date | None = None

    def detail(self) -> dict[str, Any]:
        return {
            "new_school": text(self.new_school, "New school"),
            "new_la": text(self.new_la, "New LA"),
            "new_address": text(self.new_address, "New address", limit=LONG_TEXT),
            "new_school_starts_on": self.starts_on.isoformat() if self.starts_on else None,
        }


def _outcome(value: str, allowed: tuple[Outcome, ...]) -> Outcome:
    options = {o.value: o.label for o in allowed}
    return Outcome(choice(value, options, "Outcome", "Choose the outcome."))


def _where(outcome: Outcome, where: Whereabouts) -> dict[str, Any]:
    detail = where.detail()
    if outcome in NEW_SCHOOL and not detail["new_school"]:
        raise InvalidField("New school", "Name the school the child is now registered at.")
    if outcome is Outcome.NEW_SCHOOL_OTHER_LA and not detail["new_la"]:
        raise InvalidField("New LA", "Name the LA the new school is in.")
    return detail


async def hand_off(viewer: Viewer, case_id: int) -> int:
    """The DSL refers the case to the LA's CME officers with everything recorded so far."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, DSL, "hand a case to the LA")
        require_open(case, "hand it to the LA")
        if case.handed_to_la_at is not None:
            raise Refused(
                f"This case was already handed to the LA on {case.handed_off_on:%d/%m/%Y}."
            )
        now = utcnow()
        calendar = await school_calendar(case.school_id, case.la_id)
        took = days_to_referral(calendar, case.day_one, now.astimezone(LONDON).date())
        changed = await (
            tables.Case.update({tables.Case.handed_to_la_at: now, tables.Case.referral_days: took})
            .where(tables.Case.id == case.id, tables.Case.handed_to_la_at.is_null())
            .returning(tables.Case.id)
        )
        if not changed:
            raise Refused("This case was already handed to the LA.")
        counts = {kind.value: len(case.of_kind(kind)) for kind in _SUMMARISED}
        event = await add_event(case, viewer, EventKind.HANDED_OFF, {"recorded": counts})
        await audit_case(
            Action.CASE_HANDED_OFF,
            viewer,
            case,
            event,
            changes={"handed_to_la_at": [None, now.isoformat()]},
        )
        await notify(
            NoticeKind.CASE_HANDED_OFF,
            la_id=case.la_id,
            school_id=None,
            roles={Role.CME_OFFICER},
            link=f"/la/cases/{case.id}",
            case_id=case.id,
        )
    return event


_SUMMARISED = (
    EventKind.CONTACT_ATTEMPT,
    EventKind.SCREEN,
    EventKind.REFERRAL,
    EventKind.ENQUIRY,
    EventKind.NOTE,
    EventKind.NO_SICKNESS_REASON,
)


async def record_joint_review(
    viewer: Viewer,
    case_id: int,
    *,
    held_on: date | None,
    school_dsl: str,
    cme_officer: str,
    others: str = "",
    decision: str,
    notes: str = "",
    next_review_on: date | None = None,
) -> int:
    """A joint review by the school's DSL and the CME officer, recorded by the CME officer.
    The next review is required while the enquiries carry on."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, CME_OFFICER, "record a joint review")
        if case.handed_to_la_at is None:
            raise Refused("The school has not handed this case to the LA yet.")
        require_open(case, "record a joint review")
        held = past_day(held_on, "Held on", "of the review", not_before=case.handed_off_on)
        decided = choice(decision, DECISIONS, "Decision", "Choose the review's decision.")
        if decided == "continue" and next_review_on is None:
            raise InvalidField("Next review", "Enter the date of the next joint review.")
        if next_review_on is not None and next_review_on <= held:
            raise InvalidField("Next review", "The next review must be after this one.")
        detail = {
            "held_on": held.isoformat(),
            "school_dsl": text(school_dsl, "School DSL", required="Name the school's DSL."),
            "cme_officer": text(cme_officer, "CME officer", required="Name the CME officer."),
            "others": text(others, "Others", limit=LONG_TEXT),
            "decision": decided,
            "notes": text(notes, "Notes", limit=LONG_TEXT),
            "next_review_on": next_review_on.isoformat() if next_review_on else None,
        }
        event = await add_event(case, viewer, EventKind.JOINT_REVIEW, detail)
        await audit_case(Action.CASE_JOINT_REVIEW_RECORDED, viewer, case, event, decision=decided)
    return event


async def close_case(
    viewer: Viewer, case_id: int, *, outcome: str, notes: str = "", where: Whereabouts | None = None
) -> int:
    """Close with an outcome, today. The DSL closes the school's case; once the LA holds it
    the CME officer may record the outcome too."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        if viewer.role is Role.CME_OFFICER:
            if case.handed_to_la_at is None:
                raise Refused("The school has not handed this case to the LA yet.")
        else:
            require_role(viewer, DSL, "close a case with an outcome")
        require_open(case, "close it")
        ended = _outcome(outcome, CLOSING)
        on = today()
        detail = {
            "outcome": ended.value,
            "ground": ended.ground,
            "on": on.isoformat(),
            "by": "person",
            "notes": text(notes, "Notes", limit=LONG_TEXT),
            **(_where(ended, where or Whereabouts()) if ended.located else {}),
        }
        await _set(case, Status.CLOSED, closed_on=on, outcome=ended.value)
        event = await add_event(case, viewer, EventKind.CLOSED, detail)
        await audit_case(
            Action.CASE_CLOSED,
            viewer,
            case,
            event,
            outcome=ended.value,
            changes={
                "status": [case.status.value, Status.CLOSED.value],
                "closed_on": [None, on.isoformat()],
                "outcome": [case.outcome, ended.value],
            },
        )
    return event


async def _set(case: Case, status: Status, **values: Any) -> None:
    """Change the case row, if it is still open: two people ending it at once end it once."""
    columns = {getattr(tables.Case, k): v for k, v in values.items()}
    changed = await (
        tables.Case.update({tables.Case.status: status.value, **columns})
        .where(tables.Case.id == case.id, tables.Case.status == Status.OPEN.value)
        .returning(tables.Case.id)
    )
    if not changed:
        raise Refused("This case is no longer open.")


async def removal_check(case: Case, on: date | None = None) -> tuple[Removal, int]:
    """The removal gate on `on` (today) and the G/N/O run it was judged on."""
    on = on or today()
    context = await school_context(case.school_id, on, {case.pupil_id})
    run = context.run_school_days(case.pupil_id, on)
    return case.removal(run, context.policy), run


async def _last_attended(case: Case) -> date | None:
    context = await school_context(case.school_id, case.day_one, {case.pupil_id})
    marks = context.marks_of(case.pupil_id)
    days = context.days[: bisect.bisect_left(context.days, case.day_one)]
    return next((d for d in reversed(days) if day_kind(*marks.day(d)) is DayKind.ARRIVED), None)


async def remove_from_roll(
    viewer: Viewer, case_id: int, *, notes: str = "", where: Whereabouts | None = None
) -> int:
    """Remove the child from roll under reg 9(1)(i), today and never earlier, only if every
    condition holds; keeps the deletion return on the case. Returns the document's id."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, DSL, "remove a child from roll")
        gate, run = await removal_check(case)
        if not gate.allowed:
            raise Refused("The child cannot be removed from roll yet.", reasons=gate.blocked_by)
        on = today()
        last = await _last_attended(case)
        outcome = Outcome.REMOVED_MISSING
        detail = {
            "outcome": outcome.value,
            "ground": outcome.ground,
            "removed_on": on.isoformat(),
            "run_school_days": run,
            "last_attended_on": last.isoformat() if last else None,
            "notes": text(notes, "Notes", limit=LONG_TEXT),
            **(where or Whereabouts()).detail(),
        }
        await _set(case, Status.REMOVED, removed_on=on, closed_on=on, outcome=outcome.value)
        event = await add_event(case, viewer, EventKind.REMOVED, detail)
        removed = await load_case(case.id)
        document = await _store_return(viewer, removed, on)
        await audit_case(
            Action.CASE_REMOVED,
            viewer,
            case,
            event,
            document=document,
            changes={
                "status": [case.status.value, Status.REMOVED.value],
                "removed_on": [None, on.isoformat()],
                "outcome": [case.outcome, outcome.value],
            },
        )
    return document


async def _store_return(viewer: Viewer, case: Case, on: date) -> int:
    pupil = await tables.Pupil.select(*PUPIL_COLUMNS).where(tables.Pupil.id == case.pupil_id)
    school = await tables.School.select(
        tables.School.name,
        tables.School.urn,
        tables.School.la.name.as_alias("la_name"),
        tables.School.la.code.as_alias("la_code"),
    ).where(tables.School.id == case.school_id)
    details = await current_details(case.pupil_id)
    filename, content = build(details, pupil[0], school[0], case, on)
    rows = await tables.CaseDocument.insert(
        tables.CaseDocument(
            case=case.id,
            kind=DELETION_RETURN,
            filename=filename,
            created_at=utcnow(),
            created_by=viewer.user_id,
            content=content,
        )
    ).returning(tables.CaseDocument.id)
    return int(rows[0]["id"])


async def la_found(
    viewer: Viewer, case_id: int, *, outcome: str, notes: str = "", where: Whereabouts | None = None
) -> int:
    """The LA has found a child it was still looking for after the removal from roll."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, CME_OFFICER, "record that a child missing education was found")
        if not case.on_cme_list:
            raise Refused("This child is not on the LA's list of children missing education.")
        found = _outcome(outcome, FOUND)
        on = today()
        detail = {
            "outcome": found.value,
            "on": on.isoformat(),
            "notes": text(notes, "Notes", limit=LONG_TEXT),
            **_where(found, where or Whereabouts()),
        }
        changed = await (
            tables.Case.update({tables.Case.la_closed_on: on, tables.Case.la_outcome: found.value})
            .where(tables.Case.id == case.id, tables.Case.la_closed_on.is_null())
            .returning(tables.Case.id)
        )
        if not changed:
            raise Refused("This child has already been recorded as found.")
        event = await add_event(case, viewer, EventKind.LA_CLOSED, detail)
        await audit_case(
            Action.CASE_FOUND,
            viewer,
            case,
            event,
            outcome=found.value,
            changes={"la_closed_on": [None, on.isoformat()], "la_outcome": [None, found.value]},
        )
    return event


async def document(viewer: Viewer, case_id: int, doc_id: int | None = None) -> tuple[str, bytes]:
    """A document kept on the case (by default its newest deletion return), as (filename,
    bytes); the download is in the access log."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        query = tables.CaseDocument.select(
            tables.CaseDocument.id,
            tables.CaseDocument.filename,
            tables.CaseDocument.content,
            tables.CaseDocument.kind,
        ).where(tables.CaseDocument.case == case.id)
        if doc_id is None:
            query = query.where(tables.CaseDocument.kind == DELETION_RETURN)
        else:
            query = query.where(tables.CaseDocument.id == doc_id)
        row = await query.order_by(tables.CaseDocument.id, ascending=False).first()
        if row is None:
            raise NotFound("no such document")
        await audit_case(
            Action.CASE_DOCUMENT_DOWNLOADED,
            viewer,
            case,
            None,
            document=row["id"],
            kind=row["kind"],
        )
    return str(row["filename"]), bytes(row["content"])


# The name the brief gives the download.
deletion_return = document
