"""Finding a police missing-episode file's columns by their headers, however the force or the
LA's system spells them.

Headers are compared folded, as for pupil details: case, spaces, punctuation and a "(Y/N)"
hint do not matter, so "Date/Time Reported", "date_time_reported" and "DATE TIME REPORTED" are
one column. Some exports split a time into a date column and a time column ("Date Reported",
"Time Reported"); the time column is then read with its date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from imports.cells import text
from imports.files import Sheet
from imports.model import is_blank
from imports.pupil_details_columns import fold

HEADER_SEARCH_ROWS = 30


def _names(*names: str) -> frozenset[str]:
    return frozenset(fold(n) for n in names)


# Keys are Episode's field names, and Child's for the child's.
FIELDS: dict[str, frozenset[str]] = {
    "force": _names("Force", "Police Force", "Reporting Force", "Force Name", "Police Force Name"),
    "reference": _names(
        "Reference",
        "Police Reference",
        "Police Ref",
        "Crime Reference",
        "Crime Reference Number",
        "Crime Ref",
        "Occurrence Number",
        "Occurrence No",
        "Occurrence Reference",
        "Occurrence Ref",
        "Incident Number",
        "Incident No",
        "Incident Reference",
        "Reference Number",
        "Ref No",
        "URN",
        "Ref",
    ),
    "reported_at": _names(
        "Reported",
        "Reported At",
        "Date Reported",
        "Reported Date",
        "Reported Date Time",
        "Date Time Reported",
        "Reported Missing",
        "Date Reported Missing",
        "Report Date",
        "Report Date Time",
    ),
    "last_seen_at": _names(
        "Last Seen",
        "Last Seen At",
        "Date Last Seen",
        "Last Seen Date",
        "Last Seen Date Time",
        "Date Time Last Seen",
    ),
    "missing_from": _names(
        "Missing From", "Location Type", "Missing From Type", "Missing From Location Type"
    ),
    "forename": _names(
        "Forename",
        "Forenames",
        "First Name",
        "First Names",
        "Given Name",
        "Given Names",
        "Child Forename",
        "Child First Name",
    ),
    "surname": _names("Surname", "Last Name", "Family Name", "Child Surname", "Child Last Name"),
    "other_names": _names(
        "Other Names",
        "Other Name",
        "Middle Names",
        "Middle Name",
        "Aliases",
        "Alias",
        "Also Known As",
        "AKA",
        "Known As",
    ),
    "date_of_birth": _names("DOB", "Date of Birth", "Birth Date", "Birthdate"),
    "gender": _names("Gender", "Sex"),
    "postcode": _names("Postcode", "Post Code", "Postal Code", "Home Postcode"),
    "responsible_la": _names(
        "Responsible LA",
        "Responsible Local Authority",
        "Responsible Authority",
        "Home LA",
        "Home Local Authority",
        "Placing Authority",
        "Placing LA",
        "Placing Local Authority",
        "Local Authority",
        "LA",
    ),
    "looked_after": _names(
        "Looked After",
        "CLA",
        "LAC",
        "Child in Care",
        "In Care",
        "Looked After Status",
        "Looked After Child",
        "Child Looked After",
        "Is Looked After",
    ),
    "risk_raw": _names(
        "Risk",
        "Risk Level",
        "Risk Grading",
        "Risk Grade",
        "Risk Assessment",
        "Risk Rating",
        "Risk Category",
    ),
    "risk_scheme": _names("Risk Scheme", "Risk Model", "Grading Scheme", "Risk Grading Scheme"),
    "returned_at": _names(
        "Found At",
        "Found",
        "Returned",
        "Returned At",
        "Date Found",
        "Found Date",
        "Found Date Time",
        "Date Time Found",
        "Date Returned",
        "Returned Date",
        "Returned Date Time",
        "Date Time Returned",
        "Return Date",
    ),
    "where_found": _names(
        "Where Found", "Found Location", "Location Found", "Found Where", "Place Found"
    ),
    "who_with": _names(
        "Who With", "Found With", "Found In Company Of", "In Company Of", "With Whom"
    ),
    "safe_and_well_on": _names(
        "Safe and Well",
        "Safe and Well Check",
        "Safe and Well Date",
        "Safe and Well Check Date",
        "Safe & Well",
        "Safe & Well Check",
        "Safe & Well Date",
        "Prevention Interview Date",
        "Prevention Interview",
    ),
    "circumstances": _names(
        "Circumstances",
        "Circumstances of Disappearance",
        "Circumstances of Missing",
        "Details",
        "Notes",
        "Summary",
        "Description",
    ),
    "harmed": _names("Harmed", "Hurt", "Harm", "Came to Harm", "Harmed While Missing"),
    "exploitation_risk": _names(
        "Exploitation Risk",
        "Exploitation",
        "Risk of Exploitation",
        "CSE",
        "CCE",
        "CSE/CCE",
        "CSE Risk",
        "CCE Risk",
    ),
    "risky_contacts": _names(
        "Risky Contacts",
        "Contact With People Posing a Risk",
        "Contact With People Who Pose a Risk",
        "Risky Associates",
        "Risky Adults",
    ),
    "crime_while_away": _names(
        "Crime While Away",
        "Crime While Missing",
        "Offending While Missing",
        "Offending While Away",
        "Offending",
    ),
    "mental_health": _names("Mental Health", "Mental Health Concerns", "Mental Health Concern"),
}
# A separate time of day for a date column, e.g. "Date Reported" with "Time Reported".
TIMES: dict[str, frozenset[str]] = {
    "reported_at": _names("Time Reported", "Reported Time", "Report Time"),
    "last_seen_at": _names("Time Last Seen", "Last Seen Time"),
    "returned_at": _names(
        "Time Found", "Found Time", "Time Returned", "Returned Time", "Return Time"
    ),
}
_ADDRESS = re.compile(
    r"^(?:home|child|full)?(?:address(?:line)?\d?|addressblock|housename|housenumber|"
    r"house|flat|street|road|locality|district|village|town|city|county)$"
)
CHILD_FIELDS = ("forename", "surname", "other_names", "date_of_birth", "gender")
YES_NO_FIELDS = (
    "looked_after",
    "harmed",
    "exploitation_risk",
    "risky_contacts",
    "crime_while_away",
    "mental_health",
)
LABELS = {
    "reference": "reference",
    "reported_at": "time reported",
    "last_seen_at": "time last seen",
    "missing_from": "place missing from",
    "forename": "forename",
    "surname": "surname",
    "other_names": "other names",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "address": "address",
    "postcode": "postcode",
    "responsible_la": "responsible local authority",
    "looked_after": "answer for looked after",
    "risk_raw": "risk",
    "risk_scheme": "risk scheme",
    "returned_at": "time found",
    "where_found": "place found",
    "who_with": "answer for who they were with",
    "safe_and_well_on": "safe and well check date",
    "circumstances": "circumstances",
    "harmed": "answer for harmed",
    "exploitation_risk": "answer for exploitation risk",
    "risky_contacts": "answer for risky contacts",
    "crime_while_away": "answer for crime while away",
    "mental_health": "answer for mental health",
}
REQUIRED = {
    "force": "the police force (Force)",
    "reference": "the police reference (Reference, Occurrence Number…)",
    "reported_at": "the time the child was reported missing (Reported, Date Reported…)",
}
NEEDED = (
    "columns for the police force (Force), the police reference (Reference, Occurrence "
    "Number…), when the child was reported missing (Reported, Date Reported…) and the child's "
    "forename or surname; and any of: last seen, missing from (Home, Care placement, School "
    "or Other), other names, date of birth, gender, address lines and postcode, responsible "
    "LA, looked after, risk and risk scheme, found at, where found, who with, safe and well "
    "check, circumstances, and Yes/No columns for harmed, exploitation risk, risky contacts, "
    "crime while away and mental health"
)


@dataclass
class Columns:
    header_row: int
    headers: list[str]
    fields: dict[str, int] = field(default_factory=dict)
    times: dict[str, int] = field(default_factory=dict)
    address: list[int] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)

    def header(self, col: int) -> str:
        return self.headers[col] if col < len(self.headers) else f"column {col + 1}"

    @property
    def recognised(self) -> int:
        return len(self.fields) + len(self.times) + len(self.address)

    def missing(self) -> list[str]:
        """What the file needs but has no column for, as a person would name it."""
        lacking = [label for key, label in REQUIRED.items() if key not in self.fields]
        if "forename" not in self.fields and "surname" not in self.fields:
            lacking.append("the child's forename or surname")
        return lacking

    def given(self) -> tuple[set[str], set[str]]:
        """The Episode fields, and the Child fields, these columns give."""
        child = {k for k in self.fields if k in CHILD_FIELDS}
        given = set(self.fields) - child | ({"child"} if child else set())
        if self.address or "postcode" in self.fields:
            given |= {"address", "postcode"}
        if "risk_raw" in given:
            given.add("risk_scheme")  # read from the level's words when no column names it
        return given, child


def find_columns(rows: Sequence[Sequence[Any]]) -> Columns | None:
    """The header row: of the first 30 rows, the one with most headers known here (a title
    or a note above the headers has none, and a data row hardly any)."""
    best: Columns | None = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [" ".join(str(c).split()) if c is not None else "" for c in row]
        found = _columns(r, headers)
        if found.recognised and (best is None or found.recognised > best.recognised):
            best = found
    if best is not None:
        # Times are only read with their date column.
        for key in [k for k in best.times if k not in best.fields]:
            best.unused.append(best.headers[best.times.pop(key)])
    return best


def _columns(r: int, headers: list[str]) -> Columns:
    found = Columns(r, headers)
    for col, header in enumerate(headers):
        key = fold(header)
        if not key:
            continue
        name = next((n for n, names in FIELDS.items() if key in names), None)
        if name is not None and name not in found.fields:
            found.fields[name] = col
            continue
        time = next((n for n, names in TIMES.items() if key in names), None)
        if time is not None and time not in found.times:
            found.times[time] = col
            continue
        if _ADDRESS.match(key):
            found.address.append(col)
            continue
        found.unused.append(header)
    return found


def missing_columns(candidates: list[tuple[Sheet, Columns]], sheets: list[Sheet]) -> str:
    """Why no sheet could be read, naming the headers of the one most like an episode file."""
    if candidates:
        sheet, columns = max(candidates, key=lambda c: (not c[0].hidden, c[1].recognised))
        headers: Sequence[Any] = columns.headers
        lacking = columns.missing()
    else:
        sheet = sheets[0]
        headers = next((r for r in sheet.head if not is_blank(r)), [])
        lacking = Columns(0, []).missing()
    found = ", ".join(f'"{text(c)}"' for c in headers if text(c)) or "(none)"
    where = f' on sheet "{sheet.name}"' if sheet.name else ""
    what = ", ".join(lacking[:-1]) + " or " + lacking[-1] if len(lacking) > 1 else lacking[0]
    return (
        f"The file has no column for {what}{where}, so no episode could be read. Headers "
        f"found: {found}. Needed: {NEEDED}."
    )
