"""`cme demo` shows a case at every stage, each recorded through the real actions (issue 8),
and an LA caseload with something in every filter and a task list for every role (issue 9).

The demo is seeded once per engine for the whole module (it takes seconds); the tests only
read it, and the module empties the tables afterwards as the `db` fixture does.
"""

from __future__ import annotations

import io

from openpyxl import load_workbook

from cme.access import Viewer
from cme.cases.case import Case, EventKind, Stage, Status
from cme.cases.enquiries import Side
from cme.cases.outcomes import Outcome
from cme.demo_data import CME_OFFICERS, SCHOOLS, demo_accounts
from cme.events import Action
from cme.roles import Role
from cme.storage.accounts import viewer_for_account
from cme.storage.case_context import CASE_COLUMNS, with_events
from cme.storage.caseload import PAGE_SIZE, Filters, Holder, Risk, State, caseload
from cme.storage.clock import today
from cme.storage.demo import seed_demo
from cme.storage.demo_cases import seed_demo_cases
from cme.storage.tables import (
    Account,
    AuditEvent,
    CaseDocument,
    LocalAuthority,
    Pupil,
    School,
)
from cme.storage.tables import Case as CaseRow
from cme.storage.tasks import tasks_for


async def _cases() -> list[Case]:
    return await with_events(await CaseRow.select(*CASE_COLUMNS).order_by(CaseRow.id))


def _has(case: Case, kind: EventKind) -> bool:
    return bool(case.of_kind(kind))


async def _viewer(email: str) -> Viewer:
    row = await Account.select(Account.id).where(Account.email == email).first()
    assert row is not None, email
    return await viewer_for_account(int(row["id"]))


async def _officers() -> list[Viewer]:
    return [await _viewer(email) for email, _ in CME_OFFICERS]


