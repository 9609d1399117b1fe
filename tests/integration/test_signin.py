"""Sign-in, sign-out, session rotation, lock-out and CSRF, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from cme.storage.tables import AuditEvent, SignInFailure, WebSession
from cme.web.auth import SESSION_COOKIE
from tests.integration.helpers import PASSWORD, World, post_form, sign_in


def plant(client: httpx.AsyncClient, token: str) -> None:
    """Put a session cookie in the browser exactly where the server's own would go."""
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, token, domain="testserver.local", path="/")


async def test_unauthenticated_page_redirects_to_signin(client: httpx.AsyncClient) -> None:
    response = await client.get("/school")
    assert response.status_code == 302
    assert response.headers["location"] == "/signin?next=/school"


async def test_sign_in_shows_school_and_role(client: httpx.AsyncClient, world: World) -> None:
    response = await sign_in(client, "ao.a@test.example")
    assert response.status_code == 303
    assert response.headers["location"] == "/school"
    page = await client.get("/school", follow_redirects=True)
    assert page.status_code == 200
    assert "School A" in page.text
    assert "Attendance officer" in page.text
    assert await AuditEvent.count().where(AuditEvent.action == "signin") == 1


async def test_wrong_password_is_refused_without_session(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await sign_in(client, "ao.a@test.example", "wrong password here")
    assert response.status_code == 400
    assert "do not match an account" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert await WebSession.count() == 0


async def test_session_id_changes_at_sign_in(client: httpx.AsyncClient, world: World) -> None:
    # An id planted in the browser before sign-in (session fixation) must not survive it.
    plant(client, "planted-by-someone-else")
    await sign_in(client, "ao.a@test.example")
    first = client.cookies[SESSION_COOKIE]
    assert first != "planted-by-someone-else"

    await sign_in(client, "ao.a@test.example")
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    assert await WebSession.count() == 1, "the replaced session must be deleted"

    plant(client, first)
    old = await client.get("/school")
    assert old.status_code == 302, "the old session id must no longer work"


async def test_sign_out_ends_the_session(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "dsl.a@test.example")
    token = client.cookies[SESSION_COOKIE]
    response = await post_form(client, "/school/today", "/signout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    assert await WebSession.count() == 0
    plant(client, token)
    assert (await client.get("/school")).status_code == 302


async def test_repeated_failures_lock_the_address(client: httpx.AsyncClient, world: World) -> None:
    for _ in range(5):
        response = await sign_in(client, "ao.a@test.example", "not the password")
        assert "do not match" in response.text
    locked = await sign_in(client, "ao.a@test.example", PASSWORD)
    assert locked.status_code == 400
    assert "Too many failed sign-ins" in locked.text
    assert SESSION_COOKIE not in client.cookies
    # Another address is unaffected.
    assert (await sign_in(client, "dsl.a@test.example")).status_code == 303


async def test_success_clears_earlier_failures(client: httpx.AsyncClient, world: World) -> None:
    for _ in range(3):
        await sign_in(client, "ao.a@test.example", "not the password")
    assert (await sign_in(client, "ao.a@test.example")).status_code == 303
    assert await SignInFailure.count() == 0


async def test_form_without_csrf_token_is_rejected(client: httpx.AsyncClient, world: World) -> None:
    await client.get("/signin")
    response = await client.post(
        "/signin", data={"email": "ao.a@test.example", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "form had expired" in response.text
    assert await WebSession.count() == 0


async def test_form_with_forged_csrf_token_is_rejected(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    response = await client.post(
        "/la/admin/schools",
        data={"urn": "100009", "name": "Forged", "_csrf_token": "0" * 128},
    )
    assert response.status_code == 403
    page = await client.get("/la/admin/schools")
    assert "Forged" not in page.text


async def test_next_only_follows_local_paths(client: httpx.AsyncClient, world: World) -> None:
    page = await client.get("/signin")
    from tests.integration.helpers import csrf_token

    response = await client.post(
        "/signin",
        data={
            "email": "ao.a@test.example",
            "password": PASSWORD,
            "next": "//evil.example/phish",
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert response.headers["location"] == "/school"
