"""Runs jobs as asyncio tasks inside the app process: the embedded default, no Redis needed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cme.jobs import DailyJob, Job, run_logged
from cme.timeline import LONDON

log = logging.getLogger(__name__)


class InProcessQueue:
    def __init__(
        self,
        jobs: Mapping[str, Job],
        daily: Sequence[DailyJob] = (),
        ctx: dict[str, Any] | None = None,
        at_start: Sequence[str] = (),
        sweep_seconds: float = 60,
    ) -> None:
        self.jobs = jobs
        self.daily = daily
        self.ctx = ctx if ctx is not None else {}
        # Jobs queued when the queue starts and every `sweep_seconds` after, as `cme worker`
        # runs them: work a previous process left unfinished (its tasks died with it) is
        # picked up again, also once a crashed process's import has gone quiet long enough
        # to be known dead, which a restart within seconds is too soon to tell.
        self.at_start = at_start
        self.sweep_seconds = sweep_seconds
        # A job id refuses a second job while its first is queued or running; the jobs are
        # idempotent, so a finished one's id may run again (a later sweep needs that).
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._scheduler: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.daily and self._scheduler is None:
            self._scheduler = asyncio.create_task(self._schedule())
        for name in self.at_start:
            await self.enqueue(name, job_id=name)
        if self.at_start and self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep())

    async def ping(self) -> None:
        """Always reachable: the queue is this process."""

    async def close(self) -> None:
        for task in (self._scheduler, self._sweeper):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._scheduler = self._sweeper = None
        await self.drain()

    async def enqueue(self, name: str, *, job_id: str | None = None, **kwargs: Any) -> bool:
        job = self.jobs.get(name)
        if job is None:
            raise KeyError(f"no job called {name!r}")
        job_id = job_id or uuid.uuid4().hex
        if job_id in self._tasks and not self._tasks[job_id].done():
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
            call = asyncio.wait_for(job.function(ctx, **kwargs), job.timeout_seconds)
            try:
                return await run_logged(job, job_id, attempt, call)
            except Exception:
                if attempt == job.max_tries:
                    raise
                await asyncio.sleep(job.retry_delay_seconds * attempt)
        return None

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            for name in self.at_start:
                await self.enqueue(name, job_id=name)

    async def _schedule(self) -> None:
        while True:
            now = datetime.now(LONDON)
            for daily in self.daily:
                if (now.hour, now.minute) == (daily.hour, daily.minute):
                    # The id makes the minute's repeated checks enqueue once; the job's
                    # ledger row makes it run once a day across processes too.
                    await self.enqueue(daily.job_name, job_id=f"{daily.job_name}:{now.date()}")
            await asyncio.sleep(60 - now.second + 0.5)
