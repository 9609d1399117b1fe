"""Benchmark: the partnership's figures for a whole LA over a year (issue 12), on PostgreSQL
and SQLite.

    .venv/bin/python -m bench.la_dashboard [--engine postgres|sqlite|both] [--quick]
        [--runs 30] [--seconds 20] [--rebuild] [--no-http] [--no-pack]

Builds once, and keeps for later runs (`--rebuild` to build again), an LA of 100 schools x
1,000 pupils (`--quick`: 10 x 200) with the whole academic year 2025/26 of marks, in the
PostgreSQL database `cme_bench_la_dashboard` and the SQLite file
/tmp/cme_bench_la_dashboard.sqlite (`_quick` for the quick size):

- each school's register (Wed 3 Sep 2025 to Wed 22 Jul 2026, the LA's holidays closed `#`)
  imported through the real path (`create_upload` + `run_import`), so its absence days are
  written as in use; the imports' case syncs are left out (the real today, Nov 2026, is a
  year on) and cases are written directly instead. Marks: the usual illness, appointments
  and late marks; unexplained (O, some N, some part-day) sessions at about 4 days a pupil a
  year; and, for one pupil in twenty, an unexplained run of 1 to 30 school days;
- a case for each such run (about 5,000): day one the run's first day; most closed the day
  they came back (returned, explained, a new school, home education, moved away), some
  removed from roll, a few still open; most of the longer ones handed to the LA after 2 to 8
  school days, with `referral_days`;
- each school's pupil details (address, postcode, looked after, SEN) through the real
  import; about 3,000 police episodes over the year (bench.partnership_lists' file maker)
  through the real import, then `rematch(la)`; return interviews for most returned episodes
  (held within 72 hours for most of them), written directly;
- VACUUM ANALYZE on PostgreSQL (the bench server runs with autovacuum off), again before
  each measuring, as autovacuum would have done on a server that has it.

Then, in a process of its own, for the year (`period=last-year` on the page, the same days as
"this academic year so far" read on the year's last day), week by week: `dashboard(viewer,
period, WEEK)` and `breakdown(viewer, period, d)` for every dimension `--runs` times (median,
p95); one more pass timing each SQL statement, the slowest EXPLAIN ANALYZEd on PostgreSQL
(plans in /tmp/cme_bench_la_dashboard-<engine>-plans.txt); the page /la/figures through
`cme serve --workers 2` with wrk, one client, signed in as the LA's CME officer (bench.load);
and the termly pack for the autumn term, if the code has it. The load average is read beside
each figure.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.generated_la import (
    ADMIN_EMAIL,
    CME_EMAIL,
    EVENTS,
    HOLIDAY_SHARE,
    LA_CODE,
    LA_NAME,
    PASSWORD,
    RATE_SCALE,
    close_database,
    drop_database,
    open_database,
    school_urn,
    staff_emails,
)
from bench.register_import import POSTGRES_ADMIN

YEAR = 2025  # the academic year of the marks
GENERATOR = "v2"  # part of the register files' names: change it when the files would change
TMP = Path("/tmp")
MAX_BYTES = 200_000_000
TARGET_MS = 500.0
PACK_TARGET_S = 10.0


@dataclass(frozen=True)
class Size:
    schools: int
    pupils: int
    episodes: int
    label: str


FULL = Size(100, 1000, 3000, "dashboard")
QUICK = Size(10, 200, 150, "dashboard_quick")

EVENT_RATE = 0.05  # illness, appointments, late: per school day, scaled per pupil
UNEXPLAINED_RATE = 0.015  # sporadic unexplained days, scaled per pupil (about 4 a year)
CASE_SHARE = 0.05  # pupils with an unexplained run, each one case
STILL_OPEN_SHARE = 0.03  # of the runs: going on at the year's end
LAC_SHARE, SEN_SUPPORT_SHARE, EHCP_SHARE = 0.01, 0.13, 0.025
INTERVIEW_SHARE, DECLINED_SHARE, LATE_SHARE = 0.80, 0.08, 0.15
LONG_OUTCOMES = (  # a run of four school days or more ends in one of these
    ("returned", 50),
    ("absence_explained", 15),
    ("new_school_this_la", 8),
    ("new_school_other_la", 7),
    ("new_school_abroad", 4),
    ("elective_home_education", 5),
    ("moved_out_of_reasonable_distance", 3),
    ("removed", 8),
)
OPEN_STAGES = ("day_one", "school_enquiries", "refer_now", "removal_may_be_considered")


def db_url(engine: str, size: Size) -> str:
    if engine == "sqlite":
        return f"sqlite:///{TMP / f'cme_bench_la_{size.label}.sqlite'}"
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/cme_bench_la_{size.label}"


def facts_path(engine: str, size: Size) -> Path:
    """Written once the build is complete: its presence means the database can be reused."""
    return TMP / f"cme_bench_la_{size.label}-{engine}.json"


def csv_dir(size: Size) -> Path:
    return TMP / f"cme_bench_la_{size.label}-csv"


def load() -> float:
    return os.getloadavg()[0]


def say(text: str) -> None:
    """Progress, on stderr: a child's stdout carries its result."""
    print(text, file=sys.stderr, flush=True)


