from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T12:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cross-matching: one row per episode and pupil (Piccolo runs raw before tables)"

INDEXES = {
    "episode_match_episode_pupil": "UNIQUE INDEX episode_match_episode_pupil "
    "ON episode_match (episode, pupil)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for statement in INDEXES.values():
            await engine.run_ddl(f"CREATE {statement}")

    async def drop():
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
