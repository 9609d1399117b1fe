from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Date,
    ForeignKey,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the LA's term dates and pupils' leave of absence"


def _stub(name, tablename):
    return type(
        name,
        (Table,),
        {"id": Serial(null=False, primary_key=True, db_column_name="id")},
        tablename=tablename,
    )


Pupil = _stub("Pupil", "pupil")
School = _stub("School", "school")
LocalAuthority = _stub("LocalAuthority", "local_authority")
Account = _stub("Account", "account")


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


def _fk(references, on_delete, null=False, index=False):
    return (
        ForeignKey,
        _params(
            references=references,
            on_delete=on_delete,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=null,
            index=index,
        ),
    )


TABLES = {
    ("LaTerm", "la_term"): {
        "la": _fk(LocalAuthority, OnDelete.restrict, index=True),
        "name": (Varchar, _params(length=60, default="")),
        "first_day": (Date, _params(default=None)),
        "last_day": (Date, _params(default=None)),
    },
    ("LeaveOfAbsence", "leave_of_absence"): {
        "pupil": _fk(Pupil, OnDelete.cascade, index=True),
        "school": _fk(School, OnDelete.restrict, index=True),
        "starts_on": (Date, _params(default=None)),
        "return_on": (Date, _params(default=None)),
        "reason": (Text, _params(default="")),
        "recorded_by": _fk(Account, OnDelete.set_null, null=True),
        "recorded_at": (Timestamptz, _params(default=TimestamptzNow())),
        "withdrawn_at": (Timestamptz, _params(default=None, null=True)),
    },
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for column_name, (column_class, params) in columns.items():
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=column_name,
                db_column_name=column_name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )
    return manager
