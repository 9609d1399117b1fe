from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    DoublePrecision,
    ForeignKey,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cross-matching: pupils proposed for police episodes, and people's decisions"


class LocalAuthority(Table, tablename="local_authority", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


class Account(Table, tablename="account", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


class MissingEpisode(Table, tablename="missing_episode", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


class Pupil(Table, tablename="pupil", schema=None):
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


COLUMNS = [
    ("la", *_fk(LocalAuthority, OnDelete.restrict, index=True)),
    ("episode", *_fk(MissingEpisode, OnDelete.cascade, index=True)),
    ("pupil", *_fk(Pupil, OnDelete.cascade, index=True)),
    ("score", DoublePrecision, _params(default=0.0)),
    ("weight", DoublePrecision, _params(default=0.0)),
    ("band", Varchar, _params(length=10, default="")),
    ("reasons", Text, _params(default="[]")),
    ("decision", Varchar, _params(length=20, default="")),
    ("decided_by", *_fk(Account, OnDelete.set_null, null=True)),
    ("decided_at", Timestamptz, _params(default=None, null=True)),
    ("proposed_at", Timestamptz, _params(default=None)),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    manager.add_table(
        class_name="EpisodeMatch", tablename="episode_match", schema=None, columns=None
    )
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="EpisodeMatch",
            tablename="episode_match",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
