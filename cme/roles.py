"""Who the tracker's users are and what each role is for."""

from __future__ import annotations

from enum import StrEnum

from cme.errors import InvalidField


class Role(StrEnum):
    ATTENDANCE_OFFICER = "attendance_officer"
    DSL = "dsl"
    CME_OFFICER = "cme_officer"
    LA_ADMIN = "la_admin"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def with_article(self) -> str:
        """ "an attendance officer", "a designated safeguarding lead": for sentences."""
        # "LA" is read "el-ay", so it takes "an" like a vowel.
        label = self.label if self in LA_ROLES else self.label.lower()
        return ("an " if label[0] in "aeiouAEIOU" or label.startswith("LA") else "a ") + label

    @property
    def works_in_school(self) -> bool:
        return self in SCHOOL_ROLES

    @property
    def works_in_la(self) -> bool:
        return self in LA_ROLES


_LABELS = {
    Role.ATTENDANCE_OFFICER: "Attendance officer",
    Role.DSL: "Designated safeguarding lead",
    Role.CME_OFFICER: "LA CME officer",
    Role.LA_ADMIN: "LA administrator",
}

SCHOOL_ROLES = frozenset({Role.ATTENDANCE_OFFICER, Role.DSL})
LA_ROLES = frozenset({Role.CME_OFFICER, Role.LA_ADMIN})


def parse_role(value: str) -> Role:
    """The role named by `value`, or an InvalidField that lists the valid roles."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        valid = ", ".join(f"{r.value} ({r.label})" for r in Role)
        raise InvalidField("Role", f"There is no role {value!r}: choose one of {valid}.") from None
