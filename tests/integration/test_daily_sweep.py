"""The daily case sweep runs by itself at each LA's time, once a day however many runners:
two real `cme worker` processes, the embedded in-process runner, a sweep that fails part-way,
and the LA administrator's setting on the thresholds page."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.exceptions import RedisError

from cme.demo_registers import to_csv, wide_rows
from cme.errors import InvalidField, Refused
from cme.events import Action
from cme.jobs import by_name
from cme.jobs.arq_queue import ArqQueue
from cme.jobs.inprocess import InProcessQueue
from cme.jobs.tasks import JOBS
from cme.settings import Settings
from cme.storage import accounts, daily_sweep
from cme.storage import cases as case_store
from cme.storage.clock import utcnow
from cme.storage.daily_sweep import SweepFailed, set_sweep_time, sweep_due_las, sweep_la
from cme.storage.engine import is_sqlite
from cme.storage.tables import (
    Account,
    AuditEvent,
    Case,
    CaseEvent,
    CaseSync,
    JobLedger,
    LocalAuthority,
)
from cme.storage.uploads import create_upload, run_import
from cme.timeline import LONDON
from cme.web.app import make_job_queue
from tests.integration.helpers import World, csrf_token, post_form, sign_in
from tests.integration.registers import grid
from tests.services import REDIS_URL, unavailable

CME = str(Path(sys.executable).parent / "cme")
PAGE = "/la/admin/policy"


async def registers_with_cases_undone(world: World) -> dict[int, int]:
    """Registers imported into both schools of LA 370 whose cases are then forgotten, as if
    the imports' own case sync had never run, so that only a sweep opens them again. Returns
    the number of cases each school's register opens."""
    opened = {}
    for school, seed in ((world.school_a, 7), (world.school_b, 8)):
        await run_import(await create_upload(school, "r.csv", to_csv(wide_rows(grid(seed)))))
        opened[school] = await Case.count().where(Case.school == school)
    assert all(opened.values()), "each register opens cases"
    await Case.delete(force=True)
    await CaseSync.delete(force=True)
    return opened


async def set_times(**by_code: str) -> None:
    for code, value in by_code.items():
        await LocalAuthority.update({LocalAuthority.sweep_time: value}).where(
            LocalAuthority.code == code
        )


async def cases_of(school_id: int) -> int:
    return int(await Case.count().where(Case.school == school_id))


async def swept(la_id: int) -> list[dict[str, Any]]:
    rows = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.la == la_id, AuditEvent.action == Action.CASES_SWEPT.value
    )
    return [json.loads(r["detail"]) for r in rows]


async def ledger(code: str) -> list[dict[str, Any]]:
    return await JobLedger.select(JobLedger.run_on).where(
        JobLedger.name == daily_sweep.ledger_name(code)
    )


async def opened_audited() -> int:
    return int(await AuditEvent.count().where(AuditEvent.action == Action.CASE_OPENED.value))


# --- The sweep of one LA, and a failure part-way ---------------------------------------------


