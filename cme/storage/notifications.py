"""Notices to the people something needs, and the outbox of their emails.

`notify` is called by a use case inside its own write transaction, so a notice exists exactly
when the change that caused it does; its emails are written to the outbox in the same
transaction and sent later by the `send_emails` job (cme.jobs.tasks). A person sees and marks
read only their own notices: anyone else's id is not found.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.query import Select

from cme.access import Viewer
from cme.errors import InvalidField, NotFound
from cme.jobs import JobQueue, QueueUnavailable
from cme.mail import MAX_ATTEMPTS, Outgoing, retry_delay
from cme.notices import EMAIL_SUBJECT, NoticeKind, email_text, safe_link
from cme.roles import Role
from cme.settings import MailSettings, mail_from_env
from cme.storage.clock import utcnow
from cme.storage.engine import current_engine, write_transaction
from cme.storage.tables import Account, EmailOutbox, Notification

log = logging.getLogger(__name__)

PAGE_SIZE = 30
BATCH_SIZE = 100
# How long a sender has an email in hand before another may take it (a sender that died).
CLAIM_SECONDS = 300
SEND_SECONDS = 60


class NotifyOutsideTransaction(RuntimeError):
    """A bug: a notice written apart from the change that caused it."""


async def notify(
    kind: NoticeKind,
    *,
    la_id: int,
    school_id: int | None,
    roles: Collection[Role],
    link: str,
    case_id: int | None = None,
    accounts: Collection[int] | None = None,
) -> int:
    """Tell every active account of `roles` in the school (or, with no school, in the LA),
    or only those of them in `accounts`, that `kind` needs them; returns how many notices
    were written. A person who already has
    an unread notice of this kind about this case (or, without a case, to this link) gets no
    second one."""
    if not current_engine().transaction_exists():
        raise NotifyOutsideTransaction(
            f"notice {kind.value!r} must be written inside the change's transaction"
        )
    link = safe_link(link)
    kind = NoticeKind(kind)
    if not roles:
        return 0
    query = Account.select(Account.id, Account.email).where(
        Account.la == la_id,
        Account.active.eq(True),
        Account.role.is_in([Role(r).value for r in roles]),
    )
    if school_id is not None:
        query = query.where(Account.school == school_id)
    if accounts is not None:
        query = query.where(Account.id.is_in(list(accounts) or [-1]))
    recipients = {row["id"]: row["email"] for row in await query}
    if not recipients:
        return 0
    already = Notification.select(Notification.account).where(
        Notification.account.is_in(list(recipients)),
        Notification.kind == kind.value,
        Notification.read_at.is_null(),
    )
    if case_id is not None:
        already = already.where(Notification.case_id == case_id)
    else:
        already = already.where(Notification.case_id.is_null(), Notification.link == link)
    for row in await already:
        recipients.pop(row["account"], None)

    mail = mail_from_env()
    now = utcnow()
    written = 0
    for account_id, email in sorted(recipients.items()):
        # DO NOTHING: a notice another transaction wrote meanwhile (the unique index on
        # unread notices) is not a reason to undo the caller's change.
        rows = await (
            Notification.insert(
                Notification(
                    account=account_id, created_at=now, kind=kind.value, link=link, case_id=case_id
                )
            )
            .on_conflict(action="DO NOTHING")
            .returning(Notification.id)
        )
        if not rows:
            continue
        written += 1
        if mail is not None:
            await EmailOutbox.insert(
                EmailOutbox(
                    notification=rows[0]["id"],
                    to_address=email,
                    subject=EMAIL_SUBJECT,
                    body=email_text(kind, mail.base_url + link, mail.base_url + "/notifications"),
                    created_at=now,
                    attempts=0,
                    last_error="",
                )
            )
    return written


async def send_soon(queue: JobQueue) -> None:
    """After commit: send the outbox now rather than at the worker's next minute."""
    if mail_from_env() is None:
        return
    try:
        # No job id: arq keeps a finished job's id for an hour, and this must run every time.
        await queue.enqueue("send_emails")
    except QueueUnavailable as exc:
        # The worker drains the outbox every minute once the queue is back: nothing is lost.
        log.warning("emails will go at the next sweep: %s", exc)


@dataclass(frozen=True)
class Notice:
    id: int
    kind: NoticeKind
    link: str
    created_at: datetime
    read: bool
    case_id: int | None = None

    @property
    def label(self) -> str:
        return self.kind.label


@dataclass(frozen=True)
class NoticePage:
    notices: list[Notice]
    page: int
    pages: int
    unread: int
    total: int


def _own(viewer: Viewer) -> Any:
    return Notification.account == viewer.user_id


async def unread_count(viewer: Viewer) -> int:
    """One COUNT over the (account, read_at) index: shown in the header of every page."""
    return int(await Notification.count().where(_own(viewer), Notification.read_at.is_null()))


