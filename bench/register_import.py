"""Benchmark: a full-year register for a large school, imported on SQLite and PostgreSQL.

    .venv/bin/python -m bench.register_import [--repeat 5] [--engines sqlite,postgres]

Generates 1,500 pupils x one academic year (190 school days, 380 sessions) as .xlsx written
by XlsxWriter (shared strings, as Excel writes them) and as .csv, wide and long. For each
engine, in a child process of its own (so its peak memory is its own), it times: the whole
import (parse, validate, store, then the school's flags) into an empty school; re-importing
the unchanged file; and the flags query alone. It also compares .xlsx readers. Medians are
printed as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
PUPILS = 1500
POSTGRES_ADMIN = os.environ.get(
    "CME_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def make_files() -> dict[str, Path]:
    from bench.register_files import xlsx
    from cme import demo_data
    from cme.demo_registers import long_rows, make_grid, to_csv, weekdays, wide_rows

    OUT.mkdir(exist_ok=True)
    files = {k: OUT / k for k in ("wide.xlsx", "wide.csv", "long.csv", "long.xlsx")}
    if all(p.exists() for p in files.values()):
        return files
    pupils = [
        p
        for n, est in enumerate(("4001", "4002", "4003"))
        for p in demo_data.demo_pupils(est, range(7, 12), per_year=PUPILS // 15, seed=n)
    ]
    # Autumn, spring and summer terms 2024/25 with half-terms closed: 190 school days.
    days = [
        d
        for d in weekdays(date(2024, 9, 2), date(2025, 7, 18))
        if not (date(2024, 12, 21) <= d <= date(2025, 1, 5))
        and not (date(2025, 4, 5) <= d <= date(2025, 4, 21))
    ]
    closed = {
        d
        for d in days
        if date(2024, 10, 28) <= d <= date(2024, 11, 1)
        or date(2025, 2, 17) <= d <= date(2025, 2, 21)
        or date(2025, 5, 26) <= d <= date(2025, 5, 30)
    }
    days = days[: 190 + len(closed)]
    grid = make_grid(pupils, days, closed, seed=2025)
    wide, long = wide_rows(grid), long_rows(grid)
    files["wide.csv"].write_bytes(to_csv(wide))
    files["long.csv"].write_bytes(to_csv(long))
    files["wide.xlsx"].write_bytes(xlsx(wide))
    files["long.xlsx"].write_bytes(xlsx(long))
    return files


def compare_readers(path: Path, repeat: int) -> dict[str, float]:
    import openpyxl
    from python_calamine import CalamineWorkbook

    def calamine() -> int:
        book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        return len(book.get_sheet_by_index(0).to_python())

    def openpyxl_read_only() -> int:
        book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
        return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))

    result = {}
    for name, fn in (("calamine", calamine), ("openpyxl read-only", openpyxl_read_only)):
        times = []
        for _ in range(max(1, min(repeat, 3))):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        result[name] = statistics.median(times)
    return result


async def run_engine(
    engine_name: str, file_name: str, files: dict[str, Path], repeat: int
) -> dict[str, object]:
    import cme.storage  # noqa: F401
    from cme.storage.engine import make_engine, migrate, use_engine
    from cme.storage.flags import school_flags
    from cme.storage.organisations import add_la, add_school
    from cme.storage.uploads import create_upload, run_import

    if engine_name == "sqlite":
        path = OUT / f"bench-{uuid.uuid4().hex[:8]}.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        drop = None
    else:
        import asyncpg

        name = f"cme_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(POSTGRES_ADMIN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        engine = make_engine(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name)
        drop = name
    use_engine(engine)
    if drop:
        await engine.start_connection_pool(min_size=1, max_size=4)  # type: ignore[no-untyped-call, call-arg]
    await migrate()
    await add_la("370", "Bench LA")
    results: dict[str, list[float]] = {}
    schools = 0

    async def timed(key: str, school_id: int, content: bytes, name: str) -> None:
        upload_id = await create_upload(school_id, name, content)
        t = time.perf_counter()
        outcome = await run_import(upload_id)
        await school_flags(school_id)
        results.setdefault(key, []).append(time.perf_counter() - t)
        assert outcome["status"] == "done", outcome["error"]

    content = files[file_name].read_bytes()
    for _ in range(repeat):
        schools += 1
        school_id = await add_school(f"9{schools:05d}", f"Bench school {schools}", "370")
        await timed("import", school_id, content, file_name)
        await timed("re-import unchanged", school_id, content, file_name)
    for _ in range(repeat * 3):
        t = time.perf_counter()
        report = await school_flags(school_id)
        results.setdefault("flags for the school", []).append(time.perf_counter() - t)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if drop:
        await engine.close_connection_pool()  # type: ignore[no-untyped-call]
        import asyncpg

        admin = await asyncpg.connect(POSTGRES_ADMIN)
        await admin.execute(f'DROP DATABASE "{drop}" WITH (FORCE)')
        await admin.close()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240
    return {
        "medians": {k: statistics.median(v) for k, v in results.items()},
        "runs": {k: len(v) for k, v in results.items()},
        "peak_rss_mb": peak_mb,
        "flags": len(report.flags),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--files", default="wide.xlsx,wide.csv,long.csv,long.xlsx")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    files = make_files()
    if args.child:
        engine, name = args.child
        print(json.dumps(asyncio.run(run_engine(engine, name, files, args.repeat))))
        return
    sizes = {k: p.stat().st_size / 1024 / 1024 for k, p in files.items()}
    readers = compare_readers(files["wide.xlsx"], args.repeat)
    engines = args.engines.split(",")
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for name in args.files.split(","):
        for engine in engines:
            # One process per scenario, so that its peak memory is its own.
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.register_import",
                    "--child",
                    engine,
                    name,
                    "--repeat",
                    str(args.repeat if name != "long.xlsx" else 1),
                ],
                capture_output=True,
                text=True,
            )
            if out.returncode:
                sys.exit(f"{engine} {name} failed:\n{out.stderr}")
            results[(name, engine)] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"Files: {', '.join(f'{k} {v:.1f} MB' for k, v in sizes.items())}")
    print("\n| reading wide.xlsx | median s |\n|---|---|")
    for reader, seconds in readers.items():
        print(f"| {reader} | {seconds:.2f} |")
    print("\n| file | engine | import | re-import unchanged | flags | peak RSS | runs |")
    print("|---|---|---|---|---|---|---|")
    for (name, engine), r in results.items():
        m = r["medians"]
        print(
            f"| {name} | {engine} | {m['import']:.2f} s | {m['re-import unchanged']:.2f} s | "
            f"{m['flags for the school'] * 1000:.0f} ms | {r['peak_rss_mb']:.0f} MB | "
            f"{r['runs']['import']} |"
        )


if __name__ == "__main__":
    main()
