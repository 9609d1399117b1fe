"""Choosing, switching and preparing the database engine; running migrations."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from cme.errors import Unavailable
from cme.settings import SettingsError, describe_url, sqlite_path

# How long a command waits for the database before saying it cannot be reached.
CONNECT_TIMEOUT_SECONDS = 5


class MigrationError(RuntimeError):
    pass


def make_engine(url: str) -> Engine[Any]:
    if url.startswith("sqlite:///"):
        # timeout: a writer waits this long for another to finish instead of failing at once.
        return SQLiteEngine(path=sqlite_path(url), timeout=30)
    if url.startswith(("postgresql://", "postgres://")):
        # Piccolo connects once on construction to read the server version and warns if it
        # cannot; whether the database answers is reported, in one line, by check_database.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The partnership's figures add up an LA's year of absence days per pupil; the
            # default 4 MB of working memory makes PostgreSQL spill those sums to disk.
            return PostgresEngine(config={"dsn": url, "server_settings": {"work_mem": "32MB"}})
    raise SettingsError(f"unsupported database URL {url!r}")


def current_engine() -> Engine[Any]:
    from cme.storage.tables import LocalAuthority

    return LocalAuthority._meta.db


def use_engine(engine: Engine[Any]) -> None:
    """Point every table, and Piccolo's record of applied migrations, at `engine`."""
    from piccolo.apps.migrations.tables import Migration

    from cme.storage import piccolo_conf
    from cme.storage.tables import ALL_TABLES

    piccolo_conf.DB = engine
    for table in (*ALL_TABLES, Migration):
        table._meta.db = engine  # type: ignore[attr-defined]


def is_sqlite(engine: Engine[Any] | None = None) -> bool:
    return isinstance(engine or current_engine(), SQLiteEngine)


def write_transaction() -> Any:
    """A transaction for writes: IMMEDIATE on SQLite, so that two writers queue on the lock
    instead of one failing with "database is locked" when its read turns into a write."""
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def open_engine() -> bool:
    """Prepare the current engine for serving; returns True if it opened a pool to close."""
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        await engine.run_ddl("PRAGMA journal_mode=WAL")
        return False
    if isinstance(engine, PostgresEngine) and engine.pool is None:
        await engine.start_connection_pool(min_size=1, max_size=10)
        return True
    return False


async def close_engine() -> None:
    engine = current_engine()
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


async def migrate(quiet: bool = True) -> None:
    """Apply every pending migration, forwards, on the current engine."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    # Piccolo prints its progress; the CLI wants it, tests do not.
    stdout = sys.stdout
    if quiet:
        import io

        sys.stdout = io.StringIO()
    try:
        result = await run_forwards(app_name="cme", migration_id="all", fake=False)
    finally:
        sys.stdout = stdout
    if not result.success:
        raise MigrationError(result.message or "migration failed")
    if is_sqlite():
        await current_engine().run_ddl("PRAGMA journal_mode=WAL")


async def ping_database() -> None:
    """Raise unless the current database answers a query."""
    await current_engine().run_ddl("SELECT 1")


async def pending_migrations() -> list[str]:
    """Ids of migrations not yet applied to the current database (all, on an empty one)."""
    import re

    from piccolo.apps.migrations.tables import Migration

    # Every command checks this: the ids are read from the files' text, because importing
    # Piccolo's migration manager to read them costs ~0.15 s of each command's start.
    folder = Path(__file__).parent / "migrations"
    found = (re.search(r'^ID = "([^"]+)"', f.read_text(), re.M) for f in folder.glob("cme_*.py"))
    ids = sorted(m.group(1) for m in found if m)
    if not await Migration.table_exists():
        return ids
    ran = set(await Migration.get_migrations_which_ran(app_name="cme"))
    return [i for i in ids if i not in ran]


async def check_database(url: str, *, may_create: bool = False) -> None:
    """Raise Unavailable, with one line naming CME_DATABASE_URL and the address, unless the
    database exists, answers and (unless `may_create`, for `cme migrate`) is fully migrated.

    SQLite creates a missing file on connect, so its existence is checked before anything
    connects: a mistyped path must not leave an empty database behind.
    """
    where = f"CME_DATABASE_URL={describe_url(url)}"
    if url.startswith("sqlite:///"):
        _check_sqlite_file(Path(sqlite_path(url)), where, may_create)
    else:
        await _check_postgres(url, where)
    if may_create:
        return
    try:
        pending = await pending_migrations()
    except Exception as exc:
        raise Unavailable(f"cannot read the database ({where}): {_reason(exc)}") from exc
    if pending:
        raise Unavailable(
            f"the database is not migrated ({len(pending)} migrations to apply; {where}): "
            "run `cme migrate` first"
        )


def _check_sqlite_file(path: Path, where: str, may_create: bool) -> None:
    if path.exists():
        return
    if not may_create:
        raise Unavailable(f"there is no database file {path} ({where}): run `cme migrate` first")
    if not path.resolve().parent.is_dir():
        raise Unavailable(f"the folder for the database file {path} does not exist ({where})")


async def _check_postgres(url: str, where: str) -> None:
    import asyncpg

    try:
        connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    except asyncpg.InvalidCatalogNameError as exc:
        raise Unavailable(f"the database does not exist ({where}): {_reason(exc)}") from exc
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise Unavailable(f"cannot reach the database ({where}): {_reason(exc)}") from exc
    await connection.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text or type(exc).__name__
