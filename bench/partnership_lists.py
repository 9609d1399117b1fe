"""Cross-matching and the partnership's lists at LA scale (issue 11), on copies of a kept LA.

    .venv/bin/python -m bench.partnership_lists --engine both [--episodes 3000] [--seed 11]
        [--rematch-runs 3] [--runs 5] [--no-details] [--prepare-only] [--reuse]

Starts from the LA kept by `bench.la_sweep --keep` (100 schools x 1,000 pupils, an autumn term
of marks, ~4,900 open cases). On a copy of it (`cme_bench_la_listbench`,
bench/out/la-listbench.sqlite) it imports, through the real paths, each school's pupil
details (an address and postcode per pupil; skipped with --no-details) and one police file of
about 3,000 episodes (`bench/out/listbench-episodes-seed<n>.csv`):

- two thirds about pupils of the LA, names and birth dates from the pupil table, with slips
  at guessed rates (nickname, typo, day and month swapped, a digit slipped, blank birth date,
  blank gender, names swapped, a house move); a tenth of those children go missing three
  times within three months (the repeat trigger), a sixth twice;
- one third about other children: other names, and some a pupil's name with another birth
  date;
- reported over the autumn term so far, mostly in the evening; most back within two days,
  some after a week, a few still missing.

Then, each in a process of its own: `rematch(la)` timed on fresh copies, and on the last of
them each list's first page and its download query (`every_page=True`), the whole download
(.xlsx, audit row), the index's counts, and the match queue (counts, first pages, one
proposal). A markdown table goes to stdout and to bench/out/partnership_lists-<engine>.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from bench.generated_la import (
    CME_EMAIL,
    close_database,
    copy_database,
    new_db_url,
    open_database,
)
from bench.register_import import OUT

KEPT = {
    "postgres": "postgresql://postgres@127.0.0.1:5432/cme_bench_la_100x1000_open5pct",
    "sqlite": f"sqlite:///{OUT / 'la-100x1000_open5pct.sqlite'}",
}
FORCE = "Benchshire Police"
NOW = datetime(2026, 11, 23, 12, 0)  # London; before the real now of the kept LA's day
TERM_START = datetime(2026, 9, 2, 0, 0)
MAX_BYTES = 50_000_000
SLIPS = {  # share of the children of the LA whose police record carries each slip
    "nickname": 0.07,
    "typo_forename": 0.05,
    "typo_surname": 0.06,
    "dob_swap": 0.03,
    "dob_digit": 0.03,
    "blank_dob": 0.03,
    "blank_gender": 0.06,
    "name_swap": 0.02,
    "moved": 0.10,
}
NAMESAKE_SHARE = 0.15  # of the other children: a pupil's name, another birth date
OPEN_SHARE = 0.04
STREETS = ("High Street", "Station Road", "Church Lane", "Mill Lane", "Park Road", "Victoria Road")
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the files ---


def _home(rng: random.Random) -> tuple[str, str]:
    postcode = (
        f"BL{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
    )
    return f"{rng.randint(1, 150)} {rng.choice(STREETS)}, Benchton", postcode


def details_csv(
    pupils: list[dict[str, Any]], seed: int
) -> tuple[bytes, dict[int, tuple[str, str]]]:
    """A school's pupil-details export: an address for each pupil; and the addresses."""
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["UPN", "Address Line 1", "Address Line 2", "Postcode"])
    homes = {}
    for p in pupils:
        rng = random.Random(f"{seed}:home:{p['id']}")
        line, postcode = _home(rng)
        street, town = line.split(", ")
        homes[int(p["id"])] = (line, postcode)
        w.writerow([p["upn"], street, town, postcode])
    return out.getvalue().encode(), homes


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _slipped(p: dict[str, Any], home: tuple[str, str], rng: random.Random) -> dict[str, Any]:
    from bench.crossmatch import errors

    child = {
        "forename": p["legal_forename"],
        "surname": p["legal_surname"],
        "born": _day(p["date_of_birth"]),
        "gender": p["gender"],
        "address": home[0],
        "postcode": home[1],
    }
    drawn = {k for k, rate in SLIPS.items() if rng.random() < rate}
    if "nickname" in drawn and errors.has_nickname(child["forename"]):
        child["forename"] = errors.nickname(child["forename"], rng)
    if "typo_forename" in drawn:
        child["forename"] = errors.typo(child["forename"], rng)
    if "typo_surname" in drawn:
        child["surname"] = errors.typo(child["surname"], rng)
    if "name_swap" in drawn:
        child["forename"], child["surname"] = child["surname"], child["forename"]
    born = child["born"]
    if "blank_dob" in drawn:
        child["born"] = None
    elif "dob_swap" in drawn and born and errors.can_swap_day_month(born):
        child["born"] = errors.day_month_swapped(born)
    elif "dob_digit" in drawn and born:
        child["born"] = errors.digit_slip(born, rng)
    if "blank_gender" in drawn:
        child["gender"] = ""
    if "moved" in drawn:
        child["address"], child["postcode"] = _home(rng)
    return child


