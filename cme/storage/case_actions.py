"""What people record on a case (issue 8 §3): contact attempts, the DSL's vulnerability screen,
referrals, reasonable enquiries, notes and the DSL's declaration about sickness.

Each action is one use case: in one transaction it finds the case within the viewer's scope
(another school's or LA's case is "not found"), checks the viewer's role and the case's state
(a wrong role or state is `Refused`, in words), adds the event to the case's timeline and
writes the audit row. Hand-off, joint reviews and the endings are in `case_actions_end`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from cme.access import Viewer
from cme.cases import screen
from cme.cases.case import Case, EventKind
from cme.cases.enquiries import CHECKLISTS, METHODS, Side
from cme.errors import InvalidField, Refused
from cme.events import Action
from cme.notices import NoticeKind
from cme.roles import Role
from cme.storage import audit, case_summary, tables
from cme.storage.cases import add_event as _add_event
from cme.storage.cases import case_for
from cme.storage.clock import today, utcnow
from cme.storage.engine import write_transaction
from cme.storage.notifications import notify
from cme.storage.pupil_details import current_statuses
from cme.timeline import LONDON

SCHOOL_STAFF = frozenset({Role.ATTENDANCE_OFFICER, Role.DSL})
DSL = frozenset({Role.DSL})
CME_OFFICER = frozenset({Role.CME_OFFICER})

AGENCIES: dict[str, str] = {
    "police": "Police",
    "social_care": "Children's social care",
    "both": "Police and children's social care",
    "other": "Another agency",
}
# Answers to a judgement question of the screen.
JUDGEMENT_ANSWERS: dict[str, str] = {"yes": "Yes", "no": "No", "not_known": "Not known"}

# The longest free text kept; a note is a paragraph or two, not a document.
SHORT_TEXT = 200
LONG_TEXT = 4000
# A time typed to the minute is "now" for up to a minute after it was typed.
_CLOCK_SLACK = timedelta(minutes=1)


def _roles_in_words(roles: Collection[Role]) -> str:
    names = sorted(r.with_article for r in roles)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def require_role(viewer: Viewer, roles: Collection[Role], doing: str) -> None:
    if viewer.role not in roles:
        raise Refused(f"Only {_roles_in_words(roles)} can {doing}.")


def require_open(case: Case, doing: str) -> None:
    if not case.is_open:
        raise Refused(f"This case is no longer open, so you cannot {doing}.")


def text(value: str | None, label: str, *, required: str = "", limit: int = SHORT_TEXT) -> str:
    """`value` trimmed; `required` is the message when it is empty (empty is allowed if not)."""
    cleaned = (value or "").strip()
    if not cleaned and required:
        raise InvalidField(label, required)
    if len(cleaned) > limit:
        raise InvalidField(label, f"{label} is too long: keep it under {limit} characters.")
    return cleaned


def choice(value: str | None, options: Mapping[str, str], label: str, message: str) -> str:
    if value is None or value not in options:
        raise InvalidField(label, message)
    return value


def past_day(value: date | None, label: str, what: str, *, not_before: date | None = None) -> date:
    if value is None:
        raise InvalidField(label, f"Enter the date {what}.")
    if value > today():
        raise InvalidField(label, f"The date {what} cannot be in the future.")
    if not_before is not None and value < not_before:
        raise InvalidField(label, f"The date {what} cannot be before {not_before:%d/%m/%Y}.")
    return value


async def add_event(case: Case, viewer: Viewer, kind: EventKind, detail: Mapping[str, Any]) -> int:
    return await _add_event(case.id, kind, dict(detail), viewer.user_id)


async def audit_case(
    action: Action, viewer: Viewer, case: Case, event_id: int | None = None, **detail: Any
) -> None:
    upn = await tables.Pupil.select(tables.Pupil.upn).where(tables.Pupil.id == case.pupil_id)
    await audit.record(
        action,
        viewer=viewer,
        la_id=case.la_id,
        school_id=case.school_id,
        case_id=case.id,
        pupil_id=case.pupil_id,
        upn=upn[0]["upn"] if upn else None,
        event=event_id,
        **detail,
    )
    if event_id is not None:
        # Every action that adds to the timeline audits last: the case is as it will be
        # committed, so its summary for the lists is stored in the same transaction.
        await case_summary.refresh_case(case.id)


async def record_contact(
    viewer: Viewer,
    case_id: int,
    *,
    contact: str,
    via: str,
    method: str,
    outcome: str,
    at: datetime | None = None,
) -> int:
    """A contact attempt with a parent or carer: who, which number, address or email, how,
    what came of it and when (now unless given; never in the future)."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, SCHOOL_STAFF, "record a contact attempt")
        require_open(case, "record a contact attempt")
        when = at or utcnow()
        if when.tzinfo is None:
            when = when.replace(tzinfo=LONDON)
        if when > utcnow() + _CLOCK_SLACK:
            raise InvalidField("When", "The contact attempt cannot be in the future.")
        detail = {
            "contact": text(contact, "Who", required="Say who you tried to contact."),
            "via": text(via, "Number, address or email used"),
            "method": choice(method, METHODS, "Method", "Choose how you tried to contact them."),
            "outcome": text(
                outcome, "Outcome", required="Say what came of the attempt.", limit=LONG_TEXT
            ),
            "at": when.isoformat(),
        }
        event = await add_event(case, viewer, EventKind.CONTACT_ATTEMPT, detail)
        await audit_case(Action.CASE_CONTACT_RECORDED, viewer, case, event, method=method)
    return event


async def screen_prefill(pupil_id: int) -> dict[str, str]:
    """Screen questions already answered yes by the pupil's record: question -> status."""
    return screen.prefilled(await current_statuses(pupil_id))


