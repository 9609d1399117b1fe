"""Benchmark: bringing a large school's cases up to date, on SQLite and PostgreSQL (issue 8).

    .venv/bin/python -m bench.case_sweep [--repeat 5] [--engines sqlite,postgres]
        [--files wide.csv,wide-unexplained.csv]

Registers: the full-year wide.csv of bench/register_import.py (1,500 pupils, 190 school days,
almost no unexplained absence) and the same file with about 2% of pupil-days coded N in runs
(`make_unexplained`). For each file and engine, in a child process of its own (so its peak
memory is its own), each run uses three fresh, migrated databases (a new SQLite file or a new
PostgreSQL database) with an LA and a school:

- A, as an import runs now: `apply_register` for the parsed file, which ends with
  `sync_school(school_id)` for today (timed apart as "of which case sync"); then `sweep(on)`
  for `on` = the register's last day; the same sweep again, which must change nothing
  (asserted); and the DSL's case list, `cases_for_school(..., include_closed=True)`;
- B, marks imported before cases existed: the first sweep of `on` does all the work;
- C, the year as lived: the school synced for each school day before `on`, one after the
  other, then the first sweep of `on` (that morning's work, against a year of case history),
  the sweep again and the case list.

Medians are printed as Markdown tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.register_import import OUT, POSTGRES_ADMIN, make_files

FILES = ("wide.csv", "wide-unexplained.csv")
RUN_STARTS = 0.006  # of pupil-days: a run of unexplained absence begins
RUN_LENGTHS = (1, 1, 1, 1, 2, 2, 3, 5, 10, 12)  # school days, drawn evenly


def make_unexplained(source: Path) -> Path:
    """The same register with unexplained absence as a live register has it: about 2.3% of
    pupil-days coded N in runs of mostly one or two days, a few of two weeks. The generated
    wide.csv has almost none (68 sessions in 570,000), so it opens only a handful of cases."""
    import csv
    import random

    target = source.with_name("wide-unexplained.csv")
    if target.exists():
        return target
    rng = random.Random(8)
    with source.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    first = rows[0].index(next(h for h in rows[0] if h.endswith(" AM")))
    for row in rows[1:]:
        left = 0
        for col in range(first, len(row), 2):
            if row[col] == "#":  # closed: neither starts nor continues a run
                continue
            if not left and rng.random() < RUN_STARTS:
                left = rng.choice(RUN_LENGTHS)
            if left:
                row[col] = row[col + 1] = "N"
                left -= 1
    with target.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return target


async def _fresh_database(engine_name: str) -> tuple[Any, Callable[[], Awaitable[None]]]:
    """A migrated, empty database in use, and how to get rid of it."""
    from cme.storage.engine import make_engine, migrate, use_engine

    if engine_name == "sqlite":
        path = OUT / f"cases-{uuid.uuid4().hex[:8]}.sqlite"
        engine = make_engine(f"sqlite:///{path}")

        async def drop() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240

    else:
        import asyncpg

        name = f"cme_bench_cases_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(POSTGRES_ADMIN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        engine = make_engine(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name)

        async def drop() -> None:
            await engine.close_connection_pool()  # type: ignore[no-untyped-call]
            admin = await asyncpg.connect(POSTGRES_ADMIN)
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.close()

    use_engine(engine)
    if engine_name != "sqlite":
        await engine.start_connection_pool(min_size=1, max_size=4)  # type: ignore[no-untyped-call, call-arg]
    await migrate()
    return engine, drop


async def _no_sync(*args: Any, **kwargs: Any) -> Any:
    from cme.storage.cases import SyncResult

    return SyncResult()


class _Timings:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.facts: dict[str, Any] = {}

    def note(self, key: str, seconds: float, result: Any = None) -> None:
        self.times.setdefault(key, []).append(seconds)
        if result is not None:
            self.counts[key] = {
                k: getattr(result, k) for k in ("opened", "updated", "closed", "overdue")
            }


async def _school(run: int) -> tuple[int, int]:
    from cme.storage.organisations import add_la, add_school

    la_id = await add_la("370", "Bench LA")
    return la_id, await add_school(f"9{run:05d}", "Bench school", "370")


async def _import(t: _Timings, key: str, school_id: int, register: Any, sync: Any) -> None:
    """apply_register, with its case sync (looked up in its module when it runs) replaced."""
    import cme.storage.cases as cases_module
    from cme.storage.registers import apply_register

    real = cases_module.sync_school
    cases_module.sync_school = sync
    try:
        start = time.perf_counter()
        await apply_register(school_id, register)
        t.note(key, time.perf_counter() - start)
    finally:
        cases_module.sync_school = real


async def _sweeps(t: _Timings, prefix: str, on: date) -> None:
    """The first sweep of `on`, then the same again, which must change nothing."""
    from cme.storage.cases import sweep

    start = time.perf_counter()
    first = await sweep(on)
    t.note(f"{prefix}first sweep", time.perf_counter() - start, first)
    start = time.perf_counter()
    again = await sweep(on)
    t.note(f"{prefix}sweep again", time.perf_counter() - start, again)
    assert not again.changed, f"the second sweep of {on} changed something: {again}"


async def _case_list(t: _Timings, prefix: str, la_id: int, school_id: int, on: date) -> None:
    from cme.access import Viewer
    from cme.roles import Role
    from cme.storage.case_views import cases_for_school

    # As `cme cases` does: the school's own DSL.
    viewer = Viewer(
        user_id=0,
        email="",
        display_name="bench",
        role=Role.DSL,
        la_id=la_id,
        la_code="",
        la_name="",
        school_id=school_id,
    )
    start = time.perf_counter()
    rows = await cases_for_school(viewer, school_id, on, include_closed=True)
    t.note(f"{prefix}case list", time.perf_counter() - start)
    t.facts[f"{prefix}case list"] = (
        f"{len(rows)} cases, {sum(1 for r in rows if r.state.status_on() == 'open')} open, "
        f"{sum(1 for r in rows if r.state.overdue)} with overdue steps"
    )


async def run_engine(
    engine_name: str, file_name: str, content: bytes, repeat: int
) -> dict[str, Any]:
    import cme.storage  # noqa: F401
    import cme.storage.cases as cases_module
    from cme.storage.case_context import school_context
    from cme.storage.cases import SyncResult
    from imports.register import parse_register

    register = parse_register(content, file_name, 200 * 1024 * 1024)
    assert register.last_day is not None
    on = register.last_day
    real_sync = cases_module.sync_school
    t = _Timings()

    async def timed_sync(*args: Any, **kwargs: Any) -> SyncResult:
        start = time.perf_counter()
        result = await real_sync(*args, **kwargs)
        t.note("of which case sync", time.perf_counter() - start, result)
        return result

    for run in range(repeat):
        # A: as it happens now: the import syncs the school's cases for today.
        _, drop = await _fresh_database(engine_name)
        la_id, school_id = await _school(run)
        await _import(t, "import + case sync", school_id, register, timed_sync)
        await _sweeps(t, "", on)
        await _case_list(t, "", la_id, school_id, on)
        await drop()

        # B: marks imported before cases existed: the first sweep of the day does all the work.
        _, drop = await _fresh_database(engine_name)
        la_id, school_id = await _school(run)
        await _import(t, "import without case sync", school_id, register, _no_sync)
        await _sweeps(t, "B ", on)
        await drop()

        # C: the year as it was lived: the school's cases synced every school day up to the
        # day before the last, so the last day's sweep meets a year of case history.
        _, drop = await _fresh_database(engine_name)
        la_id, school_id = await _school(run)
        await _import(t, "C import", school_id, register, _no_sync)
        days = [d for d in (await school_context(school_id, on)).days if d < on]
        total = SyncResult()
        start = time.perf_counter()
        for day in days:
            total.add(await real_sync(school_id, day))
        t.note("C year of daily syncs", time.perf_counter() - start, total)
        t.facts["C days"] = len(days)
        await _sweeps(t, "C ", on)
        await _case_list(t, "C ", la_id, school_id, on)
        await drop()
    return {
        "medians": {k: statistics.median(v) for k, v in t.times.items()},
        "runs": repeat,
        "counts": t.counts,
        "facts": t.facts,
        "on": on.isoformat(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _counts(c: dict[str, int] | None) -> str:
    if not c:
        return ""
    return (
        f"{c['opened']} opened, {c['updated']} corrected, {c['closed']} closed, "
        f"{c['overdue']} overdue"
    )


def _path(file_name: str) -> Path:
    wide = make_files()["wide.csv"]
    return wide if file_name == "wide.csv" else make_unexplained(wide)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--files", default=",".join(FILES))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, name = args.child
        content = _path(name).read_bytes()
        print(json.dumps(asyncio.run(run_engine(engine, name, content, args.repeat))))
        return
    # Generating the files takes over 1 GB; in a process of its own, so that the children,
    # which inherit their parent's peak RSS across fork and exec, report only their own.
    subprocess.run(
        [sys.executable, "-c", f"from bench.case_sweep import _path; [_path(f) for f in {FILES}]"],
        check=True,
    )
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for name in args.files.split(","):
        for engine in args.engines.split(","):
            # One process per scenario, so that its peak memory is its own.
            command = [sys.executable, "-m", "bench.case_sweep", "--child", engine, name]
            out = subprocess.run(
                [*command, "--repeat", str(args.repeat)], capture_output=True, text=True
            )
            if out.returncode:
                sys.exit(f"{engine} {name} failed:\n{out.stderr}")
            results[(name, engine)] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"1,500 pupils; load average at the end {os.getloadavg()[0]:.1f}")
    engines = args.engines.split(",")
    for name in args.files.split(","):
        print(f"\n{name}\n\n| step | {' | '.join(engines)} | what it did |")
        print(f"|---|{'---|' * len(engines)}---|")
        steps = [_steps(results[(name, e)]) for e in engines]
        for i, (step, _, what) in enumerate(steps[0]):
            shown = [
                f"{s[i][1]:.0f} MB" if step == "peak RSS" else f"{s[i][1]:.2f} s" for s in steps
            ]
            print(f"| {step} | {' | '.join(shown)} | {what} |")


def _steps(r: dict[str, Any]) -> list[tuple[str, float, str]]:
    m, c, f = r["medians"], r["counts"], r["facts"]
    day = r["on"]
    return [
        ("A. import + case sync (today)", m["import + case sync"], ""),
        ("of which case sync", m["of which case sync"], _counts(c["of which case sync"])),
        (f"first sweep of {day}", m["first sweep"], _counts(c["first sweep"])),
        ("sweep again", m["sweep again"], _counts(c["sweep again"])),
        ("case list, closed too", m["case list"], f["case list"]),
        ("B. import, no case sync", m["import without case sync"], ""),
        (f"first sweep of {day}", m["B first sweep"], _counts(c["B first sweep"])),
        ("sweep again", m["B sweep again"], _counts(c["B sweep again"])),
        (
            f"C. sync each of {f['C days']} days before",
            m["C year of daily syncs"],
            _counts(c["C year of daily syncs"]),
        ),
        (f"first sweep of {day}", m["C first sweep"], _counts(c["C first sweep"])),
        ("sweep again", m["C sweep again"], _counts(c["C sweep again"])),
        ("case list, closed too", m["C case list"], f["C case list"]),
        ("peak RSS", r["peak_rss_mb"], f"{r['runs']} runs"),
    ]


if __name__ == "__main__":
    main()
