"""The caseload's filters and columns in words, for the page and its download alike."""

from __future__ import annotations

from cme.cases.case import Stage
from cme.storage.caseload import CaseloadRow, Filters, Holder, Risk, Sort, State

STATES = {
    State.OPEN: "Open cases",
    State.MISSING: "Children missing education",
    State.CLOSED: "Closed",
    State.ALL: "All",
}
RISKS = {
    Risk.ANY: "Any of these",
    Risk.MUST_REFER: "Must refer (screen answered yes)",
    Risk.LOOKED_AFTER: "Looked after",
    Risk.CP_PLAN: "Child protection plan",
}
HOLDERS = {Holder.LA: "With the LA", Holder.SCHOOL: "Still with the school"}
# The table's columns, each with the order its heading sorts by.
COLUMNS = [
    (Sort.PUPIL, "Child"),
    (Sort.SCHOOL, "School"),
    (Sort.STAGE, "Stage"),
    (Sort.DAYS, "School days missing"),
    (Sort.DUE, "Next deadline"),
    (Sort.RISK, "Risk"),
    (Sort.OFFICER, "Officer"),
    (Sort.ACTIVITY, "Last activity"),
]
SORTS = [
    *COLUMNS[:4],
    (Sort.DAY_ONE, "Day one"),
    *COLUMNS[4:],
]


def stage_words(row: CaseloadRow) -> str:
    return row.stage.label if row.stage else "Not worked out yet"


def officer_words(filters: Filters, officers: dict[int, str]) -> str | None:
    if filters.officer is None:
        return None
    if filters.officer == "me":
        return "assigned to me"
    if filters.officer == "none":
        return "not assigned"
    return f"assigned to {officers.get(int(filters.officer), 'an officer')}"


def describe(
    filters: Filters, school_names: dict[int, str], officers: dict[int, str] | None = None
) -> str:
    """The filters in a phrase: "open cases; overdue; Riverside Primary"."""
    said = [STATES[filters.state].lower()]
    if filters.school:
        said.append(school_names.get(filters.school, "one school"))
    if filters.stage:
        said.append(Stage(filters.stage).label.lower())
    if filters.overdue:
        said.append("overdue")
    officer = officer_words(filters, officers or {})
    if officer:
        said.append(officer)
    if filters.risk:
        said.append(f"risk: {RISKS[filters.risk].lower()}")
    if filters.holder:
        said.append(HOLDERS[filters.holder].lower())
    return "; ".join(said)
