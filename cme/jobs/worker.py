"""`cme worker`: arq's worker with the app's jobs, the database opened for its lifetime."""

from __future__ import annotations

from typing import Any, ClassVar

from arq.connections import RedisSettings

import cme.storage  # noqa: F401  (sets PICCOLO_CONF before tables load)
from cme.jobs.arq_queue import ArqQueue, worker_functions
from cme.jobs.arq_queue import cron_jobs as daily_cron_jobs
from cme.jobs.tasks import DAILY, JOBS, SWEEPS
from cme.storage.engine import close_engine, open_engine
from cme.timeline import LONDON


async def _startup(ctx: dict[str, Any]) -> None:
    await open_engine()
    # Jobs that queue other jobs (the sweep of unfinished imports) enqueue through this.
    ctx["queue"] = ArqQueue.from_pool(ctx["redis"])


async def _shutdown(ctx: dict[str, Any]) -> None:
    await close_engine()


def worker_settings(redis_url: str) -> type:
    class WorkerSettings:
        functions: ClassVar = worker_functions(JOBS)
        cron_jobs: ClassVar = daily_cron_jobs(JOBS, DAILY, every_minute=SWEEPS)
        redis_settings = RedisSettings.from_dsn(redis_url)
        timezone = LONDON
        on_startup = _startup
        on_shutdown = _shutdown

    return WorkerSettings