# --- the year's files ---


def terms() -> list[tuple[str, date, date]]:
    from cme.terms import demo_terms

    return demo_terms(YEAR)


def school_days() -> tuple[list[date], set[date]]:
    """Every weekday from the first day of term to the last, and those outside the terms."""
    spans = [(first, last) for _, first, last in terms()]
    first, last = spans[0][0], spans[-1][1]
    days = [first + timedelta(n) for n in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    closed = {d for d in days if not any(a <= d <= b for a, b in spans)}
    return days, closed


def _pupil_cells(rng: random.Random, establishment: str, count: int) -> list[list[str]]:
    from cme.demo_data import BOYS, GIRLS, NEUTRAL, SURNAMES, make_upn

    groups = range(7, 12)
    per_year = math.ceil(count / len(groups))
    cells = []
    for n in range(count):
        year_group = groups[n // per_year]
        serial = n % per_year + 1
        gender = rng.choice("FM")
        born = date(YEAR - year_group - 6, 9, 1) + timedelta(rng.randrange(365))
        cells.append(
            [
                make_upn(LA_CODE, establishment, YEAR - year_group, serial),
                rng.choice(SURNAMES),
                rng.choice((GIRLS if gender == "F" else BOYS) + NEUTRAL),
                f"{born:%d/%m/%Y}",
                gender,
                str(year_group),
                f"{year_group}{'ABCDEFGH'[serial % 8]}",
            ]
        )
    return cells


def _gaps(rng: random.Random, rate: float, n: int) -> list[int]:
    """The open days (by place) on which events at `rate` a day fall, drawn by gaps."""
    found: list[int] = []
    k = -1
    while True:
        k += 1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - rate))
        if k >= n:
            return found
        found.append(k)


def school_csv(index: int, size: Size, seed: int) -> tuple[bytes, list[list[Any]]]:
    """School `index`'s register for the year, and its unexplained runs as
    [UPN, first open day's place, school days, still going at the year's end]."""
    from cme.demo_registers import PUPIL_HEADERS

    rng = random.Random(f"{seed}:{index}:year")
    days, closed = school_days()
    open_at = [i for i, d in enumerate(days) if d not in closed]
    n_open = len(open_at)
    template = [m for d in days for m in (("#", "#") if d in closed else ("/", "\\"))]
    rows = [PUPIL_HEADERS + [f"{d:%d/%m/%Y} {s}" for d in days for s in ("AM", "PM")]]
    runs: list[list[Any]] = []
    for cells in _pupil_cells(rng, f"{4000 + index:04d}", size.pupils):
        marks = template.copy()

        def put(k: int, am: str, pm: str, marks: list[str] = marks) -> None:
            marks[2 * open_at[k]], marks[2 * open_at[k] + 1] = am, pm

        scale = rng.choice(RATE_SCALE)
        for k in _gaps(rng, EVENT_RATE * scale, n_open):
            kind = rng.random()
            if kind < EVENTS[0][1]:
                for j in range(k, min(n_open, k + rng.randint(1, 3))):
                    put(j, "I", "I")
            elif kind < EVENTS[0][1] + EVENTS[1][1]:
                put(k, "M", "\\")
            else:
                put(k, "L", "\\")
        # None in the last week: the daily sweep would open a case for each, and a run going
        # on at the year's end is one of the cases' runs below.
        for k in _gaps(rng, UNEXPLAINED_RATE * scale, n_open - 5):
            r = rng.random()
            if r < 0.60:
                put(k, "O", "O")
            elif r < 0.80:
                put(k, "N", "N")
            elif r < 0.90:
                put(k, "/", "O")  # a part-day absence: in for the morning only
            else:
                put(k, "N", "\\")
        if rng.random() < HOLIDAY_SHARE * 2:
            start = rng.randrange(n_open - 5)
            for j in range(start, start + 5):
                put(j, "G", "G")
        if rng.random() < CASE_SHARE:
            r = rng.random()
            low, high = (1, 3) if r < 0.55 else (4, 15) if r < 0.93 else (16, 30)
            length = rng.randint(low, high)
            ongoing = rng.random() < STILL_OPEN_SHARE
            first = n_open - length if ongoing else rng.randrange(n_open - length)
            for j in range(first, first + length):
                code = "N" if rng.random() < 0.3 else "O"
                put(j, code, code)
            if not ongoing:
                put(first + length, "/", "\\")  # back the day after
            runs.append([cells[0], first, length, ongoing])
        rows.append(cells + marks)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8"), runs


