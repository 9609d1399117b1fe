"""arq on Redis: the queue the app enqueues to, and the settings `cme worker` runs."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from arq import Retry
from arq.connections import ArqRedis, RedisSettings
from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine
from arq.worker import Function, func
from redis.exceptions import RedisError

from cme.jobs import ARQ_TIMEOUT_GRACE_SECONDS, DailyJob, Job, QueueUnavailable, run_logged
from cme.settings import describe_url

# How long a web request waits for Redis before telling the user the queue is unavailable.
REDIS_TIMEOUT_SECONDS = 3


class ArqQueue:
    def __init__(self, redis_url: str, pool: ArqRedis | None = None) -> None:
        self.redis_settings = RedisSettings.from_dsn(redis_url)
        self.where = describe_url(redis_url)
        self._pool = pool

    @classmethod
    def from_pool(cls, pool: ArqRedis, redis_url: str = "redis://") -> ArqQueue:
        """The queue over a connection arq has opened already (inside `cme worker`)."""
        return cls(redis_url, pool)

    @property
    def pool(self) -> ArqRedis:
        if self._pool is None:
            raise RuntimeError("the job queue has not been started")
        return self._pool

    async def start(self) -> None:
        # No connection yet (redis-py connects on first use, and again after Redis restarts):
        # an app started while Redis is down still serves, reports it at /health, and keeps
        # uploads for the worker to import once Redis is back.
        if self._pool is None:
            s = self.redis_settings
            self._pool = ArqRedis(
                host=s.host,
                port=s.port,
                db=s.database,
                username=s.username,
                password=s.password,
                ssl=s.ssl,
                socket_connect_timeout=s.conn_timeout,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                encoding="utf8",
            )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None

    async def ping(self) -> None:
        try:
            await asyncio.wait_for(self.pool.ping(), REDIS_TIMEOUT_SECONDS)
        except (RedisError, OSError, TimeoutError) as exc:
            raise QueueUnavailable(self.where, exc) from exc

    async def enqueue(self, name: str, *, job_id: str | None = None, **kwargs: Any) -> bool:
        try:
            job = await asyncio.wait_for(
                self.pool.enqueue_job(name, _job_id=job_id, **kwargs), REDIS_TIMEOUT_SECONDS
            )
        except (RedisError, OSError, TimeoutError) as exc:
            raise QueueUnavailable(self.where, exc) from exc
        return job is not None


def _retrying(job: Job) -> WorkerCoroutine:
    # arq retries only on `Retry`; turning any failure into one gives the same retry
    # behaviour as the in-process runner.
    async def run(ctx: dict[str, Any], **kwargs: Any) -> Any:
        job_try = int(ctx.get("job_try", 1))
        try:
            call = asyncio.wait_for(job.function(ctx, **kwargs), job.timeout_seconds)
            return await run_logged(job, str(ctx.get("job_id", "")), job_try, call)
        except Exception as exc:
            if job_try < job.max_tries:
                raise Retry(defer=job.retry_delay_seconds * job_try) from exc
            raise

    run.__qualname__ = run.__name__ = job.name
    return run


def _arq_timeout(job: Job) -> float:
    return job.timeout_seconds + ARQ_TIMEOUT_GRACE_SECONDS


def worker_functions(jobs: Mapping[str, Job]) -> list[Function]:
    return [
        func(_retrying(job), name=job.name, max_tries=job.max_tries, timeout=_arq_timeout(job))
        for job in jobs.values()
    ]


def cron_jobs(
    jobs: Mapping[str, Job], daily: Sequence[DailyJob], every_minute: Sequence[str] = ()
) -> list[CronJob]:
    """The daily jobs at their London times, and jobs run every minute and at start-up."""
    return [
        *(
            cron(
                _retrying(jobs[d.job_name]),
                name=f"cron:{d.job_name}",
                hour=d.hour,
                minute=d.minute,
                unique=True,
                timeout=_arq_timeout(jobs[d.job_name]),
            )
            for d in daily
        ),
        *(
            cron(
                _retrying(jobs[name]),
                name=f"cron:{name}",
                second=0,
                run_at_startup=True,
                unique=True,
                timeout=_arq_timeout(jobs[name]),
            )
            for name in every_minute
        ),
    ]
