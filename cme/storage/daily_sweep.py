"""The daily case sweep: each LA's schools brought up to date once a day, at the LA's time.

Every runner checks each minute (`cme worker` by arq cron, the embedded app in-process) which
LAs' sweep time has come today; the job ledger lets one runner sweep an LA and no other. Each
school is brought up to date in its own transaction (`cases.sync_school`), so a sweep stopped
part-way leaves every case either fully updated or untouched, and the retry finishes the rest.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from cme.access import Viewer
from cme.errors import InvalidField, Refused
from cme.events import Action
from cme.jobs.ledger import once_a_day
from cme.roles import Role
from cme.storage import audit, cases
from cme.storage.cases import SyncResult
from cme.storage.engine import write_transaction
from cme.storage.tables import AuditEvent, JobLedger, LocalAuthority, School
from cme.timeline import LONDON

log = logging.getLogger("cme.jobs")

DEFAULT_SWEEP_TIME = "06:30"
FIELD = "Daily sweep time"
# One run of the minute's check starts no LA's sweep after this: the next minute's check
# (perhaps on another worker) takes the rest, so a run stays well inside the job's time limit
# however many LAs share a sweep time. A 100-school LA takes up to about 30 s.
START_WITHIN_SECONDS = 60

_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")


@dataclass(frozen=True)
class LaSwept:
    la_code: str
    result: SyncResult


class SweepFailed(RuntimeError):
    """One or more LAs' sweeps failed; their ledger days are free, so a retry runs them."""


def ledger_name(la_code: str) -> str:
    return f"sweep_cases:{la_code}"


async def sweep_la(la_id: int, on: date) -> SyncResult:
    """Bring every school of the LA up to `on`, one transaction per school, then record the
    sweep in the audit trail."""
    schools = await School.select(School.id).where(School.la == la_id).order_by(School.id)
    total = SyncResult()
    failed: list[Exception] = []
    for row in schools:
        # One school's failure does not keep the LA's other schools from their morning's
        # work; the sweep still fails afterwards, so the day is given back and retried.
        try:
            total.add(await cases.sync_school(int(row["id"]), on))
        except Exception as exc:
            failed.append(exc)
    if failed:
        raise failed[0]
    async with write_transaction():
        await audit.record(
            Action.CASES_SWEPT,
            la_id=la_id,
            swept_to=on.isoformat(),
            schools=len(schools),
            cases_opened=total.opened,
            cases_updated=total.updated,
            cases_closed=total.closed,
            steps_overdue=total.overdue,
        )
    return total


async def sweep_due_las(
    now: datetime, *, start_within: float = START_WITHIN_SECONDS
) -> list[LaSwept]:
    """Sweep each LA whose sweep time (London) has come today and that no runner has swept
    today; `now` must be timezone-aware. Returns the sweeps this call ran.

    An LA whose sweep fails gives its day back (the ledger does) and does not stop the other
    LAs' sweeps; the failure is raised afterwards so that the job is retried.
    """
    local = now.astimezone(LONDON)
    day, clock = local.date(), local.strftime("%H:%M")
    las = await (
        LocalAuthority.select(LocalAuthority.id, LocalAuthority.code)
        .where(LocalAuthority.sweep_time <= clock)
        .order_by(LocalAuthority.id)
    )
    # Read first so that the minute's check, once every LA is done, writes nothing: on SQLite
    # even a refused insert would queue for the one write lock every minute.
    done = {
        r["name"]
        for r in await JobLedger.select(JobLedger.name).where(
            JobLedger.run_on == day, JobLedger.name.like("sweep_cases:%")
        )
    }
    started = time.monotonic()
    swept: list[LaSwept] = []
    failed: list[tuple[str, Exception]] = []
    for la in las:
        code = str(la["code"])
        if ledger_name(code) in done:
            continue
        if time.monotonic() - started > start_within:
            break
        la_id = int(la["id"])
        try:
            ran, result = await once_a_day(ledger_name(code), day, partial(sweep_la, la_id, day))
        except Exception as exc:
            log.error("daily sweep for LA %s failed: %s: %s", code, type(exc).__name__, exc)
            failed.append((code, exc))
            continue
        if ran and result is not None:
            swept.append(LaSwept(code, result))
    if failed:
        codes = ", ".join(code for code, _ in failed)
        raise SweepFailed(f"the daily sweep failed for LA {codes}") from failed[0][1]
    return swept


def parse_sweep_time(value: str) -> str:
    """The time typed, as "HH:MM" (24-hour), or InvalidField saying how to write it."""
    typed = value.strip()
    match = _TIME.fullmatch(typed)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return f"{int(match[1]):02d}:{match[2]}"
    raise InvalidField(
        FIELD,
        f"{FIELD}: enter a time as hours and minutes, for example 06:30"
        + (f" (you typed \u201c{typed}\u201d)." if typed else "."),
    )


async def sweep_time_for_la(la_id: int) -> str:
    row = (
        await LocalAuthority.select(LocalAuthority.sweep_time)
        .where(LocalAuthority.id == la_id)
        .first()
    )
    return str(row["sweep_time"]) if row else DEFAULT_SWEEP_TIME


async def set_sweep_time(viewer: Viewer, value: str) -> None:
    if viewer.role is not Role.LA_ADMIN:
        raise Refused("The daily sweep time is set by the LA\u2019s administrators.")
    after = parse_sweep_time(value)
    async with write_transaction():
        before = await sweep_time_for_la(viewer.la_id)
        if before == after:
            return
        await LocalAuthority.update({LocalAuthority.sweep_time: after}).where(
            LocalAuthority.id == viewer.la_id
        )
        await audit.record(Action.SWEEP_TIME_CHANGED, viewer=viewer, before=before, after=after)


async def last_sweep(la_id: int) -> datetime | None:
    """When the LA's sweep last finished, from its audit record (the index on the LA's
    audit rows by time finds it among at most a day's rows)."""
    row = (
        await AuditEvent.select(AuditEvent.at)
        .where(AuditEvent.la == la_id, AuditEvent.action == Action.CASES_SWEPT.value)
        .order_by(AuditEvent.at, AuditEvent.id, ascending=False)
        .first()
    )
    return row["at"] if row else None