def write_files(size: Size, seed: int) -> list[tuple[Path, list[list[Any]]]]:
    folder = csv_dir(size)
    folder.mkdir(exist_ok=True)
    found = []
    for i in range(size.schools):
        path = folder / f"{school_urn(i)}-{GENERATOR}-seed{seed}.csv"
        runs_path = path.with_suffix(".runs.json")
        if not (path.exists() and runs_path.exists()):
            content, runs = school_csv(i, size, seed)
            path.write_bytes(content)
            runs_path.write_text(json.dumps(runs))
        found.append((path, json.loads(runs_path.read_text())))
    return found


def details_csv(
    pupils: list[dict[str, Any]], seed: int
) -> tuple[bytes, dict[int, tuple[str, str]]]:
    """A school's pupil details: an address, and whether looked after and any SEN."""
    from bench.partnership_lists import _home

    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(
        ["UPN", "Address Line 1", "Address Line 2", "Postcode", "Looked After", "SEN Status"]
    )
    homes = {}
    for p in pupils:
        rng = random.Random(f"{seed}:home:{p['id']}")
        line, postcode = _home(rng)
        street, town = line.split(", ")
        homes[int(p["id"])] = (line, postcode)
        r = rng.random()
        sen = "E" if r < EHCP_SHARE else "K" if r < EHCP_SHARE + SEN_SUPPORT_SHARE else "N"
        lac = "Y" if rng.random() < LAC_SHARE else "N"
        w.writerow([p["upn"], street, town, postcode, lac, sen])
    return out.getvalue().encode(), homes


# --- building (a child process) ---


async def _setup(size: Size) -> tuple[int, list[tuple[int, str]]]:
    """The LA, its terms for this year and the last, its schools and accounts."""
    from cme.roles import Role
    from cme.storage.accounts import add_account, hash_password, viewer_for_account
    from cme.storage.calendar_facts import add_term
    from cme.storage.organisations import add_la, add_school
    from cme.storage.tables import Account
    from cme.terms import TermForm, demo_terms

    la_id = await add_la(LA_CODE, LA_NAME)
    admin = await add_account(email=ADMIN_EMAIL, password=None, role=Role.LA_ADMIN, la_code=LA_CODE)
    await add_account(email=CME_EMAIL, password=None, role=Role.CME_OFFICER, la_code=LA_CODE)
    viewer = await viewer_for_account(admin)
    for year in (YEAR, YEAR + 1):
        for name, first, last in demo_terms(year):
            await add_term(viewer, TermForm(name, first.isoformat(), last.isoformat()))
    found = []
    for i in range(size.schools):
        urn = school_urn(i)
        school_id = await add_school(urn, f"Bench school {i + 1}", LA_CODE)
        found.append((school_id, urn))
        officer, dsl = staff_emails(urn)
        await add_account(
            email=officer, password=None, role=Role.ATTENDANCE_OFFICER, school_urn=urn
        )
        await add_account(email=dsl, password=None, role=Role.DSL, school_urn=urn)
    await Account.update(
        {Account.password_hash: hash_password(PASSWORD), Account.must_change_password: False}
    ).where(Account.la == la_id)
    return la_id, found


def _london(day: date, hour: int, minute: int = 0) -> datetime:
    from cme.timeline import LONDON

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _cases(
    rng: random.Random, la_id: int, school_id: int, runs: list[list[Any]], ids: dict[str, int]
) -> list[Any]:
    """The cases of one school's unexplained runs, as the case machinery would leave them."""
    from cme.storage.tables import Case

    days, closed = school_days()
    open_days = [d for d in days if d not in closed]
    made = []
    for upn, first, length, ongoing in runs:
        day_one = open_days[first]
        row: dict[str, Any] = {
            "pupil": ids[upn],
            "school": school_id,
            "la": la_id,
            "reason": "unexplained",
            "day_one": day_one,
            "clock_start": day_one,
            "opened_at": _london(day_one, 10),
            "days_missing": length,
            "summary_on": open_days[-1],
        }
        handed = length >= 4 and rng.random() < 0.8
        if handed:
            took = min(length - 1, rng.choice((2, 2, 3, 3, 3, 4, 5, 6, 8)))
            row["handed_to_la_at"] = _london(open_days[first + took], rng.randint(9, 16))
            row["referral_days"] = took
        if ongoing:
            row |= {"status": "open", "stage": "with_la" if handed else rng.choice(OPEN_STAGES)}
            made.append(Case(**row))
            continue
        back = open_days[first + length]
        if length < 4:
            outcome = "returned" if rng.random() < 0.75 else "absence_explained"
        else:
            names, weights = zip(*LONG_OUTCOMES, strict=True)
            outcome = rng.choices(names, weights)[0]
        row |= {"closed_on": back, "stage": "closed", "status": "closed", "outcome": outcome}
        if outcome == "removed":
            row |= {"status": "removed", "removed_on": back, "outcome": "removed_missing_education"}
            if rng.random() < 0.5:
                row["stage"] = "missing_education"
            else:
                row["la_closed_on"] = back + timedelta(days=rng.randint(5, 60))
                row["la_outcome"] = "new_school_other_la"
        made.append(Case(**row))
    return made


