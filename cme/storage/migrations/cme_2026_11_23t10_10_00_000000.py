from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Serial, Text, Timestamptz
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T10:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "stored flags: each school's flags on its latest register day"


class School(Table, tablename="school", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


def _params(**overrides):
    params = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(overrides)
    return params


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    manager.add_table(
        class_name="FlagSnapshot", tablename="flag_snapshot", schema=None, columns=None
    )
    manager.add_column(
        table_class_name="FlagSnapshot",
        tablename="flag_snapshot",
        column_name="school",
        db_column_name="school",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            references=School,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            unique=True,
        ),
        schema=None,
    )
    for name, column_class, params in (
        ("day", Date, _params(default=None)),
        ("school_days", Text, _params(default="")),
        ("flags", Text, _params(default="")),
        ("policy", Text, _params(default="")),
        ("stored_at", Timestamptz, _params(default=None)),
    ):
        manager.add_column(
            table_class_name="FlagSnapshot",
            tablename="flag_snapshot",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
