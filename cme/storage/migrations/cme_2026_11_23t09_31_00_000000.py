from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T09:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cases: one open case per pupil; the LA's caseload by status"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    # One open case per pupil, whoever opens it (an import and the sweep at once).
    async def create():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS cme_case_one_open ON cme_case (pupil) "
            "WHERE status = 'open'"
        )
        await engine.run_ddl("CREATE INDEX IF NOT EXISTS cme_case_la_status ON cme_case (la, status)")

    async def drop():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX IF EXISTS cme_case_one_open")
        await engine.run_ddl("DROP INDEX IF EXISTS cme_case_la_status")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
