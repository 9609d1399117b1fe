"""Notices and their emails: words for people, no room for a child's details, safe settings."""

from __future__ import annotations

import re
import string
from datetime import timedelta

import pytest

from cme.mail import MAX_ATTEMPTS, Outgoing, message, retry_delay
from cme.notices import EMAIL_SUBJECT, NoticeKind, email_text, safe_link
from cme.settings import MailSettings, SettingsError, mail_from_env, smtp_server

TEXTS = [
    EMAIL_SUBJECT,
    *(k.label for k in NoticeKind),
    *(k.what_to_do for k in NoticeKind),
    *(email_text(k, "https://t.example/x/1", "https://t.example/n") for k in NoticeKind),
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_words_have_no_placeholders_for_a_childs_details(text: str) -> None:
    # Nothing is ever filled in but the two links: no format fields, no template tags.
    assert not [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    assert not re.search(r"\{\{|\{%|%\(|%s|\$\{", text)
    lowered = text.lower()
    for word in ("name", "upn", "date of birth", "address", "pupil's", "child's name"):
        assert word not in lowered


def test_every_kind_has_words() -> None:
    assert {k.value for k in NoticeKind} == {
        "case_handed_off",
        "refer_now",
        "step_overdue",
        "case_assigned",
    }
    for kind in NoticeKind:
        assert kind.label[0].isupper() and not kind.label.endswith(".")
        assert "_" not in kind.label


def test_the_email_holds_the_links_and_says_why_it_holds_no_more() -> None:
    text = email_text(
        NoticeKind.STEP_OVERDUE,
        "https://t.example/school/cases/4",
        "https://t.example/notifications",
    )
    assert "https://t.example/school/cases/4" in text
    assert "https://t.example/notifications" in text
    assert "no details of the child" in text


def test_an_email_message_has_its_headers() -> None:
    mail = MailSettings(smtp_server("smtp://h"), "tracker@la.example", "https://t.example")
    msg = message(mail, Outgoing(1, "dsl@school.example", EMAIL_SUBJECT, "Hello"))
    assert msg["From"] == "tracker@la.example"
    assert msg["To"] == "dsl@school.example"
    assert msg["Subject"] == EMAIL_SUBJECT
    assert msg["Message-ID"].endswith("@la.example>")


@pytest.mark.parametrize("link", ["/school/cases/1", "/la/cases/2?tab=x", "/notifications"])
def test_links_inside_the_tracker_are_accepted(link: str) -> None:
    assert safe_link(link) == link


@pytest.mark.parametrize(
    "link", ["https://evil.example", "//evil.example", "/\\evil.example", "cases/1", "/a b", ""]
)
def test_other_links_are_refused(link: str) -> None:
    with pytest.raises(ValueError):
        safe_link(link)


def test_email_is_off_without_an_smtp_url() -> None:
    assert mail_from_env({}) is None
    assert mail_from_env({"CME_SMTP_URL": "  "}) is None


@pytest.mark.parametrize(
    ("url", "host", "port", "user", "password", "implicit", "starttls"),
    [
        ("smtp://mail.example:2525", "mail.example", 2525, None, None, False, None),
        ("smtp://mail.example", "mail.example", 25, None, None, False, None),
        ("smtp://mail.example?starttls=0", "mail.example", 25, None, None, False, False),
        ("smtp://mail.example?starttls=1", "mail.example", 587, None, None, False, True),
        ("smtp://me:p%40ss@mail.example:587", "mail.example", 587, "me", "p@ss", False, True),
        ("smtps://me:pw@mail.example", "mail.example", 465, "me", "pw", True, False),
    ],
)
def test_smtp_urls(
    url: str,
    host: str,
    port: int,
    user: str | None,
    password: str | None,
    implicit: bool,
    starttls: bool | None,
) -> None:
    server = smtp_server(url)
    assert (server.host, server.port, server.username, server.password) == (
        host,
        port,
        user,
        password,
    )
    assert (server.implicit_tls, server.start_tls) == (implicit, starttls)
    if password:
        assert password not in repr(server)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CME_SMTP_URL": "http://mail.example"}, "CME_SMTP_URL"),
        ({"CME_SMTP_URL": "smtp://mail.example:port"}, "bad port"),
        ({"CME_SMTP_URL": "smtp://mail.example?tls=1"}, "unknown option"),
        ({"CME_SMTP_URL": "smtp://me:pw@mail.example?starttls=0"}, "unencrypted"),
        ({"CME_SMTP_URL": "smtps://mail.example?starttls=1"}, "already encrypted"),
        ({"CME_SMTP_URL": "smtp://mail.example?starttls=maybe"}, "starttls must be"),
        ({"CME_SMTP_URL": "smtp://mail.example/x"}, "path"),
        ({"CME_MAIL_FROM": "Tracker <t@x.example>"}, "CME_MAIL_FROM"),
        ({"CME_MAIL_FROM": "nobody"}, "CME_MAIL_FROM"),
        ({"CME_BASE_URL": "cme.example.gov.uk"}, "CME_BASE_URL"),
    ],
)
def test_bad_mail_settings_name_the_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as refused:
        mail_from_env(env)
    assert "pw" not in str(refused.value)


def test_mail_settings_defaults() -> None:
    mail = mail_from_env({"CME_SMTP_URL": "smtp://mail.example"})
    assert mail is not None
    assert mail.mail_from == "cme-tracker@localhost"
    assert mail.base_url == "http://localhost:8000"
    mail = mail_from_env({"CME_SMTP_URL": "smtp://m", "CME_BASE_URL": "https://cme.example/"})
    assert mail is not None and mail.base_url == "https://cme.example"


def test_retries_back_off_to_an_hour() -> None:
    delays = [retry_delay(n) for n in range(1, MAX_ATTEMPTS + 1)]
    assert delays[0] == timedelta(minutes=1)
    assert delays == sorted(delays)
    assert max(delays) == timedelta(hours=1)
