from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T13:06:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "data for the partnership: the weeks added up from the absence days already stored"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def fill():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE INDEX absence_week_school_week ON absence_week (school, week)"
        )
        # The same statement the import runs for one school (cme.storage.measures.absence_days).
        await engine.run_ddl(
            "INSERT INTO absence_week (school, academic_year, week, sessions, children) "
            "SELECT school, academic_year, week, SUM(sessions), COUNT(DISTINCT pupil) "
            "FROM absence_day GROUP BY school, academic_year, week"
        )

    async def drop():
        await engine_finder().run_ddl("DROP INDEX absence_week_school_week")

    manager.add_raw(fill)
    manager.add_raw_backwards(drop)
    return manager
