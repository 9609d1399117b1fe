"""Settings read from the environment, with the embedded defaults a new user needs."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///cme.sqlite"
DEFAULT_MAX_UPLOAD_MB = 25


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
        )


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
