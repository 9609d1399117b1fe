"""Reasonable enquiries (RULES.md §5): the school's, then, once the LA holds the case, the
LA's. Each is recorded with its date, who made it, how, and what it found."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    SCHOOL = "school"
    LA = "la"


SCHOOL_ENQUIRIES: dict[str, str] = {
    "staff": "Checked with all staff who had contact with the child",
    "friends": "Asked the child's friends and their parents",
    "relatives": "Asked siblings and known relatives at this and other schools",
    "phoned_all": "Phoned every number on record",
    "letter": "Wrote to the last known address",
    "home_visit": "Home visit by school staff",
    "consult_la": "Consulted LA staff",
}

LA_ENQUIRIES: dict[str, str] = {
    "home_visit": "Home visit",
    "neighbours": "Neighbours and the local community",
    "la_records": "LA records: housing, council tax, benefits, admissions",
    "health": "Health services",
    "police": "Police",
    "agencies": "Agencies known to be involved with the family",
    "previous_la": "The LA the child came from",
    "new_la": "Any LA the child may have moved to",
    "lost_pupil_database": "The DfE School to School lost pupil database",
    "home_office": "The Home Office (child subject to immigration control)",
}

CHECKLISTS = {Side.SCHOOL: SCHOOL_ENQUIRIES, Side.LA: LA_ENQUIRIES}

METHODS: dict[str, str] = {
    "phone": "Phone call",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter",
    "home_visit": "Home visit",
    "in_person": "In person",
    "records": "Records or database check",
    "other": "Other",
}

# The school enquiry that also tells the LA (the notify_la step).
TELLS_THE_LA = "consult_la"