async def _interviews(la_id: int, seed: int) -> int:
    """Return interviews for most returned episodes: most held within 72 hours."""
    from cme.storage.tables import MissingEpisode, ReturnInterview

    rng = random.Random(f"{seed}:interviews")
    rows = await MissingEpisode.select(MissingEpisode.id, MissingEpisode.returned_at).where(
        (MissingEpisode.la == la_id) & MissingEpisode.returned_at.is_not_null()
    )
    made = []
    for r in rows:
        back: datetime = r["returned_at"]
        roll = rng.random()
        if roll < INTERVIEW_SHARE:
            late = rng.random() < LATE_SHARE
            hours = rng.randint(73, 24 * 10) if late else rng.randint(2, 70)
            made.append(
                ReturnInterview(
                    episode=r["id"],
                    offered_at=back + timedelta(hours=1),
                    offered_by="Return interview service",
                    done_at=back + timedelta(hours=hours),
                    done_by="Return interview service",
                    done_where="Home",
                    recorded_at=back + timedelta(hours=hours + 2),
                )
            )
        elif roll < INTERVIEW_SHARE + DECLINED_SHARE:
            made.append(
                ReturnInterview(
                    episode=r["id"],
                    offered_at=back + timedelta(hours=1),
                    offered_by="Return interview service",
                    declined_at=back + timedelta(hours=30),
                    recorded_at=back + timedelta(hours=31),
                )
            )
    for start in range(0, len(made), 500):
        await ReturnInterview.insert(*made[start : start + 500])
    return len(made)


def _real_time(text: str) -> str:
    """A "dd/mm/yyyy HH:MM" London time moved out of the hour the clocks skip in spring."""
    from cme.timeline import LONDON

    if not text:
        return text
    naive = datetime.strptime(text, "%d/%m/%Y %H:%M")
    there = naive.replace(tzinfo=LONDON)
    if there.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        naive += timedelta(hours=1)
    return f"{naive:%d/%m/%Y %H:%M}"


def police_file(pupils: list[dict[str, Any]], size: Size, seed: int) -> tuple[bytes, Any]:
    """About `size.episodes` episodes over the year: bench.partnership_lists' file maker, its
    dates moved to the year; a slipped birth digit that lands in the future is left blank
    and times in the hour skipped at the spring clock change are moved on an hour, as the
    police would have to correct them before the import takes the file."""
    from bench import partnership_lists as lists

    homes: dict[int, tuple[str, str]] = {}
    for school in sorted({int(p["school"]) for p in pupils}):
        homes |= details_csv([p for p in pupils if int(p["school"]) == school], seed)[1]
    lists.TERM_START = datetime(YEAR, 9, 3, 0, 0)
    lists.NOW = datetime(YEAR + 1, 7, 22, 12, 0)
    data, made = lists.episodes_csv(pupils, homes, size.episodes, seed)
    rows = list(csv.reader(io.StringIO(data.decode())))
    head = rows[0]
    times = [head.index(c) for c in ("Reported At", "Last Seen", "Returned At")]
    born = head.index("DOB")
    for row in rows[1:]:
        for i in times:
            row[i] = _real_time(row[i])
        if row[born] and datetime.strptime(row[born], "%d/%m/%Y").date() >= date(YEAR, 9, 1):
            row[born] = ""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(), made


async def _pupils(school_id: int) -> list[dict[str, Any]]:
    from cme.storage.tables import Pupil

    query = Pupil.select(
        Pupil.id, Pupil.upn, Pupil.school, Pupil.legal_forename, Pupil.legal_surname,
        Pupil.date_of_birth, Pupil.gender,
    ).where(Pupil.school == school_id).order_by(Pupil.id)  # fmt: skip
    return [dict(r) for r in await query]


