from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Integer, Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T13:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "data for the partnership: each school's weeks of absence days added up"


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


COLUMNS = [
    (
        "school",
        ForeignKey,
        _params(
            references=School,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
        ),
    ),
    ("academic_year", Integer, _params(default=0)),
    ("week", Date, _params(default=None)),
    ("sessions", Integer, _params(default=0)),
    ("children", Integer, _params(default=0)),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    manager.add_table(class_name="AbsenceWeek", tablename="absence_week", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="AbsenceWeek",
            tablename="absence_week",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
