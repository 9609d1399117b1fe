"""Settings read from the environment, with the embedded defaults a new user needs."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///cme.sqlite"
DEFAULT_MAX_UPLOAD_MB = 25
DEFAULT_MAIL_FROM = "cme-tracker@localhost"
DEFAULT_BASE_URL = "http://localhost:8000"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    secret_key: str
    secure_cookies: bool
    max_upload_bytes: int
    session_idle_minutes: int
    # Email is off unless CME_SMTP_URL is set (see MailSettings).
    mail: MailSettings | None = None

    @property
    def uses_redis(self) -> bool:
        return self.redis_url is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        database_url = database_url_from_env(env)
        return cls(
            database_url=database_url,
            redis_url=env.get("CME_REDIS_URL") or None,
            secret_key=env.get("CME_SECRET_KEY") or _local_secret(database_url),
            secure_cookies=_flag(env.get("CME_SECURE_COOKIES", "false")),
            max_upload_bytes=_positive_int(env, "CME_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
            * 1024
            * 1024,
            session_idle_minutes=_positive_int(env, "CME_SESSION_IDLE_MINUTES", 60),
            mail=mail_from_env(env),
        )


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand emails over. `start_tls`: True requires STARTTLS, False never
    tries it, None uses it when the server offers it (with the certificate checked)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False
    start_tls: bool | None = None

    def __repr__(self) -> str:
        # Keeps the password out of logs and tracebacks.
        who = f"{self.username}:***@" if self.username else ""
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"SmtpServer({scheme}://{who}{self.host}:{self.port}, start_tls={self.start_tls})"


@dataclass(frozen=True)
class MailSettings:
    server: SmtpServer
    mail_from: str
    base_url: str


def mail_from_env(env: Mapping[str, str] | None = None) -> MailSettings | None:
    """The email settings, or None when CME_SMTP_URL is unset (the tracker sends no email)."""
    env = os.environ if env is None else env
    base_url = _base_url(env.get("CME_BASE_URL") or DEFAULT_BASE_URL)
    mail_from = (env.get("CME_MAIL_FROM") or DEFAULT_MAIL_FROM).strip()
    if mail_from.count("@") != 1 or any(c.isspace() or c in "<>,;" for c in mail_from):
        raise SettingsError(
            f"CME_MAIL_FROM={mail_from!r} must be one plain email address, "
            "such as cme-tracker@example.gov.uk"
        )
    url = env.get("CME_SMTP_URL") or ""
    if not url.strip():
        return None
    return MailSettings(server=smtp_server(url.strip()), mail_from=mail_from, base_url=base_url)


_SMTP_HELP = "use smtp://HOST:PORT, smtp://USER:PASSWORD@HOST:PORT?starttls=1 or smtps://HOST:PORT"


def smtp_server(url: str) -> SmtpServer:
    """Reads CME_SMTP_URL; a bad value is refused with a message naming the setting."""
    shown = describe_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SettingsError(f"CME_SMTP_URL={shown!r} has a bad port: {_SMTP_HELP}") from None
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise SettingsError(f"CME_SMTP_URL={shown!r} is not supported: {_SMTP_HELP}")
    if parts.path not in {"", "/"}:
        raise SettingsError(f"CME_SMTP_URL={shown!r} must not have a path: {_SMTP_HELP}")
    implicit_tls = parts.scheme == "smtps"
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"starttls"}
    if unknown:
        raise SettingsError(
            f"CME_SMTP_URL={shown!r} has an unknown option {sorted(unknown)[0]!r}: "
            "the only option is starttls=1 or starttls=0"
        )
    start_tls: bool | None = None
    if "starttls" in query:
        value = query["starttls"][-1].strip().lower()
        if value not in {"1", "0", "true", "false", "yes", "no"}:
            raise SettingsError(f"CME_SMTP_URL={shown!r}: starttls must be 1 or 0")
        start_tls = _flag(value)
        if start_tls and implicit_tls:
            raise SettingsError(
                f"CME_SMTP_URL={shown!r}: smtps:// is already encrypted; "
                "use smtp://...?starttls=1 for STARTTLS instead"
            )
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username and not implicit_tls:
        if start_tls is False:
            raise SettingsError(
                f"CME_SMTP_URL={shown!r} would send the password unencrypted: "
                "remove starttls=0 or use smtps://"
            )
        # A password is only ever sent over an encrypted connection.
        start_tls = True
    if implicit_tls:
        start_tls = False
    return SmtpServer(
        host=parts.hostname,
        port=port or (465 if implicit_tls else 587 if start_tls else 25),
        username=username,
        password=password,
        implicit_tls=implicit_tls,
        start_tls=start_tls,
    )


def _base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
        raise SettingsError(
            f"CME_BASE_URL={url!r} must be the address people open the tracker at, "
            "such as https://cme.example.gov.uk"
        )
    return url


def database_url_from_env(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    url = env.get("CME_DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise SettingsError(
            f"CME_DATABASE_URL={url!r} is not supported: use sqlite:///FILE or "
            "postgresql://USER@HOST:PORT/DATABASE"
        )
    return url


def describe_url(url: str) -> str:
    """A database or Redis URL fit for messages and logs: any password replaced by ***."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"


def sqlite_path(url: str) -> str:
    """`sqlite:///cme.sqlite` is relative to the working directory, `sqlite:////x` absolute."""
    return url.removeprefix("sqlite:///")


def _local_secret(database_url: str) -> str:
    # The embedded default keeps its secret beside the database so that restarts keep
    # sessions and CSRF cookies valid; production sets CME_SECRET_KEY for every process.
    if database_url.startswith("sqlite:///"):
        database = Path(sqlite_path(database_url))
        where = database.resolve().parent / ".cme-secret"
    else:
        database, where = None, Path(".cme-secret")
    if where.exists():
        return where.read_text().strip()
    value = secrets.token_urlsafe(32)
    if database is not None and not database.exists():
        # No database yet, so nothing to serve: a command about to fail for that reason
        # leaves no file behind.
        return value
    where.write_text(value)
    where.chmod(0o600)
    return value


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} must be a whole number") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r} must be greater than zero")
    return value