async def _build_registers(job: dict[str, Any]) -> dict[str, Any]:
    """The first stage: the LA, every register through the import, the cases and the pupil
    details."""
    import cme.storage  # noqa: F401
    import cme.storage.cases as cases_module
    from cme.storage import pupil_details_import
    from cme.storage.tables import Case
    from cme.storage.uploads import create_upload, run_import

    size = Size(**job["size"])
    seed = job["seed"]
    facts: dict[str, Any] = {"started": time.strftime("%d %b %Y %H:%M"), "load_start": load()}
    began = time.perf_counter()
    files = write_files(size, seed)
    facts["generate_seconds"] = time.perf_counter() - began
    engine = await open_database(job["url"], fresh=True)
    la_id, schools = await _setup(size)

    async def no_sync(*args: Any, **kwargs: Any) -> Any:
        from cme.storage.cases import SyncResult

        return SyncResult()

    # Cases are written below, as the year's case work would have left them: the imports'
    # syncs would judge a year-old register by today, Nov 2026.
    real_sync, cases_module.sync_school = cases_module.sync_school, no_sync
    began = time.perf_counter()
    try:
        for n, ((school_id, urn), (path, _)) in enumerate(zip(schools, files, strict=True)):
            upload = await create_upload(school_id, f"register-{urn}.csv", path.read_bytes())
            outcome = await run_import(upload)
            if outcome["status"] != "done":
                raise RuntimeError(f"school {urn} did not import: {outcome['error']}")
            if (n + 1) % 10 == 0:
                say(f"  {n + 1} registers, {time.perf_counter() - began:.0f} s")
    finally:
        cases_module.sync_school = real_sync
    facts["register_import_seconds"] = time.perf_counter() - began
    began = time.perf_counter()
    rng = random.Random(f"{seed}:cases")
    for (school_id, _), (_, runs) in zip(schools, files, strict=True):
        mine = await _pupils(school_id)
        ids = {p["upn"]: int(p["id"]) for p in mine}
        cases = _cases(rng, la_id, school_id, runs, ids)
        for start in range(0, len(cases), 500):
            await Case.insert(*cases[start : start + 500])
        data, _ = details_csv(mine, seed)
        await pupil_details_import.import_file(None, school_id, data, "details.csv", MAX_BYTES)
    facts["cases_and_details_seconds"] = time.perf_counter() - began
    facts["la_id"] = la_id
    await close_database(engine)
    return facts


async def _build_episodes(job: dict[str, Any]) -> dict[str, Any]:
    """The second stage: the police's file through the import, matching, return interviews,
    ANALYZE."""
    import cme.storage  # noqa: F401
    from cme.storage import episode_import
    from cme.storage.daily_sweep import sweep_due_las
    from cme.storage.engine import is_sqlite
    from cme.storage.matching import rematch
    from cme.storage.tables import School

    size = Size(**job["size"])
    seed, la_id = job["seed"], job["la_id"]
    facts: dict[str, Any] = {}
    engine = await open_database(job["url"])
    pupils = []
    for row in await School.select(School.id).where(School.la == la_id).order_by(School.id):
        pupils += await _pupils(int(row["id"]))
    data, made = police_file(pupils, size, seed)
    began = time.perf_counter()
    imported = await episode_import.import_file(None, la_id, data, "episodes.csv", MAX_BYTES)
    facts["episode_import_seconds"] = time.perf_counter() - began
    facts["episodes_made"] = made
    facts["meetings_raised"] = imported.meetings_raised
    began = time.perf_counter()
    run = await rematch(la_id)
    facts["rematch_seconds"] = time.perf_counter() - began
    facts["rematch"] = {"proposed": run.proposed, "linked": run.linked, "waiting": run.waiting}
    facts["return_interviews"] = await _interviews(la_id, seed)
    # Today's daily sweep, as the deployment's would have run by now: `cme serve` runs it
    # on starting otherwise, in the middle of what is measured.
    began = time.perf_counter()
    swept = await sweep_due_las(datetime.now(UTC))
    facts["sweep_seconds"] = time.perf_counter() - began
    facts["sweep"] = [
        {k: getattr(s.result, k) for k in ("opened", "updated", "closed", "overdue")} for s in swept
    ]
    if not is_sqlite():
        began = time.perf_counter()
        await engine.run_ddl("VACUUM ANALYZE")
        facts["analyze_seconds"] = time.perf_counter() - began
    facts["counts"] = await _counts()
    facts["load_end"] = load()
    await close_database(engine)
    return facts


async def _counts() -> dict[str, int]:
    from cme.storage.measures.counts import rows_of

    found = {}
    for table in (
        "pupil", "absence_day", "cme_case", "missing_episode", "episode_match",
        "return_interview", "intervention_meeting", "pupil_detail", "pupil_status",
    ):  # fmt: skip
        found[table] = int((await rows_of(f"SELECT COUNT(*) AS n FROM {table}"))[0]["n"])
    for name, where in (
        ("cases_open_at_year_end", "status = 'open'"),
        ("cases_removed", "status = 'removed'"),
        ("cases_handed_to_la", "handed_to_la_at IS NOT NULL"),
    ):
        sql = f"SELECT COUNT(*) AS n FROM cme_case WHERE {where}"
        found[name] = int((await rows_of(sql))[0]["n"])
    return found


# --- measuring (a child process) ---


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "min_ms": ordered[0] * 1000,
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "max_ms": ordered[-1] * 1000,
        "runs": len(ordered),
    }


