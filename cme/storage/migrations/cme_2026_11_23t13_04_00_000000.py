from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-23T13:04:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "data for the partnership: one index the figures read absence days by, and the days "
    "written again with their runs (Piccolo runs raw before columns, hence its own step)"
)

# Every column the figures read, in the index, so that they are read from it alone.
_READ = "pupil, sessions, part_day, run_start, run_end, run_length, week"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def index_and_fill():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX absence_day_school_day")
        if isinstance(engine, SQLiteEngine):
            await engine.run_ddl(
                f"CREATE INDEX absence_day_school_day ON absence_day (school, day, {_READ})"
            )
        else:
            await engine.run_ddl(
                "CREATE INDEX absence_day_school_day ON absence_day (school, day) "
                f"INCLUDE ({_READ})"
            )
        from cme.storage.measures.backfill import fill_absence_days

        await fill_absence_days(weeks=False)  # kept from 13:06 on

    async def drop():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX absence_day_school_day")
        await engine.run_ddl("CREATE INDEX absence_day_school_day ON absence_day (school, day)")

    manager.add_raw(index_and_fill)
    manager.add_raw_backwards(drop)
    return manager
