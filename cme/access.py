"""What a signed-in user may see.

Who the viewer is, and whether their role may see children's records at all. Which rows they
see is decided inside every query by `cme.storage.scope`, the one place that rule is written;
the web layer only decides which pages a role may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from cme.roles import Role


@dataclass(frozen=True)
class Viewer:
    user_id: int
    email: str
    display_name: str
    role: Role
    la_id: int
    la_code: str
    la_name: str
    school_id: int | None = None
    school_urn: str | None = None
    school_name: str | None = None

    def __post_init__(self) -> None:
        if self.role.works_in_school and self.school_id is None:
            raise ValueError(f"a {self.role.label} must belong to a school")
        if self.role.works_in_la and self.school_id is not None:
            raise ValueError(f"a {self.role.label} belongs to the LA, not to a school")

    @property
    def sees_pupils(self) -> bool:
        # LA administrators manage schools and accounts; they have no need to read
        # children's records, so they are not given them.
        return self.role is not Role.LA_ADMIN

    @property
    def sees_la_children(self) -> bool:
        """The children the LA itself holds (police episodes, their matches with pupils): for
        LA staff who see children; not school staff, not LA administrators."""
        return self.sees_pupils and self.school_id is None

    @property
    def organisation(self) -> str:
        if self.school_name is not None:
            return self.school_name
        return self.la_name
