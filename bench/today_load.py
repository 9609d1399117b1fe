"""Benchmark: the school's Today page (and the pupils list) under load, on PostgreSQL (issue 9).

    .venv/bin/python -m bench.today_load [--seconds 20] [--workers 2]
        [--paths /school/today,/school/pupils] [--label after] [--file wide.xlsx] [--history]

Builds a fresh, migrated PostgreSQL database with an LA, one school and an attendance officer,
and uploads the full-year wide register of bench/register_import.py (1,500 pupils, 190 school
days, as .xlsx) through the real import path (`create_upload` + `run_import`: parse, marks,
then the case sync).

`--file wide-unexplained.csv` takes bench/case_sweep.py's copy with 2.2% of pupil-days coded N
instead (its Ns are never corrected, so about two children in three are flagged for an overdue
N: a heavy page); with `--history`, its weeks up to the last are stored first and the school's
cases synced on each of those days (a year of case history, about 1,700 cases) before the
real upload of the whole file.

Each page is then measured with bench/load.py against `cme serve --workers N` (in-process
jobs): one client, then 20, each for `--seconds`, signed in as the attendance officer.
Results are printed as a Markdown table and saved to bench/out/today_load-LABEL.json.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from bench.load import measure_many
from bench.register_import import OUT, POSTGRES_ADMIN, make_files

EMAIL = "attendance@bench.example"
PASSWORD = "bench-password-2026"
URN = "900001"
LAST_WEEK = 5  # school days imported by the final, real upload


def register_file(name: str) -> Path:
    from bench.case_sweep import make_unexplained

    files = make_files()
    return files[name] if name in files else make_unexplained(files["wide.csv"])


def without_last_days(content: bytes, days: int) -> bytes:
    """The wide CSV without its last `days` dated columns (AM and PM each)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    keep = len(rows[0]) - 2 * days
    out = io.StringIO()
    csv.writer(out).writerows(row[:keep] for row in rows)
    return out.getvalue().encode("utf-8")


async def _no_sync(*args: Any, **kwargs: Any) -> Any:
    from cme.storage.cases import SyncResult

    return SyncResult()


async def build(content: bytes, file_name: str, history: bool) -> tuple[str, str, dict[str, Any]]:
    """A fresh database as described above: (its URL, its name, facts about it)."""
    import asyncpg

    import cme.storage  # noqa: F401
    import cme.storage.cases as cases_module
    from cme.storage.accounts import add_account
    from cme.storage.case_context import school_context
    from cme.storage.engine import make_engine, migrate, use_engine
    from cme.storage.organisations import add_la, add_school
    from cme.storage.registers import apply_register
    from cme.storage.tables import Case
    from cme.storage.uploads import create_upload, run_import
    from imports.register import parse_register

    name = f"cme_bench_today_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    use_engine(engine)
    await engine.start_connection_pool(min_size=1, max_size=4)  # type: ignore[no-untyped-call, call-arg]
    facts: dict[str, Any] = {}
    try:
        await migrate()
        await add_la("370", "Bench LA")
        school_id = await add_school(URN, "Bench Academy", "370")
        await add_account(email=EMAIL, password=PASSWORD, role="attendance_officer", school_urn=URN)
        start = time.perf_counter()
        if history:
            earlier = parse_register(
                without_last_days(content, LAST_WEEK), file_name, 200 * 1024 * 1024
            )
            assert earlier.last_day is not None
            real_sync = cases_module.sync_school
            cases_module.sync_school = _no_sync
            try:
                await apply_register(school_id, earlier)
            finally:
                cases_module.sync_school = real_sync
            context = await school_context(school_id, earlier.last_day)
            days = [d for d in context.days if d <= earlier.last_day]
            for day in days:
                await real_sync(school_id, day)
            facts["synced days"] = len(days)
        upload = await create_upload(school_id, file_name, content)
        outcome = await run_import(upload)
        assert outcome["status"] == "done", outcome
        facts["build seconds"] = round(time.perf_counter() - start, 1)
        facts["cases"] = await Case.count().where(Case.school == school_id)
        facts["open cases"] = await Case.count().where(
            (Case.school == school_id) & (Case.status == "open")
        )
        from cme.storage.flags import school_flags

        report = await school_flags(school_id)
        facts["on"] = report.on.isoformat() if report.on else None
        facts["flags"] = len(report.flags)
        facts["children flagged"] = len(report.by_child())
    finally:
        await engine.close_connection_pool()  # type: ignore[no-untyped-call]
    return url, name, facts


async def drop(name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(POSTGRES_ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--paths", default="/school/today")
    parser.add_argument("--clients", default="1,20")
    parser.add_argument("--label", default=date.today().isoformat())
    parser.add_argument("--file", default="wide.xlsx")
    parser.add_argument("--history", action="store_true", help="only with a .csv file")
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    args = parser.parse_args()
    content = register_file(args.file).read_bytes()
    url, name, facts = asyncio.run(build(content, args.file, args.history))
    print(f"database {name}: {json.dumps(facts)}", flush=True)
    results: list[dict[str, Any]] = []
    try:
        for path in args.paths.split(","):
            counts = tuple(int(c) for c in args.clients.split(","))
            results.extend(measure_many(path, url, EMAIL, args.seconds, counts, args.workers))
    finally:
        if args.keep:
            print(f"kept: CME_DATABASE_URL={url}")
        else:
            asyncio.run(drop(name))
    OUT.mkdir(exist_ok=True)
    saved = OUT / f"today_load-{args.label}.json"
    load = os.getloadavg()[0]
    saved.write_text(json.dumps({"facts": facts, "load": load, "results": results}, indent=2))
    print(f"\n{args.workers} app processes, {os.cpu_count()} CPUs, load average {load:.1f}")
    print("\n| page | clients | p50 | p90 | p95 | p99 | req/s | requests | not 200 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['path']} | {r['connections']} | {r['p50_ms']:.0f} ms | {r['p90_ms']:.0f} ms "
            f"| {r['p95_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['rps']:.1f} | {r['requests']} "
            f"| {r['not_200']} |"
        )
    if not all(r["ok"] for r in results):
        sys.exit("some answers were not 200 (see the JSON)")


if __name__ == "__main__":
    main()
