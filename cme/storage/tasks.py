"""Each person's task list: what is due today or overdue on the cases they act on.

Read from each case's stored summary (`case_summary.py`), so a sign-in costs one query:
- attendance officers: contacting parents, replacing N codes, the school's enquiries;
- DSLs: screens, referrals to police and social care, telling and handing to the LA, reviews;
- CME officers: new hand-offs nobody has taken, and on their own cases (or cases nobody has
  taken, so that nothing waits unseen) the LA's enquiries, joint reviews and removal decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cme.access import Viewer
from cme.cases.case import Stage, Status
from cme.cases.clock import Step
from cme.roles import Role
from cme.storage.case_summary import stored_due
from cme.storage.clock import today
from cme.storage.scope import pupils_of
from cme.storage.tables import Case as CaseRow

# Enough for a morning; the rest are one click away in the case lists.
MOST_SHOWN = 60
CASES_READ = 400

STEPS_OF: dict[Role, frozenset[Step]] = {
    Role.ATTENDANCE_OFFICER: frozenset({Step.CONTACT_PARENTS, Step.REPLACE_N}),
    Role.DSL: frozenset(
        {Step.VULNERABILITY_SCREEN, Step.NOTIFY_LA, Step.CME_REFERRAL, Step.JOINT_REVIEW}
    ),
    Role.CME_OFFICER: frozenset({Step.JOINT_REVIEW, Step.REMOVAL_DECISION}),
}

REFER_NOW = "Refer to police and children's social care now"
SCHOOL_ENQUIRIES = "Make the school's reasonable enquiries and record each one"
NEW_HAND_OFF = "New hand-off from a school: take the case and start the LA's enquiries"
LA_ENQUIRIES = "Start the LA's enquiries and record each one"


@dataclass(frozen=True)
class Task:
    case_id: int
    what: str
    due_on: date | None
    overdue: bool
    child: str
    school: str
    # Where the task is done, when not the case `case_id` (a police episode, a child).
    href: str | None = None


@dataclass(frozen=True)
class TaskList:
    tasks: list[Task]
    more: bool  # more cases had something due than are shown

    @property
    def overdue(self) -> int:
        return sum(1 for t in self.tasks if t.overdue)


def _tasks_of(r: dict[str, Any], role: Role, viewer: Viewer, on: date) -> list[Task]:
    child = f"{r['pupil.legal_surname']}, {r['pupil.legal_forename']}"
    school = r["school.name"]
    found: list[Task] = []

    def add(what: str, due_on: date | None = None) -> None:
        overdue = due_on is not None and on > due_on
        found.append(Task(int(r["id"]), what, due_on, overdue, child, school))

    handed = r["handed_to_la_at"] is not None
    mine = r["assigned_to"] in (None, viewer.user_id)
    if role is Role.CME_OFFICER:
        if handed and r["assigned_to"] is None:
            add(NEW_HAND_OFF)
        if not mine or not handed:
            return found
        # An untaken hand-off already says to start the enquiries.
        if r["la_enquiries"] == 0 and r["assigned_to"] is not None:
            add(LA_ENQUIRIES)
    if role is Role.DSL and r["stage"] == Stage.REFER_NOW.value:
        add(REFER_NOW)
    if role is Role.ATTENDANCE_OFFICER and not handed and r["school_enquiries"] == 0:
        if r["day_one"] < on:
            add(SCHOOL_ENQUIRIES)
    for due in stored_due(r["due_steps"], on):
        if due.step in STEPS_OF[role] and due.due_on <= on:
            add(due.step.label, due.due_on)
    return found


async def tasks_for(viewer: Viewer, on: date | None = None) -> TaskList:
    """The viewer's tasks on `on` (default today): referrals to make now, then overdue, then
    by due date."""
    on = on or today()
    role = viewer.role
    if role not in STEPS_OF or not viewer.sees_pupils:
        return TaskList([], False)
    query = pupils_of(
        CaseRow.select(
            CaseRow.id,
            CaseRow.stage,
            CaseRow.day_one,
            CaseRow.due_steps,
            CaseRow.handed_to_la_at,
            CaseRow.assigned_to,
            CaseRow.school_enquiries,
            CaseRow.la_enquiries,
            CaseRow.pupil.legal_forename,
            CaseRow.pupil.legal_surname,
            CaseRow.school.name,
        ).where(CaseRow.status == Status.OPEN.value),
        viewer,
        CaseRow.school,
    )
    due = CaseRow.next_due_on <= on
    if role is Role.CME_OFFICER:
        query = query.where(
            CaseRow.handed_to_la_at.is_not_null(),
            CaseRow.assigned_to.is_null()
            | ((CaseRow.assigned_to == viewer.user_id) & (due | (CaseRow.la_enquiries == 0))),
        )
    elif role is Role.DSL:
        query = query.where(due | (CaseRow.stage == Stage.REFER_NOW.value))
    else:
        query = query.where(
            due | (CaseRow.handed_to_la_at.is_null() & (CaseRow.school_enquiries == 0))
        )
    # Cases are read generously (a case with something due may hold no step of this role's),
    # the role's tasks picked from them, and the most urgent shown.
    rows = await query.order_by(CaseRow.next_due_on).order_by(CaseRow.id).limit(CASES_READ + 1)
    tasks = [t for r in rows[:CASES_READ] for t in _tasks_of(r, role, viewer, on)]
    if role is Role.CME_OFFICER:
        from cme.storage.episode_tasks import episode_tasks

        tasks += await episode_tasks(viewer)
    # A referral the screen says to make now comes before anything else.
    tasks.sort(key=lambda t: (t.what != REFER_NOW, not t.overdue, t.due_on or on, t.child))
    return TaskList(tasks[:MOST_SHOWN], len(rows) > CASES_READ or len(tasks) > MOST_SHOWN)
