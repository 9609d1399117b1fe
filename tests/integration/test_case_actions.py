"""What people record on a case, on both engines: each action adds a timeline event and an
audit row; wrong roles are refused in words; other schools' and other LAs' cases are not found;
the removal gate names every missing condition, then removes today and keeps the return."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from cme import demo_data
from cme.access import Viewer
from cme.cases.case import ENQUIRIES_FAILED, EventKind
from cme.cases.enquiries import Side
from cme.demo_registers import Grid, to_csv, weekdays, wide_rows
from cme.errors import InvalidField, NotFound, Refused
from cme.events import Action
from cme.storage import accounts
from cme.storage import case_actions as act
from cme.storage import case_actions_end as end
from cme.storage.case_views import cases_for_school
from cme.storage.caseload import Filters, State, caseload
from cme.storage.cases import load_case, sync_school
from cme.storage.clock import today, utcnow
from cme.storage.registers import apply_register
from cme.storage.tables import (
    Account,
    AuditEvent,
    Case,
    CaseDocument,
    CaseEvent,
    Notification,
    Pupil,
    PupilStatusVersion,
)
from imports.register import parse_register
from tests.integration.helpers import World

DAY_ONE = date(2025, 9, 8)


async def viewer(email: str) -> Viewer:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return await accounts.viewer_for_account(row["id"])


async def open_case(pupil: int, school: int, la: int) -> int:
    rows = await Case.insert(
        Case(
            pupil=pupil,
            school=school,
            la=la,
            reason="unexplained",
            day_one=DAY_ONE,
            clock_start=DAY_ONE,
            opened_at=utcnow(),
        )
    ).returning(Case.id)
    return int(rows[0]["id"])


async def kinds(case_id: int) -> list[str]:
    rows = (
        await CaseEvent.select(CaseEvent.kind)
        .where(CaseEvent.case == case_id)
        .order_by(CaseEvent.id)
    )
    return [r["kind"] for r in rows]


async def audited(case_id: int) -> list[tuple[str, str | None]]:
    rows = await AuditEvent.select(AuditEvent.action, AuditEvent.account.email, AuditEvent.detail)
    return [
        (r["action"], r["account.email"])
        for r in rows
        if json.loads(r["detail"]).get("case_id") == case_id
        and r["action"] != Action.CASE_VIEWED.value
    ]


async def notices(email: str) -> list[str]:
    rows = await Notification.select(Notification.kind).where(Notification.account.email == email)
    return [r["kind"] for r in rows]


@pytest.fixture
async def case_a(world: World) -> int:
    return await open_case(world.pupil_a, world.school_a, world.la_id)


async def test_each_action_records_an_event_and_an_audit_row(world: World, case_a: int) -> None:
    ao = await viewer("ao.a@test.example")
    dsl = await viewer("dsl.a@test.example")
    cme = await viewer("cme@test.example")
    await act.record_contact(
        ao, case_a, contact="Mum", via="07700 900123", method="phone", outcome="No answer"
    )
    await act.record_screen(
        dsl, case_a, answers=["victim_of_crime"], judgement={"sudden": "yes"}, notes="Worried"
    )
    assert (await load_case(case_a)).must_refer_pending
    assert await notices("dsl.a@test.example") == ["refer_now"]
    await act.record_referral(
        dsl, case_a, agency="both", made_on=today(), made_by="DSL", reference="REF-1"
    )
    assert not (await load_case(case_a)).must_refer_pending
    await act.record_enquiry(
        ao,
        case_a,
        side=Side.SCHOOL,
        enquiry="staff",
        made_on=today(),
        who="AO",
        method="in_person",
        outcome="Nobody knows",
    )
    await act.add_note(ao, case_a, "Sibling also absent")
    await act.record_no_sickness_reason(dsl, case_a, confirmed=True, note="No illness known")
    await end.hand_off(dsl, case_a)
    assert await notices("cme@test.example") == ["case_handed_off"]
    await act.record_enquiry(
        cme,
        case_a,
        side=Side.LA,
        enquiry="la_records",
        made_on=today(),
        who="CME",
        method="records",
        outcome="No trace",
    )
    await end.record_joint_review(
        cme,
        case_a,
        held_on=today(),
        school_dsl="The DSL",
        cme_officer="The CME officer",
        decision="continue",
        next_review_on=today() + timedelta(days=7),
    )
    await act.add_note(cme, case_a, "Called the housing office")
    await end.close_case(dsl, case_a, outcome="returned", notes="Back in class")

    assert await kinds(case_a) == [
        "contact_attempt",
        "screen",
        "referral",
        "enquiry",
        "note",
        "no_sickness_reason",
        "handed_off",
        "enquiry",
        "joint_review",
        "note",
        "closed",
    ]
    assert await audited(case_a) == [
        ("case.contact_recorded", "ao.a@test.example"),
        ("case.screen_recorded", "dsl.a@test.example"),
        ("case.referral_recorded", "dsl.a@test.example"),
        ("case.enquiry_recorded", "ao.a@test.example"),
        ("case.note_added", "ao.a@test.example"),
        ("case.no_sickness_recorded", "dsl.a@test.example"),
        ("case.handed_off", "dsl.a@test.example"),
        ("case.enquiry_recorded", "cme@test.example"),
        ("case.joint_review_recorded", "cme@test.example"),
        ("case.note_added", "cme@test.example"),
        ("case.closed", "dsl.a@test.example"),
    ]
    row = await Case.select().where(Case.id == case_a).first()
    assert (row["status"], row["closed_on"], row["outcome"]) == ("closed", today(), "returned")
    closed = await AuditEvent.select(AuditEvent.detail, AuditEvent.school).where(
        AuditEvent.action == Action.CASE_CLOSED.value
    )
    assert closed[0]["school"] == world.school_a
    assert json.loads(closed[0]["detail"])["changes"]["status"] == ["open", "closed"]


async def test_wrong_roles_and_states_are_refused_in_words(world: World, case_a: int) -> None:
    ao = await viewer("ao.a@test.example")
    dsl = await viewer("dsl.a@test.example")
    cme = await viewer("cme@test.example")
    with pytest.raises(Refused, match="Only a designated safeguarding lead can record the"):
        await act.record_screen(ao, case_a, answers=[], judgement={})
    for attempt in (
        act.record_referral(ao, case_a, agency="police", made_on=today(), made_by="x"),
        end.hand_off(ao, case_a),
        end.close_case(ao, case_a, outcome="returned"),
        end.remove_from_roll(ao, case_a),
        act.record_no_sickness_reason(ao, case_a, confirmed=True),
        act.record_contact(cme, case_a, contact="Mum", via="", method="phone", outcome="x"),
        end.record_joint_review(
            dsl,
            case_a,
            held_on=today(),
            school_dsl="a",
            cme_officer="b",
            decision=ENQUIRIES_FAILED,
        ),
    ):
        with pytest.raises(Refused):
            await attempt
    with pytest.raises(Refused, match="has not handed this case to the LA"):
        await act.record_enquiry(
            cme,
            case_a,
            side=Side.LA,
            enquiry="police",
            made_on=today(),
            who="x",
            method="phone",
            outcome="y",
        )
    with pytest.raises(Refused, match="Only an LA CME officer"):
        await act.record_enquiry(
            dsl,
            case_a,
            side=Side.LA,
            enquiry="police",
            made_on=today(),
            who="x",
            method="phone",
            outcome="y",
        )
    await end.hand_off(dsl, case_a)
    with pytest.raises(Refused, match="already handed to the LA"):
        await end.hand_off(dsl, case_a)
    with pytest.raises(NotFound):
        await act.add_note(await viewer("admin@test.example"), case_a, "an LA admin sees no child")
    assert await kinds(case_a) == ["handed_off"]


async def test_values_are_checked_beside_their_fields(world: World, case_a: int) -> None:
    ao = await viewer("ao.a@test.example")
    dsl = await viewer("dsl.a@test.example")
    later = datetime.now().astimezone() + timedelta(hours=2)
    with pytest.raises(InvalidField, match="cannot be in the future") as caught:
        await act.record_contact(
            ao, case_a, contact="Mum", via="", method="phone", outcome="x", at=later
        )
    assert caught.value.field == "When"
    with pytest.raises(InvalidField) as caught:
        await act.record_contact(ao, case_a, contact=" ", via="", method="phone", outcome="x")
    assert caught.value.field == "Who"
    with pytest.raises(InvalidField) as caught:
        await act.record_contact(ao, case_a, contact="Mum", via="", method="pigeon", outcome="x")
    assert caught.value.field == "Method"
    with pytest.raises(InvalidField, match="cannot be in the future"):
        await act.record_referral(
            dsl, case_a, agency="police", made_on=today() + timedelta(days=1), made_by="DSL"
        )
    await end.hand_off(dsl, case_a)
    cme = await viewer("cme@test.example")
    with pytest.raises(InvalidField, match="next joint review"):
        await end.record_joint_review(
            cme, case_a, held_on=today(), school_dsl="a", cme_officer="b", decision="continue"
        )
    with pytest.raises(InvalidField, match="Name the school"):
        await end.close_case(cme, case_a, outcome="new_school_this_la")
    assert await kinds(case_a) == ["handed_off"]


async def test_another_schools_and_another_las_case_is_not_found(world: World) -> None:
    case_b = await open_case(world.pupil_b, world.school_b, world.la_id)
    case_c = await open_case(world.pupil_other_la, world.school_other_la, world.other_la_id)
    ao_a = await viewer("ao.a@test.example")
    dsl_a = await viewer("dsl.a@test.example")
    other_cme = await viewer("cme.other@test.example")
    for who, case_id in ((ao_a, case_b), (dsl_a, case_c), (other_cme, case_b)):
        for attempt in (
            act.add_note(who, case_id, "x"),
            act.record_contact(who, case_id, contact="x", via="", method="phone", outcome="y"),
            end.hand_off(who, case_id),
            end.remove_from_roll(who, case_id),
            end.document(who, case_id, 1),
        ):
            with pytest.raises(NotFound):
                await attempt
    assert await kinds(case_b) == [] and await kinds(case_c) == []


async def test_the_screen_keeps_answers_the_pupils_record_gives(world: World, case_a: int) -> None:
    for status in ("looked_after", "ehcp"):
        await PupilStatusVersion.insert(
            PupilStatusVersion(
                pupil=world.pupil_a, status=status, value=True, valid_from=utcnow(), source="import"
            )
        )
    dsl = await viewer("dsl.a@test.example")
    assert await act.screen_prefill(world.pupil_a) == {
        "looked_after": "looked_after",
        "disability_sen": "ehcp",
    }
    # The form sent nothing ticked: the looked-after answer stays, with its source.
    await act.record_screen(dsl, case_a, answers=[], judgement={"disability_sen": "no"})
    case = await load_case(case_a)
    screen = case.latest_screen
    assert screen is not None
    assert screen.detail["must_refer"] == ["looked_after"]
    assert screen.detail["prefilled"] == {"looked_after": "looked_after", "disability_sen": "ehcp"}
    assert screen.detail["judgement"]["disability_sen"]["answer"] == "yes"
    assert case.must_refer_pending


# Autumn 2025: Mon 1 Sep to Fri 10 Oct, 30 school days.
DAYS = weekdays(date(2025, 9, 1), date(2025, 10, 10))


async def load_register(world: World, last: date) -> str:
    """Pupil 0 present until Fri 5 Sep, then N every session: a run from Mon 8 Sep."""
    kids = demo_data.demo_pupils("2001", range(5, 6), per_year=2, seed=5)[:2]
    days = [d for d in DAYS if d <= last]
    marks = {
        kids[0].upn: [m for d in days for m in (("/", "\\") if d < DAY_ONE else ("N", "N"))],
        kids[1].upn: ["/", "\\"] * len(days),
    }
    register = parse_register(to_csv(wide_rows(Grid(kids, days, marks))), "r.csv", 10_000_000)
    await apply_register(world.school_a, register)
    await sync_school(world.school_a, last)
    return kids[0].upn


async def the_case(upn: str) -> int:
    pupil = await Pupil.select(Pupil.id).where(Pupil.upn == upn).first()
    row = await Case.select(Case.id).where(Case.pupil == pupil["id"]).first()
    return int(row["id"])


async def test_removal_is_refused_naming_every_missing_condition_then_done_today(
    world: World,
) -> None:
    upn = await load_register(world, date(2025, 9, 19))
    case_id = await the_case(upn)
    dsl = await viewer("dsl.a@test.example")
    cme = await viewer("cme@test.example")
    with pytest.raises(Refused) as refused:
        await end.remove_from_roll(dsl, case_id)
    reasons = refused.value.reasons
    assert len(reasons) == 6, reasons
    assert "absent 10 school days in a row" in reasons[0] and "at least 20" in reasons[0]
    assert any("enquiries by the school" in r for r in reasons)
    assert any("has not been handed to the LA" in r for r in reasons)
    assert any("enquiries by the LA" in r for r in reasons)
    assert any("joint review" in r for r in reasons)
    assert any("sickness or an unavoidable cause" in r for r in reasons)

    await load_register(world, date(2025, 10, 10))
    assert await the_case(upn) == case_id
    await act.record_enquiry(
        dsl,
        case_id,
        side=Side.SCHOOL,
        enquiry="home_visit",
        made_on=date(2025, 9, 9),
        who="DSL",
        method="home_visit",
        outcome="Nobody home",
    )
    await end.hand_off(dsl, case_id)
    await act.record_enquiry(
        cme,
        case_id,
        side=Side.LA,
        enquiry="lost_pupil_database",
        made_on=today(),
        who="CME",
        method="records",
        outcome="No match",
    )
    with pytest.raises(Refused) as refused:
        await end.remove_from_roll(dsl, case_id)
    assert len(refused.value.reasons) == 2, refused.value.reasons
    await end.record_joint_review(
        cme,
        case_id,
        held_on=today(),
        school_dsl="DSL",
        cme_officer="CME",
        decision=ENQUIRIES_FAILED,
    )
    await act.record_no_sickness_reason(dsl, case_id, confirmed=True)

    doc_id = await end.remove_from_roll(dsl, case_id, notes="Whereabouts unknown")
    row = await Case.select().where(Case.id == case_id).first()
    assert (row["status"], row["removed_on"], row["outcome"]) == (
        "removed",
        today(),
        "removed_missing_education",
    )
    docs = await CaseDocument.select(CaseDocument.id, CaseDocument.kind).where(
        CaseDocument.case == case_id
    )
    assert docs == [{"id": doc_id, "kind": "deletion_return"}]
    removed = (await load_case(case_id)).of_kind(EventKind.REMOVED)[0]
    assert removed.detail["last_attended_on"] == "2025-09-05"
    assert removed.detail["run_school_days"] == 25

    filename, content = await end.document(cme, case_id, doc_id)
    assert filename.endswith(".xlsx") and upn in filename
    sheet = load_workbook(io.BytesIO(content)).active
    text = " ".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r if c)
    pupil = await Pupil.select().where(Pupil.upn == upn).first()
    assert pupil["legal_surname"] in text and pupil["legal_forename"] in text
    downloads = await AuditEvent.select(AuditEvent.account.email).where(
        AuditEvent.action == Action.CASE_DOCUMENT_DOWNLOADED.value
    )
    assert downloads == [{"account.email": "cme@test.example"}]

    # The register still shows the child absent: that opens no second case.
    await sync_school(world.school_a, date(2025, 10, 10))
    assert await Case.count().where(Case.pupil == pupil["id"]) == 1
    # The LA goes on looking: the child is on its list until found.
    missing = await caseload(cme, Filters(state=State.MISSING))
    [listed] = [r for r in missing.rows if r.id == case_id]
    assert listed.on_cme_list
    with pytest.raises(Refused):
        await end.remove_from_roll(dsl, case_id)
    await end.la_found(cme, case_id, outcome="elective_home_education", notes="Parent wrote")
    row = await Case.select().where(Case.id == case_id).first()
    assert (row["la_closed_on"], row["la_outcome"]) == (today(), "elective_home_education")
    missing = await caseload(cme, Filters(state=State.MISSING))
    assert case_id not in [r.id for r in missing.rows]
    closed = await caseload(cme, Filters(state=State.CLOSED))
    assert case_id in [r.id for r in closed.rows]
    assert case_id not in [r.case.id for r in await cases_for_school(dsl, world.school_a)]