async def record_screen(
    viewer: Viewer,
    case_id: int,
    *,
    answers: Collection[str],
    judgement: Mapping[str, str],
    judgement_notes: Mapping[str, str] | None = None,
    notes: str = "",
) -> int:
    """The DSL's vulnerability screen. `answers` are the must-refer criteria ticked;
    `judgement` maps judgement questions to yes / no / not_known. Answers the pupil's record
    already gives stay ticked whatever the form sent: a looked-after child is never screened
    as if nobody knew. Any must-refer answer tells the school's DSLs to refer now."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, DSL, "record the vulnerability screen")
        require_open(case, "record a vulnerability screen")
        unknown = set(answers) - set(screen.MUST_REFER)
        if unknown:
            raise InvalidField("Must refer", "Tick only the questions shown on the screen.")
        prefilled = await screen_prefill(case.pupil_id)
        ticked = {key: key in answers or key in prefilled for key in screen.MUST_REFER}
        judged: dict[str, dict[str, str]] = {}
        notes_of = judgement_notes or {}
        for key, label in screen.JUDGEMENT.items():
            answer = "yes" if key in prefilled else judgement.get(key) or "not_known"
            choice(answer, JUDGEMENT_ANSWERS, label, f"Answer yes, no or not known: {label}.")
            judged[key] = {"answer": answer, "note": text(notes_of.get(key), label)}
        refer = screen.must_refer(ticked)
        detail = {
            "must_refer": refer,
            "answers": ticked,
            "prefilled": prefilled,
            "judgement": judged,
            "notes": text(notes, "Notes", limit=LONG_TEXT),
        }
        event = await add_event(case, viewer, EventKind.SCREEN, detail)
        await audit_case(Action.CASE_SCREEN_RECORDED, viewer, case, event, must_refer=refer)
        if refer:
            await notify(
                NoticeKind.REFER_NOW,
                la_id=case.la_id,
                school_id=case.school_id,
                roles={Role.DSL},
                link=f"/school/cases/{case.id}",
                case_id=case.id,
            )
    return event


async def record_referral(
    viewer: Viewer,
    case_id: int,
    *,
    agency: str,
    made_on: date | None,
    made_by: str,
    reference: str = "",
) -> int:
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, DSL, "record a referral")
        require_open(case, "record a referral")
        detail = {
            "agency": choice(agency, AGENCIES, "Agency", "Choose who the child was referred to."),
            "made_on": past_day(made_on, "Date", "of the referral").isoformat(),
            "made_by": text(made_by, "Made by", required="Say who made the referral."),
            "reference": text(reference, "Reference"),
        }
        event = await add_event(case, viewer, EventKind.REFERRAL, detail)
        await audit_case(Action.CASE_REFERRAL_RECORDED, viewer, case, event, agency=agency)
    return event


async def record_enquiry(
    viewer: Viewer,
    case_id: int,
    *,
    side: Side,
    enquiry: str,
    made_on: date | None,
    who: str,
    method: str,
    outcome: str,
    notes: str = "",
) -> int:
    """One reasonable enquiry from the school's or, once the LA holds the case, the LA's
    checklist. The LA goes on enquiring after a removal, while the child is on its list."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        if side is Side.SCHOOL:
            require_role(viewer, SCHOOL_STAFF, "record the school's enquiries")
            require_open(case, "record an enquiry")
        else:
            require_role(viewer, CME_OFFICER, "record the LA's enquiries")
            if case.handed_to_la_at is None:
                raise Refused("The school has not handed this case to the LA yet.")
            if not (case.is_open or case.on_cme_list):
                raise Refused("This case is no longer open, so you cannot record an enquiry.")
        detail = {
            "side": side.value,
            "kind": choice(enquiry, CHECKLISTS[side], "Enquiry", "Choose which enquiry it was."),
            "made_on": past_day(made_on, "Date", "of the enquiry").isoformat(),
            "who": text(who, "Made by", required="Say who made the enquiry."),
            "method": choice(method, METHODS, "Method", "Choose how the enquiry was made."),
            "outcome": text(
                outcome, "Outcome", required="Say what the enquiry found.", limit=LONG_TEXT
            ),
            "notes": text(notes, "Notes", limit=LONG_TEXT),
        }
        event = await add_event(case, viewer, EventKind.ENQUIRY, detail)
        await audit_case(
            Action.CASE_ENQUIRY_RECORDED, viewer, case, event, side=side.value, enquiry=enquiry
        )
    return event


async def add_note(viewer: Viewer, case_id: int, note: str) -> int:
    """A note on the timeline, by anyone who may see the case, whatever its state."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        body = text(note, "Note", required="Write the note.", limit=LONG_TEXT)
        event = await add_event(case, viewer, EventKind.NOTE, {"text": body})
        await audit_case(Action.CASE_NOTE_ADDED, viewer, case, event)
    return event


async def record_no_sickness_reason(
    viewer: Viewer, case_id: int, *, confirmed: bool, note: str = ""
) -> int:
    """The DSL's answer to reg 9(1)(i)'s second condition: the school has (or has not) reasonable
    grounds to believe the absence is due to sickness or an unavoidable cause."""
    async with write_transaction():
        case = await case_for(viewer, case_id)
        require_role(viewer, DSL, "record this declaration")
        require_open(case, "record this declaration")
        detail = {"confirmed": confirmed, "note": text(note, "Note", limit=LONG_TEXT)}
        event = await add_event(case, viewer, EventKind.NO_SICKNESS_REASON, detail)
        await audit_case(Action.CASE_NO_SICKNESS_RECORDED, viewer, case, event, confirmed=confirmed)
    return event
