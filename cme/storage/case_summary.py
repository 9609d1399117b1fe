"""Each case as lists show it, kept on the case's own row.

The caseload of a whole LA is thousands of cases; working out each one's stage and clock from
its timeline and the register on every request would cost seconds. So whatever changes a case
stores its summary in the same transaction: the sync after an import and the daily sweep (the
register moves the day counts and the clock on), and every action a person records. Lists
then filter, sort, count and page in the database. Whether a step is overdue is not stored: it
is `next_due_on` before the day asked about, so the list is right on any day even before that
morning's sweep has run.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.cases.case import Case, Status
from cme.cases.clock import Step
from cme.cases.enquiries import Side
from cme.storage.bulk import Connection
from cme.storage.case_context import (
    CASE_COLUMNS,
    SchoolContext,
    evaluate,
    school_context,
    with_events,
)
from cme.storage.case_version import cases_changed
from cme.storage.clock import today
from cme.storage.tables import Case as CaseRow

SUMMARY_COLUMNS = (
    CaseRow.stage,
    CaseRow.days_missing,
    CaseRow.next_due_on,
    CaseRow.next_step,
    CaseRow.due_steps,
    CaseRow.must_refer,
    CaseRow.school_enquiries,
    CaseRow.la_enquiries,
    CaseRow.last_activity_at,
)
_NAMES = [c._meta.name for c in SUMMARY_COLUMNS]
_UPDATE = (
    "UPDATE cme_case SET "
    + ", ".join(f"{name} = ?" for name in _NAMES)
    + ", summary_on = ? WHERE id = ?"
)


@dataclass(frozen=True)
class DueStep:
    step: Step
    due_on: date
    overdue: bool


def stored_due(text: str | None, on: date) -> list[DueStep]:
    """The steps not done, as `due_steps` stores them, each overdue or not on `on`."""
    found = []
    for step, when in json.loads(text or "[]"):
        due_on = date.fromisoformat(when)
        found.append(DueStep(Step(step), due_on, on > due_on))
    return found


def summary_of(case: Case, context: SchoolContext, on: date) -> dict[str, Any]:
    """The stored summary of `case` on `on`, column by column."""
    state = evaluate(case, context, on)
    waiting = [d for d in state.due if not d.done]
    by_people = [e.at for e in case.events if e.actor is not None]
    return {
        "stage": state.stage.value,
        "days_missing": state.days_missing,
        "next_due_on": waiting[0].due_on if waiting else None,
        "next_step": waiting[0].step.value if waiting else "",
        "due_steps": json.dumps([[d.step.value, d.due_on.isoformat()] for d in waiting]),
        "must_refer": bool(case.must_refer),
        "school_enquiries": len(case.enquiries(Side.SCHOOL)),
        "la_enquiries": len(case.enquiries(Side.LA)),
        # What people last did: the register's own openings, closings and overdue marks are
        # not someone working the case.
        "last_activity_at": max(by_people) if by_people else None,
    }


def _same(stored: Any, worked_out: Any) -> bool:
    if isinstance(stored, datetime) and isinstance(worked_out, datetime):
        return stored == worked_out
    if isinstance(stored, date) or isinstance(worked_out, date):
        return str(stored) == str(worked_out)
    return bool(stored == worked_out)


async def store(
    cases: Sequence[Case],
    rows: Sequence[dict[str, Any]],
    context: SchoolContext,
    on: date,
    *,
    changed: bool = True,
) -> int:
    """Store the summaries that changed (`rows` are the cases' rows as read, with
    SUMMARY_COLUMNS); inside the caller's transaction. Returns how many were written."""
    stored = {int(r["id"]): r for r in rows}
    writes: list[tuple[Any, ...]] = []
    for case in cases:
        new = summary_of(case, context, on)
        old = stored.get(case.id, {})
        if old.get("summary_on") is not None and all(_same(old.get(n), new[n]) for n in _NAMES):
            continue
        writes.append((*(new[n] for n in _NAMES), on, case.id))
    await Connection().execute_many(_UPDATE, writes)
    # The LA's version is taken last, after the cases: every writer takes the locks in that
    # order, so two never wait on each other.
    if writes and changed:
        await cases_changed(context.la_id)
    return len(writes)


def _kept_up(query: Any) -> Any:
    """Cases whose summary moves with the days: open, on the LA's list of children missing
    education, never summarised, or still showing steps to do after closing."""
    return query.where(
        (CaseRow.status == Status.OPEN.value)
        | ((CaseRow.status == Status.REMOVED.value) & CaseRow.la_closed_on.is_null())
        | CaseRow.summary_on.is_null()
        | CaseRow.next_due_on.is_not_null()
    )


async def kept_up_cases(
    school_id: int, pupil_ids: Collection[int] | None = None
) -> tuple[list[Case], list[dict[str, Any]]]:
    """The school's cases (of `pupil_ids`) whose summary a sync brings up to date, with
    their timelines, and the rows as read."""
    query = _kept_up(
        CaseRow.select(*CASE_COLUMNS, *SUMMARY_COLUMNS, CaseRow.summary_on).where(
            CaseRow.school == school_id
        )
    )
    if pupil_ids is not None:
        query = query.where(CaseRow.pupil.is_in(list(pupil_ids) or [-1]))
    rows = list(await query.order_by(CaseRow.id))
    return await with_events(rows), rows


async def refresh_case(case_id: int, on: date | None = None, *, changed: bool = True) -> None:
    """Store one case's summary after an action on it; inside the action's transaction.
    `changed=False` leaves telling the caseload to the caller (one change of many)."""
    on = on or today()
    rows = list(
        await CaseRow.select(*CASE_COLUMNS, *SUMMARY_COLUMNS, CaseRow.summary_on).where(
            CaseRow.id == case_id
        )
    )
    if not rows:
        return
    cases = await with_events(rows)
    context = await school_context(cases[0].school_id, on, {cases[0].pupil_id})
    await store(cases, rows, context, on, changed=changed)
    if changed:
        # Whatever the action changed (its holder, its officer) the counts may show.
        await cases_changed(cases[0].la_id)
