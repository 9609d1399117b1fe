from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# The default engine must not be the developer's own database file.
os.environ["CME_DATABASE_URL"] = "sqlite:///" + str(
    Path(os.environ.get("TMPDIR", "/tmp")) / f"cme-tests-{os.getpid()}.sqlite"
)

import cme.storage  # noqa: F401
from cme.storage.engine import make_engine, migrate, use_engine
from cme.storage.tables import ALL_TABLES
from tests.services import POSTGRES_ADMIN_URL, unavailable


async def _postgres_database() -> tuple[str, str]:
    import asyncpg

    name = f"cme_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL}", exc)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name, POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A `postgres_only` test (a connection pool, server connections) is not collected for
    SQLite at all, rather than skipped there: in CI every collected test runs."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("engine") == "sqlite"
        (dropped if on_sqlite and item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[object]:
    """A fresh database per engine, migrated forwards from empty."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "cme.sqlite"
        eng = make_engine(f"sqlite:///{path}")
        use_engine(eng)
        await migrate()
        yield eng
        return
    name, url = await _postgres_database()
    eng = make_engine(url)
    use_engine(eng)
    await eng.start_connection_pool(min_size=1, max_size=5)  # type: ignore[attr-defined]
    try:
        await migrate()
        yield eng
    finally:
        await eng.close_connection_pool()  # type: ignore[attr-defined]
        await _drop_postgres_database(name)


@pytest.fixture
async def db(engine: object) -> AsyncIterator[object]:
    """The engine for one test; every table is emptied afterwards."""
    use_engine(engine)  # type: ignore[arg-type]
    yield engine
    from cme.storage.engine import is_sqlite

    names = [t._meta.tablename for t in ALL_TABLES]
    if is_sqlite():
        for name in reversed(names):
            await ALL_TABLES[0].raw(f"DELETE FROM {name}")
    else:
        await ALL_TABLES[0].raw(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
