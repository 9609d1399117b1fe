from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T09:32:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cases: the day each school's cases were last brought up to"


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
    manager.add_table(class_name="CaseSync", tablename="case_sync", schema=None, columns=None)
    manager.add_column(
        table_class_name="CaseSync",
        tablename="case_sync",
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
    manager.add_column(
        table_class_name="CaseSync",
        tablename="case_sync",
        column_name="synced_through",
        db_column_name="synced_through",
        column_class_name="Date",
        column_class=Date,
        params=_params(default=None),
        schema=None,
    )
    return manager
