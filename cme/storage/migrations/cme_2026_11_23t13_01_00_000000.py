from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T13:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "data for the partnership: the indexes the figures read absence days by"

INDEXES = {
    "absence_day_school_day": "INDEX absence_day_school_day ON absence_day (school, day)",
    "absence_day_pupil_year": "INDEX absence_day_pupil_year ON absence_day (pupil, academic_year)",
    "cme_case_la_day_one": "INDEX cme_case_la_day_one ON cme_case (la, day_one)",
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
