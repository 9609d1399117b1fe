"""Finding a pupil-details export's columns by their headers, however the MIS spells them.

Headers are compared folded: case, spaces, punctuation and a trailing "(Y/N)" do not matter,
so "Child Looked After (Y/N)", "child_looked_after" and "CHILD LOOKED AFTER" are one column.
Contacts come either as numbered groups ("Contact 1 Name", "Parent 2 Mobile") or, in exports
with one row per contact, as unnumbered columns ("Contact Name", "Relationship").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from imports.cells import header_key

HEADER_SEARCH_ROWS = 30


def fold(value: Any) -> str:
    """A header as compared with the names below: letters and digits only, no Y/N hint."""
    key = header_key(value)
    key = re.sub(r"\b(?:y/n|yes/no|true/false|y n|yes no)\b", " ", key)
    return re.sub(r"[^a-z0-9]", "", key)


def _names(*names: str) -> frozenset[str]:
    return frozenset(fold(n) for n in names)


PUPIL_FIELDS: dict[str, frozenset[str]] = {
    "upn": _names("UPN", "Unique Pupil Number", "Pupil UPN"),
    "legal_forename": _names(
        "Legal Forename",
        "Legal Forenames",
        "Legal First Name",
        "Forename",
        "Forenames",
        "First Name",
        "First Names",
        "Given Name",
        "Given Names",
    ),
    "legal_surname": _names(
        "Legal Surname", "Legal Last Name", "Surname", "Last Name", "Family Name"
    ),
    "preferred_forename": _names(
        "Preferred Forename",
        "Preferred First Name",
        "Preferred Name",
        "Known As",
        "Chosen Forename",
        "Chosen Name",
    ),
    "preferred_surname": _names(
        "Preferred Surname", "Preferred Last Name", "Chosen Surname", "Known As Surname"
    ),
    "former_surnames": _names(
        "Former Surname",
        "Former Surnames",
        "Former Last Name",
        "Former Last Names",
        "Previous Surname",
        "Previous Surnames",
        "Former Name",
        "Former Names",
        "Previous Name",
        "Previous Names",
    ),
    "date_of_birth": _names("DOB", "Date of Birth", "Birth Date", "Birthdate"),
    "gender": _names("Gender", "Sex"),
    "postcode": _names("Postcode", "Post Code", "Postal Code", "Home Postcode"),
}
PUPIL_LABELS = {
    "upn": "UPN",
    "legal_forename": "legal forename",
    "legal_surname": "legal surname",
    "preferred_forename": "preferred forename",
    "preferred_surname": "preferred surname",
    "former_surnames": "former surnames",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "postcode": "postcode",
    "address": "address",
}
_ADDRESS = re.compile(
    r"^(?:home|pupil|full)?(?:address(?:line)?\d?|addressblock|housename|housenumber|"
    r"house|flat|street|road|locality|district|village|town|city|county)$"
)

STATUS_FIELDS: dict[str, frozenset[str]] = {
    "looked_after": _names(
        "Looked After",
        "Child Looked After",
        "Looked After Child",
        "CLA",
        "LAC",
        "In Care",
        "Looked After Status",
        "Is Looked After",
    ),
    "child_protection_plan": _names(
        "Child Protection Plan",
        "Child Protection",
        "CP Plan",
        "CPP",
        "On CP Plan",
        "Subject to CP Plan",
        "Subject to Child Protection Plan",
    ),
    "child_in_need": _names("Child in Need", "CIN", "Child in Need Plan", "CiN Plan"),
    "s47_enquiries": _names(
        "S47",
        "S47 Enquiries",
        "S47 Enquiry",
        "S.47 Enquiries",
        "Section 47",
        "Section 47 Enquiries",
        "Section 47 Enquiry",
    ),
    "sen_support": _names("SEN Support", "SEN K", "Special Educational Needs Support"),
    "ehcp": _names(
        "EHCP", "EHC Plan", "Education Health and Care Plan", "Education, Health and Care Plan"
    ),
    "young_carer": _names("Young Carer", "Is Young Carer"),
    "free_school_meals": _names(
        "FSM",
        "Free School Meals",
        "FSM Eligible",
        "Eligible for FSM",
        "FSM Eligibility",
        "Free Meals",
        "Eligible for Free School Meals",
    ),
}
# One column holding the SEN provision as a code or words: N, K (SEN support), E (EHCP).
SEN_STATUS = _names("SEN Status", "SEN Provision", "SEN", "SEN Stage", "SEN Code")

_CONTACT_WORD = r"(?:contact|parentcarer|parent|carer|guardian)"
_GROUPED = re.compile(rf"^{_CONTACT_WORD}(\d{{1,2}})(.*)$")
_UNNUMBERED = re.compile(rf"^{_CONTACT_WORD}(.*)$")
_PHONE = re.compile(
    r"^(?:home|work|mobile|daytime|evening|emergency|main|other|primary)?"
    r"(?:phone|telephone|tel|mobile|landline)(?:number|no)?\d?$"
)
CONTACT_FIELDS: dict[str, frozenset[str]] = {
    "name": _names("", "Name", "Full Name", "Contact Name"),
    "title": _names("Title"),
    "forename": _names("Forename", "First Name", "Given Name"),
    "surname": _names("Surname", "Last Name", "Family Name"),
    "relationship": _names(
        "Relationship",
        "Relation",
        "Relationship to Pupil",
        "Relationship to Child",
        "Relationship to Student",
        "Rel",
    ),
    "lives_with_pupil": _names(
        "Lives With Pupil",
        "Lives With Child",
        "Lives With Student",
        "Lives With",
        "Resides With Pupil",
        "Resides With",
        "Same Address",
        "Lives at Same Address",
    ),
    "email": _names("Email", "E-mail", "Email Address", "E-mail Address"),
    "postcode": _names("Postcode", "Post Code", "Postal Code"),
    "priority": _names("Priority", "Contact Priority", "Priority Order", "Order", "Rank"),
}
# Contact columns that need no "Contact" in front in a one-row-per-contact export.
BARE_CONTACT = {
    "relationship": CONTACT_FIELDS["relationship"] - _names("Rel"),
    "lives_with_pupil": CONTACT_FIELDS["lives_with_pupil"] - _names("Lives With"),
    "priority": _names("Priority", "Contact Priority", "Priority Order"),
}


@dataclass
class ContactColumns:
    """The columns of one contact: a numbered group, or the unnumbered ones (number 0)."""

    number: int
    fields: dict[str, int] = field(default_factory=dict)
    phones: list[int] = field(default_factory=list)
    address: list[int] = field(default_factory=list)

    def used(self) -> bool:
        return bool(self.fields or self.phones or self.address)


@dataclass
class Columns:
    header_row: int
    headers: list[str]
    pupil: dict[str, int] = field(default_factory=dict)
    address: list[int] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    sen_status: int | None = None
    contacts: list[ContactColumns] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)

    @property
    def layout(self) -> str:
        kinds = {"rows" if c.number == 0 else "groups" for c in self.contacts}
        if kinds == {"groups"}:
            return "contact columns"
        if kinds == {"rows"}:
            return "one row per contact"
        return "contact columns and rows" if kinds else "no contacts"

    def header(self, col: int) -> str:
        return self.headers[col] if col < len(self.headers) else f"column {col + 1}"


def find_columns(rows: Sequence[Sequence[Any]]) -> Columns | None:
    """The columns of the first row (within the first 30) that has a UPN header."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [fold(c) for c in row]
        if not any(k in PUPIL_FIELDS["upn"] for k in keys):
            continue
        headers = [" ".join(str(c).split()) if c is not None else "" for c in row]
        return _columns(r, headers, keys)
    return None


