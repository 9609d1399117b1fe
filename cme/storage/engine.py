"""Choosing, switching and preparing the database engine; running migrations."""

from __future__ import annotations

import sys
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from cme.settings import SettingsError, sqlite_path


class MigrationError(RuntimeError):
    pass


def make_engine(url: str) -> Engine[Any]:
    if url.startswith("sqlite:///"):
        # timeout: a writer waits this long for another to finish instead of failing at once.
        return SQLiteEngine(path=sqlite_path(url), timeout=30)
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresEngine(config={"dsn": url})
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
