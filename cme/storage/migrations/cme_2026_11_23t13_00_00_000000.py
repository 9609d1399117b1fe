from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Boolean, Date, ForeignKey, Integer, Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "data for the partnership: the days each pupil had an unexplained session, and the school "
    "days from day one to the LA's referral"
)


class Pupil(Table, tablename="pupil", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


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


def _fk(references, on_delete):
    return (
        ForeignKey,
        _params(
            references=references,
            on_delete=on_delete,
            on_update=OnUpdate.cascade,
            target_column=None,
        ),
    )


COLUMNS = [
    ("pupil", *_fk(Pupil, OnDelete.cascade)),
    ("school", *_fk(School, OnDelete.restrict)),
    ("academic_year", Integer, _params(default=0)),
    ("day", Date, _params(default=None)),
    ("week", Date, _params(default=None)),
    ("sessions", Integer, _params(default=0)),
    ("part_day", Boolean, _params(default=False)),
    ("run_start", Date, _params(default=None, null=True)),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    manager.add_table(class_name="AbsenceDay", tablename="absence_day", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="AbsenceDay",
            tablename="absence_day",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    manager.add_column(
        table_class_name="Case",
        tablename="cme_case",
        column_name="referral_days",
        db_column_name="referral_days",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(default=None, null=True),
        schema=None,
    )
    return manager
