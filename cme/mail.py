"""Handing emails to the SMTP server named by CME_SMTP_URL (aiosmtplib).

One connection carries a batch. A message the server refuses fails alone; a server that
cannot be reached, or refuses the sign-in, fails the rest of the batch with that reason, so
a dead server costs one connection timeout per batch, not one per email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from cme.settings import MailSettings

SMTP_TIMEOUT_SECONDS = 20
# Tries of one email before it is given up (its last error kept); with the back-off below
# they span about two hours, long enough for a mail server's restart or maintenance.
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Outgoing:
    id: int
    to_address: str
    subject: str
    body: str


def message(mail: MailSettings, email: Outgoing) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = mail.mail_from
    msg["To"] = email.to_address
    msg["Subject"] = email.subject
    msg["Message-ID"] = make_msgid(domain=mail.mail_from.rpartition("@")[2] or None)
    msg.set_content(email.body)
    return msg


async def deliver(mail: MailSettings, emails: Sequence[Outgoing]) -> dict[int, str | None]:
    """Send each email; returns, by id, None when the server accepted it, else the reason."""
    results: dict[int, str | None] = {}
    if not emails:
        return results
    server = mail.server
    client = aiosmtplib.SMTP(
        hostname=server.host,
        port=server.port,
        username=server.username,
        password=server.password,
        use_tls=server.implicit_tls,
        start_tls=server.start_tls,
        timeout=SMTP_TIMEOUT_SECONDS,
    )
    try:
        for n, email in enumerate(emails):
            if not client.is_connected:
                # The first connection, or a new one after the server dropped the last.
                try:
                    await client.connect()
                except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                    reason = (
                        f"cannot send through the mail server {server.host}:{server.port}: "
                        f"{_why(exc)}"
                    )
                    results.update({rest.id: reason for rest in emails[n:]})
                    break
            try:
                await client.send_message(message(mail, email))
                results[email.id] = None
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                results[email.id] = f"the mail server did not take it: {_why(exc)}"
    finally:
        if client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()
    return results


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed try, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
