"""Both job runners: the same job ids, retries and daily ledger, arq on a real Redis."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from arq.worker import Worker
from redis.exceptions import RedisError

from cme import demo_data
from cme.demo_registers import make_grid, to_csv, weekdays, wide_rows
from cme.events import UploadStatus
from cme.jobs import RETRY_AFTER_INTERRUPTION_SECONDS, Job, by_name
from cme.jobs.arq_queue import ArqQueue, worker_functions
from cme.jobs.inprocess import InProcessQueue
from cme.jobs.ledger import once_a_day
from cme.jobs.tasks import JOBS, SWEEPS, enqueue_import, queue_unfinished_imports
from cme.jobs.worker import worker_settings
from cme.storage import account_admin, accounts, uploads
from cme.storage.clock import utcnow
from cme.storage.engine import is_sqlite
from cme.storage.tables import JobLedger, Pupil, PupilYear, RegisterUpload, WebSession
from tests.integration.helpers import World
from tests.integration.registers import grid
from tests.services import REDIS_URL, unavailable

CME = str(Path(sys.executable).parent / "cme")


async def record_run(ctx: dict[str, Any], *, label: str) -> str:
    ctx["runs"].append(label)
    return label


async def fail_once(ctx: dict[str, Any]) -> int:
    ctx["runs"].append(ctx["job_try"])
    if ctx["job_try"] == 1:
        raise RuntimeError("a passing failure")
    return ctx["job_try"]


async def hang_once(ctx: dict[str, Any]) -> int:
    ctx["runs"].append(ctx["job_try"])
    if ctx["job_try"] == 1:
        await asyncio.sleep(30)
    return ctx["job_try"]


TEST_JOBS = by_name(
    Job("record_run", record_run),
    Job("fail_once", fail_once, max_tries=3, retry_delay_seconds=0),
    Job("hang_once", hang_once, max_tries=2, timeout_seconds=0.5, retry_delay_seconds=0),
)


@pytest.fixture
async def arq_queue() -> AsyncIterator[ArqQueue]:
    queue = ArqQueue(REDIS_URL)
    try:
        await queue.start()
        await queue.pool.flushdb()
    except (OSError, RedisError) as exc:
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


@pytest.mark.redis
async def test_arq_retries_a_job_that_timed_out(arq_queue: ArqQueue) -> None:
    # arq itself never retries a job it timed out: the upload page would say "it will be
    # tried again" while the job's id kept the sweep from queueing it for an hour.
    await arq_queue.enqueue("hang_once", job_id="slow")
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
    # Once it has finished the id is free: a later sweep may queue an import again (the
    # import itself knows it is done).
    assert await queue.enqueue("record_run", job_id="import:42", label="third") is True
    await queue.close()
    assert ctx["runs"] == ["first", "third"]


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
    account = (await account_admin.users_of(await _admin_viewer()))[0].id
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


# --- Each job's start, end and failure, one line each ---------------------------------------


def job_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "cme.jobs"]


async def test_in_process_logs_each_job_start_end_and_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="cme.jobs")
    queue = InProcessQueue(TEST_JOBS, ctx={"runs": []})
    await queue.enqueue("record_run", job_id="r1", label="x")
    await queue.enqueue("fail_once", job_id="f1")
    await queue.drain()
    lines = job_lines(caplog)
    assert "job record_run (r1) started, try 1 of 3" in lines
    assert any(
        re.fullmatch(r"job record_run \(r1\) finished in \d+\.\d\d s", line) for line in lines
    )
    assert any(
        re.fullmatch(
            r"job fail_once \(f1\) failed after \d+\.\d\d s, try 1 of 3: "
            r"RuntimeError: a passing failure",
            line,
        )
        for line in lines
    )
    assert "job fail_once (f1) started, try 2 of 3" in lines
    assert all("\n" not in line for line in lines)


@pytest.mark.redis
async def test_arq_logs_each_job_start_end_and_failure(
    arq_queue: ArqQueue, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cme.jobs")
    await arq_queue.enqueue("fail_once", job_id="flaky")
    await run_burst_worker(arq_queue, TEST_JOBS, {"runs": []})
    lines = job_lines(caplog)
    assert lines[0] == "job fail_once (flaky) started, try 1 of 3"
    assert lines[1].startswith("job fail_once (flaky) failed after ")
    assert lines[1].endswith("try 1 of 3: RuntimeError: a passing failure")
    assert lines[2] == "job fail_once (flaky) started, try 2 of 3"
    assert re.fullmatch(r"job fail_once \(flaky\) finished in \d+\.\d\d s", lines[3])


# --- Timeouts sized to the work --------------------------------------------------------------


def test_a_dead_workers_import_is_retried_within_minutes_not_ten() -> None:
    settings = worker_settings(REDIS_URL)
    worker = Worker(
        functions=settings.functions,
        cron_jobs=settings.cron_jobs,
        redis_settings=settings.redis_settings,
        handle_signals=False,
    )
    # arq re-runs a dead worker's job once its in-progress mark expires; the upload page
    # promises the retry at exactly this delay.
    assert worker.in_progress_timeout_s == RETRY_AFTER_INTERRUPTION_SECONDS
    assert RETRY_AFTER_INTERRUPTION_SECONDS <= 180
    assert JOBS["import_register"].timeout_seconds >= 60  # ~2 s of work, generous headroom


# --- No upload is orphaned -------------------------------------------------------------------


async def _waiting_upload(world: World) -> int:
    content = to_csv(wide_rows(grid()))
    return await uploads.create_upload(world.school_a, "register.csv", content)


async def _status(upload_id: int) -> str:
    row = await RegisterUpload.select(RegisterUpload.status).where(RegisterUpload.id == upload_id)
    return str(row[0]["status"])


@pytest.mark.redis
async def test_the_worker_at_start_queues_an_upload_left_waiting(
    arq_queue: ArqQueue, world: World
) -> None:
    upload_id = await _waiting_upload(world)  # its job never reached Redis
    settings = worker_settings(REDIS_URL)
    worker = Worker(
        functions=settings.functions,
        cron_jobs=settings.cron_jobs,
        on_startup=settings.on_startup,
        redis_pool=arq_queue.pool,
        burst=True,
        poll_delay=0,
        handle_signals=False,
    )
    await worker.main()
    await worker.close()
    assert await _status(upload_id) == UploadStatus.DONE.value
    # Queued again, an import already done is not run twice.
    ctx = {"queue": arq_queue}
    assert await queue_unfinished_imports(ctx) == {"status": "done", "unfinished": 0, "queued": 0}


async def test_the_in_process_runner_at_start_imports_uploads_left_unfinished(
    world: World,
) -> None:
    waiting = await _waiting_upload(world)
    # One a stopped process was importing: running, its heartbeat long silent.
    stopped = await _waiting_upload(world)
    long_ago = utcnow() - timedelta(minutes=5)
    await RegisterUpload.update(
        {
            RegisterUpload.status: UploadStatus.RUNNING.value,
            RegisterUpload.started_at: long_ago,
            RegisterUpload.heartbeat_at: long_ago,
        }
    ).where(RegisterUpload.id == stopped)
    queue = InProcessQueue(JOBS, at_start=SWEEPS)
    await queue.start()
    await queue.drain()
    await queue.close()
    assert await _status(waiting) == UploadStatus.DONE.value
    assert await _status(stopped) == UploadStatus.DONE.value


async def test_the_in_process_runner_imports_an_upload_a_crashed_process_left_running(
    world: World,
) -> None:
    # The app was killed mid-import and restarted at once: at start the import's heartbeat
    # is too recent to tell it from a live one, so it is left; a later sweep, once the
    # heartbeat has gone quiet, must still import it rather than leave it "importing".
    upload_id = await _waiting_upload(world)
    await RegisterUpload.update(
        {
            RegisterUpload.status: UploadStatus.RUNNING.value,
            RegisterUpload.started_at: utcnow(),
            RegisterUpload.heartbeat_at: utcnow(),
        }
    ).where(RegisterUpload.id == upload_id)
    queue = InProcessQueue(JOBS, at_start=SWEEPS, sweep_seconds=0.2)
    await queue.start()
    await queue.drain()
    assert await _status(upload_id) == UploadStatus.RUNNING.value
    quiet = utcnow() - timedelta(minutes=5)
    await RegisterUpload.update({RegisterUpload.heartbeat_at: quiet}).where(
        RegisterUpload.id == upload_id
    )
    for _ in range(50):
        await asyncio.sleep(0.2)
        await queue.drain()
        if await _status(upload_id) == UploadStatus.DONE.value:
            break
    await queue.close()
    assert await _status(upload_id) == UploadStatus.DONE.value


async def test_a_sweep_leaves_a_just_stopped_import_to_its_own_retry(world: World) -> None:
    # Stopped by an error a moment ago, its retry is due in seconds in the queue that ran it
    # (perhaps another app process): a sweep that ran it as well would import it twice.
    upload_id = await _waiting_upload(world)
    await RegisterUpload.update(
        {
            RegisterUpload.status: UploadStatus.QUEUED.value,
            RegisterUpload.stage: "Stopped; it will be tried again",
            RegisterUpload.heartbeat_at: utcnow(),
        }
    ).where(RegisterUpload.id == upload_id)
    assert upload_id not in await uploads.unfinished_upload_ids()
    # Left quiet (its process died before the retry), the sweep takes it up.
    await RegisterUpload.update(
        {RegisterUpload.heartbeat_at: utcnow() - timedelta(minutes=5)}
    ).where(RegisterUpload.id == upload_id)
    assert upload_id in await uploads.unfinished_upload_ids()


async def test_a_sweep_leaves_an_import_with_a_live_heartbeat_to_its_runner(world: World) -> None:
    upload_id = await _waiting_upload(world)
    await RegisterUpload.update(
        {
            RegisterUpload.status: UploadStatus.RUNNING.value,
            RegisterUpload.started_at: utcnow(),
            RegisterUpload.heartbeat_at: utcnow(),
        }
    ).where(RegisterUpload.id == upload_id)
    outcome = await uploads.run_import(upload_id)
    assert outcome["status"] == UploadStatus.RUNNING.value
    assert await Pupil.count().where(Pupil.school == world.school_a) == 1  # the world's own
    # A retry (the queue knows the earlier try has ended) takes it over.
    assert (await uploads.run_import(upload_id, takeover=True))["status"] == "done"


async def test_an_import_retried_after_an_error_is_claimed_at_once(world: World) -> None:
    upload_id = await _waiting_upload(world)
    calls: list[int] = []
    original = uploads.apply_register

    async def broken_once(school_id: int, register: Any) -> Any:
        calls.append(school_id)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return await original(school_id, register)

    uploads.apply_register = broken_once  # type: ignore[assignment]
    try:
        with pytest.raises(RuntimeError):
            await uploads.run_import(upload_id, final_try=False)
        assert await _status(upload_id) == UploadStatus.QUEUED.value
        assert (await uploads.run_import(upload_id))["status"] == "done"
    finally:
        uploads.apply_register = original  # type: ignore[assignment]


# --- kill -9 of a real `cme worker` mid-import -----------------------------------------------


def _database_url(engine: Any) -> str:
    if is_sqlite(engine):
        return f"sqlite:///{engine.path}"
    return str(engine.config["dsn"])


def _big_register() -> bytes:
    """A full year for 1,200 pupils: seconds to import, a wide window for the kill."""
    school = demo_data.SCHOOLS[0]
    pupils = demo_data.demo_pupils(school.establishment, school.year_groups, per_year=200, seed=3)
    days = weekdays(date(2024, 9, 2), date(2025, 5, 23))
    return to_csv(wide_rows(make_grid(pupils, days, set(), seed=3, patterns=False)))


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([CME, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)


async def _wait_for(upload_id: int, statuses: set[str], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while (status := await _status(upload_id)) not in statuses:
        if time.monotonic() > deadline:
            raise AssertionError(f"upload still {status} after {seconds} s")
        await asyncio.sleep(0.01)
    return status


@pytest.mark.redis
async def test_a_worker_killed_mid_import_leaves_nothing_and_the_retry_completes(
    arq_queue: ArqQueue, world: World, db: Any, tmp_path: Path
) -> None:
    upload_id = await uploads.create_upload(world.school_a, "year.csv", _big_register())
    assert await enqueue_import(arq_queue, upload_id)
    env = {**os.environ, "CME_DATABASE_URL": _database_url(db), "CME_REDIS_URL": REDIS_URL}
    env.pop("CME_DEBUG", None)
    first = _worker(env, tmp_path / "first.log")
    try:
        await _wait_for(upload_id, {UploadStatus.RUNNING.value}, 30)
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait(10)
    assert await _status(upload_id) == UploadStatus.RUNNING.value, "finished before the kill"
    # Nothing partial: no pupil, no marks from the killed import.
    assert await Pupil.count().where(Pupil.school == world.school_a) == 1
    assert await PupilYear.count() == 0
    # arq re-runs the job when the dead try's in-progress mark expires (135 s); expire it now.
    assert await arq_queue.pool.delete(f"arq:in-progress:import:{upload_id}") == 1
    second = _worker(env, tmp_path / "second.log")
    log_path = tmp_path / "second.log"
    try:
        outcome = await _wait_for(upload_id, {"done", "failed"}, 60)
        # The job's last line follows its commit; a loaded machine (tests run in parallel)
        # may take seconds to write it.
        for _ in range(1200):  # up to a minute
            if f"job import_register (import:{upload_id}) finished in" in log_path.read_text():
                break
            await asyncio.sleep(0.05)
    finally:
        second.terminate()
        second.wait(60)
    log = log_path.read_text()
    assert outcome == UploadStatus.DONE.value, log
    assert f"job import_register (import:{upload_id}) started, try 2 of 3" in log
    assert re.search(
        rf"job import_register \(import:{upload_id}\) finished in [\d.]+ s \(done\)", log
    )
    assert "Traceback" not in log
    assert await Pupil.count().where(Pupil.school == world.school_a) == 1201
