"""Background jobs: one interface (`JobQueue`), two implementations.

`ArqQueue` hands jobs to arq on Redis, run by `cme worker`; `InProcessQueue` runs them as
asyncio tasks inside the app for the embedded default. Both take the same `Job` definitions,
honour the same job ids (a second enqueue with a live id is a no-op), retry the same way and
log the same one line per start, end and failure (logger `cme.jobs`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

JobFunction = Callable[..., Awaitable[Any]]

# Sized to the work, with generous headroom: the longest job, a full-year 1,500-pupil register
# import, takes about 2 s. A job still running after this is stopped and retried.
JOB_TIMEOUT_SECONDS = 120
# arq treats its own timeout as a final failure, never retried: each job times itself out
# (then it is retried like any failure) and arq's timeout is only a backstop this much later.
ARQ_TIMEOUT_GRACE_SECONDS = 5
# When a worker dies mid-job (kill -9, out of memory), arq runs the job again once the job's
# in-progress mark expires: the longest arq timeout plus 10 s (`Worker.in_progress_timeout_s`).
RETRY_AFTER_INTERRUPTION_SECONDS = JOB_TIMEOUT_SECONDS + ARQ_TIMEOUT_GRACE_SECONDS + 10

log = logging.getLogger("cme.jobs")


class QueueUnavailable(Exception):
    """The job queue (Redis) cannot be reached; `where` names it for operators."""

    def __init__(self, where: str, reason: object) -> None:
        self.where = where
        super().__init__(f"cannot reach the job queue at {where}: {reason}")


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    max_tries: int = 3
    timeout_seconds: float = JOB_TIMEOUT_SECONDS
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

    async def ping(self) -> None:
        """Raise QueueUnavailable unless jobs can be queued right now."""
        ...

    async def enqueue(self, name: str, *, job_id: str | None = None, **kwargs: Any) -> bool:
        """Queue a job; False when a job with that id is already queued, running or done.
        Raises QueueUnavailable when the queue cannot be reached."""
        ...


def by_name(*jobs: Job) -> Mapping[str, Job]:
    return {job.name: job for job in jobs}


async def run_logged(job: Job, job_id: str, job_try: int, call: Awaitable[Any]) -> Any:
    """Await one try of a job, logging its start, and its end or failure, one line each."""
    tries = f"try {job_try} of {job.max_tries}"
    log.info("job %s (%s) started, %s", job.name, job_id, tries)
    started = time.monotonic()
    try:
        result = await call
    except asyncio.CancelledError:
        log.warning(
            "job %s (%s) stopped after %.2f s (timed out or shutting down), %s",
            job.name,
            job_id,
            time.monotonic() - started,
            tries,
        )
        raise
    except Exception as exc:
        log.error(
            "job %s (%s) failed after %.2f s, %s: %s: %s",
            job.name,
            job_id,
            time.monotonic() - started,
            tries,
            type(exc).__name__,
            str(exc).splitlines()[0] if str(exc) else "",
        )
        raise
    outcome = f" ({result['status']})" if isinstance(result, dict) and "status" in result else ""
    log.info(
        "job %s (%s) finished in %.2f s%s", job.name, job_id, time.monotonic() - started, outcome
    )
    return result
