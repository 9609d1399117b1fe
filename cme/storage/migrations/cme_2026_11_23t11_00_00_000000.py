from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    Boolean,
    Date,
    ForeignKey,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "missing from home or care: police episodes, return interviews, meetings"


class LocalAuthority(Table, tablename="local_authority", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


class Account(Table, tablename="account", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


class MissingChild(Table, tablename="missing_child", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


class MissingEpisode(Table, tablename="missing_episode", schema=None):
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


def _fk(references, on_delete, null=False, unique=False, index=False):
    return (
        ForeignKey,
        _params(
            references=references,
            on_delete=on_delete,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=null,
            unique=unique,
            index=index,
        ),
    )


def _text(length=None, default=""):
    if length is None:
        return Text, _params(default=default)
    return Varchar, _params(length=length, default=default)


def _nullable(column_class):
    return column_class, _params(default=None, null=True)


TABLES = {
    ("MissingChild", "missing_child"): [
        ("la", *_fk(LocalAuthority, OnDelete.restrict, index=True)),
        ("key", *_text(500)),
        ("forename", *_text(200)),
        ("surname", *_text(200)),
        ("date_of_birth", *_nullable(Date)),
        ("created_at", Timestamptz, _params(default=None)),
    ],
    ("MissingEpisode", "missing_episode"): [
        ("la", *_fk(LocalAuthority, OnDelete.restrict, index=True)),
        ("child", *_fk(MissingChild, OnDelete.restrict, index=True)),
        ("force", *_text(100)),
        ("force_key", *_text(100)),
        ("reference", *_text(100)),
        ("reported_at", Timestamptz, _params(default=None)),
        ("last_seen_at", *_nullable(Timestamptz)),
        ("missing_from", *_text(20)),
        ("forename", *_text(200)),
        ("surname", *_text(200)),
        ("other_names", *_text(200)),
        ("date_of_birth", *_nullable(Date)),
        ("gender", *_text(30)),
        ("address", *_text()),
        ("postcode", *_text(12)),
        ("responsible_la", *_text(100)),
        ("looked_after", Boolean, _params(default=False)),
        ("risk_raw", *_text(100)),
        ("risk_level", *_text(20)),
        ("risk_scheme", *_text(100)),
        ("returned_at", *_nullable(Timestamptz)),
        ("where_found", *_text()),
        ("who_with", *_text()),
        ("safe_and_well_on", *_nullable(Date)),
        ("circumstances", *_text()),
        ("harmed", Boolean, _params(default=False)),
        ("exploitation_risk", Boolean, _params(default=False)),
        ("risky_contacts", Boolean, _params(default=False)),
        ("crime_while_away", Boolean, _params(default=False)),
        ("mental_health", Boolean, _params(default=False)),
        ("pending_identity", *_text()),
        ("source", *_text(20)),
        ("created_at", Timestamptz, _params(default=None)),
        ("updated_at", Timestamptz, _params(default=None)),
        ("updated_by", *_fk(Account, OnDelete.set_null, null=True)),
    ],
    ("ReturnInterview", "return_interview"): [
        ("episode", *_fk(MissingEpisode, OnDelete.cascade, unique=True)),
        ("offered_at", *_nullable(Timestamptz)),
        ("offered_by", *_text(200)),
        ("done_at", *_nullable(Timestamptz)),
        ("done_by", *_text(200)),
        ("done_where", *_text(200)),
        ("declined_at", *_nullable(Timestamptz)),
        ("themes", *_text(default="[]")),
        ("notes", *_text()),
        ("recorded_by", *_fk(Account, OnDelete.set_null, null=True)),
        ("recorded_at", Timestamptz, _params(default=None)),
    ],
    ("InterventionMeeting", "intervention_meeting"): [
        ("la", *_fk(LocalAuthority, OnDelete.restrict, index=True)),
        ("child", *_fk(MissingChild, OnDelete.cascade, index=True)),
        ("episode", *_fk(MissingEpisode, OnDelete.set_null, null=True)),
        ("trigger", *_text(20)),
        ("reason", *_text()),
        ("triggered_on", Date, _params(default=None)),
        ("due_on", Date, _params(default=None)),
        ("held_on", *_nullable(Date)),
        ("agencies", *_text()),
        ("actions", *_text()),
        ("review_on", *_nullable(Date)),
        ("raised_by", *_fk(Account, OnDelete.set_null, null=True)),
        ("recorded_by", *_fk(Account, OnDelete.set_null, null=True)),
        ("created_at", Timestamptz, _params(default=None)),
    ],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )
    return manager
