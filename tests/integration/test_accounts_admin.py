"""An LA administrator manages accounts: edit, deactivate, reactivate, unlock, password links;
people choose their own passwords. Each change audited; another LA's users are not found."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import httpx
import pytest

from cme.errors import NotFound
from cme.events import Action
from cme.storage import account_admin, accounts, passwords
from cme.storage.clock import utcnow
from cme.storage.tables import Account, AuditEvent, PasswordReset, SignInFailure, WebSession
from cme.web.auth import SESSION_COOKIE
from tests.integration.helpers import PASSWORD, World, csrf_token, password_link, post_form, sign_in
from tests.integration.test_scope_and_audit import audit_writes_fail  # noqa: F401  (fixture)

NEW_PASSWORD = "a fresh long password"


async def _id(email: str) -> int:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return int(row["id"])


async def _audited(action: Action, email: str) -> list[dict[str, object]]:
    rows = await AuditEvent.select(AuditEvent.detail).where(AuditEvent.action == action.value)
    details = [json.loads(r["detail"]) for r in rows]
    return [d for d in details if d.get("email") == email]


async def _as_admin(client: httpx.AsyncClient) -> None:
    client.cookies.clear()
    assert (await sign_in(client, "admin@test.example")).status_code == 303


def _plant(client: httpx.AsyncClient, token: str) -> None:
    client.cookies.delete(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, token, domain="testserver.local", path="/")


async def test_unlock_lets_a_locked_out_user_sign_in_again(
    client: httpx.AsyncClient, world: World
) -> None:
    for _ in range(5):
        await sign_in(client, "ao.a@test.example", "not the password")
    assert "Too many failed" in (await sign_in(client, "ao.a@test.example")).text
    await _as_admin(client)
    user = await _id("ao.a@test.example")
    page = await client.get(f"/la/admin/users/{user}")
    assert "Locked out" in page.text
    listing = await client.get("/la/admin/users")
    assert "Locked out" in listing.text

    response = await post_form(
        client, f"/la/admin/users/{user}", f"/la/admin/users/{user}/unlock", {}
    )
    assert response.status_code == 303
    assert "Account unlocked" in (await client.get(response.headers["location"])).text
    assert await SignInFailure.count().where(SignInFailure.email == "ao.a@test.example") == 0
    assert await _audited(Action.ACCOUNT_UNLOCKED, "ao.a@test.example")
    client.cookies.clear()
    assert (await sign_in(client, "ao.a@test.example")).status_code == 303


async def test_deactivation_is_confirmed_ends_sessions_and_blocks_sign_in(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "ao.a@test.example")
    their_session = client.cookies[SESSION_COOKIE]
    await _as_admin(client)
    user = await _id("ao.a@test.example")

    confirm = await client.get(f"/la/admin/users/{user}/deactivate")
    assert confirm.status_code == 200
    assert "Deactivate" in confirm.text and "Yes, deactivate" in confirm.text
    assert await Account.select(Account.active).where(Account.id == user).first() == {
        "active": True
    }, "opening the confirmation changes nothing"

    response = await client.post(
        f"/la/admin/users/{user}/deactivate", data={"_csrf_token": csrf_token(confirm.text)}
    )
    assert response.status_code == 303
    assert await WebSession.count().where(WebSession.account == user) == 0
    assert await _audited(Action.ACCOUNT_DEACTIVATED, "ao.a@test.example")
    assert "Deactivated" in (await client.get("/la/admin/users")).text

    _plant(client, their_session)
    assert (await client.get("/school/today")).status_code == 302, "their session has ended"
    client.cookies.clear()
    refused = await sign_in(client, "ao.a@test.example")
    assert refused.status_code == 400

    await _as_admin(client)
    back = await post_form(
        client, f"/la/admin/users/{user}", f"/la/admin/users/{user}/reactivate", {}
    )
    assert back.status_code == 303
    assert await _audited(Action.ACCOUNT_REACTIVATED, "ao.a@test.example")
    client.cookies.clear()
    assert (await sign_in(client, "ao.a@test.example")).status_code == 303


async def test_reset_link_works_once_and_sets_a_new_password(
    client: httpx.AsyncClient, world: World
) -> None:
    await _as_admin(client)
    user = await _id("dsl.a@test.example")
    issued = await post_form(client, f"/la/admin/users/{user}", f"/la/admin/users/{user}/reset", {})
    assert issued.status_code == 200
    link = password_link(issued.text)
    token = link.rsplit("/", 1)[1]
    assert "only time it is shown" in issued.text
    audited = await _audited(Action.PASSWORD_RESET_ISSUED, "dsl.a@test.example")
    assert audited and token not in json.dumps(audited)
    assert token not in str(await PasswordReset.select()), "only a hash is stored"

    client.cookies.clear()
    form = await client.get(link)
    assert form.status_code == 200
    assert "dsl.a@test.example" in form.text
    mismatch = await post_form(
        client, link, link, {"password": NEW_PASSWORD, "confirm": "something else entirely"}
    )
    assert mismatch.status_code == 400
    assert 'id="confirm-error"' in mismatch.text
    assert "The two passwords are not the same" in mismatch.text
    short = await post_form(client, link, link, {"password": "short", "confirm": "short"})
    assert "at least 12 characters" in short.text

    done = await post_form(client, link, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert (await client.get("/school/today")).status_code == 200, "signed in, nothing forced"
    assert await _audited(Action.PASSWORD_SET, "dsl.a@test.example")

    client.cookies.clear()
    again = await client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.text
    assert (await sign_in(client, "dsl.a@test.example", PASSWORD)).status_code == 400
    assert (await sign_in(client, "dsl.a@test.example", NEW_PASSWORD)).status_code == 303


async def test_reset_link_expires(client: httpx.AsyncClient, world: World) -> None:
    admin = await accounts.viewer_for_account(await _id("admin@test.example"))
    issued = await account_admin.issue_reset(admin, await _id("ao.b@test.example"))
    await PasswordReset.update({PasswordReset.expires_at: utcnow() - timedelta(minutes=1)}).where(
        PasswordReset.account == issued.account_id
    )
    page = await client.get(f"/password/{issued.token}")
    assert page.status_code == 400
    assert "expired" in page.text
    refused = await post_form(
        client,
        "/signin",
        f"/password/{issued.token}",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert refused.status_code == 400
    assert (await sign_in(client, "ao.b@test.example", NEW_PASSWORD)).status_code == 400
    assert (await client.get("/password/not-a-real-token")).status_code == 404


async def test_only_the_newest_link_works(world: World) -> None:
    admin = await accounts.viewer_for_account(await _id("admin@test.example"))
    first = await account_admin.issue_reset(admin, await _id("ao.b@test.example"))
    await account_admin.issue_reset(admin, await _id("ao.b@test.example"))
    with pytest.raises(NotFound):
        await passwords.link_holder(first.token)


async def test_after_a_reset_every_page_leads_to_choosing_a_password(
    client: httpx.AsyncClient, world: World
) -> None:
    admin = await accounts.viewer_for_account(await _id("admin@test.example"))
    await account_admin.issue_reset(admin, await _id("ao.a@test.example"))

    signed_in = await sign_in(client, "ao.a@test.example")
    assert signed_in.status_code == 303
    for path in ("/school", "/school/today", "/school/pupils", "/school/registers", "/la"):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/account/password"
    forced = await client.get("/account/password")
    assert forced.status_code == 200
    assert "Choose a new password" in forced.text
    assert 'aria-label="Main"' not in forced.text, "no navigation to pages they cannot open"
    blocked_post = await post_form(client, "/account/password", "/school/registers", {})
    assert blocked_post.status_code == 303

    wrong = await post_form(
        client,
        "/account/password",
        "/account/password",
        {"current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert 'id="current-error"' in wrong.text
    changed = await post_form(
        client,
        "/account/password",
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 303
    home = await client.get("/school/today")
    assert home.status_code == 200
    assert "Your password has been changed" in home.text
    assert await _audited_by_account(Action.PASSWORD_CHANGED, "ao.a@test.example")
    assert not await accounts.must_change_password(await _id("ao.a@test.example"))


async def _audited_by_account(action: Action, email: str) -> bool:
    return bool(
        await AuditEvent.exists().where(
            AuditEvent.action == action.value, AuditEvent.account.email == email
        )
    )


async def test_new_user_reaches_nothing_before_choosing_a_password(
    client: httpx.AsyncClient, world: World
) -> None:
    await _as_admin(client)
    added = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {
            "email": "first@test.example",
            "display_name": "First Day",
            "role": "dsl",
            "school_urn": "100001",
        },
    )
    link = password_link(added.text)
    client.cookies.clear()
    # No password of theirs exists yet: none signs in, not even an empty one.
    assert (await sign_in(client, "first@test.example", "")).status_code == 400
    assert (await client.get("/school/today")).status_code == 302
    done = await post_form(client, link, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert done.headers["location"] == "/school"
    assert (await client.get("/school/today")).status_code == 200


async def _quickest_refusal(email: str) -> float:
    """The quickest of three refused sign-ins: the cost that cannot be noise."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        assert (await accounts.sign_in(email, "not anybody's password")).viewer is None
        times.append(time.perf_counter() - started)
    return min(times)


