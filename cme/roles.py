"""Who the tracker's users are and what each role is for."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ATTENDANCE_OFFICER = "attendance_officer"
    DSL = "dsl"
    CME_OFFICER = "cme_officer"
    LA_ADMIN = "la_admin"

    @property
    def label(self) -> str:
        return _LABELS[self]

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
    """The role named by `value`, or a ValueError that lists the valid names."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {value!r}: use one of {valid}") from None
