"""How a case ends, and the regulation 9 ground each outcome rests on where one applies.

Grounds are named in words; only the 20-day rule's letter is given, because RULES.md fixes
it (reg 9(1)(i) of the 2024 Regs) and a wrong letter would mislead a professional.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    RETURNED = "returned"
    ABSENCE_EXPLAINED = "absence_explained"
    NEW_SCHOOL_THIS_LA = "new_school_this_la"
    NEW_SCHOOL_OTHER_LA = "new_school_other_la"
    NEW_SCHOOL_ABROAD = "new_school_abroad"
    ELECTIVE_HOME_EDUCATION = "elective_home_education"
    MOVED_AWAY = "moved_out_of_reasonable_distance"
    DIED = "died"
    REMOVED_MISSING = "removed_missing_education"

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def ground(self) -> str | None:
        return _LABELS[self][1]

    @property
    def located(self) -> bool:
        """The child's whereabouts are known: the LA's search can stop."""
        return self is not Outcome.REMOVED_MISSING


_LABELS: dict[Outcome, tuple[str, str | None]] = {
    Outcome.RETURNED: ("Returned to school", None),
    Outcome.ABSENCE_EXPLAINED: ("Absence explained", None),
    Outcome.NEW_SCHOOL_THIS_LA: (
        "Located: registered at a new school in this LA",
        "Regulation 9(1): registered as a pupil at another school",
    ),
    Outcome.NEW_SCHOOL_OTHER_LA: (
        "Located: registered at a new school in another LA",
        "Regulation 9(1): registered as a pupil at another school",
    ),
    Outcome.NEW_SCHOOL_ABROAD: (
        "Located: moved abroad",
        "Regulation 9(1): ceased to reside at a place from which the school can reasonably "
        "be attended",
    ),
    Outcome.ELECTIVE_HOME_EDUCATION: (
        "Located: elective home education",
        "Regulation 9(1): the parent has told the school in writing the child is being "
        "educated otherwise than at school",
    ),
    Outcome.MOVED_AWAY: (
        "Located: moved out of reasonable distance",
        "Regulation 9(1): ceased to reside at a place from which the school can reasonably "
        "be attended",
    ),
    Outcome.DIED: ("Died", "Regulation 9(1): the pupil has died"),
    Outcome.REMOVED_MISSING: (
        "Removed from roll as missing education (whereabouts unknown)",
        "Regulation 9(1)(i): continuously absent for 20 school days, whereabouts unknown "
        "after reasonable enquiries by the school and the LA",
    ),
}

# Outcomes a person records to close a case (removal goes through the removal gate).
CLOSING = tuple(o for o in Outcome if o is not Outcome.REMOVED_MISSING)
# Outcomes the LA records when it finds a child it was still looking for after removal.
FOUND = tuple(o for o in Outcome if o.located and o is not Outcome.ABSENCE_EXPLAINED)
