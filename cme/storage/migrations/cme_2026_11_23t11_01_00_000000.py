from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T11:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "missing from home or care: indexes (Piccolo runs raw statements before tables)"

# Re-importing finds an episode by force and reference; a child's episodes by the child's key.
# The list pages order the LA's episodes by report time.
INDEXES = {
    "missing_episode_la_force_reference": "UNIQUE INDEX missing_episode_la_force_reference "
    "ON missing_episode (la, force_key, reference)",
    "missing_child_la_key": "UNIQUE INDEX missing_child_la_key ON missing_child (la, key)",
    "missing_episode_la_reported": "INDEX missing_episode_la_reported "
    "ON missing_episode (la, reported_at)",
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
