"""arq on Redis: the queue the app enqueues to, and the settings `cme worker` runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from arq import Retry, create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine
from arq.worker import Function, func

from cme.jobs import DailyJob, Job


class ArqQueue:
    def __init__(self, redis_url: str) -> None:
        self.redis_settings = RedisSettings.from_dsn(redis_url)
        self._pool: ArqRedis | None = None

    @property
    def pool(self) -> ArqRedis:
        if self._pool is None:
            raise RuntimeError("the job queue has not been started")
        return self._pool

    async def start(self) -> None:
        if self._pool is None:
            self._pool = await create_pool(self.redis_settings)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None

    async def enqueue(self, name: str, *, job_id: str | None = None, **kwargs: Any) -> bool:
        job = await self.pool.enqueue_job(name, _job_id=job_id, **kwargs)
        return job is not None


def _retrying(job: Job) -> WorkerCoroutine:
    # arq retries only on `Retry`; turning any failure into one gives the same retry
    # behaviour as the in-process runner.
    async def run(ctx: dict[str, Any], **kwargs: Any) -> Any:
        try:
            return await job.function(ctx, **kwargs)
        except Exception as exc:
            if ctx.get("job_try", 1) < job.max_tries:
                raise Retry(defer=job.retry_delay_seconds * ctx.get("job_try", 1)) from exc
            raise

    run.__qualname__ = run.__name__ = job.name
    return run


def worker_functions(jobs: Mapping[str, Job]) -> list[Function]:
    return [
        func(_retrying(job), name=job.name, max_tries=job.max_tries, timeout=job.timeout_seconds)
        for job in jobs.values()
    ]


def cron_jobs(jobs: Mapping[str, Job], daily: Sequence[DailyJob]) -> list[CronJob]:
    return [
        cron(
            _retrying(jobs[d.job_name]),
            name=f"cron:{d.job_name}",
            hour=d.hour,
            minute=d.minute,
            unique=True,
        )
        for d in daily
    ]
