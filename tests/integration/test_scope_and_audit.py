"""The two rules every table and use case must keep, tested from outside on both engines:
another school's or another LA's ids are "not found", and a change commits with its audit row
or not at all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from cme.access import Viewer
from cme.errors import NotFound
from cme.events import Action
from cme.policy import Policy
from cme.storage import accounts, audit, organisations, pupil_details, pupils, uploads
from cme.storage.engine import is_sqlite, write_transaction
from cme.storage.flags import flags_for_viewer
from cme.storage.policies import policy_for_la, set_policy
from cme.storage.tables import (
    Account,
    AuditEvent,
    LocalAuthority,
    RegisterFile,
    RegisterUpload,
    School,
)
from tests.integration.helpers import World


async def _viewer(email: str) -> Viewer:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return await accounts.viewer_for_account(row["id"])


async def _uploads(world: World) -> dict[int, int]:
    """One stored upload per school: school id -> upload id."""
    return {
        school: await uploads.create_upload(school, "register.csv", b"UPN,Surname\n")
        for school in (world.school_a, world.school_b, world.school_other_la)
    }


async def _case_page(viewer: Viewer, world: World, school: int) -> Any:
    """The case page of the one child of `school`, the case created on first ask."""
    from datetime import date

    from cme.storage.case_views import case_page
    from cme.storage.clock import utcnow
    from cme.storage.tables import Case

    pupil = {world.school_a: world.pupil_a, world.school_b: world.pupil_b}.get(
        school, world.pupil_other_la
    )
    row = await Case.select(Case.id).where(Case.pupil == pupil).first()
    if row is None:
        la = world.other_la_id if school == world.school_other_la else world.la_id
        day = date(2026, 10, 5)
        row = (
            await Case.insert(
                Case(
                    pupil=pupil,
                    school=school,
                    la=la,
                    reason="unexplained",
                    day_one=day,
                    clock_start=day,
                    opened_at=utcnow(),
                )
            ).returning(Case.id)
        )[0]
    return await case_page(viewer, int(row["id"]))


Lookup = Callable[[Viewer, World, dict[int, int], int], Awaitable[Any]]

# For each table holding a school's data, how a viewer asks for one school's record of it.
LOOKUPS: dict[str, Lookup] = {
    "school": lambda v, w, up, school: organisations.school_visible_to(v, school),
    "pupil": lambda v, w, up, school: pupils.get_pupil(
        v, {w.school_a: w.pupil_a, w.school_b: w.pupil_b}.get(school, w.pupil_other_la)
    ),
    "register_upload": lambda v, w, up, school: uploads.upload_for_viewer(v, up[school]),
    "pupil_year (flags)": lambda v, w, up, school: flags_for_viewer(v, school),
    "cme_case": lambda v, w, up, school: _case_page(v, w, school),
    "pupil_detail/pupil_status/pupil_contact": lambda v, w, up, school: (
        pupil_details.details_for_viewer(
            v, {w.school_a: w.pupil_a, w.school_b: w.pupil_b}.get(school, w.pupil_other_la)
        )
    ),
}


@pytest.mark.parametrize("table", list(LOOKUPS))
async def test_another_schools_and_another_las_records_are_not_found(
    world: World, table: str
) -> None:
    lookup = LOOKUPS[table]
    by_school = await _uploads(world)
    school_user = await _viewer("ao.a@test.example")
    la_user = await _viewer("cme@test.example")

    await lookup(school_user, world, by_school, world.school_a)
    for other in (world.school_b, world.school_other_la):
        with pytest.raises(NotFound):
            await lookup(school_user, world, by_school, other)

    await lookup(la_user, world, by_school, world.school_a)
    await lookup(la_user, world, by_school, world.school_b)
    with pytest.raises(NotFound):
        await lookup(la_user, world, by_school, world.school_other_la)


async def test_upload_lists_show_only_the_viewers_schools(world: World) -> None:
    by_school = await _uploads(world)
    school_user = await _viewer("ao.a@test.example")
    own = await uploads.recent_uploads(school_user, world.school_a)
    assert [u.id for u in own] == [by_school[world.school_a]]
    la_user = await _viewer("cme@test.example")
    admin = await _viewer("admin@test.example")
    for viewer, school in (
        (school_user, world.school_b),
        (la_user, world.school_other_la),
        (admin, world.school_a),
    ):
        with pytest.raises(NotFound):
            await uploads.recent_uploads(viewer, school)


@pytest.fixture
async def audit_writes_fail(world: World) -> AsyncIterator[None]:
    """Make the database itself refuse audit rows, as a full disk or a lost connection would
    at that moment: a real failure inside the transaction, not a stand-in."""
    if is_sqlite():
        await AuditEvent.raw(
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
        )
    else:
        await AuditEvent.raw(
            "CREATE FUNCTION audit_refused() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql"
        )
        await AuditEvent.raw(
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_refused()"
        )
    try:
        yield
    finally:
        await AuditEvent.raw(
            "DROP TRIGGER audit_refused" + ("" if is_sqlite() else " ON audit_event")
        )
        if not is_sqlite():
            await AuditEvent.raw("DROP FUNCTION audit_refused()")


async def _counts() -> tuple[int, ...]:
    return (
        await School.count(),
        await Account.count(),
        await RegisterUpload.count(),
        await RegisterFile.count(),
        await AuditEvent.count(),
    )


async def test_a_failed_audit_write_leaves_no_change(world: World, audit_writes_fail: None) -> None:
    admin = await _viewer("admin@test.example")
    before = await _counts()
    policy_before = await policy_for_la(world.la_id)
    hashes_before = await Account.select(Account.email, Account.password_hash)

    changes: list[Callable[[], Awaitable[Any]]] = [
        lambda: organisations.add_school("100009", "Unaudited School", "370", by=admin),
        lambda: accounts.add_account(
            email="unaudited@test.example",
            password="a long enough password",
            role="cme_officer",
            la_code="370",
            by=admin,
        ),
        lambda: set_policy(admin, Policy(n_code_deadline_school_days=9)),
        lambda: uploads.create_upload(world.school_a, "register.csv", b"UPN\n"),
        lambda: accounts.set_password("ao.a@test.example", "another long password"),
    ]
    for change in changes:
        with pytest.raises(Exception, match="audit refused"):
            await change()

    assert await _counts() == before
    assert await policy_for_la(world.la_id) == policy_before
    assert await Account.select(Account.email, Account.password_hash) == hashes_before


async def test_an_audit_row_outside_its_changes_transaction_is_refused(world: World) -> None:
    with pytest.raises(audit.AuditOutsideTransaction):
        await audit.record(Action.LA_ADDED, la_id=world.la_id)
    async with write_transaction():
        await audit.record(Action.LA_ADDED, la_id=world.la_id, code="370")
    assert await AuditEvent.count().where(AuditEvent.action == Action.LA_ADDED.value) == 3
    assert await LocalAuthority.count() == 2