async def test_the_demo_has_a_case_at_every_stage(demo: object) -> None:
    cases = await _cases()
    open_ = [c for c in cases if c.is_open]
    before_la = [c for c in open_ if c.handed_to_la_at is None]

    day_one = [
        c
        for c in before_la
        if not any(
            _has(c, k) for k in (EventKind.CONTACT_ATTEMPT, EventKind.SCREEN, EventKind.ENQUIRY)
        )
    ]
    assert len(day_one) >= 5, "cases at day one with no contact yet"
    assert len([c for c in before_la if c.enquiries(Side.SCHOOL)]) >= 5, "school enquiries"
    referred = [
        c
        for c in cases
        if c.must_refer and _has(c, EventKind.REFERRAL) and not c.must_refer_pending
    ]
    assert referred, "a must-refer screen with its referral recorded"
    assert [c for c in open_ if c.must_refer_pending], "a must-refer screen to act on now"
    with_la = [c for c in open_ if c.handed_to_la_at and not _has(c, EventKind.JOINT_REVIEW)]
    assert len(with_la) >= 3, "cases handed to the LA"
    assert [c for c in open_ if c.handed_to_la_at and _has(c, EventKind.JOINT_REVIEW)], (
        "a case with a joint review held"
    )
    closed = [c for c in cases if c.status is Status.CLOSED]
    assert len([c for c in closed if c.outcome == Outcome.RETURNED.value]) >= 5
    assert [c for c in closed if c.outcome == Outcome.ABSENCE_EXPLAINED.value]
    located = [c for c in closed if c.outcome and Outcome(c.outcome).located]
    assert len({c.outcome for c in located} - {Outcome.RETURNED.value}) >= 3, (
        "cases the DSL closed with the child located"
    )

    removed = [c for c in cases if c.status is Status.REMOVED]
    missing = [c for c in removed if c.on_cme_list]
    assert len(missing) >= 2, "children missing education on the LA's list"
    assert [c for c in removed if not c.on_cme_list], "a child the LA found again"
    for gone in removed:
        assert gone.outcome == Outcome.REMOVED_MISSING.value
        assert gone.removed_on is not None
        assert gone.enquiries(Side.SCHOOL) and gone.enquiries(Side.LA) and gone.enquiries_failed
        assert gone.no_sickness_reason

    # The deletion return is kept on the case, and names the child.
    gone = missing[0]
    doc = await CaseDocument.select().where(CaseDocument.case == gone.id).first()
    assert doc is not None and doc["kind"] == "deletion_return"
    pupil = await Pupil.select().where(Pupil.id == gone.pupil_id).first()
    sheet = load_workbook(io.BytesIO(bytes(doc["content"])))["Deletion return"]
    text = {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    assert f"{pupil['legal_forename']} {pupil['legal_surname']}" in text
    assert pupil["upn"] in text

    # Recorded through the real actions: the audit trail has each of them.
    actions = {r["action"] for r in await AuditEvent.select(AuditEvent.action)}
    for action in (
        Action.CASE_CONTACT_RECORDED,
        Action.CASE_SCREEN_RECORDED,
        Action.CASE_REFERRAL_RECORDED,
        Action.CASE_ENQUIRY_RECORDED,
        Action.CASE_HANDED_OFF,
        Action.CASE_ASSIGNED,
        Action.CASE_JOINT_REVIEW_RECORDED,
        Action.CASE_NO_SICKNESS_RECORDED,
        Action.CASE_REMOVED,
        Action.CASE_FOUND,
        Action.CASE_CLOSED,
    ):
        assert action.value in actions, action


async def test_the_caseload_has_two_pages_over_both_schools_and_every_stage(
    demo: object,
) -> None:
    me = (await _officers())[0]
    found = await caseload(me, Filters(), today())
    assert found.total > PAGE_SIZE and found.pages >= 2
    assert len(found.rows) == PAGE_SIZE
    second = await caseload(me, Filters(page=2), today())
    assert second.rows and {r.id for r in second.rows}.isdisjoint({r.id for r in found.rows})

    schools = {int(r["id"]) for r in await School.select(School.id)}
    assert len(schools) == len(SCHOOLS)
    assert all(found.counts["school"].get(str(s), 0) >= 10 for s in schools)
    for stage in (
        Stage.DAY_ONE,
        Stage.SCHOOL_ENQUIRIES,
        Stage.REFER_NOW,
        Stage.WITH_LA,
        Stage.REMOVAL_MAY_BE_CONSIDERED,
    ):
        assert found.counts["stage"].get(stage.value, 0) >= 1, stage
    # Some cases have a step overdue, others nothing overdue yet.
    assert found.counts["overdue"].get("1", 0) >= 3
    assert found.counts["overdue"].get("0", 0) >= 3
    assert found.counts["holder"][Holder.LA.value] >= 5
    assert found.counts["state"][State.MISSING.value] >= 2
    assert found.counts["state"][State.CLOSED.value] >= 10


async def test_handed_over_cases_are_shared_between_two_officers_and_some_wait(
    demo: object,
) -> None:
    officers = await _officers()
    assert len({o.user_id for o in officers}) == 2
    held = await caseload(officers[0], Filters(holder=Holder.LA), today())
    for officer in officers:
        assert held.counts["officer"].get(str(officer.user_id), 0) >= 2, officer.display_name
        mine = await caseload(officer, Filters(officer="me"), today())
        assert mine.total >= 2 and {r.officer_id for r in mine.rows} == {officer.user_id}
    assert held.counts["officer"].get("0", 0) >= 2, "new hand-offs nobody has taken"
    # Assigned through the real action: on each case's timeline.
    assigned = {
        int(r["id"])
        for r in await CaseRow.select(CaseRow.id).where(CaseRow.assigned_to.is_not_null())
    }
    assert assigned and all(_has(c, EventKind.ASSIGNED) for c in await _cases() if c.id in assigned)


async def test_the_risk_filter_finds_looked_after_children_and_cp_plans(demo: object) -> None:
    me = (await _officers())[0]
    for risk in (Risk.MUST_REFER, Risk.LOOKED_AFTER, Risk.CP_PLAN):
        found = await caseload(me, Filters(risk=risk), today())
        assert found.total >= 2, risk
        rows = found.rows
        assert all(
            {Risk.MUST_REFER: r.must_refer, Risk.LOOKED_AFTER: r.looked_after}.get(risk, r.cp_plan)
            for r in rows
        ), risk
        assert len({r.school_id for r in rows}) == len(SCHOOLS), risk


async def test_every_role_has_tasks_on_first_sign_in(demo: object) -> None:
    roles = {Role.ATTENDANCE_OFFICER, Role.DSL, Role.CME_OFFICER}
    accounts = [a for a in demo_accounts() if Role(a.role) in roles]
    assert len(accounts) == 2 * len(SCHOOLS) + 2
    overdue = 0
    for account in accounts:
        tasks = await tasks_for(await _viewer(account.email), today())
        assert tasks.tasks, account.email
        overdue += tasks.overdue
    assert overdue > 0


async def _state() -> list[tuple[object, ...]]:
    rows = await CaseRow.select(CaseRow.id, CaseRow.assigned_to).order_by(CaseRow.id)
    return [
        (c.id, c.status, r["assigned_to"], len(c.events))
        for c, r in zip(await _cases(), rows, strict=True)
    ]


async def test_seeding_again_changes_nothing(demo: object) -> None:
    before = await _state()
    assert not await seed_demo(today())
    la = await LocalAuthority.select(LocalAuthority.id).first()
    schools = [r["id"] for r in await School.select(School.id).order_by(School.id)]
    assert await seed_demo_cases(la["id"], schools, today()) == {}
    assert await _state() == before