async def _viewer() -> Any:
    from cme.storage.accounts import viewer_for_account
    from cme.storage.tables import Account

    row = await Account.select(Account.id).where(Account.email == CME_EMAIL).first()
    assert row is not None, "not a bench LA: no CME officer"
    return await viewer_for_account(int(row["id"]))


def year_period() -> Any:
    from cme.measures.periods import whole_academic_year

    return whole_academic_year(YEAR)


async def _calls(viewer: Any) -> list[tuple[str, Any]]:
    from cme.measures.figures import Dimension
    from cme.measures.periods import Grain
    from cme.storage.measures.dashboard import breakdown, dashboard
    from cme.storage.measures.downloads import figures_for_page

    period = year_period()
    calls: list[tuple[str, Any]] = [
        ("dashboard(year, week)", lambda: dashboard(viewer, period, Grain.WEEK)),
        (
            "page's reading: dashboard + breakdown by school (`figures_for_page`)",
            lambda: figures_for_page(viewer, period, Grain.WEEK, Dimension.SCHOOL),
        ),
    ]
    for d in Dimension:
        calls.append((f"breakdown(year, {d.value})", lambda d=d: breakdown(viewer, period, d)))
    return calls


def _timed_statements() -> tuple[list[dict[str, Any]], Any]:
    """Patch the figures' one SQL entry point so that each statement's time and caller are
    recorded; returns the record and a function that undoes the patch."""
    from cme.storage.measures import counts, dashboard, trend

    seen: list[dict[str, Any]] = []
    real = counts.rows_of

    async def timed(sql: str) -> Any:
        caller = sys._getframe(1).f_code.co_name
        began = time.perf_counter()
        rows = await real(sql)
        seen.append({"caller": caller, "sql": sql, "ms": (time.perf_counter() - began) * 1000})
        return rows

    modules = (counts, trend, dashboard)
    for m in modules:
        m.rows_of = timed  # type: ignore[attr-defined]

    def undo() -> None:
        for m in modules:
            m.rows_of = real  # type: ignore[attr-defined]

    return seen, undo


async def _explain(statements: list[dict[str, Any]], sqlite: bool) -> str:
    from cme.storage.tables import Pupil

    out = []
    for s in statements:
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
        rows = await Pupil.raw(prefix + s["sql"])
        plan = "\n".join(str(r.get("QUERY PLAN") or r.get("detail") or r) for r in rows)
        out.append(f"== {s['caller']}: {s['ms']:.0f} ms\n{s['sql']}\n\n{plan}\n")
    return "\n".join(out)


async def _measure(job: dict[str, Any]) -> dict[str, Any]:
    import cme.storage  # noqa: F401
    from cme.storage.engine import is_sqlite, migrate

    engine = await open_database(job["url"])
    await migrate()  # a kept database may predate the code's migrations
    if not is_sqlite():
        # As autovacuum would have by now on a server that has it (the bench server has it
        # off): statistics, and the visibility map an index-only scan needs, after the
        # build's writes and any migration's rewrite of the rows.
        await engine.run_ddl("VACUUM ANALYZE")
    viewer = await _viewer()
    calls = await _calls(viewer)
    result: dict[str, Any] = {"calls": []}
    for name, call in calls:
        await call()  # warm: the first call loads modules and fills the pool
        times = []
        load_before = load()
        for _ in range(job["runs"]):
            began = time.perf_counter()
            await call()
            times.append(time.perf_counter() - began)
        row = {"what": name, **_stats(times), "load": (load_before + load()) / 2}
        result["calls"].append(row)
        say(f"  {name}: median {row['median_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms")
    # One pass with every statement timed: which of them the time goes to.
    seen, undo = _timed_statements()
    try:
        for _, call in calls[:1] + calls[2:]:
            for _ in range(3):
                await call()
    finally:
        undo()
    by_sql: dict[str, dict[str, Any]] = {}
    for s in seen:
        kept = by_sql.setdefault(s["sql"], {"caller": s["caller"], "sql": s["sql"], "all": []})
        kept["all"].append(s["ms"])
    statements = sorted(
        ({**v, "ms": statistics.median(v["all"])} for v in by_sql.values()),
        key=lambda s: -s["ms"],
    )
    result["statements"] = [
        {"caller": s["caller"], "ms": s["ms"], "sql": s["sql"]} for s in statements[:15]
    ]
    plans = await _explain(statements[: job["explain"]], is_sqlite())
    path = TMP / f"cme_bench_la_{job['label']}-{job['engine']}-plans.txt"
    path.write_text(plans)
    result["plans"] = str(path)
    result["pack"] = await _pack(viewer, job["runs_pack"])
    await close_database(engine)
    return result


