"""Notification emails through a real SMTP server (aiosmtpd) the test starts on 127.0.0.1.

Also STARTTLS with a password and implicit TLS, against a certificate made here and trusted
through SSL_CERT_FILE, as an operator with a private CA would do.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from cme.jobs.inprocess import InProcessQueue
from cme.jobs.tasks import JOBS, send_emails
from cme.mail import MAX_ATTEMPTS
from cme.notices import EMAIL_SUBJECT, NoticeKind
from cme.roles import Role
from cme.storage import accounts, notifications
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.tables import EmailOutbox
from tests.integration.helpers import PASSWORD, World

BASE_URL = "https://cme.example.test"


class Collect:
    """Keeps every message; refuses recipients whose address starts with "refuse"."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("refuse"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Collect, int]]:
    handler, port = Collect(), free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    monkeypatch.setenv("CME_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("CME_BASE_URL", BASE_URL)
    monkeypatch.setenv("CME_MAIL_FROM", "tracker@la.example.test")
    try:
        yield handler, port
    finally:
        server.stop()


async def _refer_now(world: World, case_id: int = 7) -> int:
    async with write_transaction():
        return await notifications.notify(
            NoticeKind.REFER_NOW,
            la_id=world.la_id,
            school_id=world.school_a,
            roles={Role.DSL},
            link=f"/school/cases/{case_id}",
            case_id=case_id,
        )


def _body(message: Message) -> str:
    part = message.get_payload(decode=True)
    assert isinstance(part, bytes)
    return part.decode()


async def test_the_job_emails_the_notice_with_a_link_and_no_child(
    world: World, smtp: tuple[Collect, int]
) -> None:
    handler, _ = smtp
    assert await _refer_now(world) == 1
    assert await EmailOutbox.count() == 1
    outcome = await send_emails({})
    assert outcome == {"status": "done", "sent": 1, "failed": 0, "given_up": 0}

    [(recipients, message)] = handler.messages
    assert recipients == ["dsl.a@test.example"]
    assert message["To"] == "dsl.a@test.example"
    assert message["From"] == "tracker@la.example.test"
    assert message["Subject"] == EMAIL_SUBJECT
    body = _body(message)
    assert f"{BASE_URL}/school/cases/7" in body
    assert f"{BASE_URL}/notifications" in body
    assert NoticeKind.REFER_NOW.label in body
    # The world's child in school A is "Testchild0 Example", UPN A370200124000.
    for detail in ("Testchild", "Example", "A3702001240", "School A"):
        assert detail not in body and detail not in message["Subject"]

    row = await EmailOutbox.select().first()
    assert row is not None and row["sent_at"] is not None and row["attempts"] == 1
    # Sent once: a second run sends nothing.
    assert (await send_emails({}))["sent"] == 0
    assert len(handler.messages) == 1


async def test_send_soon_sends_through_the_in_process_queue(
    world: World, smtp: tuple[Collect, int]
) -> None:
    handler, _ = smtp
    await _refer_now(world)
    queue = InProcessQueue(JOBS)
    await queue.start()
    await notifications.send_soon(queue)
    await queue.drain()
    await queue.close()
    assert len(handler.messages) == 1


async def test_a_refused_recipient_does_not_stop_the_others(
    world: World, smtp: tuple[Collect, int]
) -> None:
    handler, _ = smtp
    await accounts.add_account(
        email="refuse.dsl@test.example", password=PASSWORD, role="dsl", school_urn="100001"
    )
    assert await _refer_now(world) == 2
    outcome = await send_emails({})
    assert outcome["sent"] == 1 and outcome["failed"] == 1
    assert [to for to, _ in handler.messages] == [["dsl.a@test.example"]]
    failed = await EmailOutbox.select().where(EmailOutbox.sent_at.is_null()).first()
    assert failed is not None
    assert failed["to_address"] == "refuse.dsl@test.example"
    assert "no such mailbox" in failed["last_error"]


async def test_a_server_that_is_down_is_tried_again_later_then_given_up(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nothing listens there
    monkeypatch.setenv("CME_SMTP_URL", f"smtp://127.0.0.1:{port}")
    await _refer_now(world)
    outcome = await send_emails({})
    assert outcome == {"status": "done", "sent": 0, "failed": 1, "given_up": 0}
    row = await EmailOutbox.select().first()
    assert row is not None
    assert row["attempts"] == 1 and row["sent_at"] is None
    assert f"127.0.0.1:{port}" in row["last_error"]
    # Not tried again before its back-off has passed.
    assert row["next_attempt_at"] > utcnow()
    assert (await send_emails({}))["failed"] == 0

    # The server comes up and the back-off has passed: it is sent.
    handler = Collect()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        await EmailOutbox.update({EmailOutbox.next_attempt_at: utcnow()}, force=True)
        assert (await send_emails({}))["sent"] == 1
    finally:
        server.stop()
    assert len(handler.messages) == 1
    row = await EmailOutbox.select().first()
    assert row is not None and row["attempts"] == 2 and row["sent_at"] is not None
    assert row["last_error"] == ""

    # Another, with the server down for good: given up after the last try, error kept.
    await _refer_now(world, case_id=8)
    await EmailOutbox.update({EmailOutbox.attempts: MAX_ATTEMPTS - 1}).where(
        EmailOutbox.sent_at.is_null()
    )
    assert (await send_emails({}))["given_up"] == 1
    await EmailOutbox.update({EmailOutbox.next_attempt_at: utcnow()}).where(
        EmailOutbox.sent_at.is_null()
    )
    assert await notifications.claim_due_emails() == []
    row = await EmailOutbox.select().where(EmailOutbox.sent_at.is_null()).first()
    assert row is not None
    assert row["attempts"] == MAX_ATTEMPTS
    assert "cannot send through the mail server" in row["last_error"]


async def test_without_smtp_settings_no_email_is_queued(world: World) -> None:
    assert await _refer_now(world) == 1
    assert await EmailOutbox.count() == 0
    assert (await send_emails({}))["status"] == "email is off"


# --- encrypted connections ---


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, usable as its own CA."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CME test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


class _Passwords:
    def __init__(self) -> None:
        self.logins: list[str] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == b"s3cret p@ss"
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)


async def test_starttls_with_a_password(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cert_file, key_file = _certificate(tmp_path)
    handler, passwords, port = Collect(), _Passwords(), free_port()
    server = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(cert_file, key_file),
        require_starttls=True,
        auth_required=True,
        authenticator=passwords,
    )
    server.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    try:
        # A wrong password is a failed try, kept with the server's answer.
        monkeypatch.setenv("CME_SMTP_URL", f"smtp://mailer:wrong@127.0.0.1:{port}?starttls=1")
        await _refer_now(world)
        assert (await send_emails({}))["failed"] == 1
        row = await EmailOutbox.select().first()
        assert row is not None and "535" in row["last_error"]
        # The right one (percent-encoded in the URL) sends it.
        await EmailOutbox.update({EmailOutbox.next_attempt_at: utcnow()}, force=True)
        monkeypatch.setenv("CME_SMTP_URL", f"smtp://mailer:s3cret%20p%40ss@127.0.0.1:{port}")
        assert (await send_emails({}))["sent"] == 1
    finally:
        server.stop()
    assert passwords.logins == ["mailer"]
    assert len(handler.messages) == 1


async def test_implicit_tls(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cert_file, key_file = _certificate(tmp_path)
    handler, port = Collect(), free_port()
    server = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        ssl_context=_server_context(cert_file, key_file),
    )
    server.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    monkeypatch.setenv("CME_SMTP_URL", f"smtps://127.0.0.1:{port}")
    try:
        await _refer_now(world)
        assert (await send_emails({}))["sent"] == 1
    finally:
        server.stop()
    assert len(handler.messages) == 1


async def test_an_untrusted_certificate_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cert_file, key_file = _certificate(tmp_path)
    handler, port = Collect(), free_port()
    server = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(cert_file, key_file),
        require_starttls=True,
    )
    server.start()
    monkeypatch.setenv("CME_SMTP_URL", f"smtp://127.0.0.1:{port}?starttls=1")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    try:
        await _refer_now(world)
        assert (await send_emails({}))["failed"] == 1
    finally:
        server.stop()
    assert handler.messages == []
    row = await EmailOutbox.select().first()
    assert row is not None and "CERTIFICATE_VERIFY_FAILED" in row["last_error"]
