"""A generated local authority for benchmarks: N schools x M pupils, one autumn term of marks
each, imported school by school through the real import path (a stored upload, then
`run_import`, as the upload job does), into a fresh, migrated database.

    from bench.generated_la import build_la, new_db_url
    info = await build_la(new_db_url("postgres", "mine"), schools=100, pupils=1000)

The term: Wednesday 2 Sept 2026 to Friday 20 Nov 2026 (58 weekdays, half term 26-30 Oct
closed `#`: 53 school days), in the wide CSV layout. The LA's 2026-27 terms are entered (by
its administrator, as the web form does), so that Monday 23 Nov 2026, the real today of the
imports' case syncs, is a projected school day.

Marks: mostly present (`/` `\\`); per pupil a rate of ordinary events (a few pupils several
times the usual) of illness (I, one to three days), medical appointments (M), late marks (L);
1.5% of pupils a week's holiday (G); and unexplained absence spells (N, or O where the school
has already chosen a code) of 1-3 school days mostly, 5-15 for a quarter, 20-30 for one in
twenty:

- `spell_share` x 2/3 of pupils have a spell that ended before the last day (the day after
  shows them back);
- a share of pupils have a spell still going on at the last day, so an open case: `open_share`
  if given, else `spell_share` / 3.

School i's file depends only on (seed, i, pupils, spell_share, open_share), so the first 25
schools of a 100-school LA are the 25-school LA; files are written to a directory keyed by
those parameters and reused when present.
"""

from __future__ import annotations

import csv
import io
import math
import random
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.register_import import OUT, POSTGRES_ADMIN

GENERATOR = "v1"  # part of the CSV directory's name: change it when the files would change
LA_CODE = "370"
LA_NAME = "Bench LA (generated)"
PASSWORD = "bench-password-2026"
CME_EMAIL = "cme@bench.la"
ADMIN_EMAIL = "admin@bench.la"
FIRST_DAY, LAST_DAY = date(2026, 9, 2), date(2026, 11, 20)
HALF_TERM = (date(2026, 10, 26), date(2026, 10, 30))
TODAY = date(2026, 11, 23)  # the real today of the imports' syncs, a Monday in term
YEAR_GROUPS = range(7, 12)

# Ordinary events per school day (drawn by gaps, not a roll a day): illness, appointment, late.
EVENT_RATE = 0.05
EVENTS = (("ill", 0.3), ("appointment", 0.2), ("late", 0.5))
RATE_SCALE = (0.2, 0.5, 1, 1, 1, 1.5, 2, 4)  # pupils differ; a few are often away
HOLIDAY_SHARE = 0.015


def school_urn(index: int) -> str:
    return f"{800001 + index}"


def staff_emails(urn: str) -> tuple[str, str]:
    """The school's attendance officer and DSL."""
    return f"attendance@{urn}.bench", f"dsl@{urn}.bench"


@dataclass
class SchoolFile:
    path: Path
    ongoing: int = 0  # spells still going on at the last day: open cases expected
    ended: int = 0
    long_ongoing: int = 0  # ongoing spells of 10 school days or more


@dataclass
class LAInfo:
    db_url: str
    la_id: int
    la_code: str
    schools: list[tuple[int, str]]  # (school id, URN)
    pupils_per_school: int
    spell_share: float
    open_share: float | None
    seed: int
    csv_dir: str
    password: str = PASSWORD
    cme_email: str = CME_EMAIL
    admin_email: str = ADMIN_EMAIL
    generate_seconds: float = 0.0
    setup_seconds: float = 0.0  # LA, terms, schools, accounts
    import_seconds: list[float] = field(default_factory=list)  # per school, sync included
    sync_seconds: list[float] = field(default_factory=list)  # per school: the import's sync
    expected_open: int = 0
    expected_ended: int = 0
    expected_long: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# --- files ---