async def _pack(viewer: Any, runs: int) -> dict[str, Any] | None:
    """The termly pack for the autumn term of the year (`termly_pack` and its workbook, as
    the download makes them, less the audit row), if the code has it yet."""
    try:
        from cme.exports.partnership_pack import workbook
        from cme.storage.measures.pack import termly_pack
    except ImportError:
        return None
    key = f"{YEAR}-autumn"
    times, store_times, size, name = [], [], 0, ""
    for n in range(runs + 1):
        began = time.perf_counter()
        pack = await termly_pack(viewer, key)
        stored = time.perf_counter() - began
        content = workbook(pack)
        if n:  # the first is a warm-up
            times.append(time.perf_counter() - began)
            store_times.append(stored)
        size, name = len(content), pack.term.label
    return {
        "term": name,
        "min_seconds": min(times),
        "seconds": statistics.median(times),
        "max_seconds": max(times),
        "storage_seconds": statistics.median(store_times),
        "bytes": size,
        "runs": runs,
        "load": load(),
    }


def _http(url: str, seconds: float) -> list[dict[str, Any]]:
    """The page through `cme serve`, on a copy of the LA: the server's jobs may write to its
    database (a new day's sweep), and the kept LA must stay as built."""
    from bench.generated_la import copy_database
    from bench.load import _cme_command, measure_many

    if url.startswith("sqlite:///"):
        copy = url.removesuffix(".sqlite") + "_http.sqlite"
    else:
        copy = url + "_http"
    for attempt in range(10):
        try:
            asyncio.run(copy_database(url, copy))
            break
        except Exception as exc:  # a template copy needs no one else on the database
            if "being accessed by other users" not in str(exc) or attempt == 9:
                raise
            say(f"  others are using {url}: waiting to copy it")
            time.sleep(30)
    found = []
    try:
        # Code changed since the measuring began may have brought migrations: `cme serve`
        # refuses a database without them.
        env = {**os.environ, "CME_DATABASE_URL": copy}
        subprocess.run([*_cme_command(), "migrate"], env=env, check=True, capture_output=True)
        for path in ("/la/figures?period=last-year", "/la/figures?period=last-year&by=area"):
            before = load()
            try:
                result = measure_many(path, copy, CME_EMAIL, seconds, (1,), workers=2)[0]
            except RuntimeError as exc:  # the page did not answer 200
                found.append({"path": path, "error": str(exc).splitlines()[0], "load": load()})
                say(f"  {path}: {exc}")
                continue
            result["load"] = (before + load()) / 2
            found.append(result)
            say(f"  {path}: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")
    finally:
        asyncio.run(drop_database(copy))
    return found


def _page_exists() -> bool:
    try:
        from la_portal import figures
    except ImportError:
        return False
    return hasattr(figures, "FiguresController")


# --- the run ---


