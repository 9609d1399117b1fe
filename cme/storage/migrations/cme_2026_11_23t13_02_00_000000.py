from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T13:02:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "data for the partnership: the time to referral of cases already handed to the LA"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)

    async def fill():
        # Plain SQL on named columns only (cme.storage.measures.backfill), so that a later
        # change to the tables cannot break this step on a database that has none of the rows.
        # The absence days are filled by 13:04, once their every column is there.
        from cme.storage.measures.backfill import fill_referral_days

        await fill_referral_days()

    manager.add_raw(fill)
    return manager
