"""An LA administrator adds schools and users; bad input is explained and stores nothing."""

from __future__ import annotations

import httpx

from cme.storage.tables import Account, AuditEvent, School
from tests.integration.helpers import World, post_form, sign_in


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


async def test_admin_adds_user_who_can_sign_in(client: httpx.AsyncClient, world: World) -> None:
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
            "password": "a long new password",
        },
    )
    assert response.status_code == 303
    row = (
        await Account.select(Account.role, Account.school.urn)
        .where(Account.email == "new.officer@test.example")
        .first()
    )
    assert row == {"role": "attendance_officer", "school.urn": "100002"}
    client.cookies.clear()
    signed_in = await sign_in(client, "new.officer@test.example", "a long new password")
    assert signed_in.status_code == 303
    assert "School B" in (await client.get("/school/pupils")).text


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
            "password": "a long new password",
        },
    )
    assert response.status_code == 400
    assert await Account.count() == before


async def test_duplicate_email_and_short_password_are_explained(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    before = await Account.count()
    dup = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {
            "email": "cme@test.example",
            "display_name": "Dup",
            "role": "cme_officer",
            "password": "a long new password",
        },
    )
    assert dup.status_code == 400
    assert "already exists" in dup.text
    short = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {
            "email": "short@test.example",
            "display_name": "Short",
            "role": "cme_officer",
            "password": "short",
        },
    )
    assert short.status_code == 400
    assert "at least 12 characters" in short.text
    assert await Account.count() == before