def csv_dir(pupils: int, spell_share: float, open_share: float | None, seed: int) -> Path:
    opened = "none" if open_share is None else f"{open_share:g}"
    return OUT / f"la-{GENERATOR}-{pupils}p-s{spell_share:g}-o{opened}-seed{seed}"


def _days() -> tuple[list[date], set[date]]:
    days = [
        FIRST_DAY + timedelta(n)
        for n in range((LAST_DAY - FIRST_DAY).days + 1)
        if (FIRST_DAY + timedelta(n)).weekday() < 5
    ]
    return days, {d for d in days if HALF_TERM[0] <= d <= HALF_TERM[1]}


def _spell_length(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.70:
        return rng.randint(1, 3)
    if r < 0.95:
        return rng.randint(5, 15)
    return rng.randint(20, 30)


def _pupil_cells(rng: random.Random, establishment: str, count: int) -> list[list[str]]:
    from cme.demo_data import BOYS, GIRLS, NEUTRAL, SURNAMES, make_upn

    per_year = math.ceil(count / len(YEAR_GROUPS))
    cells = []
    for n in range(count):
        year_group = YEAR_GROUPS[n // per_year]
        serial = n % per_year + 1
        gender = rng.choice("FM")
        born = date(2026 - year_group - 6, 9, 1) + timedelta(rng.randrange(365))
        cells.append(
            [
                make_upn(LA_CODE, establishment, 2026 - year_group, serial),
                rng.choice(SURNAMES),
                rng.choice((GIRLS if gender == "F" else BOYS) + NEUTRAL),
                f"{born:%d/%m/%Y}",
                gender,
                str(year_group),
                f"{year_group}{'ABCDEFGH'[serial % 8]}",
            ]
        )
    return cells


def school_csv(
    index: int, pupils: int, spell_share: float, open_share: float | None, seed: int
) -> tuple[bytes, SchoolFile]:
    """School `index`'s register as CSV bytes, and what its spells should open."""
    from cme.demo_registers import PUPIL_HEADERS

    rng = random.Random(f"{seed}:{index}")
    days, closed = _days()
    open_at = [i for i, d in enumerate(days) if d not in closed]  # column pair of open day k
    n_open = len(open_at)
    template = [m for d in days for m in (("#", "#") if d in closed else ("/", "\\"))]
    ongoing_share = spell_share / 3 if open_share is None else open_share
    ended_share = spell_share * 2 / 3
    facts = SchoolFile(Path())
    rows = [PUPIL_HEADERS + [f"{d:%d/%m/%Y} {s}" for d in days for s in ("AM", "PM")]]
    for cells in _pupil_cells(rng, f"{4000 + index:04d}", pupils):
        marks = template.copy()

        def put(k: int, am: str, pm: str, marks: list[str] = marks) -> None:
            marks[2 * open_at[k]], marks[2 * open_at[k] + 1] = am, pm

        rate = EVENT_RATE * rng.choice(RATE_SCALE)
        k = -1
        while True:
            k += 1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - rate))
            if k >= n_open:
                break
            kind = rng.random()
            if kind < EVENTS[0][1]:
                for j in range(k, min(n_open, k + rng.randint(1, 3))):
                    put(j, "I", "I")
            elif kind < EVENTS[0][1] + EVENTS[1][1]:
                put(k, "M", "\\")
            else:
                put(k, "L", "\\")
        r = rng.random()
        if r < ongoing_share:
            length = min(_spell_length(rng), n_open)
            first = n_open - length
            facts.ongoing += 1
            facts.long_ongoing += length >= 10
        elif r < ongoing_share + ended_share:
            length = min(_spell_length(rng), n_open - 1)
            first = rng.randrange(n_open - length)
            put(first + length, "/", "\\")  # back the day after
            facts.ended += 1
        else:
            if r < ongoing_share + ended_share + HOLIDAY_SHARE:
                start = rng.randrange(n_open - 5)
                for j in range(start, start + 5):
                    put(j, "G", "G")
            rows.append(cells + marks)
            continue
        for j in range(first, first + length):
            # Recent days are still N; older ones mostly coded O by now, some N not yet replaced.
            code = "N" if j >= n_open - 5 or rng.random() < 0.3 else "O"
            put(j, code, code)
        rows.append(cells + marks)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8"), facts


