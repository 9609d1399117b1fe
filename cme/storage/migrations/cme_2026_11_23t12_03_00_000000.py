from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T12:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cross-matching: LAs that already hold police episodes are owed a first run"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def owe():
        # Episodes imported before matching ran by itself would otherwise wait for the next
        # import to be matched.
        await engine_finder().run_ddl(
            "UPDATE local_authority SET matches_wanted = matches_done + 1 "
            "WHERE id IN (SELECT DISTINCT la FROM missing_episode)"
        )

    manager.add_raw(owe)
    return manager
