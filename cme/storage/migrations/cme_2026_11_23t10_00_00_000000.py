from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the LA's caseload: assigned officer and each case's stored summary; sweep time"


class Account(Table, tablename="account", schema=None):
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


# (column, class, params)
CASE_COLUMNS = [
    (
        "assigned_to",
        ForeignKey,
        _params(
            references=Account,
            on_delete=OnDelete.set_null,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
            default=None,
            index=True,
        ),
    ),
    ("assigned_at", Timestamptz, _params(null=True, default=None)),
    ("stage", Varchar, _params(length=40, default="")),
    ("days_missing", Integer, _params(default=0)),
    ("next_due_on", Date, _params(null=True, default=None)),
    ("next_step", Varchar, _params(length=40, default="")),
    ("due_steps", Text, _params(default="[]")),
    ("must_refer", Boolean, _params(default=False)),
    ("school_enquiries", Integer, _params(default=0)),
    ("la_enquiries", Integer, _params(default=0)),
    ("last_activity_at", Timestamptz, _params(null=True, default=None)),
    ("summary_on", Date, _params(null=True, default=None)),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    for name, column_class, params in CASE_COLUMNS:
        manager.add_column(
            table_class_name="Case",
            tablename="cme_case",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    manager.add_column(
        table_class_name="LocalAuthority",
        tablename="local_authority",
        column_name="sweep_time",
        db_column_name="sweep_time",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=5, default="06:30"),
        schema=None,
    )
    return manager