def _child(job: dict[str, Any]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.la_dashboard", "--child", json.dumps(job)],
        stdout=subprocess.PIPE,
        text=True,
    )
    if out.returncode:
        sys.exit(f"{job['kind']} failed:\n{out.stdout[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def _exists(url: str) -> bool:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).exists()  # noqa: ASYNC240
    import asyncpg

    base, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(base + "/postgres")
    try:
        return bool(await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await admin.close()


def built(engine: str, size: Size, args: argparse.Namespace) -> dict[str, Any]:
    """The LA's facts, building it first unless a complete build is kept (the registers'
    stage is kept on its own, so a failed second stage does not cost the first again)."""
    url = db_url(engine, size)
    saved = facts_path(engine, size)
    first = saved.with_suffix(".registers.json")
    there = asyncio.run(_exists(url))
    if args.rebuild or not there:
        saved.unlink(missing_ok=True)
        first.unlink(missing_ok=True)
    if saved.exists():
        facts: dict[str, Any] = json.loads(saved.read_text())
        facts["reused"] = True
        return facts
    base = {"url": url, "size": size.__dict__, "seed": args.seed}
    began = time.perf_counter()
    if first.exists():
        say(f"{engine}: registers kept at {url}; adding the episodes")
        facts = json.loads(first.read_text())
    else:
        asyncio.run(drop_database(url))
        say(f"{engine}: building {url}")
        facts = _child({"kind": "registers", **base})
        first.write_text(json.dumps(facts, indent=1))
    facts |= _child({"kind": "episodes", **base, "la_id": facts["la_id"]})
    facts["build_seconds"] = time.perf_counter() - began
    saved.write_text(json.dumps(facts, indent=1))
    facts["reused"] = False
    return facts


def _verdicts(engine: str, measured: dict[str, Any]) -> list[str]:
    """The issue's targets (set for PostgreSQL) against what was measured."""
    board = next(r for r in measured["calls"] if r["what"].startswith("dashboard("))
    page = [r for r in measured.get("http", []) if "p95_ms" in r][:1]
    found = [
        f"Target p95 <= {TARGET_MS:.0f} ms ({engine}): dashboard call "
        f"{'met' if board['p95_ms'] <= TARGET_MS else 'MISSED'} ({board['p95_ms']:.0f} ms)"
        + (
            f"; the page {'met' if page[0]['p95_ms'] <= TARGET_MS else 'MISSED'} "
            f"({page[0]['p95_ms']:.0f} ms)."
            if page
            else "."
        )
    ]
    pack = measured.get("pack")
    if pack:
        met = "met" if pack["max_seconds"] <= PACK_TARGET_S else "MISSED"
        found.append(
            f"Target pack <= {PACK_TARGET_S:.0f} s: {met} (slowest {pack['max_seconds']:.2f} s)."
        )
    return found


def report(engine: str, size: Size, facts: dict[str, Any], measured: dict[str, Any]) -> str:
    c = facts["counts"]
    how = "reused" if facts.get("reused") else f"built in {facts['build_seconds']:.0f} s"
    lines = [
        f"### {engine}: {size.schools} schools x {size.pupils:,} pupils, {year_period().name}",
        "",
        f"{db_url(engine, size)} ({how}): {c['pupil']:,} pupils, {c['absence_day']:,} absence "
        f"days, {c['cme_case']:,} cases ({c['cases_handed_to_la']:,} handed to the LA, "
        f"{c['cases_removed']:,} removed, {c['cases_open_at_year_end']:,} open), "
        f"{c['missing_episode']:,} episodes, {c['episode_match']:,} matches, "
        f"{c['return_interview']:,} return interviews, {c['intervention_meeting']:,} meetings.",
        "",
        "| engine | what | min | median | p95 | max | runs | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in measured["calls"]:
        lines.append(
            f"| {engine} | {r['what']} | {r['min_ms']:.0f} ms | {r['median_ms']:.0f} ms | "
            f"{r['p95_ms']:.0f} ms | "
            f"{r['max_ms']:.0f} ms | {r['runs']} | {r['load']:.1f} |"
        )
    for r in measured.get("http", []):
        if "error" in r:
            lines.append(f"| {engine} | GET {r['path']} | | {r['error']} | | | | {r['load']:.1f} |")
            continue
        lines.append(
            f"| {engine} | GET {r['path']} (wrk, 1 client, 2 workers; p50 as median) | | "
            f"{r['p50_ms']:.0f} ms | {r['p95_ms']:.0f} ms | {r['max_ms']:.0f} ms | "
            f"{r['requests']} | {r['load']:.1f} |"
        )
    pack = measured.get("pack")
    if pack:
        what = f"termly_pack + workbook (of which termly_pack {pack['storage_seconds']:.2f} s)"
        lines.append(
            f"| {engine} | {what}, {pack['term']} ({pack['bytes']:,} bytes) | "
            f"{pack['min_seconds']:.2f} s | {pack['seconds']:.2f} s | | "
            f"{pack['max_seconds']:.2f} s | {pack['runs']} | "
            f"{pack['load']:.1f} |"
        )
    lines += ["", *_verdicts(engine, measured)]
    lines += ["", "Slowest statements (one timed pass, median of 3, ms):", ""]
    for s in measured["statements"][:6]:
        lines.append(f"- {s['ms']:.0f} ms `{s['caller']}`: {s['sql'][:140]}...")
    lines += ["", f"Plans of the slowest: {measured['plans']}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="10 schools x 200 pupils")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pack-runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20, help="wrk's run per page")
    parser.add_argument("--explain", type=int, default=4, help="statements to EXPLAIN")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the LA only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        job = json.loads(args.child)
        work = {"registers": _build_registers, "episodes": _build_episodes}.get(
            job["kind"], _measure
        )
        print(json.dumps(asyncio.run(work(job)), default=str))
        return
    size = QUICK if args.quick else FULL
    engines = ["postgres", "sqlite"] if args.engine == "both" else [args.engine]
    texts = []
    for engine in engines:
        facts = built(engine, size, args)
        url = db_url(engine, size)
        if args.build_only:
            say(f"{engine}: {url}: {json.dumps(facts['counts'])}")
            continue
        print(f"{engine}: measuring {url}", file=sys.stderr, flush=True)
        job = {
            "kind": "measure", "url": url, "runs": args.runs, "runs_pack": args.pack_runs,
            "explain": args.explain, "label": size.label, "engine": engine,
        }  # fmt: skip
        measured = _child(job)
        if not args.no_http and _page_exists():
            measured["http"] = _http(url, args.seconds)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        saved = TMP / f"cme_bench_la_{size.label}-{engine}-{stamp}.json"
        saved.write_text(json.dumps({"facts": facts, "measured": measured}, indent=1))
        text = report(engine, size, facts, measured)
        texts.append(text)
        print(text, flush=True)
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
