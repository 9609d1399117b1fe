"""The session lookup every request makes (one statement since issue 9), on both engines:
who the session belongs to, expiry after the idle time, the sliding expiry written at most
once a minute, deactivated accounts and accounts that must choose a password."""

from __future__ import annotations

from datetime import timedelta

from cme.storage.accounts import session_for_token, start_session, viewer_for_account
from cme.storage.clock import utcnow
from cme.storage.tables import Account, WebSession
from tests.integration.helpers import World

IDLE = timedelta(minutes=60)


async def account_id(email: str) -> int:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return int(row["id"])


async def expires_at(token_of: str) -> object:
    row = (
        await WebSession.select(WebSession.expires_at)
        .where(WebSession.account == await account_id(token_of))
        .first()
    )
    return row["expires_at"] if row else None


async def test_a_session_is_its_account_with_school_or_la(world: World) -> None:
    for email in ("ao.a@test.example", "cme@test.example"):
        token = await start_session(await account_id(email), IDLE)
        state = await session_for_token(token, IDLE)
        assert state is not None and not state.must_change_password
        assert state.viewer == await viewer_for_account(await account_id(email))
    school_staff = await session_for_token(
        await start_session(await account_id("ao.a@test.example"), IDLE), IDLE
    )
    assert school_staff is not None and school_staff.viewer.school_id == world.school_a
    assert school_staff.viewer.school_name == "School A" and school_staff.viewer.la_code == "370"
    la = await session_for_token(
        await start_session(await account_id("cme@test.example"), IDLE), IDLE
    )
    assert la is not None and la.viewer.school_id is None and la.viewer.la_id == world.la_id
    assert await session_for_token("not-a-session", IDLE) is None


async def test_an_expired_session_is_refused_and_deleted(world: World) -> None:
    token = await start_session(await account_id("ao.a@test.example"), IDLE)
    await WebSession.update({WebSession.expires_at: utcnow() - timedelta(seconds=1)}).where(
        WebSession.account == await account_id("ao.a@test.example")
    )
    assert await session_for_token(token, IDLE) is None
    assert await WebSession.count() == 0


async def test_the_expiry_slides_at_most_once_a_minute(world: World) -> None:
    email = "ao.a@test.example"
    token = await start_session(await account_id(email), IDLE)
    recent = utcnow() + IDLE - timedelta(seconds=20)
    await WebSession.update({WebSession.expires_at: recent}).where(
        WebSession.account == await account_id(email)
    )
    assert await session_for_token(token, IDLE) is not None
    assert await expires_at(email) == recent, "used within the minute: not written"
    older = utcnow() + IDLE - timedelta(minutes=5)
    await WebSession.update({WebSession.expires_at: older}).where(
        WebSession.account == await account_id(email)
    )
    before = utcnow()
    assert await session_for_token(token, IDLE) is not None
    slid = await expires_at(email)
    assert isinstance(slid, type(before)) and slid >= before + IDLE


async def test_deactivated_and_must_change_accounts(world: World) -> None:
    ao = await account_id("ao.a@test.example")
    token = await start_session(ao, IDLE)
    await Account.update({Account.must_change_password: True}).where(Account.id == ao)
    state = await session_for_token(token, IDLE)
    assert state is not None and state.must_change_password
    await Account.update({Account.active: False}).where(Account.id == ao)
    assert await session_for_token(token, IDLE) is None
