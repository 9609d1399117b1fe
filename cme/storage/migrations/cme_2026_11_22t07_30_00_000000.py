from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique indexes"

# Piccolo cannot declare composite unique constraints and runs raw statements before it
# creates tables, so they come in a migration of their own. Valid on SQLite and Postgres.
STATEMENTS = [
    "CREATE UNIQUE INDEX job_ledger_name_run_on ON job_ledger (name, run_on)",
    "CREATE UNIQUE INDEX pupil_school_upn ON pupil (school, upn)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    async def drop():
        engine = engine_finder()
        for name in ("job_ledger_name_run_on", "pupil_school_upn"):
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
