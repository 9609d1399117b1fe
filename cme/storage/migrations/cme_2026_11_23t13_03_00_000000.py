from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-23T13:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "data for the partnership: each absence day carries its run's last day and length, so a "
    "run wholly inside a period is read from one row"
)


def _params(default, null):
    return {
        "default": default,
        "null": null,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    for name, column_class, default, null in (
        ("run_end", Date, None, True),
        ("run_length", Integer, 0, False),
    ):
        manager.add_column(
            table_class_name="AbsenceDay",
            tablename="absence_day",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(default, null),
            schema=None,
        )

    return manager
