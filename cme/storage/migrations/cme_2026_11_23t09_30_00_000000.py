from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cases: the statutory clock, their timeline and documents"


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
Case = _stub("Case", "cme_case")


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
    ("Case", "cme_case"): {
        "pupil": _fk(Pupil, OnDelete.restrict, index=True),
        "school": _fk(School, OnDelete.restrict, index=True),
        "la": _fk(LocalAuthority, OnDelete.restrict, index=True),
        "status": (Varchar, _params(length=20, default="open")),
        "reason": (Varchar, _params(length=40, default="")),
        "day_one": (Date, _params(default=None)),
        "clock_start": (Date, _params(default=None)),
        "opened_at": (Timestamptz, _params(default=TimestamptzNow())),
        "closed_on": (Date, _params(default=None, null=True)),
        "outcome": (Varchar, _params(length=40, default=None, null=True)),
        "previous": (Integer, _params(default=None, null=True)),
        "handed_to_la_at": (Timestamptz, _params(default=None, null=True)),
        "removed_on": (Date, _params(default=None, null=True)),
        "la_closed_on": (Date, _params(default=None, null=True)),
        "la_outcome": (Varchar, _params(length=40, default=None, null=True)),
    },
    ("CaseEvent", "case_event"): {
        "case": _fk(Case, OnDelete.cascade, index=True),
        "at": (Timestamptz, _params(default=TimestamptzNow())),
        "actor": _fk(Account, OnDelete.set_null, null=True),
        "kind": (Varchar, _params(length=40, default="")),
        "detail": (Text, _params(default="{}")),
    },
    ("CaseDocument", "case_document"): {
        "case": _fk(Case, OnDelete.cascade, index=True),
        "kind": (Varchar, _params(length=40, default="")),
        "filename": (Varchar, _params(length=255, default="")),
        "created_at": (Timestamptz, _params(default=TimestamptzNow())),
        "created_by": _fk(Account, OnDelete.set_null, null=True),
        "content": (Bytea, _params(default=b"")),
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
