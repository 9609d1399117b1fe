"""The audit trail in words: one place that says what each action and its details mean.

Rows store facts (ids, counts, ISO dates) as JSON; a person reads a sentence and a few
"Key: value" lines. A key this module does not know is still shown, generically, in words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.attendance import FlagKind
from cme.cases.enquiries import LA_ENQUIRIES, SCHOOL_ENQUIRIES
from cme.cases.outcomes import Outcome
from cme.events import Action
from cme.policy import NAMES as THRESHOLD_NAMES
from cme.roles import Role
from cme.storage.audit import AuditRow
from cme.web import flag_words
from cme.web.pages import london, uk_date

Children = Mapping[int, Mapping[str, Any]]

# Keys said better elsewhere on the row (the person, the school) or only ids for machines.
_HIDDEN = {"account", "new_account", "pupil_id", "la"}

_KEY_WORDS = {
    "upload": "Upload number",
    "filename": "File name",
    "size": "File size",
    "pupils": "Pupils in the file",
    "marks_added": "Marks added",
    "marks_changed": "Marks changed",
    "email": "Email address",
    "name": "Name",
    "role": "Role",
    "school": "School",
    "sessions_ended": "Sessions ended",
    "failures_cleared": "Failed sign-ins cleared",
    "expires_at": "Link expires",
    "by_link": "Set with a one-time link",
    "upn": "UPN",
    "on": "Day shown",
    "list": "List",
    "flag": "Flag",
    "year_group": "Year group",
    "search": "Search",
    "children": "Children in the list",
    "events": "Events in the download",
    "matching": "Events matching the filters",
    "action": "What",
    "since": "From",
    "until": "To",
    "code": "LA code",
    "urn": "URN",
    "filters": "Filters",
    "who": "Who",
    "what": "What",
    "first_day": "First day",
    "last_day": "Last day",
    "starts_on": "Leave starts",
    "return_on": "Expected back",
    "leave": "Leave number",
    "term": "Term number",
    "case_id": "Case number",
    "event": "Timeline entry",
    "side": "Whose enquiry",
    "enquiry": "Enquiry",
    "agency": "Agency",
    "decision": "Decision",
    "outcome": "Outcome",
    "document": "Document number",
    "must_refer": "Must refer",
    "handed_to_la_at": "Handed to the LA",
    "closed_on": "Closed on",
    "removed_on": "Removed from roll on",
    "la_closed_on": "Found on",
    "la_outcome": "Found: outcome",
    "contact_name": "Contact",
    "before": "Before",
    "after": "After",
    "relationship": "Relationship",
    "lives_with_pupil": "Lives with the pupil",
    "phones": "Phone numbers",
    "address_lines": "Address",
    "postcode": "Postcode",
    "priority": "Priority",
    "details_changed": "Pupils whose details changed",
    "statuses_changed": "Statuses changed",
    "contacts_added": "Contacts added",
    "contacts_changed": "Contacts changed",
    "contacts_ended": "Contacts no longer listed",
    "swept_to": "Cases brought up to",
    "schools": "Schools swept",
    "cases_opened": "Cases opened",
    "cases_updated": "Cases corrected",
    "cases_closed": "Cases closed",
    "steps_overdue": "Steps newly overdue",
}

_LISTS = {
    "flags": "the flags list",
    "pupils": "the pupils list",
    "audit": "the audit trail",
    "cases": "the cases list",
    "la_caseload": "the LA's caseload",
    "missing_episodes": "the list of missing episodes",
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Described:
    what: str  # the action's label
    summary: str  # one line: "Register imported: 48 pupils, 4 marks changed"
    details: list[str]  # "Key: value" lines


def label(action: Action | None, value: str) -> str:
    if action is not None:
        return action.label
    return value.replace(".", " ").replace("_", " ").capitalize()


def key_words(key: str) -> str:
    return _KEY_WORDS.get(key) or key.replace("_", " ").replace(".", " ").capitalize()


def _plural(n: Any, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _size(n: Any) -> str:
    if not isinstance(n, int):
        return value_words(n)
    if n < 1024:
        return _plural(n, "byte")
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _role(value: Any) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value_words(value)


def value_words(value: Any) -> str:
    """Any stored value in words: yes/no, UK dates, "old → new", never JSON."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if len(value) == 2:
            return f"{value_words(value[0])} \u2192 {value_words(value[1])}"
        return ", ".join(value_words(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{key_words(str(k))}: {value_words(v)}" for k, v in value.items())
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            return london(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return uk_date(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _flag(value: Any) -> str:
    try:
        return flag_words.label(FlagKind(value))
    except ValueError:
        return value_words(value)


def _child(detail: Mapping[str, Any], children: Children) -> str:
    found = (
        children.get(detail.get("pupil_id", -1))
        if isinstance(detail.get("pupil_id"), int)
        else None
    )
    upn = (found or {}).get("upn") or detail.get("upn") or "unknown"
    if found:
        return f"{found['legal_surname']}, {found['legal_forename']} (UPN {upn})"
    return f"a child no longer on record (UPN {upn})"


def _download(d: Mapping[str, Any]) -> str:
    which = d.get("list")
    if which == "audit":
        return _plural(d.get("events", 0), "event")
    words = _LISTS.get(str(which), f"the {value_words(which)} list")
    if d.get("on"):
        words += f" for {value_words(d['on'])}"
    if "children" in d:
        words += f", {_plural(d['children'], 'child', 'children')}"
    return words


def _changes(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    changes = d.get("changes") or {}
    if not isinstance(changes, dict) or not changes:
        return "nothing changed"
    return ", ".join(names.get(k, key_words(k).lower()) for k in changes)


def _term(d: Mapping[str, Any]) -> str:
    if not d.get("name"):
        return ""
    days = f"{value_words(d.get('first_day'))} to {value_words(d.get('last_day'))}"
    return f"{d.get('name', '')} ({days})"


def _swept(d: Mapping[str, Any]) -> str:
    if "schools" not in d:
        return ""
    return (
        f"{_plural(d.get('schools', 0), 'school')}: "
        f"{_plural(d.get('cases_opened', 0), 'case')} opened, "
        f"{d.get('cases_closed', 0)} closed, "
        f"{_plural(d.get('steps_overdue', 0), 'step')} newly overdue"
    )


def _episode(d: Mapping[str, Any]) -> str:
    return f"{d.get('force', '')} reference {d.get('reference', '')}".strip()


def _on_case(d: Mapping[str, Any], children: Children) -> str:
    return f"{_child(d, children)}, case {d.get('case_id', '')}"


_SUMMARIES: dict[Action, Callable[[Mapping[str, Any], Children], str]] = {
    Action.LA_ADDED: lambda d, c: f"{d.get('name', '')} (code {d.get('code', '')})",
    Action.SCHOOL_ADDED: lambda d, c: f"{d.get('name', '')} (URN {d.get('urn', '')})",
    Action.ACCOUNT_ADDED: lambda d, c: f"{d.get('email', '')} as {_role(d.get('role'))}",
    Action.ACCOUNT_EDITED: lambda d, c: (
        f"{d.get('email', '')}: "
        + _changes(d, {"name": "name", "role": "role", "school": "school"})
    ),
    Action.ACCOUNT_DEACTIVATED: lambda d, c: str(d.get("email", "")),
    Action.ACCOUNT_REACTIVATED: lambda d, c: str(d.get("email", "")),
    Action.ACCOUNT_UNLOCKED: lambda d, c: str(d.get("email", "")),
    Action.PASSWORD_RESET_ISSUED: lambda d, c: str(d.get("email", "")),
    Action.PASSWORD_SET: lambda d, c: str(d.get("email", "")),
    Action.SIGNIN_FAILED: lambda d, c: str(d.get("email", "")),
    Action.POLICY_CHANGED: lambda d, c: _changes(d, THRESHOLD_NAMES),
    Action.SWEEP_TIME_CHANGED: lambda d, c: (
        f"{value_words(d.get('before'))} \u2192 {value_words(d.get('after'))}" if d else ""
    ),
    Action.CASES_SWEPT: lambda d, c: _swept(d),
    Action.REGISTER_UPLOADED: lambda d, c: f"{d.get('filename', '')} ({_size(d.get('size'))})",
    Action.REGISTER_IMPORTED: lambda d, c: (
        f"{_plural(d.get('pupils', 0), 'pupil')}, "
        f"{_plural(d.get('marks_changed', 0), 'mark')} changed"
    ),
    Action.REGISTER_REJECTED: lambda d, c: f"upload number {d.get('upload', '')}",
    Action.PUPIL_VIEWED: lambda d, c: _child(d, c),
    Action.LIST_DOWNLOADED: lambda d, c: _download(d),
    Action.TERM_ADDED: lambda d, c: _term(d),
    Action.TERM_REMOVED: lambda d, c: _term(d),
    Action.LEAVE_RECORDED: lambda d, c: _child(d, c),
    Action.LEAVE_WITHDRAWN: lambda d, c: _child(d, c),
    Action.CASE_CONTACT_RECORDED: _on_case,
    Action.CASE_SCREEN_RECORDED: _on_case,
    Action.CASE_REFERRAL_RECORDED: _on_case,
    Action.CASE_ENQUIRY_RECORDED: _on_case,
    Action.CASE_NOTE_ADDED: _on_case,
    Action.CASE_HANDED_OFF: _on_case,
    Action.CASE_ASSIGNED: _on_case,
    Action.CASE_JOINT_REVIEW_RECORDED: _on_case,
    Action.CASE_NO_SICKNESS_RECORDED: _on_case,
    Action.CASE_CLOSED: _on_case,
    Action.CASE_REMOVED: _on_case,
    Action.CASE_FOUND: _on_case,
    Action.CASE_DOCUMENT_DOWNLOADED: _on_case,
    Action.PUPIL_DETAILS_IMPORTED: lambda d, c: _plural(d.get("pupils", 0), "pupil"),
    Action.CONTACT_ADDED: lambda d, c: _child(d, c),
    Action.CONTACT_CORRECTED: lambda d, c: _child(d, c),
    Action.EPISODES_IMPORTED: lambda d, c: (
        f"{_plural(d.get('episodes', 0), 'episode')}: {d.get('added', 0)} added, "
        f"{d.get('updated', 0)} updated"
    ),
    Action.EPISODE_ADDED: lambda d, c: _episode(d),
    Action.EPISODE_EDITED: lambda d, c: _episode(d),
    Action.EPISODE_IDENTITY_CONFIRMED: lambda d, c: _episode(d),
    Action.EPISODE_IDENTITY_KEPT: lambda d, c: _episode(d),
    Action.EPISODE_VIEWED: lambda d, c: _episode(d),
    Action.MISSING_CHILD_VIEWED: lambda d, c: (
        (_child(d, c) if "pupil_id" in d else f"missing child {d.get('child_id', '')}")
        + f": {_plural(len(d.get('episode_ids', [])), 'episode')}"
    ),
    Action.RETURN_INTERVIEW_RECORDED: lambda d, c: _episode(d),
    Action.MATCHES_RUN: lambda d, c: (
        f"{_plural(d.get('episodes', 0), 'episode')} against "
        f"{_plural(d.get('pupils', 0), 'pupil')}: {d.get('linked', 0)} linked, "
        f"{d.get('waiting', 0)} waiting for review"
    ),
    Action.MATCH_CONFIRMED: lambda d, c: f"{_child(d, c)}, episode {d.get('episode_id', '')}",
    Action.MATCH_REJECTED: lambda d, c: f"{_child(d, c)}, episode {d.get('episode_id', '')}",
    Action.MATCH_VIEWED: lambda d, c: f"{_child(d, c)}, episode {d.get('episode_id', '')}",
    Action.MATCH_REOPENED: lambda d, c: (
        f"{_child(d, c)}, episode {d.get('episode_id', '')} (was {d.get('was', '')})"
    ),
    Action.MEETING_RAISED: lambda d, c: f"missing child {d.get('child_id', '')}",
    Action.MEETING_RECORDED: lambda d, c: f"missing child {d.get('child_id', '')}",
    # Figures: the table, its period and whether small numbers were hidden.
    Action.FIGURES_DOWNLOADED: lambda d, c: (
        f"{d.get('table', '')}, {d.get('from', '')} to {d.get('to', '')}"
        + (" (small numbers hidden)" if d.get("shared") else "")
    ),
    Action.PACK_DOWNLOADED: lambda d, c: f"{d.get('term', '')}",
}


def _action_words(value: Any) -> str:
    try:
        return Action(value).label
    except ValueError:
        return value_words(value)


_VALUE_WORDS: dict[str, Callable[[Any], str]] = {
    "size": _size,
    "role": _role,
    "flag": _flag,
    "list": lambda v: _LISTS.get(str(v), value_words(v)),
    "action": _action_words,
    "outcome": lambda v: Outcome(v).label if v in set(Outcome) else value_words(v),
    "side": lambda v: {"school": "the school", "la": "the LA"}.get(str(v), value_words(v)),
    "enquiry": lambda v: {**LA_ENQUIRIES, **SCHOOL_ENQUIRIES}.get(str(v), value_words(v)),
}


def _change_lines(action: Action | None, changes: Mapping[str, Any]) -> list[str]:
    names = THRESHOLD_NAMES if action is Action.POLICY_CHANGED else {}
    unit = " school days" if action is Action.POLICY_CHANGED else ""
    lines = []
    for name, change in changes.items():
        shown = value_words(change)
        if name == "role" and isinstance(change, list):
            shown = " \u2192 ".join(_role(v) for v in change)
        lines.append(f"{names.get(name, key_words(name))}: {shown}{unit}")
    return lines


def _detail_lines(action: Action | None, detail: Mapping[str, Any], summary: str) -> list[str]:
    lines = []
    for key, value in detail.items():
        if key in _HIDDEN or value is None:
            continue
        if key == "changes" and isinstance(value, dict):
            lines += _change_lines(action, value)
            continue
        shown = _VALUE_WORDS.get(key, value_words)(value)
        if len(shown) > 3 and shown in summary:
            continue  # an email, name, role or UPN the summary already gives
        lines.append(f"{key_words(key)}: {shown}")
    return lines


def describe(row: AuditRow, children: Children | None = None) -> Described:
    what = label(row.action, row.action_value)
    if row.action is Action.LIST_DOWNLOADED and row.detail.get("list") == "audit":
        # The same access-log action, but not a list of children: say what it was.
        what = "Audit trail downloaded"
    summarise = _SUMMARIES.get(row.action) if row.action is not None else None
    brief = summarise(row.detail, children or {}) if summarise else ""
    summary = f"{what}: {brief}" if brief.strip() else what
    return Described(what, summary, _detail_lines(row.action, row.detail, summary))


def pupil_ids(rows: list[AuditRow]) -> set[int]:
    """The children the rows mention, to look their names up in one query."""
    return {
        r.detail["pupil_id"]
        for r in rows
        if isinstance(r.detail.get("pupil_id"), int) and not isinstance(r.detail["pupil_id"], bool)
    }
