from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T13:07:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "data for the partnership: pupils on roll counted from an index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def create():
        await engine_finder().run_ddl(
            "CREATE INDEX pupil_year_school_year ON pupil_year (school, academic_year)"
        )

    async def drop():
        await engine_finder().run_ddl("DROP INDEX pupil_year_school_year")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
