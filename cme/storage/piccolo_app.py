from pathlib import Path

from piccolo.conf.apps import AppConfig

from cme.storage.tables import ALL_TABLES

APP_CONFIG = AppConfig(
    app_name="cme",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(ALL_TABLES),
    migration_dependencies=[],
    commands=[],
)
