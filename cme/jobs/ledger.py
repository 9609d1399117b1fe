"""Scheduled jobs run at most once a day, however many workers or retries there are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from cme.storage.clock import utcnow
from cme.storage.tables import JobLedger

T = TypeVar("T")


async def once_a_day(
    name: str, day: date, work: Callable[[], Awaitable[T]]
) -> tuple[bool, T | None]:
    """Run `work` unless the ledger already has (name, day); returns (ran, result).

    The unique (name, run_on) index decides the race between two runners. A failed run
    gives its row back so that a retry can claim the day again.
    """
    claimed: list[dict[str, Any]] = await (
        JobLedger.insert(JobLedger(name=name, run_on=day, started_at=utcnow()))
        .on_conflict(action="DO NOTHING")
        .returning(JobLedger.id)
    )
    if not claimed:
        return False, None
    try:
        return True, await work()
    except BaseException:
        await JobLedger.delete().where(JobLedger.id == claimed[0]["id"])
        raise
