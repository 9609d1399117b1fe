"""Persistence: Piccolo tables, migrations and the queries the rest of the app uses.

Piccolo finds its engine through the module named by PICCOLO_CONF; it is set here, before any
table is imported, so that every entry point (app, worker, CLI, tests) agrees.
"""

import os

os.environ.setdefault("PICCOLO_CONF", "cme.storage.piccolo_conf")
