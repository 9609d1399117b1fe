"""Background jobs: one interface (`JobQueue`), two implementations.

`ArqQueue` hands jobs to arq on Redis, run by `cme worker`; `InProcessQueue` runs them as
asyncio tasks inside the app for the embedded default. Both take the same `Job` definitions,
honour the same job ids (a second enqueue with a live id is a no-op) and retry the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

JobFunction = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    max_tries: int = 3
    timeout_seconds: float = 300
    retry_delay_seconds: float = 5


@dataclass(frozen=True)
class DailyJob:
    """A job run once a day at hour:minute, Europe/London time."""

    job_name: str
    hour: int
    minute: int


class JobQueue(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def enqueue(self, name: str, *, job_id: str | None = None, **kwargs: Any) -> bool:
        """Queue a job; False when a job with that id is already queued, running or done."""
        ...


def by_name(*jobs: Job) -> Mapping[str, Job]:
    return {job.name: job for job in jobs}
