"""Opening, updating and closing cases from the register, and the daily sweep.

Every register import for a school and every sweep bring that school's cases up to a date:
cases open (back-dated to their true day one), follow corrections of day one, close when the
absence ends, and overdue steps are marked once and told to the DSL. Running it twice for the
same date changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cme.access import Viewer
from cme.cases.absences import Ending, Reason
from cme.cases.case import Case, EventKind, Status
from cme.cases.clock import Step
from cme.cases.opening import (
    Change,
    CloseCase,
    KnownCase,
    MoveDayOne,
    OpenCase,
    ReopenCase,
    reconcile,
)
from cme.errors import NotFound
from cme.events import Action
from cme.roles import Role
from cme.storage import audit, case_summary
from cme.storage.case_context import (
    CASE_COLUMNS,
    SchoolContext,
    school_context,
    with_events,
)
from cme.storage.clock import today, utcnow
from cme.storage.engine import is_sqlite, write_transaction
from cme.storage.measures.referral_days import refresh_referral_days
from cme.storage.scope import pupils_of
from cme.storage.tables import Case as CaseRow
from cme.storage.tables import CaseEvent, CaseSync, Pupil, School


@dataclass
class SyncResult:
    opened: int = 0
    updated: int = 0
    closed: int = 0
    overdue: int = 0

    def add(self, other: SyncResult) -> None:
        self.opened += other.opened
        self.updated += other.updated
        self.closed += other.closed
        self.overdue += other.overdue

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.updated or self.closed or self.overdue)


async def add_event(
    case_id: int, kind: EventKind, detail: dict[str, Any], actor_id: int | None = None
) -> int:
    """A line on the case's timeline; call inside the use case's write_transaction."""
    rows = await CaseEvent.insert(
        CaseEvent(
            case=case_id,
            at=utcnow(),
            actor=actor_id,
            kind=kind.value,
            detail=json.dumps(detail, sort_keys=True, default=str),
        )
    ).returning(CaseEvent.id)
    return int(rows[0]["id"])


async def load_case(case_id: int) -> Case:
    """Unscoped: for jobs and for use cases that have already checked scope."""
    row = await CaseRow.select(*CASE_COLUMNS).where(CaseRow.id == case_id).first()
    if row is None:
        raise NotFound("no such case")
    return (await with_events([row]))[0]


async def case_for(viewer: Viewer, case_id: int) -> Case:
    """The case, if the viewer may see it (LA administrators see no child's case)."""
    row = await pupils_of(
        CaseRow.select(*CASE_COLUMNS).where(CaseRow.id == case_id), viewer, CaseRow.school
    ).first()
    if row is None:
        raise NotFound("no such case")
    return (await with_events([row]))[0]


async def sync_pupil(pupil_id: int, on: date | None = None) -> SyncResult:
    row = await Pupil.select(Pupil.school).where(Pupil.id == pupil_id).first()
    if row is None:
        return SyncResult()
    return await sync_school(int(row["school"]), on, pupil_ids={pupil_id})


async def sync_school(
    school_id: int, on: date | None = None, pupil_ids: Collection[int] | None = None
) -> SyncResult:
    """Bring the school's cases (or those of `pupil_ids`) up to `on` (default today).

    One transaction holding the school: the marks are read inside it, so an import and the
    sweep (or two sweeps) never reconcile the same child from different registers at once.
    """
    on = on or today()
    result = SyncResult()
    async with write_transaction():
        if not is_sqlite():
            # SQLite's IMMEDIATE transactions already run one at a time.
            await School.raw("SELECT id FROM school WHERE id = {} FOR UPDATE", school_id)
        context = await school_context(school_id, on, pupil_ids)
        synced = (
            await CaseSync.select(CaseSync.synced_through)
            .where(CaseSync.school == school_id)
            .first()
        )
        since = synced["synced_through"] if synced else None
        known = await _known_cases(school_id, pupil_ids)
        for pupil_id, marks in context.marks.items():
            changes = reconcile(
                known.get(pupil_id, []),
                marks,
                context.days,
                on,
                context.policy,
                context.leaves.get(pupil_id, []),
                since=since,
            )
            previous: int | None = None
            for change in changes:
                previous = await _apply(context, pupil_id, change, result, previous)
        cases, rows = await case_summary.kept_up_cases(school_id, pupil_ids)
        result.overdue = await _mark_overdue(context, on, [c for c in cases if c.is_open])
        await case_summary.store(cases, rows, context, on)
        # The last register day looked at (not `on`): a register uploaded late still has its
        # days looked at next time.
        looked = context.last_day(on)
        if pupil_ids is None and looked and (since is None or looked > since):
            if synced is None:
                await CaseSync.insert(CaseSync(school=school_id, synced_through=looked))
            else:
                await CaseSync.update({CaseSync.synced_through: looked}).where(
                    CaseSync.school == school_id
                )
    return result


async def _known_cases(
    school_id: int, pupil_ids: Collection[int] | None
) -> dict[int, list[KnownCase]]:
    query = CaseRow.select(*CASE_COLUMNS).where(CaseRow.school == school_id)
    closed = CaseEvent.select(CaseEvent.case, CaseEvent.detail).where(
        CaseEvent.kind == EventKind.CLOSED.value, CaseEvent.case.school == school_id
    )
    if pupil_ids is not None:
        query = query.where(CaseRow.pupil.is_in(list(pupil_ids) or [-1]))
        closed = closed.where(CaseEvent.case.pupil.is_in(list(pupil_ids) or [-1]))
    # The last closing of each case says who closed it: the register or a person.
    by_register = {
        int(e["case"]): json.loads(e["detail"] or "{}").get("by") == "register"
        for e in await closed.order_by(CaseEvent.id)
    }
    known: dict[int, list[KnownCase]] = {}
    for r in await query:
        known.setdefault(int(r["pupil"]), []).append(
            KnownCase(
                int(r["id"]),
                r["status"],
                Reason(r["reason"]),
                r["day_one"],
                r["clock_start"],
                r["closed_on"] or r["removed_on"],
                r["outcome"],
                by_register.get(int(r["id"]), False),
            )
        )
    return known


async def _apply(
    context: SchoolContext, pupil_id: int, change: Change, result: SyncResult, previous: int | None
) -> int | None:
    """Make one change; returns the id of a case it opened (the next one links to it)."""
    detail: dict[str, Any]
    where: dict[str, Any] = {
        "school_id": context.school_id,
        "la_id": context.la_id,
        "pupil_id": pupil_id,
    }
    if isinstance(change, OpenCase):
        absence = change.absence
        linked = previous or change.previous
        rows = await CaseRow.insert(
            CaseRow(
                pupil=pupil_id,
                school=context.school_id,
                la=context.la_id,
                status=Status.OPEN.value,
                reason=absence.reason.value,
                day_one=absence.day_one,
                clock_start=absence.clock_start,
                opened_at=utcnow(),
                previous=linked,
            )
        ).returning(CaseRow.id)
        case_id = int(rows[0]["id"])
        detail = {
            "reason": absence.reason.value,
            "day_one": absence.day_one.isoformat(),
            "clock_start": absence.clock_start.isoformat(),
            "previous": linked,
        }
        await add_event(case_id, EventKind.OPENED, detail)
        await audit.record(Action.CASE_OPENED, case_id=case_id, **where, **detail)
        result.opened += 1
        if change.ended:
            await _close(case_id, *change.ended, where=where, result=result)
        return case_id
    if isinstance(change, ReopenCase):
        absence = change.absence
        await CaseRow.update(
            {
                CaseRow.status: Status.OPEN.value,
                CaseRow.closed_on: None,
                CaseRow.outcome: None,
                CaseRow.day_one: absence.day_one,
                CaseRow.clock_start: absence.clock_start,
                CaseRow.reason: absence.reason.value,
            }
        ).where(CaseRow.id == change.case_id)
        detail = {"reason": absence.reason.value, "day_one": absence.day_one.isoformat()}
        await add_event(change.case_id, EventKind.REOPENED, detail)
        await refresh_referral_days(change.case_id)
        await audit.record(Action.CASE_REOPENED, case_id=change.case_id, **where, **detail)
        result.updated += 1
    elif isinstance(change, MoveDayOne):
        before = (
            await CaseRow.select(CaseRow.day_one, CaseRow.reason)
            .where(CaseRow.id == change.case_id)
            .first()
        )
        absence = change.absence
        await CaseRow.update(
            {
                CaseRow.day_one: absence.day_one,
                CaseRow.clock_start: absence.clock_start,
                CaseRow.reason: absence.reason.value,
            }
        ).where(CaseRow.id == change.case_id)
        detail = {
            "from": before["day_one"].isoformat() if before else None,
            "to": absence.day_one.isoformat(),
            "reason": absence.reason.value,
        }
        await add_event(change.case_id, EventKind.DAY_ONE_MOVED, detail)
        await refresh_referral_days(change.case_id)
        await audit.record(Action.CASE_DAY_ONE_MOVED, case_id=change.case_id, **where, **detail)
        result.updated += 1
    elif isinstance(change, CloseCase):
        await _close(change.case_id, change.ending, change.on, where=where, result=result)
    return previous


async def _close(
    case_id: int, how: Ending, on: date, *, where: dict[str, Any], result: SyncResult
) -> None:
    await CaseRow.update(
        {CaseRow.status: Status.CLOSED.value, CaseRow.closed_on: on, CaseRow.outcome: how.value}
    ).where(CaseRow.id == case_id)
    detail: dict[str, Any] = {"outcome": how.value, "on": on.isoformat()}
    await add_event(case_id, EventKind.CLOSED, {**detail, "by": "register"})
    await audit.record(Action.CASE_CLOSED_BY_REGISTER, case_id=case_id, **where, **detail)
    result.closed += 1


async def _mark_overdue(context: SchoolContext, on: date, cases: Sequence[Case]) -> int:
    """Mark each newly overdue step of the open `cases` once, and tell those who must act."""
    from cme.notices import NoticeKind
    from cme.storage.notifications import notify

    marked = 0
    for case in cases:
        already = {
            (e.detail.get("step"), e.detail.get("due_on"))
            for e in case.of_kind(EventKind.STEP_OVERDUE)
        }
        due = case.due(on, context.calendar, context.policy, context.n_days(case, on))
        for step in due:
            key = (step.step.value, step.due_on.isoformat())
            if not step.overdue or key in already:
                continue
            detail: dict[str, Any] = {"step": key[0], "due_on": key[1]}
            await add_event(case.id, EventKind.STEP_OVERDUE, detail)
            await audit.record(
                Action.CASE_STEP_OVERDUE,
                case_id=case.id,
                school_id=context.school_id,
                la_id=context.la_id,
                **detail,
            )
            roles = {Role.DSL}
            link = f"/school/cases/{case.id}"
            await notify(
                NoticeKind.STEP_OVERDUE,
                la_id=context.la_id,
                school_id=context.school_id,
                roles=roles,
                link=link,
                case_id=case.id,
            )
            if step.step is Step.JOINT_REVIEW:
                await notify(
                    NoticeKind.STEP_OVERDUE,
                    la_id=context.la_id,
                    school_id=None,
                    roles={Role.CME_OFFICER},
                    link=f"/la/cases/{case.id}",
                    case_id=case.id,
                )
            marked += 1
    return marked


async def sweep(on: date | None = None) -> SyncResult:
    """Every school's cases brought up to `on` (default today)."""
    on = on or today()
    total = SyncResult()
    for row in await School.select(School.id).order_by(School.id):
        total.add(await sync_school(int(row["id"]), on))
    return total