async def test_a_sweep_that_fails_part_way_leaves_no_half_updated_case(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = await registers_with_cases_undone(world)
    await set_times(**{"370": "00:00", "380": "00:00"})
    original = case_store.sync_school
    failures: list[int] = []

    async def second_school_fails_once(school_id: int, *args: Any, **kwargs: Any) -> Any:
        if school_id == world.school_b and not failures:
            failures.append(school_id)
            raise RuntimeError("the database went away")
        return await original(school_id, *args, **kwargs)

    monkeypatch.setattr(case_store, "sync_school", second_school_fails_once)
    now = utcnow()
    with pytest.raises(SweepFailed, match="the daily sweep failed for LA 370"):
        await sweep_due_las(now)
    # School A's transaction committed whole; school B's never began.
    assert await cases_of(world.school_a) == opened[world.school_a]
    assert await cases_of(world.school_b) == 0
    events_a = await CaseEvent.count()
    # The failing LA's day is free again and nothing says it was swept; the other LA's sweep
    # was not stopped by it.
    assert await ledger("370") == []
    assert await swept(world.la_id) == []
    assert len(await ledger("380")) == 1
    assert len(await swept(world.other_la_id)) == 1

    retry = await sweep_due_las(now)
    assert [s.la_code for s in retry] == ["370"]
    # The retry opened school B's cases only: school A's were already up to date.
    assert retry[0].result.opened == opened[world.school_b]
    assert await cases_of(world.school_a) == opened[world.school_a]
    assert await cases_of(world.school_b) == opened[world.school_b]
    assert await CaseEvent.count() > events_a
    [record] = await swept(world.la_id)
    assert record["schools"] == 2
    assert record["cases_opened"] == opened[world.school_b]
    assert record["swept_to"] == now.astimezone(LONDON).date().isoformat()
    assert [r["run_on"] for r in await ledger("370")] == [now.astimezone(LONDON).date()]
    # Once swept today, another check does nothing.
    assert await sweep_due_las(now) == []
    assert len(await swept(world.la_id)) == 1


async def test_the_sweep_job_is_retried_after_a_failure(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    opened = await registers_with_cases_undone(world)
    await set_times(**{"370": "00:00"})
    original = case_store.sync_school
    failures: list[int] = []

    async def second_school_fails_once(school_id: int, *args: Any, **kwargs: Any) -> Any:
        if school_id == world.school_b and not failures:
            failures.append(school_id)
            raise RuntimeError("the database went away")
        return await original(school_id, *args, **kwargs)

    monkeypatch.setattr(case_store, "sync_school", second_school_fails_once)
    caplog.set_level(logging.INFO, logger="cme.jobs")
    # The real job and runner; only the pause before the retry is left out.
    job = replace(JOBS["sweep_cases"], retry_delay_seconds=0)
    queue = InProcessQueue(by_name(job))
    await queue.enqueue("sweep_cases", job_id="sweep_cases")
    await queue.drain()
    lines = [r.getMessage() for r in caplog.records if r.name == "cme.jobs"]
    assert any(
        line.startswith("job sweep_cases (sweep_cases) failed") and "SweepFailed" in line
        for line in lines
    )
    assert "job sweep_cases (sweep_cases) started, try 2 of 3" in lines
    assert failures == [world.school_b]
    assert await cases_of(world.school_b) == opened[world.school_b]
    assert len(await swept(world.la_id)) == 1


# --- The in-process runner (the embedded default) --------------------------------------------


async def a_time_not_yet_come() -> str:
    """A sweep time a minute after now (London) that stays in the future while the test runs:
    at least ten seconds away, and not past midnight."""
    while True:
        now = utcnow().astimezone(LONDON)
        if now.second < 50 and (now.hour, now.minute) != (23, 59):
            return (now + timedelta(minutes=1)).strftime("%H:%M")
        # Wait for the next minute; only once a day, at 23:59, for up to a minute.
        await asyncio.sleep(60.5 - now.second - now.microsecond / 1e6)


async def test_the_in_process_runner_sweeps_an_la_whose_time_has_come_once(
    world: World, settings: Settings
) -> None:
    opened = await registers_with_cases_undone(world)
    await set_times(**{"370": "00:00", "380": await a_time_not_yet_come()})
    before = await opened_audited()
    # Two app processes, one after the other, each with the embedded runner as `cme serve`
    # makes it: the sweep runs at start.
    for _ in range(2):
        queue = make_job_queue(settings)
        assert isinstance(queue, InProcessQueue)
        await queue.start()
        await queue.drain()
        await queue.close()
    assert len(await swept(world.la_id)) == 1
    assert len(await ledger("370")) == 1
    assert await cases_of(world.school_a) == opened[world.school_a]
    assert await cases_of(world.school_b) == opened[world.school_b]
    assert await opened_audited() - before == sum(opened.values())
    # LA 380's time has not come: not swept, its day not taken.
    assert await swept(world.other_la_id) == []
    assert await ledger("380") == []


# --- Two real `cme worker` processes ----------------------------------------------------------


@pytest.fixture
async def redis_queue() -> AsyncIterator[ArqQueue]:
    queue = ArqQueue(REDIS_URL)
    try:
        await queue.start()
        await queue.pool.flushdb()
    except (OSError, RedisError) as exc:
        unavailable(f"Redis at {REDIS_URL}", exc)
    yield queue
    await queue.pool.flushdb()
    await queue.close()


def _database_url(engine: Any) -> str:
    if is_sqlite(engine):
        return f"sqlite:///{engine.path}"
    return str(engine.config["dsn"])


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([CME, "worker"], env=env, stdout=out, stderr=subprocess.STDOUT)


def _finished_checks(logs: list[Path]) -> int:
    text = "".join(p.read_text() for p in logs)
    return len(re.findall(r"job sweep_cases \(\S+\) finished in", text))


@pytest.mark.redis
async def test_two_workers_sweep_each_la_once(
    redis_queue: ArqQueue, world: World, db: Any, tmp_path: Path
) -> None:
    opened = await registers_with_cases_undone(world)
    await set_times(**{"370": "00:00", "380": "00:00"})
    before = await opened_audited()
    env = {**os.environ, "CME_DATABASE_URL": _database_url(db), "CME_REDIS_URL": REDIS_URL}
    for name in ("CME_DEBUG", "CME_SMTP_URL"):
        env.pop(name, None)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    workers = [_worker(env, log) for log in logs]
    try:
        deadline = time.monotonic() + 60
        while not (await swept(world.la_id) and await swept(world.other_la_id)):
            assert time.monotonic() < deadline, "no sweep within 60 s: " + logs[0].read_text()
            await asyncio.sleep(0.2)
        # Each worker queued its own check at start (two jobs): wait until both have run, so
        # that the second had its chance to sweep again.
        while _finished_checks(logs) < 2:
            assert time.monotonic() < deadline + 30, "".join(p.read_text() for p in logs)
            await asyncio.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(15)
    text = "".join(p.read_text() for p in logs)
    assert "Traceback" not in text, text
    # Whichever worker took each LA, the logs name each LA swept once.
    named = re.findall(r"job sweep_cases \(\S+\) finished in [\d.]+ s \(swept LA ([^)]+)\)", text)
    assert sorted(code for line in named for code in line.split(", ")) == ["370", "380"], text
    assert len(await swept(world.la_id)) == 1
    assert len(await swept(world.other_la_id)) == 1
    assert len(await ledger("370")) == 1
    assert len(await ledger("380")) == 1
    assert await cases_of(world.school_a) == opened[world.school_a]
    assert await cases_of(world.school_b) == opened[world.school_b]
    assert await opened_audited() - before == sum(opened.values())


# --- The LA administrator sets the time ------------------------------------------------------


async def test_admin_sets_the_sweep_time(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE)
    assert 'id="sweep_time"' in page.text and 'type="time"' in page.text
    assert 'value="06:30"' in page.text
    assert "Not run yet" in page.text
    assert "marks the steps that have become overdue" in page.text

    saved = await post_form(client, PAGE, f"{PAGE}/sweep", {"sweep_time": "07:15"})
    assert saved.status_code == 303
    assert await daily_sweep.sweep_time_for_la(world.la_id) == "07:15"
    assert await daily_sweep.sweep_time_for_la(world.other_la_id) == "06:30"
    [change] = await AuditEvent.select(AuditEvent.detail, AuditEvent.la).where(
        AuditEvent.action == Action.SWEEP_TIME_CHANGED.value
    )
    assert change["la"] == world.la_id
    assert json.loads(change["detail"]) == {"before": "06:30", "after": "07:15"}
    shown = await client.get(saved.headers["location"])
    assert "Daily sweep time saved." in shown.text
    assert 'value="07:15"' in shown.text

    for typed in ("25:00", "7.15", "seven"):
        bad = await post_form(client, PAGE, f"{PAGE}/sweep", {"sweep_time": typed})
        assert bad.status_code == 400
        assert 'id="sweep_time-error"' in bad.text
        assert (
            "Daily sweep time: enter a time as hours and minutes, for example 06:30 "
            f"(you typed \u201c{typed}\u201d)." in bad.text
        )
        # The thresholds form beside it still shows what is stored.
        assert 'id="continuous_absence_school_days"' in bad.text and 'value="10"' in bad.text
    assert await daily_sweep.sweep_time_for_la(world.la_id) == "07:15"

    # Without the form's token nothing changes.
    forged = await client.post(
        f"{PAGE}/sweep", data={"sweep_time": "05:00", "_csrf_token": "0" * 128}
    )
    assert forged.status_code == 403
    missing = await client.post(f"{PAGE}/sweep", data={"sweep_time": "05:00"})
    assert missing.status_code == 403
    assert await daily_sweep.sweep_time_for_la(world.la_id) == "07:15"


async def test_the_page_says_when_the_sweep_last_ran(
    client: httpx.AsyncClient, world: World
) -> None:
    await sweep_la(world.la_id, utcnow().astimezone(LONDON).date())
    last = await daily_sweep.last_sweep(world.la_id)
    assert last is not None
    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE)
    assert f"Last run: {last.astimezone(LONDON):%d/%m/%Y %H:%M}" in page.text
    assert "Not run yet" not in page.text
    # The other LA's administrator would see its own LA's: never swept.
    assert await daily_sweep.last_sweep(world.other_la_id) is None


async def test_only_the_la_administrator_sets_the_sweep_time(
    client: httpx.AsyncClient, world: World
) -> None:
    for email in ("cme@test.example", "dsl.a@test.example"):
        client.cookies.clear()
        await sign_in(client, email)
        home = await client.get("/notifications")
        refused = await client.post(
            f"{PAGE}/sweep", data={"sweep_time": "05:00", "_csrf_token": csrf_token(home.text)}
        )
        assert refused.status_code == 403
    row = await Account.select(Account.id).where(Account.email == "cme@test.example").first()
    assert row is not None
    officer = await accounts.viewer_for_account(row["id"])
    with pytest.raises(Refused):
        await set_sweep_time(officer, "05:00")
    assert await daily_sweep.sweep_time_for_la(world.la_id) == "06:30"
    assert not await AuditEvent.exists().where(AuditEvent.action == Action.SWEEP_TIME_CHANGED.value)


def test_sweep_times_are_read_as_24_hour_hours_and_minutes() -> None:
    assert daily_sweep.parse_sweep_time("06:30") == "06:30"
    assert daily_sweep.parse_sweep_time(" 6:05 ") == "06:05"
    assert daily_sweep.parse_sweep_time("23:59:00") == "23:59"
    for typed in ("24:00", "12:60", "", "0630", "6:5", "06:30 pm"):
        with pytest.raises(InvalidField):
            daily_sweep.parse_sweep_time(typed)


async def test_sweep_times_compare_in_london_time(world: World) -> None:
    # 05:45 UTC in summer is 06:45 in London: an LA at 06:30 is due, one at 07:00 is not.
    await set_times(**{"370": "06:30", "380": "07:00"})
    ran = await sweep_due_las(datetime(2026, 7, 1, 5, 45, tzinfo=UTC))
    assert [s.la_code for s in ran] == ["370"]
