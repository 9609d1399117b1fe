from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T07:47:51:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes for registers"

INDEXES = {
    "pupil_year_pupil_year": "pupil_year (pupil, academic_year)",
    "school_year_school_year": "school_year (school, academic_year)",
    "session_note_pupil_day_session": "session_note (pupil, day, session)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for name, target in INDEXES.items():
            await engine.run_ddl(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def drop():
        engine = engine_finder()
        for name in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