async def list_for(viewer: Viewer, page: int = 1) -> NoticePage:
    """The viewer's notices, newest first, PAGE_SIZE a page."""
    if page < 1:
        raise InvalidField("Page", "There is no such page of notifications.")
    total = int(await Notification.count().where(_own(viewer)))
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        raise InvalidField("Page", f"There are only {pages} pages of notifications.")
    query: Select[Any] = (
        Notification.select(
            Notification.id,
            Notification.kind,
            Notification.link,
            Notification.created_at,
            Notification.read_at,
            Notification.case_id,
        )
        .where(_own(viewer))
        .order_by(Notification.created_at, Notification.id, ascending=False)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    notices = [
        Notice(
            id=row["id"],
            kind=NoticeKind(row["kind"]),
            link=row["link"],
            created_at=row["created_at"],
            read=row["read_at"] is not None,
            case_id=row["case_id"],
        )
        for row in await query
        if row["kind"] in NoticeKind._value2member_map_
    ]
    return NoticePage(
        notices=notices, page=page, pages=pages, unread=await unread_count(viewer), total=total
    )


async def mark_read(viewer: Viewer, notification_id: int) -> str:
    """Marks the viewer's own notice read and returns the page it links to."""
    async with write_transaction():
        rows = await Notification.select(Notification.link, Notification.read_at).where(
            Notification.id == notification_id, _own(viewer)
        )
        if not rows:
            raise NotFound("There is no such notification.")
        if rows[0]["read_at"] is None:
            await Notification.update({Notification.read_at: utcnow()}).where(
                Notification.id == notification_id
            )
    return str(rows[0]["link"])


async def mark_all_read(viewer: Viewer) -> int:
    async with write_transaction():
        unread = await unread_count(viewer)
        await Notification.update({Notification.read_at: utcnow()}).where(
            _own(viewer), Notification.read_at.is_null()
        )
    return unread


# --- the outbox, for the send_emails job ---


async def claim_due_emails(now: datetime | None = None, limit: int = BATCH_SIZE) -> list[Outgoing]:
    """Take up to `limit` emails due to be sent, counting this try. A claimed email is not
    due again for CLAIM_SECONDS, so two senders running at once never send it twice."""
    now = now or utcnow()
    due = (
        EmailOutbox.sent_at.is_null()
        & (EmailOutbox.attempts < MAX_ATTEMPTS)
        & (EmailOutbox.next_attempt_at.is_null() | (EmailOutbox.next_attempt_at <= now))
    )
    async with write_transaction():
        ids = [
            row["id"]
            for row in await EmailOutbox.select(EmailOutbox.id)
            .where(due)
            .order_by(EmailOutbox.id)
            .limit(limit)
        ]
        if not ids:
            return []
        # `due` again: on PostgreSQL a sender that waited for another's claim re-reads the
        # rows and skips those it took.
        claimed = await (
            EmailOutbox.update(
                {
                    EmailOutbox.attempts: EmailOutbox.attempts + 1,
                    EmailOutbox.next_attempt_at: now + timedelta(seconds=CLAIM_SECONDS),
                }
            )
            .where(EmailOutbox.id.is_in(ids), due)
            .returning(
                EmailOutbox.id, EmailOutbox.to_address, EmailOutbox.subject, EmailOutbox.body
            )
        )
    return sorted(
        (
            Outgoing(id=r["id"], to_address=r["to_address"], subject=r["subject"], body=r["body"])
            for r in claimed
        ),
        key=lambda e: e.id,
    )


async def record_results(
    results: dict[int, str | None], now: datetime | None = None
) -> dict[str, int]:
    now = now or utcnow()
    sent = failed = given_up = 0
    async with write_transaction():
        for email_id, error in sorted(results.items()):
            if error is None:
                await EmailOutbox.update(
                    {EmailOutbox.sent_at: now, EmailOutbox.last_error: ""}
                ).where(EmailOutbox.id == email_id)
                sent += 1
                continue
            rows = await EmailOutbox.select(EmailOutbox.attempts).where(EmailOutbox.id == email_id)
            attempts = rows[0]["attempts"] if rows else MAX_ATTEMPTS
            await EmailOutbox.update(
                {
                    EmailOutbox.last_error: error[:2000],
                    EmailOutbox.next_attempt_at: now + retry_delay(attempts),
                }
            ).where(EmailOutbox.id == email_id)
            if attempts >= MAX_ATTEMPTS:
                given_up += 1
                log.error("email %s given up after %s tries: %s", email_id, attempts, error)
            else:
                failed += 1
    return {"sent": sent, "failed": failed, "given_up": given_up}


async def send_due_emails(mail: MailSettings | None = None) -> dict[str, Any]:
    """Send the emails due, batch by batch, until none is left or time is up."""
    from cme.mail import deliver

    mail = mail or mail_from_env()
    if mail is None:
        return {"status": "email is off", "sent": 0, "failed": 0, "given_up": 0}
    totals = {"sent": 0, "failed": 0, "given_up": 0}
    # Well inside the job's timeout: what is left goes at the next minute's run.
    deadline = time.monotonic() + SEND_SECONDS
    while time.monotonic() < deadline and (batch := await claim_due_emails()):
        outcome = await record_results(await deliver(mail, batch))
        totals = {k: totals[k] + outcome[k] for k in totals}
    return {"status": "done", **totals}