def _columns(r: int, headers: list[str], keys: list[str]) -> Columns:
    found = Columns(r, headers)
    groups: dict[int, ContactColumns] = {}
    for col, key in enumerate(keys):
        if not key:
            continue
        if _pupil_column(found, col, key):
            continue
        grouped = _GROUPED.match(key)
        if grouped:
            number = int(grouped.group(1))
            group = groups.setdefault(number, ContactColumns(number))
            if _contact_column(group, col, grouped.group(2)):
                continue
        unnumbered = _UNNUMBERED.match(key)
        row_contact = groups.setdefault(0, ContactColumns(0))
        if unnumbered and not grouped and _contact_column(row_contact, col, unnumbered.group(1)):
            continue
        bare = next((f for f, names in BARE_CONTACT.items() if key in names), None)
        if bare and bare not in row_contact.fields:
            row_contact.fields[bare] = col
            continue
        found.unused.append(headers[col])
    found.contacts = [groups[n] for n in sorted(groups) if n and groups[n].used()]
    if groups.get(0) and groups[0].used():
        found.contacts.append(groups[0])
    return found


def _pupil_column(found: Columns, col: int, key: str) -> bool:
    for name, names in PUPIL_FIELDS.items():
        if key in names and name not in found.pupil:
            found.pupil[name] = col
            return True
    if _ADDRESS.match(key):
        found.address.append(col)
        return True
    for name, names in STATUS_FIELDS.items():
        if key in names and name not in found.statuses:
            found.statuses[name] = col
            return True
    if key in SEN_STATUS and found.sen_status is None:
        found.sen_status = col
        return True
    return False


def _contact_column(group: ContactColumns, col: int, rest: str) -> bool:
    if _PHONE.match(rest):
        group.phones.append(col)
        return True
    if _ADDRESS.match(rest):
        group.address.append(col)
        return True
    for name, names in CONTACT_FIELDS.items():
        if rest in names and name not in group.fields:
            group.fields[name] = col
            return True
    return False
