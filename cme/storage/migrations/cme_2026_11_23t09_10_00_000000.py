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
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T09:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pupil details: names, address, contacts and statuses, every version kept"


def _stub(name, tablename):
    return type(
        name,
        (Table,),
        {"id": Serial(null=False, primary_key=True, db_column_name="id")},
        tablename=tablename,
    )


Pupil = _stub("Pupil", "pupil")
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


def _text(length=None):
    if length is None:
        return (Text, _params(default=""))
    return (Varchar, _params(length=length, default=""))


# Every version table ends with the same columns.
_VERSIONED = {
    "valid_from": (Timestamptz, _params(default=TimestamptzNow())),
    "valid_to": (Timestamptz, _params(default=None, null=True)),
    "source": _text(20),
    "changed_by": _fk(Account, OnDelete.set_null, null=True),
}

TABLES = {
    ("PupilDetailVersion", "pupil_detail"): {
        "pupil": _fk(Pupil, OnDelete.cascade, index=True),
        "legal_forename": _text(200),
        "legal_surname": _text(200),
        "preferred_forename": _text(200),
        "preferred_surname": _text(200),
        "former_surnames": _text(200),
        "date_of_birth": (Date, _params(default=None, null=True)),
        "gender": _text(30),
        "address": _text(),
        "postcode": _text(12),
        **_VERSIONED,
    },
    ("PupilStatusVersion", "pupil_status"): {
        "pupil": _fk(Pupil, OnDelete.cascade, index=True),
        "status": _text(40),
        "value": (Boolean, _params(default=False)),
        **_VERSIONED,
    },
    ("PupilContactVersion", "pupil_contact"): {
        "pupil": _fk(Pupil, OnDelete.cascade, index=True),
        "contact": (Integer, _params(default=0)),
        "name": _text(200),
        "relationship": _text(60),
        "lives_with_pupil": (Boolean, _params(default=False)),
        "phones": _text(),
        "email": _text(254),
        "address": _text(),
        "postcode": _text(12),
        "priority": (Integer, _params(default=1)),
        **_VERSIONED,
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
