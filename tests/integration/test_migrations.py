"""Migrations applied from empty (the `engine` fixture) give the whole schema, on both engines."""

from __future__ import annotations

import pytest

from cme.storage.engine import is_sqlite, migrate
from cme.storage.organisations import add_la, add_school
from cme.storage.tables import ALL_TABLES, UNIQUE_INDEXES, JobLedger, LocalAuthority, Pupil


async def _index_names() -> set[str]:
    if is_sqlite():
        rows = await Pupil.raw("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {r["name"] for r in rows}
    rows = await Pupil.raw("SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'")
    return {r["name"] for r in rows}


async def test_every_table_exists(db: object) -> None:
    for table in ALL_TABLES:
        assert await table.table_exists(), table._meta.tablename


async def test_composite_unique_indexes_exist_and_hold(db: object) -> None:
    assert set(UNIQUE_INDEXES) <= await _index_names()
    await add_la("370", "LA")
    school = await add_school("100001", "School", "370")
    row = {"school": school, "upn": "A370200124001", "legal_forename": "A", "legal_surname": "B"}
    await Pupil.insert(Pupil(**row))
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Pupil.insert(Pupil(**row))
    assert await Pupil.count() == 1


async def test_migrating_again_changes_nothing(db: object) -> None:
    await add_la("370", "LA")
    await migrate()
    assert await LocalAuthority.count() == 1
    assert await JobLedger.table_exists()
