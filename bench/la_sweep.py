"""Benchmark: the daily sweep of a whole generated LA, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.la_sweep --engine sqlite|postgres|both --schools 100
        --pupils 1000 --spell-share 0.03 [--open-share 0.05] --repeat 3
        [--no-growth] [--profile] [--keep]
    .venv/bin/python -m bench.la_sweep --from URL [--repeat 3] [--profile]

For each scenario and engine, a child process builds the LA with `bench.generated_la.build_la`
(a fresh, migrated database; one autumn term of marks per school, imported school by school
through `create_upload` + `run_import`, whose case sync runs for the real today, Mon 23 Nov
2026), timing the imports. Then, `--repeat` times, the built database is copied (a PostgreSQL
template copy, a file copy) and a fresh child process times on the copy:

- (a) `sweep(on=2026-11-23)`: the first sweep after the imports (their syncs already ran);
- (b) `sweep(on=2026-11-24)`: the next morning's, nothing imported since: cases' day counts
  and overdue steps move on;
- (c) `sweep(on=2026-11-24)` again: nothing to do (asserted);

with what each did, the open cases after it and the child's peak RSS. Scenarios: the one of
the arguments and, unless --no-growth, 25, 50 and 100 schools at the spell share, and 100
schools with open share 0.05 (about 5,000 open cases), for how the cost grows with pupils
and with open cases. --profile runs sweeps (a) and (b) of the largest scenario once more
under cProfile and writes the top costs to bench/out/. --keep keeps the built database of
every scenario with an open share (named cme_bench_la_<schools>x<pupils>_open<pct>pct, or
bench/out/la-<same>.sqlite), in its state after the imports, and writes its accounts to a
JSON file beside it, for page load tests. --from URL times only the sweeps, on copies of an
LA built before (migrated first, if the code has migrations it lacks): e.g. the kept one, to
measure a change to the sweep without building again.
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
from datetime import date
from pathlib import Path
from typing import Any

from bench.generated_la import copy_database, drop_database, new_db_url
from bench.register_import import OUT

DAYS = (
    ("(a) first sweep, 23 Nov", date(2026, 11, 23)),
    ("(b) next morning, 24 Nov", date(2026, 11, 24)),
    ("(c) 24 Nov again", date(2026, 11, 24)),
)
Scenario = tuple[int, int, float, float | None]  # schools, pupils, spell share, open share


def _label(s: Scenario) -> str:
    schools, pupils, spell, opened = s
    if opened is None:
        return f"{schools}x{pupils}_spell{round(spell * 100)}pct"
    return f"{schools}x{pupils}_open{round(opened * 100)}pct"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- children ---


async def _build(job: dict[str, Any]) -> dict[str, Any]:
    from bench.generated_la import build_la

    schools, pupils, spell, opened = job["scenario"]
    start = time.perf_counter()
    info = await build_la(
        job["url"],
        schools=schools,
        pupils=pupils,
        spell_share=spell,
        open_share=opened,
        seed=job["seed"],
        progress=True,
    )
    result = info.as_json()
    result["build_seconds"] = time.perf_counter() - start
    result["peak_rss_mb"] = _rss_mb()
    return result


async def _sweeps(job: dict[str, Any]) -> dict[str, Any]:
    import cProfile
    import io
    import pstats

    import cme.storage  # noqa: F401
    from bench.generated_la import close_database, open_database
    from cme.storage.cases import sweep
    from cme.storage.engine import migrate
    from cme.storage.tables import Case, Pupil

    engine = await open_database(job["url"])
    await migrate()  # a database kept from an earlier run may predate the code's migrations
    pupils = await Pupil.count()  # and connected before the clock starts, as a worker is
    steps = []
    for name, on in DAYS:
        profiler = cProfile.Profile() if job.get("profile") else None
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = await sweep(on)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
        step: dict[str, Any] = {
            "step": name,
            "seconds": seconds,
            # This process's CPU (SQLite's work included: it runs in a thread of it): less
            # sensitive than the wall clock to other work on a shared machine.
            "cpu": time.process_time() - cpu,
            "did": {k: getattr(result, k) for k in ("opened", "updated", "closed", "overdue")},
            "open_cases": await Case.count().where(Case.status == "open"),
        }
        if profiler and name != DAYS[2][0]:
            profiler.dump_stats(f"{job['profile']}-{name[1]}.prof")  # for callers, by hand
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
            step["profile"] = text.getvalue()
        steps.append(step)
    if steps[2]["did"] != {"opened": 0, "updated": 0, "closed": 0, "overdue": 0}:
        raise AssertionError(f"the second sweep of 24 Nov changed something: {steps[2]['did']}")
    await close_database(engine)
    return {"steps": steps, "pupils": pupils, "peak_rss_mb": _rss_mb()}


def _child(job: dict[str, Any]) -> dict[str, Any]:
    """Run `job` in a process of its own, so that its time and peak memory are its own."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.la_sweep", "--child", json.dumps(job)],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"{job['kind']} {job.get('url')} failed:\n{out.stdout[-3000:]}\n{out.stderr}")
    for line in out.stdout.splitlines()[:-1]:
        print(line, flush=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- the run ---


def _scenarios(args: argparse.Namespace) -> list[Scenario]:
    found: list[Scenario] = [(args.schools, args.pupils, args.spell_share, args.open_share)]
    if not args.no_growth:
        found += [(n, args.pupils, args.spell_share, None) for n in (25, 50, 100)]
        found.append((100, args.pupils, args.spell_share, 0.05))
    unique: list[Scenario] = []
    for s in found:
        if s not in unique:
            unique.append(s)
    return sorted(unique, key=lambda s: (s[0], s[3] or 0))


def _timed_sweeps(engine: str, url: str, label: str, repeat: int, profile: bool) -> list[Any]:
    """`repeat` timed runs of the sweeps, each on a fresh copy of `url`, then one profiled."""
    runs = []
    for r in range(repeat + (1 if profile else 0)):
        copy = new_db_url(engine)
        asyncio.run(copy_database(url, copy))
        prof = str(OUT / f"la_sweep-profile-{engine}-{label}") if r == repeat else None
        try:
            run = _child({"kind": "sweep", "url": copy, "profile": prof})
        finally:
            asyncio.run(drop_database(copy))
        print("  sweeps: " + ", ".join(f"{s['seconds']:.2f} s" for s in run["steps"]), flush=True)
        runs.append(run)
    return runs


def run_scenario(
    engine: str, scenario: Scenario, args: argparse.Namespace, profile: bool
) -> dict[str, Any]:
    keep = args.keep and scenario[3] is not None
    url = new_db_url(engine, f"{_label(scenario)}" if keep else None)
    print(f"{engine} {_label(scenario)}: building at {url}", flush=True)
    built = _child({"kind": "build", "url": url, "scenario": scenario, "seed": args.seed})
    print(
        f"  built in {built['build_seconds']:.1f} s (imports {sum(built['import_seconds']):.1f} s)"
        f", {built['counts']['open_cases']} open cases",
        flush=True,
    )
    runs = _timed_sweeps(engine, url, _label(scenario), args.repeat, profile)
    if keep:
        built_json = OUT / f"la-{_label(scenario)}-{engine}.json"
        built_json.write_text(json.dumps(built, indent=1, default=str))
        print(f"  KEPT: {url} (accounts and facts in {built_json})", flush=True)
    else:
        asyncio.run(drop_database(url))
    return {
        "engine": engine,
        "scenario": scenario,
        "label": _label(scenario),
        "url": url if keep else None,
        "build": built,
        "runs": runs[: args.repeat],
        "profile": runs[args.repeat] if profile else None,
    }


def from_database(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """The sweeps timed on copies of an LA built before (e.g. one kept with --keep)."""
    engine = "sqlite" if url.startswith("sqlite:///") else "postgres"
    label = Path(url).stem if engine == "sqlite" else url.rsplit("/", 1)[1]
    print(f"{engine} {label}: sweeps on copies of {url}", flush=True)
    runs = _timed_sweeps(engine, url, label, args.repeat, args.profile)
    pupils = runs[0].get("pupils", 0)
    return {
        "engine": engine,
        "scenario": (0, pupils, 0.0, None),
        "label": label,
        "url": None,
        "build": None,
        "runs": runs[: args.repeat],
        "profile": runs[args.repeat] if args.profile else None,
    }


def _did(d: dict[str, int]) -> str:
    parts = [f"{v:,} {k}" for k, v in d.items() if v]
    return ", ".join(parts) if parts else "nothing"


def report(results: list[dict[str, Any]], loads: tuple[float, float], head: str) -> None:
    print(f"\nMeasured at {head}; load average {loads[0]:.1f} at the start, {loads[1]:.1f} at "
          "the end\n")  # fmt: skip
    print("| LA | engine | generate files | imports (all schools) | per school, median / max "
          "| of which case syncs | open cases | cases' events | notices | peak RSS |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        b = r["build"]
        if b is None:
            continue
        imports = b["import_seconds"]
        print(
            f"| {r['label']} | {r['engine']} | {b['generate_seconds']:.1f} s | "
            f"{sum(imports):.1f} s | {statistics.median(imports):.2f} / {max(imports):.2f} s | "
            f"{sum(b['sync_seconds']):.1f} s | {b['counts']['open_cases']:,} | "
            f"{b['counts']['case_events']:,} | {b['counts']['notifications']:,} | "
            f"{b['peak_rss_mb']:.0f} MB |"
        )
    print("\n| LA | pupils | engine | step | median | CPU | runs | what it did | open cases "
          "after | peak RSS |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        pupils = r["runs"][0]["pupils"]
        for i, (name, _) in enumerate(DAYS):
            times = [run["steps"][i]["seconds"] for run in r["runs"]]
            cpu = statistics.median(run["steps"][i].get("cpu", 0.0) for run in r["runs"])
            step = r["runs"][0]["steps"][i]
            rss = statistics.median(run["peak_rss_mb"] for run in r["runs"])
            print(
                f"| {r['label']} | {pupils:,} | {r['engine']} | "
                f"{name} | {statistics.median(times):.2f} s | {cpu:.2f} s | {len(times)} | "
                f"{_did(step['did'])} | {step['open_cases']:,} | {rss:.0f} MB |"
            )
    for r in results:
        if r["profile"]:
            path = OUT / f"la_sweep-profile-{r['engine']}-{r['label']}.txt"
            path.write_text(
                "\n\n".join(
                    f"== {s['step']}\n{s.get('profile', '')}" for s in r["profile"]["steps"]
                )
            )
            print(f"\nprofile of {r['engine']} {r['label']}: {path}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--spell-share", type=float, default=0.03)
    parser.add_argument("--open-share", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-growth", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--from", dest="from_url", help="time the sweeps on copies of this LA")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        work = _build if job["kind"] == "build" else _sweeps
        print(json.dumps(asyncio.run(work(job)), default=str))
        return
    head = subprocess.run(
        ["git", "log", "-1", "--format=%h %cd"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(["git", "status", "--short"], capture_output=True, text=True).stdout
    head += f" ({len(dirty.splitlines())} uncommitted changes), {time.strftime('%d %b %Y %H:%M')}"
    start_load = os.getloadavg()[0]
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    scenarios = _scenarios(args)
    largest = max(scenarios, key=lambda s: (s[0] * s[1], s[3] or 0))
    if args.from_url:
        results = [from_database(args.from_url, args)]
    else:
        results = [
            run_scenario(engine, s, args, args.profile and s == largest)
            for engine in engines
            for s in scenarios
        ]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT / f"la_sweep-{stamp}.json").write_text(
        json.dumps({"head": head, "results": results}, default=str)
    )
    report(results, (start_load, os.getloadavg()[0]), head)
    for r in results:
        if r["url"]:
            print(f"kept: {r['url']}")


if __name__ == "__main__":
    main()
