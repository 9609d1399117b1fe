from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-11-23T09:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications: notices to people and the email outbox"


def _stub(name, tablename):
    return type(
        name,
        (Table,),
        {"id": Serial(null=False, primary_key=True, db_column_name="id")},
        tablename=tablename,
    )


Account = _stub("Account", "account")
Notification = _stub("Notification", "notification")


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
    ("Notification", "notification"): {
        "account": _fk(Account, OnDelete.cascade),
        "created_at": (Timestamptz, _params(default=TimestamptzNow())),
        "kind": (Varchar, _params(length=40, default="")),
        "link": (Varchar, _params(length=500, default="")),
        "case_id": (Integer, _params(default=None, null=True)),
        "read_at": (Timestamptz, _params(default=None, null=True)),
    },
    ("EmailOutbox", "email_outbox"): {
        "notification": _fk(Notification, OnDelete.cascade, index=True),
        "to_address": (Varchar, _params(length=254, default="")),
        "subject": (Varchar, _params(length=200, default="")),
        "body": (Text, _params(default="")),
        "created_at": (Timestamptz, _params(default=TimestamptzNow())),
        "attempts": (Integer, _params(default=0)),
        "next_attempt_at": (Timestamptz, _params(default=None, null=True)),
        "sent_at": (Timestamptz, _params(default=None, null=True)),
        "last_error": (Text, _params(default="")),
    },
}

# The header's unread count and the notifications page read by (account, read_at). The
# partial unique index keeps one unread notice per person, kind and case even when two
# transactions notify at once. Valid on SQLite and Postgres.
INDEXES = [
    "CREATE INDEX notification_account_read_at ON notification (account, read_at)",
    "CREATE UNIQUE INDEX notification_unread_once ON notification (account, kind, case_id) "
    "WHERE read_at IS NULL AND case_id IS NOT NULL",
    "CREATE INDEX email_outbox_unsent ON email_outbox (sent_at, next_attempt_at)",
]


class _Manager(MigrationManager):
    # Piccolo runs raw statements before it creates tables; these indexes need the tables,
    # so they are created once the columns exist, inside the same transaction.
    async def _run_add_columns(self, backwards: bool = False):
        await super()._run_add_columns(backwards=backwards)
        if not backwards:
            engine = engine_finder()
            for statement in INDEXES:
                await engine.run_ddl(statement)


async def forwards():
    manager = _Manager(migration_id=ID, app_name="cme", description=DESCRIPTION)
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
