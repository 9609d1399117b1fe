"""The DSL's day-one vulnerability screen (RULES.md §5).

Any must-refer answer means: refer to police and children's social care now. Some answers
are already known from the pupil's recorded statuses and are ticked from them, with the source
shown, so that a looked-after child is never screened as if nobody knew.
"""

from __future__ import annotations

from collections.abc import Mapping

MUST_REFER: dict[str, str] = {
    "victim_of_crime": "The child may be the victim of a crime",
    "child_protection_plan": "The child is subject to a child protection plan",
    "s47_enquiries": "The child is subject to section 47 enquiries",
    "looked_after": "The child is in care (looked after)",
    "risk_person": "A person posing a risk to children is in, or in contact with, the household",
    "moves_frequently": "The family has a history of moving frequently",
    "serious_attendance": "There are serious attendance issues",
}

JUDGEMENT: dict[str, str] = {
    "age": "The child's age (younger children, or those near school leaving age)",
    "sudden": "The absence is sudden or out of character",
    "older_associates": "Past association with significantly older young people or adults",
    "incident": "A significant incident before the absence",
    "bullying": "Bullying",
    "health": "Health needs (essential medication, depression)",
    "religious_cultural": "Religious or cultural risk (rites of passage, forced marriage)",
    "disability_sen": "Disability or special educational needs",
    "family_concerns": (
        "Past family concerns (drug or alcohol dependency, domestic abuse, a parent's "
        "capacity to protect)"
    ),
}

# Pupil statuses (cme.pupil_details keys) that answer a question before anyone asks it.
PREFILLED_BY_STATUS: dict[str, str] = {
    "looked_after": "looked_after",
    "child_protection_plan": "child_protection_plan",
    "s47_enquiries": "s47_enquiries",
    "ehcp": "disability_sen",
    "sen_support": "disability_sen",
}


def prefilled(statuses: Mapping[str, bool]) -> dict[str, str]:
    """Question -> the status that ticks it, for the statuses the pupil has."""
    ticked: dict[str, str] = {}
    for status, question in PREFILLED_BY_STATUS.items():
        if statuses.get(status):
            ticked.setdefault(question, status)
    return ticked


def must_refer(answers: Mapping[str, bool]) -> list[str]:
    """The must-refer criteria answered yes."""
    return [key for key in MUST_REFER if answers.get(key)]
