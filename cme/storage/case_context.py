"""What the case rules need to know about a school, read once: its register days, projected
calendar, thresholds, and the marks and leave of the pupils asked about; and a case evaluated
against it on a day."""

from __future__ import annotations

import bisect
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cme.attendance import PupilMarks, continuous_absence_run
from cme.cases.absences import Reason, days_coded_n, days_missing
from cme.cases.calendar import SchoolCalendar
from cme.cases.case import Case, Event, EventKind, Stage, Status
from cme.cases.clock import Due
from cme.cases.removal import Removal
from cme.leave import Leave
from cme.policy import Policy
from cme.storage.calendar_facts import leaves_for_school, term_dates
from cme.storage.flags import register_calendar
from cme.storage.policies import policy_for_la
from cme.storage.tables import Case as CaseRow
from cme.storage.tables import CaseEvent, PupilYear, School
from cme.timeline import academic_year


@dataclass(frozen=True)
class SchoolContext:
    school_id: int
    la_id: int
    policy: Policy
    days: Sequence[date]
    calendar: SchoolCalendar
    marks: dict[int, PupilMarks] = field(default_factory=dict)
    leaves: dict[int, list[Leave]] = field(default_factory=dict)

    def marks_of(self, pupil_id: int) -> PupilMarks:
        return self.marks.get(pupil_id) or PupilMarks({})

    def last_day(self, on: date) -> date | None:
        """The last register school day up to `on`."""
        i = bisect.bisect_right(self.days, on)
        return self.days[i - 1] if i else None

    def run_school_days(self, pupil_id: int, on: date) -> int:
        """The G/N/O run ending on the last register day up to `on`."""
        last = self.last_day(on)
        if last is None:
            return 0
        return continuous_absence_run(self.marks_of(pupil_id), self.days, last)[0]

    def days_missing(self, case: Case, on: date) -> int:
        to = min(on, case.closed_on) if case.closed_on else on
        return days_missing(self.marks_of(case.pupil_id), self.days, case.day_one, to, case.reason)

    def n_days(self, case: Case, on: date) -> list[date]:
        to = min(on, case.closed_on) if case.closed_on else on
        return days_coded_n(self.marks_of(case.pupil_id), self.days, case.day_one, to)


async def school_context(
    school_id: int, on: date, pupil_ids: Collection[int] | None = None
) -> SchoolContext:
    school = await School.select(School.la).where(School.id == school_id).first()
    la_id = int(school["la"]) if school else 0
    days, closures = await register_calendar(school_id)
    calendar = SchoolCalendar.of(days, await term_dates(la_id), closures)
    query = PupilYear.select(PupilYear.pupil, PupilYear.academic_year, PupilYear.marks).where(
        PupilYear.school == school_id, PupilYear.academic_year <= academic_year(on)
    )
    if pupil_ids is not None:
        query = query.where(PupilYear.pupil.is_in(list(pupil_ids) or [-1]))
    by_pupil: dict[int, dict[int, str]] = {}
    for row in await query:
        by_pupil.setdefault(int(row["pupil"]), {})[row["academic_year"]] = row["marks"]
    leaves = await leaves_for_school(school_id)
    if pupil_ids is not None:
        leaves = {p: v for p, v in leaves.items() if p in pupil_ids}
    return SchoolContext(
        school_id,
        la_id,
        await policy_for_la(la_id) if school else Policy(),
        days,
        calendar,
        {p: PupilMarks(m) for p, m in by_pupil.items()},
        leaves,
    )


CASE_COLUMNS = (
    CaseRow.id,
    CaseRow.pupil,
    CaseRow.school,
    CaseRow.la,
    CaseRow.status,
    CaseRow.reason,
    CaseRow.day_one,
    CaseRow.clock_start,
    CaseRow.closed_on,
    CaseRow.outcome,
    CaseRow.previous,
    CaseRow.handed_to_la_at,
    CaseRow.removed_on,
    CaseRow.la_closed_on,
    CaseRow.la_outcome,
)


def case_of(row: dict[str, Any], events: Sequence[Event] = ()) -> Case:
    return Case(
        id=int(row["id"]),
        pupil_id=int(row["pupil"]),
        school_id=int(row["school"]),
        la_id=int(row["la"]),
        status=Status(row["status"]),
        reason=Reason(row["reason"]),
        day_one=row["day_one"],
        clock_start=row["clock_start"],
        closed_on=row["closed_on"],
        outcome=row["outcome"],
        previous=row["previous"],
        handed_to_la_at=row["handed_to_la_at"],
        removed_on=row["removed_on"],
        la_closed_on=row["la_closed_on"],
        la_outcome=row["la_outcome"],
        events=tuple(events),
    )


async def with_events(rows: Sequence[dict[str, Any]]) -> list[Case]:
    """The cases of `rows` (CASE_COLUMNS) with their timelines, in two queries."""
    ids = [int(r["id"]) for r in rows]
    events: dict[int, list[Event]] = {i: [] for i in ids}
    if ids:
        for e in (
            await CaseEvent.select(
                CaseEvent.id,
                CaseEvent.case,
                CaseEvent.at,
                CaseEvent.kind,
                CaseEvent.detail,
                CaseEvent.actor.display_name,
            )
            .where(CaseEvent.case.is_in(ids))
            .order_by(CaseEvent.id)
        ):
            events[int(e["case"])].append(
                Event(
                    int(e["id"]),
                    EventKind(e["kind"]),
                    e["at"],
                    e["actor.display_name"],
                    json.loads(e["detail"] or "{}"),
                )
            )
    return [case_of(r, events[int(r["id"])]) for r in rows]


@dataclass(frozen=True)
class CaseState:
    """A case evaluated on a day."""

    case: Case
    on: date
    due: list[Due]
    removal: Removal
    stage: Stage
    days_missing: int
    run_school_days: int
    policy: Policy

    @property
    def overdue(self) -> list[Due]:
        return [d for d in self.due if d.overdue]

    @property
    def next_due(self) -> Due | None:
        waiting = [d for d in self.due if not d.done]
        return waiting[0] if waiting else None

    def status_on(self) -> str:
        """The case's status as it stood on `on` (a case closed later was open then)."""
        return self.case.status_on(self.on).value


def evaluate(case: Case, context: SchoolContext, on: date) -> CaseState:
    """The case as it stood on `on`, evaluated then (`state.case` stays the case as stored)."""
    then = case.as_of(on)
    run = context.run_school_days(case.pupil_id, on) if then.is_open else 0
    return CaseState(
        case=case,
        on=on,
        due=then.due(on, context.calendar, context.policy, context.n_days(then, on)),
        removal=then.removal(run, context.policy),
        stage=then.stage(run, context.policy),
        days_missing=context.days_missing(then, on),
        run_school_days=run,
        policy=context.policy,
    )
