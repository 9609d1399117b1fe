"""Runs jobs as asyncio tasks inside the app process: the embedded default, no Redis needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cme.jobs import DailyJob, Job
from cme.timeline import LONDON

log = logging.getLogger(__name__)


class InProcessQueue:
    def __init__(
        self,
        jobs: Mapping[str, Job],
        daily: Sequence[DailyJob] = (),
        ctx: dict[str, Any] | None = None,
    ) -> None:
        self.jobs = jobs
        self.daily = daily
        self.ctx = ctx if ctx is not None else {}
        # Ids are remembered for the life of the process, as arq remembers a finished
        # job's id while it keeps the result.
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._scheduler: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.daily and self._scheduler is None:
            self._scheduler = asyncio.create_task(self._schedule())

    async def close(self) -> None:
        if self._scheduler is not None:
            self._scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler
            self._scheduler = None
        await self.drain()

    async def enqueue(self, name: str, *, job_id: str | None = None, **kwargs: Any) -> bool:
        job = self.jobs.get(name)
        if job is None:
            raise KeyError(f"no job called {name!r}")
        job_id = job_id or uuid.uuid4().hex
        if job_id in self._tasks:
            return False
        self._tasks[job_id] = asyncio.create_task(self._run(job, job_id, kwargs))
        return True

    async def drain(self) -> None:
        """Wait for every job queued so far (and any they queue) to finish."""
        while pending := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def _run(self, job: Job, job_id: str, kwargs: dict[str, Any]) -> Any:
        for attempt in range(1, job.max_tries + 1):
            ctx = {**self.ctx, "job_id": job_id, "job_try": attempt, "queue": self}
            try:
                return await asyncio.wait_for(job.function(ctx, **kwargs), job.timeout_seconds)
            except Exception:
                if attempt == job.max_tries:
                    log.exception("job %s (%s) failed after %d tries", job.name, job_id, attempt)
                    raise
                log.warning("job %s (%s) failed, try %d; retrying", job.name, job_id, attempt)
                await asyncio.sleep(job.retry_delay_seconds * attempt)
        return None

    async def _schedule(self) -> None:
        while True:
            now = datetime.now(LONDON)
            for daily in self.daily:
                if (now.hour, now.minute) == (daily.hour, daily.minute):
                    # The id makes the minute's repeated checks enqueue once; the job's
                    # ledger row makes it run once a day across processes too.
                    await self.enqueue(daily.job_name, job_id=f"{daily.job_name}:{now.date()}")
            await asyncio.sleep(60 - now.second + 0.5)
