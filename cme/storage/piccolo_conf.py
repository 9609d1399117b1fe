"""Piccolo's configuration: the engine comes from CME_DATABASE_URL (default: SQLite file)."""

from piccolo.conf.apps import AppRegistry

from cme.settings import database_url_from_env
from cme.storage.engine import make_engine

DB = make_engine(database_url_from_env())

APP_REGISTRY = AppRegistry(apps=["cme.storage.piccolo_app"])
