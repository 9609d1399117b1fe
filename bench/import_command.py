"""Benchmark: `cme import-register` as a user runs it, against a bare read of the same file.

    .venv/bin/python -m bench.import_command [--repeat 5] [--engines sqlite,postgres]
        [--files wide.xlsx,wide.csv,long.csv,long.xlsx] [--before DIR]

Each run is a new process, timed from start to exit, so interpreter start, module imports,
the database checks, storing the upload and the import itself are all counted. For each file
and engine it times, `--repeat` times in turn: the bare parse (a process that only reads the
file: python-calamine for .xlsx, the stdlib csv module for .csv), a first import into a new
school, and the same file again (unchanged). It prints medians, the ratios to the bare parse
measured in the same run, and each command's peak resident memory, as a Markdown table.

`--before DIR` also times, in turn with the others, the same commands run from another copy
of the code (e.g. `git archive <commit> | tar -x -C DIR`), on the same database and machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.register_import import OUT, POSTGRES_ADMIN, make_files

CME = str(Path(sys.executable).parent / "cme")
BARE = {
    ".xlsx": (
        "import sys; from python_calamine import CalamineWorkbook; "
        "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()"
    ),
    ".csv": "import csv, sys; list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))",
}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from start to exit, and the process's peak resident memory in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stderr is not None
    errors = process.stderr.read()
    process.stderr.close()
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{errors}")
    return seconds, usage.ru_maxrss / 1024


def cme(env: dict[str, str], *args: str) -> None:
    subprocess.run([CME, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def database(engine: str) -> tuple[str, str]:
    """A new empty database: its URL, and its name (PostgreSQL) or file (SQLite)."""
    if engine == "sqlite":
        path = OUT / f"command-{uuid.uuid4().hex[:8]}.sqlite"
        return f"sqlite:///{path}", str(path)
    name = f"cme_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [sys.executable, "-c", _PG.format(url=POSTGRES_ADMIN, sql=f'CREATE DATABASE "{name}"')],
        check=True,
    )
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name, name


_PG = (
    "import asyncio, asyncpg\n"
    "async def main():\n"
    "    c = await asyncpg.connect({url!r})\n"
    "    await c.execute({sql!r})\n"
    "    await c.close()\n"
    "asyncio.run(main())\n"
)


def drop(engine: str, name: str) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    sql = f'DROP DATABASE "{name}" WITH (FORCE)'
    subprocess.run([sys.executable, "-c", _PG.format(url=POSTGRES_ADMIN, sql=sql)], check=True)


def run(
    engine: str, name: str, path: Path, repeat: int, before: str | None
) -> dict[str, list[float]]:
    url, handle = database(engine)
    env = {**os.environ, "CME_DATABASE_URL": url, "CME_MAX_UPLOAD_MB": "200"}
    env.pop("CME_DEBUG", None)
    env.pop("PYTHONPATH", None)
    results: dict[str, list[float]] = {}
    try:
        cme(env, "migrate")
        cme(env, "la", "add", "--code", "370", "--name", "Bench LA")
        for n in range(repeat):
            bare = [sys.executable, "-c", BARE[path.suffix], str(path)]
            runs = [("bare", bare, env)]
            for prefix, code in (("", None), ("before ", before)):
                if prefix and not code:
                    continue
                urn = f"{8 if prefix else 9}{n:05d}"
                cme(env, "school", "add", "--urn", urn, "--name", f"Bench {urn}", "--la", "370")
                command = [CME, "import-register", str(path), "--school", urn]
                run_env = {**env, "PYTHONPATH": code} if code else env
                runs += [(f"{prefix}first", command, run_env)]
                runs += [(f"{prefix}unchanged", command, run_env)]
            for key, argv, run_env in runs:
                seconds, peak = timed(argv, run_env)
                results.setdefault(key, []).append(seconds)
                results.setdefault(f"{key} MB", []).append(peak)
    finally:
        drop(engine, handle)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--files", default="wide.xlsx,wide.csv,long.csv,long.xlsx")
    parser.add_argument("--before", help="another copy of the code to time in the same run")
    args = parser.parse_args()
    files = make_files()
    rows = []
    for name in args.files.split(","):
        for engine in args.engines.split(","):
            repeat = args.repeat if name != "long.xlsx" else min(args.repeat, 3)
            times = run(engine, name, files[name], repeat, args.before)
            r = {k: statistics.median(v) for k, v in times.items()}
            rows.append((name, engine, repeat, r))
            print(f"{name} {engine}: {r}", file=sys.stderr)
    print(
        "| file | engine | bare parse | first import | ratio | unchanged | ratio "
        "| peak RSS (first) | runs |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    label = f" ({Path(args.before).name})" if args.before else ""
    for name, engine, repeat, r in rows:
        for prefix in ("before ", "") if args.before else ("",):
            print(
                f"| {name} | {engine}{label if prefix else ''} | {r['bare']:.2f} s | "
                f"{r[prefix + 'first']:.2f} s | {r[prefix + 'first'] / r['bare']:.1f}x | "
                f"{r[prefix + 'unchanged']:.2f} s | {r[prefix + 'unchanged'] / r['bare']:.1f}x | "
                f"{r[prefix + 'first MB']:.0f} MB | {repeat} |"
            )


if __name__ == "__main__":
    main()
