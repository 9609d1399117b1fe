from __future__ import annotations

import pytest

from cme.access import Viewer
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


def test_school_user_sees_only_own_school() -> None:
    v = viewer(Role.ATTENDANCE_OFFICER, school_id=5)
    assert v.may_see_pupils_of(school_id=5, school_la_id=10)
    assert not v.may_see_pupils_of(school_id=6, school_la_id=10)
    assert v.organisation == "S"


def test_la_user_sees_every_school_of_own_la_only() -> None:
    v = viewer(Role.CME_OFFICER)
    assert v.may_see_pupils_of(school_id=5, school_la_id=10)
    assert v.may_see_pupils_of(school_id=6, school_la_id=10)
    assert not v.may_see_pupils_of(school_id=7, school_la_id=11)


def test_la_admin_sees_schools_but_not_pupils() -> None:
    v = viewer(Role.LA_ADMIN)
    assert v.may_see_school(school_id=5, school_la_id=10)
    assert not v.may_see_pupils_of(school_id=5, school_la_id=10)


def test_school_roles_need_a_school_and_la_roles_must_not_have_one() -> None:
    with pytest.raises(ValueError, match="must belong to a school"):
        viewer(Role.DSL)
    with pytest.raises(ValueError, match="not to a school"):
        viewer(Role.CME_OFFICER, school_id=5)


def test_parse_role_explains_the_valid_names() -> None:
    assert parse_role(" DSL ") is Role.DSL
    with pytest.raises(ValueError, match="attendance_officer, dsl, cme_officer, la_admin"):
        parse_role("teacher")
