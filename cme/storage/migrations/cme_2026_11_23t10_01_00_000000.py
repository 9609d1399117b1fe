from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T10:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the LA's caseload: indexes for its filters and default order"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS cme_case_la_next_due ON cme_case (la, next_due_on)"
        )
        await engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS cme_case_school_status ON cme_case (school, status)"
        )

    async def drop():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX IF EXISTS cme_case_la_next_due")
        await engine.run_ddl("DROP INDEX IF EXISTS cme_case_school_status")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
