"""Persistence: Piccolo tables, migrations and the queries the rest of the app uses.

Piccolo finds its engine through the module named by PICCOLO_CONF; it is set here, before any
table is imported, so that every entry point (app, worker, CLI, tests) agrees.
"""

import importlib
import os
import sys
import types

os.environ.setdefault("PICCOLO_CONF", "cme.storage.piccolo_conf")


class _OnFirstUse(types.ModuleType):
    """A module imported when first used. Piccolo imports black at start (0.1 s of every
    command's CPU) only to format the migration files it writes, which the app never asks."""

    def __getattr__(self, name: str) -> object:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


sys.modules.setdefault("black", _OnFirstUse("black"))
