"""What every `cme` command shares: its error for a user's mistake, and the open database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


class CommandError(Exception):
    pass


async def _with_db(work: Callable[[], Awaitable[Any]], may_create: bool = False) -> Any:
    """Run `work` with the database open, once it is known to exist, answer and be migrated
    (`may_create`: the commands that create or migrate it)."""
    from cme.settings import database_url_from_env
    from cme.storage.engine import check_database, close_engine, open_engine

    await check_database(database_url_from_env(), may_create=may_create)
    opened = await open_engine()
    try:
        return await work()
    finally:
        if opened:
            await close_engine()
