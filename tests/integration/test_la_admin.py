"""An LA administrator adds schools and users; bad input is explained and stores nothing."""

from __future__ import annotations

import httpx

from cme.storage.tables import Account, AuditEvent, PasswordReset, School
from tests.integration.helpers import World, password_link, post_form, sign_in


async def test_admin_adds_school(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "admin@test.example")
    response = await post_form(
        client, "/la/admin/schools", "/la/admin/schools", {"urn": "100003", "name": "School D"}
    )
    assert response.status_code == 303
    row = await School.select(School.la).where(School.urn == "100003").first()
    assert row == {"la": world.la_id}
    assert await AuditEvent.exists().where(AuditEvent.action == "school.added")


async def test_bad_urn_is_explained_and_nothing_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    before = await School.count()
    response = await post_form(
        client, "/la/admin/schools", "/la/admin/schools", {"urn": "12AB", "name": "Bad"}
    )
    assert response.status_code == 400
    assert "6-digit unique reference number" in response.text
    assert await School.count() == before


async def test_admin_adds_user_who_sets_their_own_password(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    response = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {
            "email": "New.Officer@Test.Example",
            "display_name": "New Officer",
            "role": "attendance_officer",
            "school_urn": "100002",
        },
    )
    # The link is shown once, in this response, never through a redirect or a stored token.
    assert response.status_code == 200
    link = password_link(response.text)
    row = (
        await Account.select(Account.role, Account.school.urn, Account.must_change_password)
        .where(Account.email == "new.officer@test.example")
        .first()
    )
    assert row == {
        "role": "attendance_officer",
        "school.urn": "100002",
        "must_change_password": True,
    }
    assert await PasswordReset.count() == 1
    assert link.rsplit("/", 1)[1] not in str(await PasswordReset.select())
    client.cookies.clear()
    # Nobody can sign in to the new account until its owner has chosen a password.
    refused = await sign_in(client, "new.officer@test.example", "")
    assert refused.status_code == 400
    chosen = await post_form(
        client, link, link, {"password": "a long new password", "confirm": "a long new password"}
    )
    assert chosen.status_code == 303
    assert "School B" in (await client.get("/school/pupils")).text
    client.cookies.clear()
    signed_in = await sign_in(client, "new.officer@test.example", "a long new password")
    assert signed_in.status_code == 303


async def test_admin_cannot_add_user_to_another_las_school(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    before = await Account.count()
    response = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {
            "email": "intruder@test.example",
            "display_name": "Intruder",
            "role": "dsl",
            "school_urn": "200001",
        },
    )
    assert response.status_code == 400
    assert "There is no school with URN 200001 in First LA" in response.text
    assert await Account.count() == before


async def test_duplicate_email_is_explained_beside_the_field(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    before = await Account.count()
    dup = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {"email": "cme@test.example", "display_name": "Dup Person", "role": "cme_officer"},
    )
    assert dup.status_code == 400
    assert 'id="email-error"' in dup.text
    assert "There is already an account with the email address cme@test.example" in dup.text
    assert 'value="Dup Person"' in dup.text, "what was typed is kept"
    assert await Account.count() == before


async def test_admin_changes_thresholds_and_flags_follow(
    client: httpx.AsyncClient, world: World
) -> None:
    from cme.demo_registers import to_csv, wide_rows
    from cme.storage.flags import school_flags
    from cme.storage.uploads import create_upload, run_import
    from tests.integration.registers import grid

    await run_import(await create_upload(world.school_a, "r.csv", to_csv(wide_rows(grid()))))
    before = {f.flag.kind.value for f in (await school_flags(world.school_a)).flags}
    assert "continuous_absence_10" in before

    await sign_in(client, "admin@test.example")
    page = await client.get("/la/admin/policy")
    assert "<strong>20 school days</strong>" in page.text
    assert 'value="10"' in page.text
    form = {
        "n_code_deadline_school_days": "5",
        "sickness_school_days": "15",
        "continuous_absence_school_days": "200",
        "la_contact_school_days": "3",
    }
    saved = await post_form(client, "/la/admin/policy", "/la/admin/policy", form)
    assert saved.status_code == 303
    after = {f.flag.kind.value for f in (await school_flags(world.school_a)).flags}
    assert "continuous_absence_10" not in after, "no run is 200 school days long"
    assert await AuditEvent.exists().where(AuditEvent.action == "policy.changed")

    bad = await post_form(
        client, "/la/admin/policy", "/la/admin/policy", {**form, "sickness_school_days": "0"}
    )
    assert bad.status_code == 400
    assert "from 1 to 200" in bad.text
    assert "continuous_absence_10" not in {
        f.flag.kind.value for f in (await school_flags(world.school_a)).flags
    }


async def test_school_staff_cannot_change_thresholds(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "dsl.a@test.example")
    assert (await client.get("/la/admin/policy")).status_code == 403