async def test_an_account_waiting_for_its_first_password_is_refused_as_slowly_as_no_account(
    world: World,
) -> None:
    # A quick refusal would tell anyone trying addresses that this one has an account.
    admin = await accounts.viewer_for_account(await _id("admin@test.example"))
    await account_admin.invite(
        admin, email="waiting@test.example", display_name="Not Yet", role="dsl", school_urn="100001"
    )
    unknown = await _quickest_refusal("nobody@test.example")
    waiting = await _quickest_refusal("waiting@test.example")
    assert waiting > unknown / 2, (waiting, unknown)


async def test_wrong_current_passwords_lock_the_change_form_like_sign_in(
    client: httpx.AsyncClient, world: World
) -> None:
    # Whoever holds someone's open session must not be able to guess their password here.
    await sign_in(client, "ao.a@test.example")
    for n in range(5):
        wrong = await post_form(
            client,
            "/account/password",
            "/account/password",
            {"current": f"a guess number {n}", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        )
        assert wrong.status_code == 400
        assert "That is not your current password." in wrong.text
    right = await post_form(
        client,
        "/account/password",
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert right.status_code == 400
    assert "Too many wrong passwords" in right.text
    row = (
        await Account.select(Account.password_hash)
        .where(Account.email == "ao.a@test.example")
        .first()
    )
    assert accounts.password_matches(row["password_hash"], PASSWORD)
    assert len(await _audited(Action.SIGNIN_FAILED, "ao.a@test.example")) == 5


@pytest.mark.parametrize(
    ("email", "name", "field", "message"),
    [
        ("", "New Person", "email", "Enter the email address."),
        ("new@test.example", "", "display_name", "Enter the full name."),
    ],
)
async def test_an_empty_add_user_field_is_asked_for_in_words(
    client: httpx.AsyncClient, world: World, email: str, name: str, field: str, message: str
) -> None:
    await _as_admin(client)
    response = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {"email": email, "display_name": name, "role": "dsl", "school_urn": "100001"},
    )
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert "&#39;&#39;" not in response.text
    assert await Account.count().where(Account.email == "new@test.example") == 0


async def test_admin_edits_name_role_and_school(client: httpx.AsyncClient, world: World) -> None:
    await _as_admin(client)
    user = await _id("dsl.a@test.example")
    page = await client.get(f"/la/admin/users/{user}")
    assert 'value="dsl" selected' in page.text
    response = await client.post(
        f"/la/admin/users/{user}",
        data={
            "display_name": "Dana Renamed",
            "role": "attendance_officer",
            "school_urn": "100002",
            "_csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 303
    row = (
        await Account.select(Account.display_name, Account.role, Account.school.urn)
        .where(Account.id == user)
        .first()
    )
    assert row == {
        "display_name": "Dana Renamed",
        "role": "attendance_officer",
        "school.urn": "100002",
    }
    (event,) = await _audited(Action.ACCOUNT_EDITED, "dsl.a@test.example")
    assert event["changes"] == {
        "name": ["dsl.a", "Dana Renamed"],
        "role": ["dsl", "attendance_officer"],
        "school": ["100001", "100002"],
    }


async def test_an_la_role_given_a_school_is_refused_in_words(
    client: httpx.AsyncClient, world: World
) -> None:
    await _as_admin(client)
    before = await Account.count()
    response = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {
            "email": "la.person@test.example",
            "display_name": "LA Person",
            "role": "cme_officer",
            "school_urn": "100001",
        },
    )
    assert response.status_code == 400
    assert "An LA CME officer works for the LA, not for a school" in response.text
    assert 'id="school_urn-error"' in response.text
    assert 'value="la.person@test.example"' in response.text, "what was typed is kept"
    assert await Account.count() == before

    no_school = await post_form(
        client,
        "/la/admin/users",
        "/la/admin/users",
        {"email": "ao.new@test.example", "display_name": "AO New", "role": "attendance_officer"},
    )
    assert no_school.status_code == 400
    assert "An attendance officer must belong to a school" in no_school.text
    message = re.search(r'id="school_urn-error">(.*?)</p>', no_school.text, re.S)
    assert message and "_" not in message.group(1), "no internal field names in messages"

    user = await _id("cme@test.example")
    edit = await post_form(
        client,
        f"/la/admin/users/{user}",
        f"/la/admin/users/{user}",
        {"display_name": "CME", "role": "cme_officer", "school_urn": "100001"},
    )
    assert edit.status_code == 400
    assert "works for the LA, not for a school" in edit.text
    assert await Account.select(Account.school).where(Account.id == user).first() == {
        "school": None
    }


async def test_the_last_admin_cannot_remove_their_own_access(
    client: httpx.AsyncClient, world: World
) -> None:
    await _as_admin(client)
    me = await _id("admin@test.example")
    confirm = await client.get(f"/la/admin/users/{me}/deactivate")
    assert "You cannot deactivate your own account" in confirm.text
    assert "Yes, deactivate" not in confirm.text
    refused = await post_form(
        client, f"/la/admin/users/{me}", f"/la/admin/users/{me}/deactivate", {}
    )
    assert refused.status_code == 400
    assert "You cannot deactivate your own account" in refused.text

    demote = await post_form(
        client,
        f"/la/admin/users/{me}",
        f"/la/admin/users/{me}",
        {"display_name": "Admin", "role": "cme_officer", "school_urn": ""},
    )
    assert demote.status_code == 400
    assert "would leave First LA with no LA administrator" in demote.text
    assert "You are its only active LA administrator" in demote.text
    row = await Account.select(Account.role, Account.active).where(Account.id == me).first()
    assert row == {"role": "la_admin", "active": True}
    assert not await _audited(Action.ACCOUNT_EDITED, "admin@test.example")

    # With a second active administrator, stepping down is allowed.
    other = await _id("cme@test.example")
    await post_form(
        client,
        f"/la/admin/users/{other}",
        f"/la/admin/users/{other}",
        {"display_name": "Second Admin", "role": "la_admin", "school_urn": ""},
    )
    stepped = await post_form(
        client,
        f"/la/admin/users/{me}",
        f"/la/admin/users/{me}",
        {"display_name": "Admin", "role": "cme_officer", "school_urn": ""},
    )
    assert stepped.status_code == 303


async def test_another_las_user_is_not_found(client: httpx.AsyncClient, world: World) -> None:
    await _as_admin(client)
    theirs = await _id("cme.other@test.example")
    page = await client.get("/la/admin/users")
    assert "cme.other@test.example" not in page.text
    token = csrf_token(page.text)
    assert (await client.get(f"/la/admin/users/{theirs}")).status_code == 404
    assert (await client.get(f"/la/admin/users/{theirs}/deactivate")).status_code == 404
    for action in ("", "/deactivate", "/reactivate", "/unlock", "/reset"):
        response = await client.post(
            f"/la/admin/users/{theirs}{action}",
            data={"display_name": "Hijacked", "role": "la_admin", "_csrf_token": token},
        )
        assert response.status_code == 404, action
    row = await Account.select(Account.display_name, Account.role, Account.active).where(
        Account.id == theirs
    )
    assert row == [{"display_name": "cme.other", "role": "cme_officer", "active": True}]
    assert await PasswordReset.count() == 0


async def test_a_failed_audit_write_leaves_no_account_change(
    world: World,
    audit_writes_fail: None,  # noqa: F811
) -> None:
    admin = await accounts.viewer_for_account(await _id("admin@test.example"))
    user = await _id("ao.a@test.example")
    await SignInFailure.insert(SignInFailure(email="ao.a@test.example", at=utcnow()))
    before = await Account.select().where(Account.id == user)
    for change in (
        account_admin.deactivate(admin, user),
        account_admin.unlock(admin, user),
        account_admin.issue_reset(admin, user),
        account_admin.edit(admin, user, display_name="X Y", role="dsl", school_urn="100001"),
        account_admin.invite(
            admin, email="n@test.example", display_name="N", role="dsl", school_urn="100001"
        ),
    ):
        with pytest.raises(Exception, match="audit refused"):
            await change
    assert await Account.select().where(Account.id == user) == before
    assert await Account.count() == 6
    assert await SignInFailure.count() == 1
    assert await PasswordReset.count() == 0


async def test_an_operator_can_issue_a_link_without_an_administrator(
    client: httpx.AsyncClient, world: World
) -> None:
    issued = await passwords.issue_for_email("Admin@Test.Example")
    assert await accounts.must_change_password(issued.account_id)
    assert await _audited(Action.PASSWORD_RESET_ISSUED, "admin@test.example")
    link = f"/password/{issued.token}"
    done = await post_form(client, link, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert done.headers["location"] == "/la"
    with pytest.raises(NotFound):
        await passwords.issue_for_email("nobody@test.example")


async def test_housekeeping_removes_old_links(world: World) -> None:
    admin = await accounts.viewer_for_account(await _id("admin@test.example"))
    await account_admin.issue_reset(admin, await _id("ao.a@test.example"))
    fresh = await account_admin.issue_reset(admin, await _id("ao.b@test.example"))
    await PasswordReset.update({PasswordReset.expires_at: utcnow() - timedelta(days=2)}).where(
        PasswordReset.account != fresh.account_id
    )
    await accounts.purge_expired()
    assert await PasswordReset.select(PasswordReset.account) == [{"account": fresh.account_id}]