def write_files(
    schools: int, pupils: int, spell_share: float, open_share: float | None, seed: int
) -> list[SchoolFile]:
    """Each school's CSV in `csv_dir(...)`, generated unless already there."""
    folder = csv_dir(pupils, spell_share, open_share, seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(schools):
        path = folder / f"{school_urn(i)}.csv"
        facts_path = path.with_suffix(".facts")
        if path.exists() and facts_path.exists():
            ongoing, ended, long_ = (int(x) for x in facts_path.read_text().split())
            files.append(SchoolFile(path, ongoing, ended, long_))
            continue
        content, facts = school_csv(i, pupils, spell_share, open_share, seed)
        path.write_bytes(content)
        facts_path.write_text(f"{facts.ongoing} {facts.ended} {facts.long_ongoing}\n")
        facts.path = path
        files.append(facts)
    return files


# --- databases ---


def new_db_url(engine_name: str, label: str | None = None) -> str:
    """Where a generated LA can go: a SQLite file under bench/out, or a PostgreSQL database
    on the test server (CME_TEST_POSTGRES_URL) named cme_bench_la_<label>."""
    label = label or uuid.uuid4().hex[:8]
    if engine_name == "sqlite":
        return f"sqlite:///{OUT / f'la-{label}.sqlite'}"
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/cme_bench_la_{label}"


async def _on_server(url: str, sql: str) -> None:
    """Run `sql` ({name}: the database of `url`) on the server of `url`, from its postgres
    database."""
    import asyncpg

    base, name = url.rsplit("/", 1)
    if not name.startswith("cme_bench_"):
        raise ValueError(f"{name} is not a benchmark's database: left alone")
    admin = await asyncpg.connect(base + "/postgres")
    try:
        await admin.execute(sql.format(name=name))
    finally:
        await admin.close()


async def drop_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)  # noqa: ASYNC240
    else:
        await _on_server(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def copy_database(source: str, target: str) -> None:
    """A copy of a database no one is connected to (a PostgreSQL template copy, a file copy)."""
    await drop_database(target)
    if source.startswith("sqlite:///"):
        import shutil

        for suffix in ("", "-wal"):
            src = Path(source.removeprefix("sqlite:///") + suffix)
            if src.exists():  # noqa: ASYNC240
                shutil.copyfile(src, target.removeprefix("sqlite:///") + suffix)
    else:
        template = source.rsplit("/", 1)[1]
        await _on_server(target, f'CREATE DATABASE "{{name}}" TEMPLATE "{template}"')


async def open_database(url: str, *, fresh: bool = False) -> Any:
    """Use the database at `url` (a new, migrated one with `fresh`); returns the engine."""
    from cme.storage.engine import make_engine, migrate, use_engine

    sqlite = url.startswith("sqlite:///")
    if fresh:
        await drop_database(url)
        if not sqlite:
            await _on_server(url, 'CREATE DATABASE "{name}"')
    engine = make_engine(url)
    use_engine(engine)
    if not sqlite:
        await engine.start_connection_pool(min_size=1, max_size=4)  # type: ignore[no-untyped-call, call-arg]
    if fresh:
        await migrate()
    return engine


async def close_database(engine: Any) -> None:
    from cme.storage.engine import is_sqlite

    if is_sqlite(engine):
        # Everything into the main file, so that the file alone can be copied.
        await engine.run_ddl("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        await engine.close_connection_pool()


# --- the LA ---


async def _setup(schools: int) -> tuple[int, list[tuple[int, str]]]:
    """The LA, its 2026-27 terms, its schools and everyone's accounts."""
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
    for n, (name, first, last) in enumerate(demo_terms(2026)):
        first = FIRST_DAY if n == 0 else first  # this LA's autumn term starts on a Wednesday
        await add_term(viewer, TermForm(name, first.isoformat(), last.isoformat()))
    found = []
    for i in range(schools):
        urn = school_urn(i)
        school_id = await add_school(urn, f"Bench school {i + 1}", LA_CODE)
        found.append((school_id, urn))
        officer, dsl = staff_emails(urn)
        await add_account(
            email=officer, password=None, role=Role.ATTENDANCE_OFFICER, school_urn=urn
        )
        await add_account(email=dsl, password=None, role=Role.DSL, school_urn=urn)
    # One password for all, hashed once (a hash costs about 50 ms): accounts are added as an
    # administrator adds them, then given the password their owners would have chosen.
    await Account.update(
        {Account.password_hash: hash_password(PASSWORD), Account.must_change_password: False}
    ).where(Account.la == la_id)
    return la_id, found


async def _counts() -> dict[str, int]:
    from cme.storage.tables import Case, CaseEvent, Notification, Pupil, PupilYear

    return {
        "pupils": await Pupil.count(),
        "pupil_years": await PupilYear.count(),
        "cases": await Case.count(),
        "open_cases": await Case.count().where(Case.status == "open"),
        "case_events": await CaseEvent.count(),
        "notifications": await Notification.count(),
    }


async def build_la(
    db_url: str,
    *,
    schools: int = 100,
    pupils: int = 1000,
    spell_share: float = 0.03,
    open_share: float | None = None,
    seed: int = 1,
    keep_open: bool = False,
    progress: bool = False,
) -> LAInfo:
    """A fresh, migrated database at `db_url` holding the generated LA (see the module's
    docstring). The database stays in use (and, with `keep_open`, its pool open)."""
    import cme.storage  # noqa: F401
    import cme.storage.cases as cases_module
    from cme.storage.uploads import create_upload, run_import

    start = time.perf_counter()
    files = write_files(schools, pupils, spell_share, open_share, seed)
    info = LAInfo(
        db_url, 0, LA_CODE, [], pupils, spell_share, open_share, seed,
        str(csv_dir(pupils, spell_share, open_share, seed)),
        generate_seconds=time.perf_counter() - start,
        expected_open=sum(f.ongoing for f in files),
        expected_ended=sum(f.ended for f in files),
        expected_long=sum(f.long_ongoing for f in files),
    )  # fmt: skip
    engine = await open_database(db_url, fresh=True)
    start = time.perf_counter()
    info.la_id, info.schools = await _setup(schools)
    info.setup_seconds = time.perf_counter() - start

    real_sync = cases_module.sync_school

    async def timed_sync(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return await real_sync(*args, **kwargs)
        finally:
            info.sync_seconds.append(time.perf_counter() - began)

    # The import looks sync_school up in its module when it runs: timed, not replaced.
    cases_module.sync_school = timed_sync
    try:
        for (school_id, urn), file in zip(info.schools, files, strict=True):
            content = file.path.read_bytes()
            began = time.perf_counter()
            upload_id = await create_upload(school_id, f"register-{urn}.csv", content)
            outcome = await run_import(upload_id)
            info.import_seconds.append(time.perf_counter() - began)
            if outcome["status"] != "done":
                raise RuntimeError(f"school {urn} did not import: {outcome['error']}")
            if progress and len(info.import_seconds) % 10 == 0:
                print(
                    f"  {len(info.import_seconds)} schools imported, "
                    f"{sum(info.import_seconds):.1f} s",
                    flush=True,
                )
    finally:
        cases_module.sync_school = real_sync
    info.counts = await _counts()
    if not keep_open:
        await close_database(engine)
    return info
