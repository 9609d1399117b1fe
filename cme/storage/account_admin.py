"""An LA administrator's work on the accounts of their own LA: add, edit, deactivate,
reactivate, unlock, and issue one-time password links.

Every account is looked up within the administrator's LA, so another LA's account id is
"not found". Every change is audited inside its own transaction. No change may leave an LA
without an active administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cme import identifiers
from cme.access import Viewer
from cme.errors import InvalidField, NotFound, Refused
from cme.events import Action
from cme.roles import Role, parse_role
from cme.signin import WINDOW, locked_until
from cme.storage import audit
from cme.storage.accounts import insert_account, placement
from cme.storage.clock import utcnow
from cme.storage.engine import is_sqlite, write_transaction
from cme.storage.passwords import Issued, issue_link
from cme.storage.tables import Account, LocalAuthority, PasswordReset, SignInFailure, WebSession

_COLUMNS = (
    Account.id,
    Account.email,
    Account.display_name,
    Account.role,
    Account.active,
    Account.must_change_password,
    Account.created_at,
    Account.school.id,
    Account.school.name,
    Account.school.urn,
)


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    display_name: str
    role: Role
    active: bool
    must_change_password: bool
    created_at: datetime
    school_id: int | None
    school_name: str | None
    school_urn: str | None
    locked_until: datetime | None

    @property
    def status(self) -> str:
        if not self.active:
            return "Deactivated"
        if self.locked_until is not None:
            return "Locked out"
        if self.must_change_password:
            return "Must choose a password"
        return "Active"


def _record(row: dict[str, Any], locked: datetime | None) -> UserRecord:
    return UserRecord(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        must_change_password=bool(row["must_change_password"]),
        created_at=row["created_at"],
        school_id=row["school.id"],
        school_name=row["school.name"],
        school_urn=row["school.urn"],
        locked_until=locked if row["active"] else None,
    )


async def _locks(emails: list[str], now: datetime) -> dict[str, datetime]:
    if not emails:
        return {}
    rows = await SignInFailure.select(SignInFailure.email, SignInFailure.at).where(
        SignInFailure.email.is_in(emails), SignInFailure.at > now - WINDOW
    )
    by_email: dict[str, list[datetime]] = {}
    for row in rows:
        by_email.setdefault(row["email"], []).append(row["at"])
    locks = {email: locked_until(ats, now) for email, ats in by_email.items()}
    return {email: until for email, until in locks.items() if until is not None}


async def users_of(viewer: Viewer, now: datetime | None = None) -> list[UserRecord]:
    now = now or utcnow()
    rows = await Account.select(*_COLUMNS).where(Account.la == viewer.la_id).order_by(Account.email)
    locks = await _locks([r["email"] for r in rows], now)
    return [_record(r, locks.get(r["email"])) for r in rows]


async def user_of(viewer: Viewer, account_id: int, now: datetime | None = None) -> UserRecord:
    now = now or utcnow()
    row = (
        await Account.select(*_COLUMNS)
        .where(Account.id == account_id, Account.la == viewer.la_id)
        .first()
    )
    if row is None:
        raise NotFound("There is no such user in your LA.")
    locks = await _locks([row["email"]], now)
    return _record(row, locks.get(row["email"]))


async def invite(
    viewer: Viewer, *, email: str, display_name: str, role: str, school_urn: str
) -> Issued:
    """Add an account with no password, and a one-time link for its owner to choose one."""
    _role_chosen(role)
    # The form asks for the name: none typed is a mistake to point out, not one to fill in.
    identifiers.name(display_name, "full name")
    async with write_transaction():
        account_id = await insert_account(
            email=email,
            password=None,
            role=role,
            display_name=display_name,
            school_urn=school_urn,
            by=viewer,
        )
        token, expires_at = await issue_link(account_id)
        await audit.record(
            Action.PASSWORD_RESET_ISSUED,
            viewer=viewer,
            account=account_id,
            email=identifiers.email(email),
            expires_at=expires_at.isoformat(),
        )
    user = await user_of(viewer, account_id)
    return Issued(account_id, user.email, user.display_name, token, expires_at)


def _role_chosen(role: str) -> str:
    if not role.strip():
        raise InvalidField("Role", "Choose the person's role.")
    return role


async def _keep_an_admin(viewer: Viewer, account_id: int, what: str) -> None:
    """Refuse a change that would leave the LA with no active administrator."""
    if not is_sqlite():
        # Two administrators demoting each other at once must queue here, not both pass.
        await (
            LocalAuthority.select(LocalAuthority.id)
            .where(LocalAuthority.id == viewer.la_id)
            .lock_rows()
        )
    others = await Account.count().where(
        Account.la == viewer.la_id,
        Account.role == Role.LA_ADMIN.value,
        Account.active.eq(True),
        Account.id != account_id,
    )
    if others == 0:
        yours = account_id == viewer.user_id
        who = "You are" if yours else "This person is"
        raise Refused(
            f"{what} would leave {viewer.la_name} with no LA administrator.",
            [
                f"{who} its only active LA administrator, and someone must be able to manage "
                "users. Add or reactivate another LA administrator first."
            ],
        )


async def edit(
    viewer: Viewer, account_id: int, *, display_name: str, role: str, school_urn: str
) -> UserRecord:
    """Change a user's name, role and school; returns the user as now stored."""
    new_role = parse_role(_role_chosen(role))
    name = identifiers.name(display_name, "full name")
    school_id, _ = await placement(new_role, school_urn, None, viewer)
    async with write_transaction():
        before = await user_of(viewer, account_id)
        if before.role is Role.LA_ADMIN and new_role is not Role.LA_ADMIN and before.active:
            await _keep_an_admin(viewer, account_id, "Changing this role")
        changes: dict[str, list[str | None]] = {}
        if name != before.display_name:
            changes["name"] = [before.display_name, name]
        if new_role is not before.role:
            changes["role"] = [before.role.value, new_role.value]
        if school_id != before.school_id:
            new_school = None
            if school_id is not None:
                new_school = (school_urn or "").strip()
            changes["school"] = [before.school_urn, new_school]
        if changes:
            await Account.update(
                {
                    Account.display_name: name,
                    Account.role: new_role.value,
                    Account.school: school_id,
                }
            ).where(Account.id == account_id)
            await audit.record(
                Action.ACCOUNT_EDITED,
                viewer=viewer,
                school_id=school_id or before.school_id,
                account=account_id,
                email=before.email,
                changes=changes,
            )
    return await user_of(viewer, account_id)


