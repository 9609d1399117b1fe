"""Accounts, passwords, sign-in with lock-out, and server-side sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cme import identifiers
from cme.access import Viewer
from cme.errors import Conflict, InvalidField, NotFound
from cme.events import Action
from cme.roles import Role, parse_role
from cme.signin import locked_until, minutes_left
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.organisations import la_id_for_code, school_for_urn
from cme.storage.tables import Account, SignInFailure, WebSession

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that a wrong address takes as long to
# reject as a wrong password and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class SignIn:
    viewer: Viewer | None
    message: str = ""


async def add_account(
    *,
    email: str,
    password: str,
    role: str | Role,
    display_name: str = "",
    school_urn: str | None = None,
    la_code: str | None = None,
    by: Viewer | None = None,
) -> int:
    """Create an account. School roles need a school (its LA is implied); LA roles an LA."""
    email = identifiers.email(email)
    identifiers.password(password)
    role = role if isinstance(role, Role) else parse_role(role)
    school_id: int | None = None
    if role.works_in_school:
        if not school_urn:
            raise InvalidField("School", f"{_sentence(role.with_article)} must belong to a school.")
        school = await school_for_urn(school_urn)
        school_id, la_id = int(school["id"]), int(school["la.id"])
        if la_code and identifiers.la_code(la_code) != school["la.code"]:
            raise InvalidField("School", f"School {school_urn} is not in LA {la_code}.")
    else:
        if school_urn:
            raise InvalidField(
                "School",
                f"{_sentence(role.with_article)} works for the LA, so has no school: "
                "leave the school empty.",
            )
        if not la_code:
            raise InvalidField(
                "LA", f"{_sentence(role.with_article)} must belong to an LA: give its code."
            )
        la_id = await la_id_for_code(la_code)
    if by is not None and by.la_id != la_id:
        raise NotFound("There is no such school or LA.")
    display_name = identifiers.name(display_name or email.split("@")[0], "display name")
    async with write_transaction():
        if await Account.exists().where(Account.email == email):
            raise Conflict(f"There is already an account with the email address {email}.")
        rows = await Account.insert(
            Account(
                email=email,
                display_name=display_name,
                password_hash=_hasher.hash(password),
                role=role.value,
                la=la_id,
                school=school_id,
                active=True,
                created_at=utcnow(),
            )
        ).returning(Account.id)
        account_id = int(rows[0]["id"])
        await audit.record(
            Action.ACCOUNT_ADDED,
            viewer=by,
            la_id=la_id,
            school_id=school_id,
            email=email,
            role=role.value,
            new_account=account_id,
        )
    return account_id


async def set_password(email: str, password: str) -> None:
    identifiers.password(password)
    email = identifiers.email(email)
    async with write_transaction():
        updated = (
            await Account.update({Account.password_hash: _hasher.hash(password)})
            .where(Account.email == email)
            .returning(Account.id, Account.la)
        )
        if not updated:
            raise NotFound(f"There is no account with the email address {email}.")
        await audit.record(Action.PASSWORD_SET, account_id=updated[0]["id"], la_id=updated[0]["la"])


async def sign_in(email: str, password: str, now: datetime | None = None) -> SignIn:
    now = now or utcnow()
    try:
        email = identifiers.email(email)
    except ValueError:
        return SignIn(None, "Enter your email address and password.")
    failures = await SignInFailure.select(SignInFailure.at).where(
        SignInFailure.email == email, SignInFailure.at > now - timedelta(hours=1)
    )
    until = locked_until([row["at"] for row in failures], now)
    if until is not None:
        return SignIn(
            None,
            "Too many failed sign-ins for this email address. Try again in "
            f"{minutes_left(until, now)} minutes, or ask your LA administrator.",
        )
    row = (
        await Account.select(Account.id, Account.password_hash, Account.active, Account.la)
        .where(Account.email == email)
        .first()
    )
    if not _password_matches(row["password_hash"] if row else _DUMMY_HASH, password) or not (
        row and row["active"]
    ):
        async with write_transaction():
            await SignInFailure.insert(SignInFailure(email=email, at=now))
            await audit.record(Action.SIGNIN_FAILED, la_id=row["la"] if row else None, email=email)
        return SignIn(None, "That email address and password do not match an account.")
    async with write_transaction():
        await SignInFailure.delete().where(SignInFailure.email == email)
        viewer = await viewer_for_account(int(row["id"]))
        await audit.record(Action.SIGNIN, viewer=viewer)
    return SignIn(viewer)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def viewer_for_account(account_id: int) -> Viewer:
    row = await _viewer_query().where(Account.id == account_id).first()
    if row is None:
        raise NotFound("There is no such account.")
    return _viewer(row)


def _viewer_query() -> Any:
    return Account.select(
        Account.id,
        Account.email,
        Account.display_name,
        Account.role,
        Account.la.id,
        Account.la.code,
        Account.la.name,
        Account.school.id,
        Account.school.urn,
        Account.school.name,
    )


def _viewer(row: dict[str, Any]) -> Viewer:
    return Viewer(
        user_id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        la_id=row["la.id"],
        la_code=row["la.code"],
        la_name=row["la.name"],
        school_id=row["school.id"],
        school_urn=row["school.urn"],
        school_name=row["school.name"],
    )


def _token_hash(token: str) -> str:
    # Only a hash is stored, so a copy of the database cannot be used to hijack sessions.
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(account_id: int, idle: timedelta, replacing: str | None = None) -> str:
    """A new session id for the account; the one the browser came with is deleted, so a
    session id planted before sign-in is worthless after it."""
    if replacing:
        await end_session(replacing)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    await WebSession.insert(
        WebSession(
            token_hash=_token_hash(token), account=account_id, created_at=now, expires_at=now + idle
        )
    )
    return token


async def viewer_for_session(token: str, idle: timedelta) -> Viewer | None:
    now = utcnow()
    row = (
        await WebSession.select(
            WebSession.id, WebSession.expires_at, WebSession.account.active, WebSession.account.id
        )
        .where(WebSession.token_hash == _token_hash(token))
        .first()
    )
    if row is None or not row["account.active"]:
        return None
    if row["expires_at"] <= now:
        await WebSession.delete().where(WebSession.id == row["id"])
        return None
    # Slide the expiry, but write at most once a minute rather than on every request.
    if row["expires_at"] - now < idle - timedelta(minutes=1):
        await WebSession.update({WebSession.expires_at: now + idle}).where(
            WebSession.id == row["id"]
        )
    return await viewer_for_account(int(row["account.id"]))


async def end_session(token: str) -> None:
    await WebSession.delete().where(WebSession.token_hash == _token_hash(token))


async def sign_out(viewer: Viewer, token: str | None) -> None:
    async with write_transaction():
        if token:
            await end_session(token)
        await audit.record(Action.SIGNOUT, viewer=viewer)


async def purge_expired(now: datetime | None = None) -> int:
    now = now or utcnow()
    async with write_transaction():
        gone = (
            await WebSession.delete().where(WebSession.expires_at <= now).returning(WebSession.id)
        )
        await SignInFailure.delete().where(SignInFailure.at < now - timedelta(days=1))
    return len(gone)


async def accounts_in_la(viewer: Viewer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await (
        Account.select(
            Account.id,
            Account.email,
            Account.display_name,
            Account.role,
            Account.active,
            Account.school.name,
            Account.school.urn,
        )
        .where(Account.la == viewer.la_id)
        .order_by(Account.email)
    )
    return rows
