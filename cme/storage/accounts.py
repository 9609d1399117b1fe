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
from cme.errors import InvalidField, NotFound
from cme.events import Action
from cme.roles import Role, parse_role
from cme.signin import locked_until, minutes_left
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.organisations import la_id_for_code, school_for_urn
from cme.storage.tables import Account, PasswordReset, SignInFailure, WebSession

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
    password: str | None,
    role: str | Role,
    display_name: str = "",
    school_urn: str | None = None,
    la_code: str | None = None,
    by: Viewer | None = None,
) -> int:
    """Create an account. School roles need a school (its LA is implied); LA roles an LA.

    With no password (an administrator adding someone), the account cannot be signed in to
    until its owner chooses a password through a one-time link (`cme.storage.passwords`).
    """
    async with write_transaction():
        return await insert_account(
            email=email,
            password=password,
            role=role,
            display_name=display_name,
            school_urn=school_urn,
            la_code=la_code,
            by=by,
        )


async def insert_account(
    *,
    email: str,
    password: str | None,
    role: str | Role,
    display_name: str = "",
    school_urn: str | None = None,
    la_code: str | None = None,
    by: Viewer | None = None,
) -> int:
    """`add_account` inside the caller's transaction, so that more can join the same change."""
    email = identifiers.email(email)
    if password is not None:
        identifiers.password(password)
    role = role if isinstance(role, Role) else parse_role(role)
    school_id, la_id = await placement(role, school_urn, la_code, by)
    display_name = identifiers.name(display_name or email.split("@")[0], "full name")
    if await Account.exists().where(Account.email == email):
        raise InvalidField(
            "Email address", f"There is already an account with the email address {email}."
        )
    rows = await Account.insert(
        Account(
            email=email,
            display_name=display_name,
            # An empty hash matches no password: nobody can sign in until one is chosen.
            password_hash=_hasher.hash(password) if password is not None else "",
            role=role.value,
            la=la_id,
            school=school_id,
            active=True,
            created_at=utcnow(),
            must_change_password=password is None,
        )
    ).returning(Account.id)
    account_id = int(rows[0]["id"])
    await audit.record(
        Action.ACCOUNT_ADDED,
        viewer=by,
        la_id=la_id,
        school_id=school_id,
        email=email,
        name=display_name,
        role=role.value,
        new_account=account_id,
    )
    return account_id


async def placement(
    role: Role, school_urn: str | None, la_code: str | None, by: Viewer | None
) -> tuple[int | None, int]:
    """The school (if any) and LA an account with `role` belongs to, checked against the role
    and, for an administrator's change, against the administrator's own LA."""
    school_urn = (school_urn or "").strip() or None
    if role.works_in_school:
        if not school_urn:
            raise InvalidField("School", f"{_sentence(role.with_article)} must belong to a school.")
        try:
            school = await school_for_urn(school_urn)
        except NotFound:
            if by is None:
                raise
            school = {"la.id": None}
        if by is not None and by.la_id != school["la.id"]:
            # Another LA's school is "not there" for this administrator, as in every list.
            raise InvalidField(
                "School", f"There is no school with URN {school_urn} in {by.la_name}."
            )
        if la_code and identifiers.la_code(la_code) != school["la.code"]:
            raise InvalidField("School", f"School {school_urn} is not in LA {la_code}.")
        return int(school["id"]), int(school["la.id"])
    if school_urn:
        raise InvalidField(
            "School",
            f"{_sentence(role.with_article)} works for the LA, not for a school: choose no school.",
        )
    if by is not None:
        return None, by.la_id
    if not la_code:
        raise InvalidField(
            "LA", f"{_sentence(role.with_article)} must belong to an LA: give its code."
        )
    return None, await la_id_for_code(la_code)


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
    until = await locked_out_until(email, now)
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
    # An account still waiting for its first password has no hash: it is verified against
    # the dummy like an unknown address, or its quick refusal would show that it exists.
    stored = row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH
    if (
        not _password_matches(stored, password)
        or not (row and row["active"])
        or (stored is _DUMMY_HASH)
    ):
        await record_wrong_password(email, row["la"] if row else None, now)
        return SignIn(None, "That email address and password do not match an account.")
    async with write_transaction():
        await SignInFailure.delete().where(SignInFailure.email == email)
        viewer = await viewer_for_account(int(row["id"]))
        await audit.record(Action.SIGNIN, viewer=viewer)
    return SignIn(viewer)


async def locked_out_until(email: str, now: datetime) -> datetime | None:
    """When passwords for `email` are checked again after repeated wrong ones, or None."""
    failures = await SignInFailure.select(SignInFailure.at).where(
        SignInFailure.email == email, SignInFailure.at > now - timedelta(hours=1)
    )
    return locked_until([row["at"] for row in failures], now)


async def record_wrong_password(email: str, la_id: int | None, now: datetime) -> None:
    """Count a wrong password towards the lock-out of `email`, and audit it."""
    async with write_transaction():
        await SignInFailure.insert(SignInFailure(email=email, at=now))
        await audit.record(Action.SIGNIN_FAILED, la_id=la_id, email=email)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def hash_password(password: str) -> str:
    return _hasher.hash(identifiers.password(password))


def password_matches(stored_hash: str, password: str) -> bool:
    return _password_matches(stored_hash, password)


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


def token_hash(token: str) -> str:
    """What is stored of a session id or a one-time link: a copy of the database cannot be
    used to hijack sessions or accounts."""
    return _token_hash(token)


def _token_hash(token: str) -> str:
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


@dataclass(frozen=True)
class SessionState:
    viewer: Viewer
    # The person must choose a password before any other page (see Account).
    must_change_password: bool


# The session and its account, in one plain statement: every request runs it, and building
# the joins with the query builder cost more than running them.
_SESSION_SQL = (
    "SELECT s.id AS session, s.expires_at, a.active, a.must_change_password, a.id, a.email, "
    'a.display_name, a.role, la.id AS "la.id", la.code AS "la.code", la.name AS "la.name", '
    'sc.id AS "school.id", sc.urn AS "school.urn", sc.name AS "school.name" '
    "FROM web_session s JOIN account a ON a.id = s.account "
    "LEFT JOIN local_authority la ON la.id = a.la LEFT JOIN school sc ON sc.id = a.school "
    "WHERE s.token_hash = {}"
)


async def session_for_token(token: str, idle: timedelta) -> SessionState | None:
    now = utcnow()
    rows = await WebSession.raw(_SESSION_SQL, _token_hash(token))
    row = rows[0] if rows else None
    if row is None or not row["active"]:
        return None
    if row["expires_at"] <= now:
        await WebSession.delete().where(WebSession.id == row["session"])
        return None
    # Slide the expiry, but write at most once a minute rather than on every request.
    if row["expires_at"] - now < idle - timedelta(minutes=1):
        await WebSession.update({WebSession.expires_at: now + idle}).where(
            WebSession.id == row["session"]
        )
    return SessionState(_viewer(row), bool(row["must_change_password"]))


async def must_change_password(account_id: int) -> bool:
    row = await Account.select(Account.must_change_password).where(Account.id == account_id).first()
    return bool(row and row["must_change_password"])


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
        # Spent or expired password links are worthless; the audit trail keeps their story.
        await PasswordReset.delete().where(PasswordReset.expires_at < now - timedelta(days=1))
    return len(gone)