async def deactivate(viewer: Viewer, account_id: int) -> UserRecord:
    """Stop the account signing in; its sessions end and its unused links stop working."""
    if account_id == viewer.user_id:
        raise Refused(
            "You cannot deactivate your own account.",
            ["Another LA administrator can do it, so that an LA is never left unmanaged."],
        )
    async with write_transaction():
        user = await user_of(viewer, account_id)
        if not user.active:
            return user
        if user.role is Role.LA_ADMIN:
            await _keep_an_admin(viewer, account_id, "Deactivating this account")
        await Account.update({Account.active: False}).where(Account.id == account_id)
        ended = (
            await WebSession.delete()
            .where(WebSession.account == account_id)
            .returning(WebSession.id)
        )
        await PasswordReset.delete().where(
            PasswordReset.account == account_id, PasswordReset.used_at.is_null()
        )
        await audit.record(
            Action.ACCOUNT_DEACTIVATED,
            viewer=viewer,
            school_id=user.school_id,
            account=account_id,
            email=user.email,
            sessions_ended=len(ended),
        )
    return await user_of(viewer, account_id)


async def reactivate(viewer: Viewer, account_id: int) -> UserRecord:
    async with write_transaction():
        user = await user_of(viewer, account_id)
        if user.active:
            return user
        await Account.update({Account.active: True}).where(Account.id == account_id)
        await audit.record(
            Action.ACCOUNT_REACTIVATED,
            viewer=viewer,
            school_id=user.school_id,
            account=account_id,
            email=user.email,
        )
    return await user_of(viewer, account_id)


async def unlock(viewer: Viewer, account_id: int) -> UserRecord:
    """Clear the account's failed sign-ins, so that it can sign in again at once."""
    async with write_transaction():
        user = await user_of(viewer, account_id)
        cleared = (
            await SignInFailure.delete()
            .where(SignInFailure.email == user.email)
            .returning(SignInFailure.id)
        )
        await audit.record(
            Action.ACCOUNT_UNLOCKED,
            viewer=viewer,
            school_id=user.school_id,
            account=account_id,
            email=user.email,
            failures_cleared=len(cleared),
        )
    return await user_of(viewer, account_id)


async def issue_reset(viewer: Viewer, account_id: int) -> Issued:
    """A one-time link for the user to choose a new password. Until they do, their next
    sign-in leads only to choosing one; their current password still signs them in, so a
    reset issued by mistake locks nobody out."""
    async with write_transaction():
        user = await user_of(viewer, account_id)
        if not user.active:
            raise Refused(
                f"{user.display_name}'s account is deactivated.",
                ["Reactivate it first, then issue a password link."],
            )
        await Account.update({Account.must_change_password: True}).where(Account.id == account_id)
        token, expires_at = await issue_link(account_id)
        await audit.record(
            Action.PASSWORD_RESET_ISSUED,
            viewer=viewer,
            school_id=user.school_id,
            account=account_id,
            email=user.email,
            expires_at=expires_at.isoformat(),
        )
    return Issued(account_id, user.email, user.display_name, token, expires_at)
