from __future__ import annotations

import pytest

from cme.access import Viewer
from cme.errors import InvalidField
from cme.roles import Role, parse_role


def viewer(role: Role, school_id: int | None = None) -> Viewer:
    return Viewer(
        user_id=1,
        email="x@test.example",
        display_name="X",
        role=role,
        la_id=10,
        la_code="370",
        la_name="LA",
        school_id=school_id,
        school_name="S" if school_id else None,
    )


def test_only_la_administrators_are_kept_from_childrens_records() -> None:
    assert viewer(Role.ATTENDANCE_OFFICER, school_id=5).sees_pupils
    assert viewer(Role.DSL, school_id=5).sees_pupils
    assert viewer(Role.CME_OFFICER).sees_pupils
    assert not viewer(Role.LA_ADMIN).sees_pupils
    assert viewer(Role.DSL, school_id=5).organisation == "S"
    assert viewer(Role.CME_OFFICER).organisation == "LA"


def test_school_roles_need_a_school_and_la_roles_must_not_have_one() -> None:
    with pytest.raises(ValueError, match="must belong to a school"):
        viewer(Role.DSL)
    with pytest.raises(ValueError, match="not to a school"):
        viewer(Role.CME_OFFICER, school_id=5)


def test_parse_role_explains_the_valid_names() -> None:
    assert parse_role(" DSL ") is Role.DSL
    with pytest.raises(InvalidField, match=r"attendance_officer .*dsl .*cme_officer .*la_admin"):
        parse_role("teacher")
