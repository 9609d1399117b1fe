"""`cme demo` shows a case at every stage, each recorded through the real actions (issue 8)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from cme.cases.case import Case, EventKind, Stage, Status
from cme.cases.enquiries import Side
from cme.cases.outcomes import Outcome
from cme.events import Action
from cme.policy import Policy
from cme.storage.case_context import CASE_COLUMNS, with_events
from cme.storage.demo import seed_demo
from cme.storage.demo_cases import seed_demo_cases
from cme.storage.tables import AuditEvent, CaseDocument, LocalAuthority, Pupil, School
from cme.storage.tables import Case as CaseRow


async def _cases() -> list[Case]:
    return await with_events(await CaseRow.select(*CASE_COLUMNS).order_by(CaseRow.id))


def _has(case: Case, kind: EventKind) -> bool:
    return bool(case.of_kind(kind))


async def test_the_demo_has_a_case_at_every_stage(db: object) -> None:
    assert await seed_demo(date.today())
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
    assert day_one, "a case at day one with no contact yet"
    assert [c for c in before_la if c.enquiries(Side.SCHOOL)], "school enquiries under way"
    referred = [
        c
        for c in cases
        if c.must_refer and _has(c, EventKind.REFERRAL) and not c.must_refer_pending
    ]
    assert referred, "a must-refer screen with its referral recorded"
    with_la = [c for c in open_ if c.handed_to_la_at and not _has(c, EventKind.JOINT_REVIEW)]
    assert with_la, "a case handed to the LA"
    assert [c for c in open_ if c.handed_to_la_at and _has(c, EventKind.JOINT_REVIEW)], (
        "a case with a joint review held"
    )
    returned = [
        c for c in cases if c.status is Status.CLOSED and c.outcome == Outcome.RETURNED.value
    ]
    assert returned, "a case closed as returned"

    removed = [c for c in cases if c.status is Status.REMOVED]
    assert len(removed) == 1
    gone = removed[0]
    assert gone.on_cme_list
    assert gone.outcome == Outcome.REMOVED_MISSING.value
    assert gone.removed_on is not None
    assert gone.enquiries(Side.SCHOOL) and gone.enquiries(Side.LA) and gone.enquiries_failed
    assert gone.no_sickness_reason

    # The deletion return is kept on the case, and names the child.
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
        Action.CASE_JOINT_REVIEW_RECORDED,
        Action.CASE_NO_SICKNESS_RECORDED,
        Action.CASE_REMOVED,
    ):
        assert action.value in actions, action

    # Stages as the case lists show them.
    stages = {c.stage(0, Policy()) for c in cases}
    assert {Stage.DAY_ONE, Stage.SCHOOL_ENQUIRIES, Stage.MISSING_EDUCATION, Stage.CLOSED} <= stages


async def test_seeding_the_cases_again_changes_nothing(db: object) -> None:
    assert await seed_demo(date.today())
    before = [(c.id, c.status, len(c.events)) for c in await _cases()]
    la = await LocalAuthority.select(LocalAuthority.id).first()
    schools = [r["id"] for r in await School.select(School.id).order_by(School.id)]
    assert await seed_demo_cases(la["id"], schools, date.today()) == {}
    assert [(c.id, c.status, len(c.events)) for c in await _cases()] == before