def _other_child(rng: random.Random, pupils: list[dict[str, Any]]) -> dict[str, Any]:
    from cme.demo_data import BOYS, GIRLS, SURNAMES

    gender = rng.choice("FM")
    born = date(2009, 9, 1) + timedelta(rng.randrange(365 * 6))
    if rng.random() < NAMESAKE_SHARE:
        p = rng.choice(pupils)
        forename, surname, gender = p["legal_forename"], p["legal_surname"], p["gender"]
        pupil_born = _day(p["date_of_birth"])
        if pupil_born and abs((born - pupil_born).days) < 60:
            born = pupil_born + timedelta(days=400)
    else:
        forename = rng.choice(GIRLS if gender == "F" else BOYS)
        surname = rng.choice(SURNAMES)
    line = f"{rng.randint(1, 150)} {rng.choice(STREETS)}, Elsewhere"
    postcode = (
        f"EW{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
    )
    return {
        "forename": forename,
        "surname": surname,
        "born": born,
        "gender": gender,
        "address": line,
        "postcode": postcode,
    }


def _when(rng: random.Random, earliest: datetime, latest: datetime) -> datetime:
    """A report time between the two, mostly in the evening."""
    day = earliest.date() + timedelta(rng.randrange(max(1, (latest - earliest).days + 1)))
    r = rng.random()
    hour = rng.randint(16, 23) if r < 0.6 else rng.randint(9, 15) if r < 0.85 else rng.randint(0, 6)
    at = datetime(day.year, day.month, day.day, hour, rng.randrange(60))
    return min(max(at, earliest), latest)


def _away(rng: random.Random) -> timedelta:
    r = rng.random()
    if r < 0.45:
        return timedelta(minutes=rng.randint(60, 12 * 60))
    if r < 0.80:
        return timedelta(minutes=rng.randint(12 * 60, 48 * 60))
    return timedelta(minutes=rng.randint(48 * 60, 8 * 24 * 60))


def episodes_csv(
    pupils: list[dict[str, Any]], homes: dict[int, tuple[str, str]], count: int, seed: int
) -> tuple[bytes, dict[str, int]]:
    """The police's file, and what went into it."""
    from cme.demo_episodes import HEADER

    rng = random.Random(f"{seed}:episodes")
    about_pupils = round(count * 2 / 3)
    # Children of the LA: a tenth go missing three times within three months, a sixth twice.
    plan: list[tuple[dict[str, Any], int]] = []
    left = about_pupils
    chosen = rng.sample(pupils, k=about_pupils)
    for p in chosen:
        if left <= 0:
            break
        r = rng.random()
        times = 3 if r < 0.10 else 2 if r < 0.27 else 1
        times = min(times, left)
        plan.append((p, times))
        left -= times
    made: list[tuple[dict[str, Any], datetime]] = []
    for p, times in plan:
        child = _slipped(p, homes.get(int(p["id"]), ("", "")), rng)
        at = _when(rng, TERM_START, NOW - timedelta(days=26 * (times - 1)))
        for n in range(times):
            if n:
                at += timedelta(days=rng.randint(7, 25), hours=rng.randint(-6, 6))
            made.append((child, at))
    others = [_other_child(rng, pupils) for _ in range(count - len(made))]
    made += [(c, _when(rng, TERM_START, NOW)) for c in others]
    rows = [HEADER]
    stats = {"about_pupils": sum(t for _, t in plan), "other": len(others), "open": 0}
    stats["children_three_times"] = sum(1 for _, t in plan if t == 3)
    for n, (c, reported) in enumerate(sorted(made, key=lambda m: m[1])):
        returned = reported + _away(rng)
        recent = NOW - reported < timedelta(days=21)
        still = returned > NOW - timedelta(hours=1)
        back = None if still or (recent and rng.random() < OPEN_SHARE * 4) else returned
        stats["open"] += back is None
        care = rng.random() < 0.15
        rows.append(
            [
                FORCE,
                f"BP-26-{n + 1:06d}",
                f"{reported:%d/%m/%Y %H:%M}",
                f"{reported - timedelta(minutes=rng.randint(60, 360)):%d/%m/%Y %H:%M}",
                "Care placement" if care else "Home",
                c["forename"],
                c["surname"],
                "",
                f"{c['born']:%d/%m/%Y}" if c["born"] else "",
                c["gender"],
                c["address"],
                c["postcode"],
                "Benchshire Council",
                "Yes" if care else "No",
                rng.choices(["Low", "Medium", "High"], [60, 32, 8])[0],
                "",
                f"{back:%d/%m/%Y %H:%M}" if back else "",
                "Returned home of own accord" if back else "",
                "",
                f"{back:%d/%m/%Y}" if back else "",
                "Did not come home at the agreed time.",
                "",
            ]
        )
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(), stats


