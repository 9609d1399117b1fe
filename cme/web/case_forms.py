"""The case page's forms: each parsed from what was typed into typed values and handed to
its one use case (`cme.storage.case_actions*`). Input names are "<form>-<field>", so that
every input's id is unique on the page and a message lands beside the field it is about."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.cases import screen
from cme.cases.enquiries import Side
from cme.errors import InvalidField, Refused, UserError
from cme.storage import case_actions as act
from cme.storage import case_actions_end as end
from cme.timeline import LONDON

Form = Mapping[str, Any]


def parse_day(value: Any, label: str) -> date | None:
    """A date typed as dd/mm/yyyy or given by a date input (yyyy-mm-dd); None if empty."""
    raw = str(value or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise InvalidField(label, f"{label}: enter a real date, for example 27/01/2025.")


def parse_time(value: Any, label: str) -> datetime | None:
    raw = str(value or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=LONDON)
        except ValueError:
            continue
    raise InvalidField(label, f"{label}: enter a date and time, for example 27/01/2025 09:30.")


def _g(form: Form, name: str, key: str) -> str:
    return str(form.get(f"{name}-{key}") or "")


def _where(form: Form, name: str) -> end.Whereabouts:
    return end.Whereabouts(
        new_school=_g(form, name, "new_school"),
        new_la=_g(form, name, "new_la"),
        new_address=_g(form, name, "new_address"),
        starts_on=parse_day(form.get(f"{name}-starts_on"), "Start date"),
    )


async def _contact(v: Viewer, case_id: int, f: Form) -> str:
    await act.record_contact(
        v,
        case_id,
        contact=_g(f, "contact", "who"),
        via=_g(f, "contact", "via"),
        method=_g(f, "contact", "method"),
        outcome=_g(f, "contact", "outcome"),
        at=parse_time(f.get("contact-at"), "When"),
    )
    return "contact"


async def _screen(v: Viewer, case_id: int, f: Form) -> str:
    getall = getattr(f, "getall", None)
    ticked = getall("screen-must_refer", []) if getall else f.get("screen-must_refer", [])
    judgement = {k: _g(f, "screen", f"j_{k}") for k in screen.JUDGEMENT}
    notes = {k: _g(f, "screen", f"n_{k}") for k in screen.JUDGEMENT}
    await act.record_screen(
        v,
        case_id,
        answers=list(ticked),
        judgement=judgement,
        judgement_notes=notes,
        notes=_g(f, "screen", "notes"),
    )
    return "screen"


async def _referral(v: Viewer, case_id: int, f: Form) -> str:
    await act.record_referral(
        v,
        case_id,
        agency=_g(f, "referral", "agency"),
        made_on=parse_day(f.get("referral-made_on"), "Date"),
        made_by=_g(f, "referral", "made_by"),
        reference=_g(f, "referral", "reference"),
    )
    return "referral"


def _enquiry(side: Side) -> Callable[[Viewer, int, Form], Awaitable[str]]:
    name = f"{side.value}_enquiry"

    async def record(v: Viewer, case_id: int, f: Form) -> str:
        await act.record_enquiry(
            v,
            case_id,
            side=side,
            enquiry=_g(f, name, "enquiry"),
            made_on=parse_day(f.get(f"{name}-made_on"), "Date"),
            who=_g(f, name, "who"),
            method=_g(f, name, "method"),
            outcome=_g(f, name, "outcome"),
            notes=_g(f, name, "notes"),
        )
        return name

    return record


async def _note(v: Viewer, case_id: int, f: Form) -> str:
    await act.add_note(v, case_id, _g(f, "note", "text"))
    return "note"


async def _hand_off(v: Viewer, case_id: int, f: Form) -> str:
    if _g(f, "hand_off", "confirm") != "yes":
        raise InvalidField("Confirm", "Tick the box to confirm the hand-off to the LA.")
    await end.hand_off(v, case_id)
    return "hand_off"


async def _joint_review(v: Viewer, case_id: int, f: Form) -> str:
    await end.record_joint_review(
        v,
        case_id,
        held_on=parse_day(f.get("joint_review-held_on"), "Held on"),
        school_dsl=_g(f, "joint_review", "school_dsl"),
        cme_officer=_g(f, "joint_review", "cme_officer"),
        others=_g(f, "joint_review", "others"),
        decision=_g(f, "joint_review", "decision"),
        notes=_g(f, "joint_review", "notes"),
        next_review_on=parse_day(f.get("joint_review-next_review_on"), "Next review"),
    )
    return "joint_review"


async def _no_sickness(v: Viewer, case_id: int, f: Form) -> str:
    answer = _g(f, "no_sickness", "confirmed")
    if answer not in ("yes", "no"):
        raise InvalidField("Declaration", "Choose yes or no.")
    await act.record_no_sickness_reason(
        v, case_id, confirmed=answer == "yes", note=_g(f, "no_sickness", "note")
    )
    return "no_sickness"


async def _close(v: Viewer, case_id: int, f: Form) -> str:
    await end.close_case(
        v,
        case_id,
        outcome=_g(f, "close", "outcome"),
        notes=_g(f, "close", "notes"),
        where=_where(f, "close"),
    )
    return "close"


async def _remove(v: Viewer, case_id: int, f: Form) -> str:
    if _g(f, "remove", "confirm") != "yes":
        raise InvalidField("Confirm", "Tick the box to confirm the removal from roll.")
    await end.remove_from_roll(
        v, case_id, notes=_g(f, "remove", "notes"), where=_where(f, "remove")
    )
    return "remove"


async def _found(v: Viewer, case_id: int, f: Form) -> str:
    await end.la_found(
        v,
        case_id,
        outcome=_g(f, "found", "outcome"),
        notes=_g(f, "found", "notes"),
        where=_where(f, "found"),
    )
    return "found"


ACTIONS: dict[str, Callable[[Viewer, int, Form], Awaitable[str]]] = {
    "contact": _contact,
    "screen": _screen,
    "referral": _referral,
    "school_enquiry": _enquiry(Side.SCHOOL),
    "la_enquiry": _enquiry(Side.LA),
    "note": _note,
    "hand_off": _hand_off,
    "joint_review": _joint_review,
    "no_sickness": _no_sickness,
    "close": _close,
    "remove": _remove,
    "found": _found,
}
SCHOOL_ACTIONS = (
    "contact",
    "screen",
    "referral",
    "school_enquiry",
    "note",
    "hand_off",
    "no_sickness",
    "close",
    "remove",
)
LA_ACTIONS = ("la_enquiry", "joint_review", "note", "close", "found")

# Labels InvalidField names, to the input they are about, per form.
_FIELDS: dict[str, dict[str, str]] = {
    "contact": {
        "Who": "who",
        "Number, address or email used": "via",
        "Method": "method",
        "Outcome": "outcome",
        "When": "at",
    },
    "screen": {"Notes": "notes"},
    "referral": {"Agency": "agency", "Date": "made_on", "Made by": "made_by"},
    "school_enquiry": {
        "Enquiry": "enquiry",
        "Date": "made_on",
        "Made by": "who",
        "Method": "method",
        "Outcome": "outcome",
        "Notes": "notes",
    },
    "note": {"Note": "text"},
    "hand_off": {"Confirm": "confirm"},
    "joint_review": {
        "Held on": "held_on",
        "School DSL": "school_dsl",
        "CME officer": "cme_officer",
        "Decision": "decision",
        "Next review": "next_review_on",
        "Notes": "notes",
    },
    "no_sickness": {"Declaration": "confirmed", "Note": "note"},
    "close": {"Outcome": "outcome", "New school": "new_school", "New LA": "new_la"},
    "remove": {"Confirm": "confirm"},
    "found": {"Outcome": "outcome", "New school": "new_school", "New LA": "new_la"},
}
_FIELDS["la_enquiry"] = _FIELDS["school_enquiry"]
for _form in ("close", "remove", "found"):
    _FIELDS[_form] |= {"Start date": "starts_on", "New address": "new_address", "Notes": "notes"}


def form_errors(name: str, exc: UserError) -> dict[str, str]:
    if isinstance(exc, InvalidField):
        field = _FIELDS.get(name, {}).get(exc.field)
        if field:
            return {f"{name}-{field}": str(exc)}
    return {"": exc.message if isinstance(exc, Refused) else str(exc)}
