"""Both job runners: the same job ids, retries and daily ledger, arq on a real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from arq.worker import Worker

from cme.jobs import Job, by_name
from cme.jobs.arq_queue import ArqQueue, worker_functions
from cme.jobs.inprocess import InProcessQueue
from cme.jobs.ledger import once_a_day
from cme.jobs.tasks import JOBS
from cme.storage import accounts
from cme.storage.clock import utcnow
from cme.storage.tables import JobLedger, WebSession
from tests.integration.helpers import World
from tests.services import REDIS_URL, unavailable


async def record_run(ctx: dict[str, Any], *, label: str) -> str:
    ctx["runs"].append(label)
    return label


async def fail_once(ctx: dict[str, Any]) -> int:
    ctx["runs"].append(ctx["job_try"])
    if ctx["job_try"] == 1:
        raise RuntimeError("a passing failure")
    return ctx["job_try"]


TEST_JOBS = by_name(
    Job("record_run", record_run),
    Job("fail_once", fail_once, max_tries=3, retry_delay_seconds=0),
)


@pytest.fixture
async def arq_queue() -> AsyncIterator[ArqQueue]:
    queue = ArqQueue(REDIS_URL)
    try:
        await queue.start()
        await queue.pool.flushdb()
    except OSError as exc:
        unavailable(f"Redis at {REDIS_URL}", exc)
    yield queue
    await queue.pool.flushdb()
    await queue.close()


async def run_burst_worker(queue: ArqQueue, jobs: Any, ctx: dict[str, Any]) -> Worker:
    worker = Worker(
        functions=worker_functions(jobs),
        redis_pool=queue.pool,
        burst=True,
        poll_delay=0,
        ctx=ctx,
        handle_signals=False,
    )
    await worker.main()
    await worker.close()
    return worker


@pytest.mark.redis
async def test_arq_runs_a_job_id_once(arq_queue: ArqQueue) -> None:
    assert await arq_queue.enqueue("record_run", job_id="import:42", label="first") is True
    assert await arq_queue.enqueue("record_run", job_id="import:42", label="second") is False
    ctx: dict[str, Any] = {"runs": []}
    worker = await run_burst_worker(arq_queue, TEST_JOBS, ctx)
    assert ctx["runs"] == ["first"]
    assert worker.jobs_complete == 1
    # While arq keeps the result, the id still refuses a new job.
    assert await arq_queue.enqueue("record_run", job_id="import:42", label="third") is False


@pytest.mark.redis
async def test_arq_retries_a_failed_job(arq_queue: ArqQueue) -> None:
    await arq_queue.enqueue("fail_once", job_id="flaky")
    ctx: dict[str, Any] = {"runs": []}
    worker = await run_burst_worker(arq_queue, TEST_JOBS, ctx)
    assert ctx["runs"] == [1, 2]
    assert worker.jobs_complete == 1
    assert worker.jobs_failed == 0


async def test_in_process_runs_a_job_id_once() -> None:
    ctx: dict[str, Any] = {"runs": []}
    queue = InProcessQueue(TEST_JOBS, ctx=ctx)
    await queue.start()
    assert await queue.enqueue("record_run", job_id="import:42", label="first") is True
    assert await queue.enqueue("record_run", job_id="import:42", label="second") is False
    await queue.drain()
    assert ctx["runs"] == ["first"]
    assert await queue.enqueue("record_run", job_id="import:42", label="third") is False
    await queue.close()


async def test_in_process_retries_a_failed_job() -> None:
    ctx: dict[str, Any] = {"runs": []}
    queue = InProcessQueue(TEST_JOBS, ctx=ctx)
    await queue.enqueue("fail_once", job_id="flaky")
    await queue.drain()
    assert ctx["runs"] == [1, 2]


async def test_in_process_refuses_an_unknown_job() -> None:
    with pytest.raises(KeyError, match="no job called 'nope'"):
        await InProcessQueue(TEST_JOBS).enqueue("nope")


async def test_daily_ledger_runs_once_and_frees_the_day_on_failure(db: object) -> None:
    calls: list[str] = []

    async def work() -> str:
        calls.append("ran")
        return "done"

    day = date(2025, 1, 20)
    assert await once_a_day("sweep", day, work) == (True, "done")
    assert await once_a_day("sweep", day, work) == (False, None)
    assert await once_a_day("sweep", day + timedelta(days=1), work) == (True, "done")
    assert calls == ["ran", "ran"]

    async def broken() -> None:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        await once_a_day("other", day, broken)
    assert not await JobLedger.exists().where(JobLedger.name == "other")
    assert await once_a_day("other", day, work) == (True, "done")


@pytest.mark.redis
async def test_housekeeping_on_arq_purges_expired_sessions_once_a_day(
    arq_queue: ArqQueue, world: World
) -> None:
    account = (await accounts.accounts_in_la(await _admin_viewer()))[0]["id"]
    await WebSession.insert(
        WebSession(
            token_hash="a" * 64,
            account=account,
            created_at=utcnow(),
            expires_at=utcnow() - timedelta(minutes=1),
        ),
        WebSession(
            token_hash="b" * 64,
            account=account,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(hours=1),
        ),
    )
    await arq_queue.enqueue("housekeeping", job_id="hk-1")
    await arq_queue.enqueue("housekeeping", job_id="hk-2")
    await run_burst_worker(arq_queue, JOBS, {})
    assert [r["token_hash"] for r in await WebSession.select(WebSession.token_hash)] == ["b" * 64]
    assert await JobLedger.count().where(JobLedger.name == "housekeeping") == 1
    results = {j.job_id: j.result for j in await arq_queue.pool.all_job_results()}
    assert sorted(r["ran"] for r in results.values()) == [False, True]


async def _admin_viewer():  # type: ignore[no-untyped-def]
    from cme.storage.tables import Account

    row = await Account.select(Account.id).where(Account.email == "admin@test.example").first()
    return await accounts.viewer_for_account(row["id"])