# --- the work of each child process ---


async def _la_id() -> int:
    from cme.storage.tables import Account

    row = await Account.select(Account.la).where(Account.email == CME_EMAIL).first()
    assert row is not None, "not a kept bench LA: no CME officer account"
    return int(row["la"])


async def _prepare(job: dict[str, Any]) -> dict[str, Any]:
    """Copy the kept LA, add pupil details and the police file through the real imports."""
    from cme.storage import episode_import, pupil_details_import
    from cme.storage.engine import migrate
    from cme.storage.tables import Pupil

    await copy_database(job["kept"], job["url"])
    engine = await open_database(job["url"])
    await migrate()
    la_id = await _la_id()
    pupils = [
        dict(r)
        for r in await Pupil.raw(
            "SELECT p.id, p.upn, p.school, p.legal_forename, p.legal_surname, p.date_of_birth, "
            "p.gender FROM pupil p JOIN school s ON s.id = p.school WHERE s.la = {} ORDER BY p.id",
            la_id,
        )
    ]
    result: dict[str, Any] = {"pupils": len(pupils)}
    homes: dict[int, tuple[str, str]] = {}
    if job["details"]:
        start = time.perf_counter()
        for school in sorted({int(p["school"]) for p in pupils}):
            mine = [p for p in pupils if int(p["school"]) == school]
            data, found = details_csv(mine, job["seed"])
            homes |= found
            await pupil_details_import.import_file(None, school, data, "details.csv", MAX_BYTES)
        result["details_seconds"] = time.perf_counter() - start
    data, stats = episodes_csv(pupils, homes, job["episodes"], job["seed"])
    path = OUT / f"listbench-episodes-seed{job['seed']}.csv"
    path.write_bytes(data)
    start = time.perf_counter()
    imported = await episode_import.import_file(None, la_id, data, path.name, MAX_BYTES)
    result |= {
        "import_seconds": time.perf_counter() - start,
        "file": str(path),
        "made": stats,
        "imported": {
            "added": imported.added,
            "meetings_raised": imported.meetings_raised,
            "warnings": len(imported.warnings),  # clocks going back on 25 Oct
        },
    }
    await close_database(engine)
    return result


async def _rematch(job: dict[str, Any]) -> dict[str, Any]:
    from dataclasses import asdict

    from cme.storage.matching import rematch

    await copy_database(job["base"], job["url"])
    engine = await open_database(job["url"])
    la_id = await _la_id()
    start, cpu = time.perf_counter(), time.process_time()
    run = await rematch(la_id)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    await close_database(engine)
    return {"seconds": seconds, "cpu": cpu, "run": asdict(run), "peak_rss_mb": _rss_mb()}


async def _timed(runs: int, call: Callable[[], Awaitable[Any]]) -> tuple[list[float], Any]:
    times, found = [], None
    for _ in range(runs):
        start = time.perf_counter()
        found = await call()
        times.append(time.perf_counter() - start)
    return times, found


async def _lists(job: dict[str, Any]) -> dict[str, Any]:
    from cme.storage import match_queue as mq
    from cme.storage import partnership as lists
    from cme.storage.accounts import viewer_for_account
    from cme.storage.tables import Account
    from la_portal.partnership_export import READERS, list_download

    engine = await open_database(job["url"])
    account = await Account.select(Account.id).where(Account.email == CME_EMAIL).first()
    assert account is not None
    viewer = await viewer_for_account(int(account["id"]))
    schools = dict((await lists.choices(viewer))[0])
    plain = lists.Filters()
    runs = job["runs"]
    rows: list[dict[str, Any]] = []

    def add(what: str, times: list[float], said: str) -> None:
        rows.append({"what": what, "times": times, "said": said})

    times, found = await _timed(runs, lambda: lists.overview(viewer))
    add("index: every list's count (`overview`)", times, str(found))
    for slug, reader in READERS.items():
        times, page = await _timed(runs, partial(reader, viewer, plain, False))
        add(f"{slug}: first page", times, f"{page.total} rows, {len(page.rows)} on the page")
        times, every = await _timed(runs, partial(reader, viewer, plain, True))
        add(f"{slug}: download query (every_page)", times, f"{len(every.rows)} rows")
        times, made = await _timed(runs, partial(list_download, viewer, slug, plain, schools))
        add(f"{slug}: whole .xlsx download", times, f"{made[1]} rows, {len(made[0]):,} bytes")
    times, counts = await _timed(runs, lambda: mq.counts(viewer))
    add("match queue: counts", times, ", ".join(f"{k.value} {v}" for k, v in counts.items()))
    for kind in mq.Kind:
        times, q = await _timed(runs, partial(mq.queue, viewer, kind))
        add(f"match queue: {kind.value}, first page", times, f"{q.total} in all")
    first = await mq.queue(viewer, mq.Kind.WAITING)
    if first.rows:
        times, seen = await _timed(runs, lambda: mq.view_proposal(viewer, first.rows[0].id))
        add("match queue: one proposal (`view_proposal`)", times, f"{len(seen.others)} others")
    await close_database(engine)
    return {"rows": rows, "peak_rss_mb": _rss_mb()}


