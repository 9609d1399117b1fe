from __future__ import annotations

import os
import re
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

# The default engine must not be the developer's own database file (nor another xdist
# worker's: each worker is its own process).
os.environ["CME_DATABASE_URL"] = "sqlite:///" + str(
    Path(os.environ.get("TMPDIR", "/tmp")) / f"cme-tests-{os.getpid()}.sqlite"
)

import cme.storage.accounts
from cme.storage.engine import make_engine, migrate, use_engine
from cme.storage.tables import ALL_TABLES
from tests.services import POSTGRES_ADMIN_URL, unavailable

# Production's argon2id cost (~0.15 s and 64 MiB a hash) is the point there, but the tests
# make and check thousands of hashes: half the suite's time went on them. The tests still
# hash and verify with real argon2id, at the lowest cost argon2 allows. Commands the tests
# run as subprocesses (`cme demo`, `cme serve`) keep the production cost.
cme.storage.accounts._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
cme.storage.accounts._DUMMY_HASH = cme.storage.accounts._hasher.hash("only for timing")

TABLE_NAMES = [t._meta.tablename for t in ALL_TABLES]

# What TRUNCATE ... RESTART IDENTITY leaves (every table empty, every id counting from its
# start again) at a hundredth of the cost: TRUNCATE replaces each table's files, which took
# ~0.4 s per test even with the tables empty.
_EMPTY_POSTGRES = "; ".join(f"DELETE FROM {name}" for name in reversed(TABLE_NAMES))
_RESTART_IDS = """
    SELECT setval(s.seqrelid, s.seqstart, false)
    FROM pg_sequence s
    JOIN pg_depend d ON d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE t.relname = ANY($1::text[])
"""


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
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("engine") == "sqlite"
        (dropped if on_sqlite and item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


_ENGINE_IN_ID = re.compile(r"[\[-](sqlite|postgres)[-\]]")


def _share_scope(nodeid: str) -> str:
    """The unit of work a pytest-xdist worker takes whole: all the browser tests (one server
    and browser between them), else one test file on one engine (its module-scoped fixtures,
    such as a seeded demo, are made once)."""
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/e2e/"):
        return "tests/e2e"
    engine = _ENGINE_IN_ID.search(nodeid)
    return f"{path}[{engine.group(1)}]" if engine else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`-n 2 --dist loadscope` shares the work out by `_share_scope`, in collection order: all
    SQLite units come before all PostgreSQL ones, so a worker seldom switches engine (each
    switch makes and migrates a fresh database)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByFileAndEngine(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return _share_scope(nodeid)

    config.option.loadscopereorder = False
    return ByFileAndEngine(config, log)


def _empty_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        connection.executescript(
            "PRAGMA foreign_keys = ON; BEGIN IMMEDIATE; "
            + "".join(f"DELETE FROM {name}; " for name in reversed(TABLE_NAMES))
            + "COMMIT;"
        )
    finally:
        connection.close()


async def _empty_postgres(url: str) -> None:
    # A connection of its own: a test may have closed the pool or ended its connections.
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        try:
            async with connection.transaction():
                await connection.execute(_EMPTY_POSTGRES)
                await connection.execute(_RESTART_IDS, TABLE_NAMES)
        except asyncpg.ForeignKeyViolationError:
            # A restricting reference that the deletion order did not foresee.
            await connection.execute(f"TRUNCATE {', '.join(TABLE_NAMES)} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


# The database each `engine` fixture made, by id() of the engine, for emptying it.
_DATABASES: dict[int, Path | str] = {}


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def engine(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[object]:
    """A fresh database per engine, migrated forwards from empty."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "cme.sqlite"
        eng = make_engine(f"sqlite:///{path}")
        use_engine(eng)
        await migrate()
        _DATABASES[id(eng)] = path
        yield eng
        return
    name, url = await _postgres_database()
    eng = make_engine(url)
    use_engine(eng)
    await eng.start_connection_pool(min_size=1, max_size=5)  # type: ignore[call-arg,no-untyped-call]
    try:
        await migrate()
        _DATABASES[id(eng)] = url
        yield eng
    finally:
        await eng.close_connection_pool()  # type: ignore[no-untyped-call]
        await _drop_postgres_database(name)


@pytest.fixture
async def db(engine: object) -> AsyncIterator[object]:
    """The engine for one test; every table is emptied afterwards."""
    use_engine(engine)  # type: ignore[arg-type]
    yield engine
    await empty_database(engine)


async def empty_database(engine: object) -> None:
    """Every table of the `engine` fixture's database emptied, ids counting from the start:
    after each test (`db`), and after a module's seeded demo."""
    database = _DATABASES[id(engine)]
    if isinstance(database, Path):
        _empty_sqlite(database)
    else:
        await _empty_postgres(database)
