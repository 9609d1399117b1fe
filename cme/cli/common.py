"""What every `cme` command shares: its error for a user's mistake, and the open database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any


class CommandError(Exception):
    pass


def day_option(value: str | None, option: str = "--on") -> date | None:
    """The date an option names (YYYY-MM-DD), None if not given; a CommandError naming the
    option and the format otherwise."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date: use YYYY-MM-DD") from None


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


def matched_words(run: Any) -> str:
    """One line on a matching run (`cme.storage.matching.MatchRun`) after an import."""
    return (
        f"Matched the LA's {run.episodes} police episodes with its {run.pupils} pupils: "
        f"{run.linked} episodes linked to a pupil, {run.waiting} possible matches waiting "
        f"for a CME officer to review."
    )