JOBS: dict[str, Callable[[dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]] = {
    "prepare": _prepare,
    "rematch": _rematch,
    "lists": _lists,
}


def _child(job: dict[str, Any]) -> dict[str, Any]:
    """Run `job` in a process of its own, so that its time and peak memory are its own."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.partnership_lists", "--child", json.dumps(job)],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"{job['kind']} failed:\n{out.stdout[-3000:]}\n{out.stderr[-6000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- the run ---


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def run_engine(engine: str, args: argparse.Namespace) -> str:
    base = new_db_url(engine, "listbench")
    work = new_db_url(engine, "listbench_work")
    print(f"{engine}: preparing {base} from {KEPT[engine]}", file=sys.stderr, flush=True)
    saved = OUT / f"listbench-prepared-{engine}.json"
    if args.reuse and saved.exists():
        prepared = json.loads(saved.read_text())
    else:
        job = {"kept": KEPT[engine], "url": base, "details": not args.no_details}
        prepared = _child({"kind": "prepare", **job, "seed": args.seed, "episodes": args.episodes})
        saved.write_text(json.dumps(prepared))
    if args.prepare_only:
        return json.dumps(prepared)
    print(f"{engine}: {json.dumps(prepared)}", file=sys.stderr, flush=True)
    rematches = []
    for n in range(args.rematch_runs):
        rematches.append(_child({"kind": "rematch", "base": base, "url": work}))
        print(f"{engine}: rematch {n + 1}: {rematches[-1]}", file=sys.stderr, flush=True)
    listed = _child({"kind": "lists", "url": work, "runs": args.runs})
    secs = [r["seconds"] for r in rematches]
    last = rematches[-1]["run"]
    lines = [
        f"### {engine}: {prepared['pupils']:,} pupils, "
        f"{prepared['imported']['added']:,} episodes imported",
        "",
        "| engine | what | median ms | runs (ms) | found |",
        "|---|---|---|---|---|",
        f"| {engine} | `rematch(la)` on a fresh copy | {_ms(statistics.median(secs))} | "
        f"{' / '.join(_ms(s) for s in secs)} | {last['proposed']:,} pairs: "
        f"{last['linked']:,} episodes linked, {last['waiting']:,} waiting; CPU "
        f"{statistics.median(r['cpu'] for r in rematches):.1f} s, peak RSS "
        f"{max(r['peak_rss_mb'] for r in rematches):.0f} MB |",
    ]
    for row in listed["rows"]:
        lines.append(
            f"| {engine} | {row['what']} | {_ms(statistics.median(row['times']))} | "
            f"{' / '.join(_ms(s) for s in row['times'])} | {row['said']} |"
        )
    lines += [
        "",
        f"Lists process peak RSS {listed['peak_rss_mb']:.0f} MB. Preparing: "
        f"pupil details {prepared.get('details_seconds', 0):.1f} s, episode import "
        f"{prepared['import_seconds']:.1f} s; file {prepared['file']}; made "
        f"{prepared['made']}; imported {prepared['imported']}.",
        "",
    ]
    text = "\n".join(lines)
    (OUT / f"partnership_lists-{engine}.md").write_text(text)
    return text


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        job = json.loads(sys.argv[2])
        print(json.dumps(asyncio.run(JOBS[job["kind"]](job)), default=str))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--episodes", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rematch-runs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-details", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="the LA prepared by a run before")
    parser.add_argument("--prepare-only", action="store_true")
    args = parser.parse_args()
    engines = ["postgres", "sqlite"] if args.engine == "both" else [args.engine]
    for engine in engines:
        print(run_engine(engine, args), flush=True)


if __name__ == "__main__":
    main()
