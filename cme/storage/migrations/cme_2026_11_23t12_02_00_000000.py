from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text, Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-23T12:02:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "cross-matching: when the LA's matches were asked for and last run; why each pair is or "
    "is not linked without a person"
)


def _params(default, null):
    return {
        "default": default,
        "null": null,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cme", description=DESCRIPTION)
    for name, column_class, default, null in (
        ("matches_wanted", Integer, 0, False),
        ("matches_done", Integer, 0, False),
        ("matches_run_at", Timestamptz, None, True),
    ):
        manager.add_column(
            table_class_name="LocalAuthority",
            tablename="local_authority",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(default, null),
            schema=None,
        )
    manager.add_column(
        table_class_name="EpisodeMatch",
        tablename="episode_match",
        column_name="why",
        db_column_name="why",
        column_class_name="Text",
        column_class=Text,
        params=_params("", False),
        schema=None,
    )
    return manager
