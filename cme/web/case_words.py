"""A case's timeline and choices in words for people: never a stored key or internal name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.cases import screen
from cme.cases.absences import Reason
from cme.cases.case import Event, EventKind
from cme.cases.clock import Step
from cme.cases.enquiries import CHECKLISTS, METHODS, Side
from cme.cases.outcomes import Outcome
from cme.pupil_details import STATUS_LABELS
from cme.storage.case_actions import AGENCIES, JUDGEMENT_ANSWERS
from cme.storage.case_actions_end import DECISIONS

REASONS = {
    Reason.UNEXPLAINED.value: "Absent all day with no reason given (N or O)",
    Reason.HOLIDAY_RUN.value: "A holiday not agreed that has run on (G, N or O)",
    Reason.NOT_RETURNED.value: "Not back on the expected return date after agreed leave",
}
SIDES = {Side.SCHOOL.value: "School", Side.LA.value: "LA"}
_COUNTED = {
    EventKind.CONTACT_ATTEMPT.value: ("contact attempt", "contact attempts"),
    EventKind.SCREEN.value: ("vulnerability screen", "vulnerability screens"),
    EventKind.REFERRAL.value: ("referral", "referrals"),
    EventKind.ENQUIRY.value: ("enquiry", "enquiries"),
    EventKind.NOTE.value: ("note", "notes"),
    EventKind.NO_SICKNESS_REASON.value: ("declaration on sickness", "declarations on sickness"),
}


@dataclass(frozen=True)
class Line:
    """One entry of the timeline: what happened, and the facts recorded with it."""

    id: int
    at: datetime
    who: str
    what: str
    facts: list[tuple[str, str]]
    kind: str


def outcome_words(value: str | None) -> str:
    try:
        return Outcome(value).label if value else ""
    except ValueError:
        return str(value)


def _day(value: Any) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _when(value: Any) -> str:
    from cme.web.pages import london

    try:
        return london(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _facts(pairs: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in pairs if v not in (None, "", [], {})]


def _screen(d: Mapping[str, Any]) -> tuple[str, list[tuple[str, Any]]]:
    refer = [screen.MUST_REFER.get(k, k) for k in d.get("must_refer", [])]
    what = (
        "Vulnerability screen: refer now" if refer else "Vulnerability screen: no must-refer answer"
    )
    prefilled = d.get("prefilled") or {}
    facts: list[tuple[str, Any]] = [("Must refer", "; ".join(refer))]
    if prefilled:
        sources = [
            f"{screen.MUST_REFER.get(q) or screen.JUDGEMENT.get(q, q)} "
            f"(from the pupil's record: {STATUS_LABELS.get(s, s)})"
            for q, s in prefilled.items()
        ]
        facts.append(("Already known", "; ".join(sources)))
    judged = d.get("judgement") or {}
    unknown = 0
    for key, label in screen.JUDGEMENT.items():
        answer = judged.get(key)
        if not isinstance(answer, Mapping):
            continue
        unknown += answer.get("answer") == "not_known"
        if answer.get("answer") == "yes" or answer.get("note"):
            words = JUDGEMENT_ANSWERS.get(str(answer.get("answer")), "")
            note = f": {answer['note']}" if answer.get("note") else ""
            facts.append((label, words + note))
    if unknown:
        facts.append(("Judgement questions not known", unknown))
    facts.append(("Notes", d.get("notes")))
    return what, facts


def _where(d: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [
        ("New school", d.get("new_school")),
        ("New LA", d.get("new_la")),
        ("New address", d.get("new_address")),
        ("Starts at the new school", _day(d.get("new_school_starts_on"))),
    ]


def describe(event: Event) -> Line:
    d = event.detail
    kind = event.kind
    facts: list[tuple[str, Any]] = []
    if kind is EventKind.OPENED:
        what = "Case opened"
        facts = [("Why", REASONS.get(d.get("reason", ""))), ("Day one", _day(d.get("day_one")))]
        if d.get("clock_start") and d.get("clock_start") != d.get("day_one"):
            facts.append(("Clock started", _day(d.get("clock_start"))))
    elif kind is EventKind.REOPENED:
        what = "Case opened again: a correction to the register shows the absence went on"
        facts = [("Why", REASONS.get(d.get("reason", ""))), ("Day one", _day(d.get("day_one")))]
    elif kind is EventKind.DAY_ONE_MOVED:
        what = "Day one corrected from the register"
        facts = [("Was", _day(d.get("from"))), ("Now", _day(d.get("to")))]
    elif kind is EventKind.CLOSED:
        by_register = d.get("by") == "register"
        what = "Case closed by the register" if by_register else "Case closed"
        facts = [("Outcome", outcome_words(d.get("outcome"))), ("On", _day(d.get("on")))]
        facts += [("Ground", d.get("ground")), *_where(d), ("Notes", d.get("notes"))]
    elif kind is EventKind.CONTACT_ATTEMPT:
        what = "Contact attempt with parents or carers"
        facts = [
            ("Who", d.get("contact")),
            ("Number, address or email", d.get("via")),
            ("How", METHODS.get(d.get("method", ""), d.get("method"))),
            ("When", _when(d.get("at")) if d.get("at") else ""),
            ("Outcome", d.get("outcome")),
        ]
    elif kind is EventKind.SCREEN:
        what, facts = _screen(d)
    elif kind is EventKind.REFERRAL:
        what = "Referral made"
        facts = [
            ("To", AGENCIES.get(d.get("agency", ""), d.get("agency"))),
            ("On", _day(d.get("made_on"))),
            ("By", d.get("made_by")),
            ("Reference", d.get("reference")),
        ]
    elif kind is EventKind.ENQUIRY:
        side = d.get("side", "")
        checklist = CHECKLISTS.get(Side(side)) if side in SIDES else {}
        what = f"{SIDES.get(side, '')} enquiry: {(checklist or {}).get(d.get('kind', ''), '')}"
        facts = [
            ("On", _day(d.get("made_on"))),
            ("By", d.get("who")),
            ("How", METHODS.get(d.get("method", ""), d.get("method"))),
            ("Outcome", d.get("outcome")),
            ("Notes", d.get("notes")),
        ]
    elif kind is EventKind.ASSIGNED:
        what = f"Assigned to {d['to']}" if d.get("to") else "No longer assigned to an officer"
        facts = [("Before", d.get("from") or "not assigned")]
    elif kind is EventKind.NOTE:
        what = "Note"
        facts = [("Note", d.get("text"))]
    elif kind is EventKind.HANDED_OFF:
        what = "Handed to the LA's CME officer"
        counts = d.get("recorded") or {}
        said = [
            f"{n} {_COUNTED[k][0] if n == 1 else _COUNTED[k][1]}"
            for k, n in counts.items()
            if k in _COUNTED and n
        ]
        facts = [("Recorded so far", ", ".join(said) or "nothing yet")]
    elif kind is EventKind.JOINT_REVIEW:
        what = f"Joint review: {DECISIONS.get(d.get('decision', ''), '').lower()}"
        facts = [
            ("Held on", _day(d.get("held_on"))),
            ("School DSL", d.get("school_dsl")),
            ("CME officer", d.get("cme_officer")),
            ("Others", d.get("others")),
            ("Notes", d.get("notes")),
            ("Next review", _day(d.get("next_review_on"))),
        ]
    elif kind is EventKind.NO_SICKNESS_REASON:
        what = (
            "DSL: no reasonable grounds to believe the absence is due to sickness or an "
            "unavoidable cause"
            if d.get("confirmed")
            else "DSL: the absence may be due to sickness or an unavoidable cause"
        )
        facts = [("Note", d.get("note"))]
    elif kind is EventKind.STEP_OVERDUE:
        try:
            step = Step(d.get("step", "")).label
        except ValueError:
            step = "A step"
        what = f"Overdue: {step}"
        facts = [("Was due", _day(d.get("due_on")))]
    elif kind is EventKind.REMOVED:
        what = "Removed from roll as missing education"
        facts = [
            ("On", _day(d.get("removed_on"))),
            ("Ground", d.get("ground")),
            ("School days absent in a row", d.get("run_school_days")),
            ("Last attended", _day(d.get("last_attended_on"))),
            *_where(d),
            ("Notes", d.get("notes")),
        ]
    elif kind is EventKind.LA_CLOSED:
        what = "Found by the LA"
        facts = [("Outcome", outcome_words(d.get("outcome"))), ("On", _day(d.get("on")))]
        facts += [*_where(d), ("Notes", d.get("notes"))]
    else:
        what = str(kind.value).replace("_", " ").capitalize()
    who = event.actor or ("The tracker" if kind in _AUTOMATIC else "Someone no longer on record")
    return Line(event.id, event.at, who, what, _facts(facts), kind.value)


_AUTOMATIC = frozenset(
    {
        EventKind.OPENED,
        EventKind.REOPENED,
        EventKind.DAY_ONE_MOVED,
        EventKind.STEP_OVERDUE,
        EventKind.CLOSED,
    }
)
