"""Choosing a password: through a one-time link an administrator issued, or by the signed-in
person replacing their own.

A link is a random token; only its hash is stored, it expires after `RESET_LIFETIME` and works
once. There is no email sending: the administrator is shown the link once and passes it on by
a secure route.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cme import identifiers
from cme.access import Viewer
from cme.errors import InvalidField, NotFound, Refused
from cme.events import Action
from cme.signin import minutes_left
from cme.storage import audit
from cme.storage.accounts import (
    hash_password,
    locked_out_until,
    password_matches,
    record_wrong_password,
    token_hash,
)
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.tables import Account, PasswordReset, SignInFailure, WebSession

RESET_LIFETIME = timedelta(hours=72)

NOT_VALID = (
    "This link is not valid. Check that you copied all of it, or ask your LA administrator "
    "for a new one."
)


@dataclass(frozen=True)
class Issued:
    """A link just issued: the token exists only here, never in the database."""

    account_id: int
    email: str
    display_name: str
    token: str
    expires_at: datetime


async def issue_link(account_id: int, now: datetime | None = None) -> tuple[str, datetime]:
    """A new one-time link for the account, inside the caller's transaction (which audits
    it). Earlier unused links stop working: only the newest one handed out is valid."""
    now = now or utcnow()
    await PasswordReset.delete().where(
        PasswordReset.account == account_id, PasswordReset.used_at.is_null()
    )
    token = secrets.token_urlsafe(32)
    expires_at = now + RESET_LIFETIME
    await PasswordReset.insert(
        PasswordReset(
            account=account_id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=expires_at,
            used_at=None,
        )
    )
    return token, expires_at


async def issue_for_email(email: str) -> Issued:
    """A one-time link for an operator at the command line (no administrator signed in), for
    example when an LA's only administrator has lost their password."""
    email = identifiers.email(email)
    async with write_transaction():
        row = (
            await Account.select(Account.id, Account.display_name, Account.la, Account.active)
            .where(Account.email == email)
            .first()
        )
        if row is None or not row["active"]:
            raise NotFound(f"There is no active account with the email address {email}.")
        await Account.update({Account.must_change_password: True}).where(Account.id == row["id"])
        token, expires_at = await issue_link(int(row["id"]))
        await audit.record(
            Action.PASSWORD_RESET_ISSUED,
            la_id=row["la"],
            account=row["id"],
            email=email,
            expires_at=expires_at.isoformat(),
        )
    return Issued(int(row["id"]), email, row["display_name"], token, expires_at)


async def link_holder(token: str, now: datetime | None = None) -> dict[str, Any]:
    """The account a link is for, or a refusal saying why the link cannot be used."""
    now = now or utcnow()
    row: dict[str, Any] | None = (
        await PasswordReset.select(
            PasswordReset.id,
            PasswordReset.expires_at,
            PasswordReset.used_at,
            PasswordReset.account.id,
            PasswordReset.account.email,
            PasswordReset.account.display_name,
            PasswordReset.account.active,
        )
        .where(PasswordReset.token_hash == token_hash(token))
        .first()
    )
    if row is None or not row["account.active"]:
        raise NotFound(NOT_VALID)
    if row["used_at"] is not None:
        raise Refused(
            "This link has already been used.",
            [
                "Sign in with the password you chose, or ask your LA administrator for a new "
                "link if you have forgotten it."
            ],
        )
    if row["expires_at"] <= now:
        raise Refused(
            "This link has expired.",
            ["Links work for 72 hours. Ask your LA administrator for a new one."],
        )
    return row


def _new_password(password: str, confirm: str) -> str:
    identifiers.password(password)
    if password != confirm:
        raise InvalidField("Confirm password", "The two passwords are not the same.")
    return password


async def choose_with_link(
    token: str, password: str, confirm: str, now: datetime | None = None
) -> int:
    """Set the password of the link's account; returns the account id, for a new session.

    The link is spent, the account's other sessions end and its sign-in failures are cleared
    (a locked-out person given a link is let back in).
    """
    now = now or utcnow()
    _new_password(password, confirm)
    async with write_transaction():
        row = await link_holder(token, now)
        # Spend the link in the same statement that checks it is unspent, so that two
        # submissions at once cannot both use it.
        spent = (
            await PasswordReset.update({PasswordReset.used_at: now})
            .where(PasswordReset.id == row["id"], PasswordReset.used_at.is_null())
            .returning(PasswordReset.id)
        )
        if not spent:
            raise Refused("This link has already been used.")
        account_id = int(row["account.id"])
        await _store(account_id, password)
        await SignInFailure.delete().where(SignInFailure.email == row["account.email"])
        la = await Account.select(Account.la).where(Account.id == account_id).first()
        await audit.record(
            Action.PASSWORD_SET,
            account_id=account_id,
            la_id=la["la"] if la else None,
            email=row["account.email"],
            by_link=True,
        )
    return account_id


async def change_own(viewer: Viewer, current: str, password: str, confirm: str) -> None:
    """The signed-in person replaces their password; their other sessions end.

    Wrong current passwords count towards the same lock-out as failed sign-ins, so that
    whoever holds someone's open session cannot guess their password here without limit.
    """
    now = utcnow()
    until = await locked_out_until(viewer.email, now)
    if until is not None:
        raise Refused(
            "Too many wrong passwords. Try again in "
            f"{minutes_left(until, now)} minutes, or ask your LA administrator."
        )
    row = await Account.select(Account.password_hash).where(Account.id == viewer.user_id).first()
    if row is None or not password_matches(row["password_hash"], current):
        await record_wrong_password(viewer.email, viewer.la_id, now)
        raise InvalidField("Current password", "That is not your current password.")
    _new_password(password, confirm)
    if password == current:
        raise InvalidField("New password", "Choose a password different from your current one.")
    async with write_transaction():
        await _store(viewer.user_id, password)
        await audit.record(Action.PASSWORD_CHANGED, viewer=viewer)


async def _store(account_id: int, password: str) -> None:
    await Account.update(
        {Account.password_hash: hash_password(password), Account.must_change_password: False}
    ).where(Account.id == account_id)
    await WebSession.delete().where(WebSession.account == account_id)
