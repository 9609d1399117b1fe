"""Demo cases at every stage (issue 8, Demo), recorded through the same actions people use,
so that each has its timeline and audit trail and each role sees a realistic case list.

The cases themselves are the ones the register import opened from the demo registers; this
only carries some of them on: the longest absences furthest (removal needs 20 school days),
the shortest left at day one. One case is opened and closed by the sync itself: a child who
was absent without explanation earlier in the term and came back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cme.access import Viewer
from cme.cases.absences import Ending, Reason, current_absence, ending
from cme.cases.case import ENQUIRIES_FAILED, Status
from cme.cases.enquiries import Side
from cme.cases.outcomes import Outcome
from cme.roles import Role
from cme.storage import cases, clock
from cme.storage.accounts import viewer_for_account
from cme.storage.case_actions import (
    record_contact,
    record_enquiry,
    record_no_sickness_reason,
    record_referral,
    record_screen,
)
from cme.storage.case_actions_end import (
    close_case,
    hand_off,
    record_joint_review,
    remove_from_roll,
)
from cme.storage.case_context import SchoolContext, school_context
from cme.storage.pupil_details import current_details
from cme.storage.tables import Account
from cme.storage.tables import Case as CaseRow
from cme.timeline import LONDON

# The stages the demo shows, in the order a case goes through them.
STAGES = (
    "day_one",
    "school_enquiries",
    "referral_recorded",
    "with_la",
    "joint_review",
    "removed",
    "returned",
)


@dataclass(frozen=True)
class _Staff:
    officer: Viewer
    dsl: Viewer


@dataclass(frozen=True)
class _Open:
    case_id: int
    pupil_id: int
    school_id: int
    day_one: date
    run: int


async def _viewer(role: Role, **where: Any) -> Viewer | None:
    query = Account.select(Account.id).where(Account.role == role.value, Account.active.eq(True))
    for column, value in where.items():
        query = query.where(getattr(Account, column) == value)
    row = await query.order_by(Account.id).first()
    return await viewer_for_account(int(row["id"])) if row else None


def _school_day(context: SchoolContext, start: date, later: int, today: date) -> date:
    """The school day `later` school days after `start`, but never after today."""
    days = [d for d in context.days if start <= d <= today] or [min(start, today)]
    return days[min(later, len(days) - 1)]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


async def _parent(pupil_id: int) -> tuple[str, str]:
    """Who the school would phone first, and on which number."""
    details = await current_details(pupil_id)
    for contact in sorted(details.contacts if details else (), key=lambda c: c.priority):
        if contact.phones:
            return contact.name, contact.phones[0]
    return "Parent or carer", "The number on the admission form"


async def _day_one_calls(staff: _Staff, case: _Open, today: date) -> None:
    who, number = await _parent(case.pupil_id)
    await record_contact(
        staff.officer,
        case.case_id,
        contact=who,
        via=number,
        method="phone",
        outcome="No answer; voicemail left asking the family to ring the school",
        at=_at(min(case.day_one, today), 9, 40),
    )


async def _school_enquiries(
    staff: _Staff, case: _Open, context: SchoolContext, today: date, full: bool
) -> None:
    enquiries = [
        ("phoned_all", "phone", "No reply on any number on record"),
        ("staff", "in_person", "Class teacher and TA have heard nothing from the family"),
    ]
    if full:
        enquiries += [
            ("home_visit", "home_visit", "Nobody home; post piling up behind the door"),
            ("letter", "letter", "Letter sent to the last known address; no reply"),
            ("consult_la", "email", "Education welfare officer told of the absence"),
        ]
    for n, (kind, method, outcome) in enumerate(enquiries):
        await record_enquiry(
            staff.officer,
            case.case_id,
            side=Side.SCHOOL,
            enquiry=kind,
            made_on=_school_day(context, case.day_one, n, today),
            who=staff.officer.display_name,
            method=method,
            outcome=outcome,
        )


async def _screen(staff: _Staff, case: _Open, today: date, refer: bool) -> None:
    await record_screen(
        staff.dsl,
        case.case_id,
        answers=["serious_attendance"] if refer else [],
        judgement={"sudden": "yes" if refer else "no", "bullying": "no"},
        notes="Screened on day one after the contact attempt failed.",
    )
    screened = await cases.load_case(case.case_id)
    if screened.must_refer_pending:
        # A status on the pupil's record can make any screen a must-refer: refer, as the
        # DSL would, so only the stage meant to show it does.
        await record_referral(
            staff.dsl,
            case.case_id,
            agency="both",
            made_on=min(case.day_one, today),
            made_by=staff.dsl.display_name,
            reference=f"MASH-{case.case_id:05d}",
        )


async def _la_work(cme: Viewer, staff: _Staff, case: _Open, failed: bool) -> None:
    # The LA's work follows the hand-off, which happened just now.
    today = clock.today()
    for kind, method, outcome in (
        ("la_records", "records", "No new address in housing, council tax or benefits records"),
        ("lost_pupil_database", "records", "No match in the lost pupil database"),
    ):
        await record_enquiry(
            cme,
            case.case_id,
            side=Side.LA,
            enquiry=kind,
            made_on=today,
            who=cme.display_name,
            method=method,
            outcome=outcome,
        )
    await record_joint_review(
        cme,
        case.case_id,
        held_on=today,
        school_dsl=staff.dsl.display_name,
        cme_officer=cme.display_name,
        decision=ENQUIRIES_FAILED if failed else "continue",
        notes="Reviewed the enquiries so far and the child's vulnerability.",
        next_review_on=None if failed else today + timedelta(days=14),
    )


async def _open_cases(school_ids: Sequence[int], today: date) -> list[_Open]:
    found: list[_Open] = []
    for school_id in school_ids:
        rows = await CaseRow.select(CaseRow.id, CaseRow.pupil, CaseRow.day_one).where(
            CaseRow.school == school_id, CaseRow.status == Status.OPEN.value
        )
        pupils = {int(r["pupil"]) for r in rows}
        context = await school_context(school_id, today, pupils)
        for r in rows:
            run = context.run_school_days(int(r["pupil"]), today)
            found.append(_Open(int(r["id"]), int(r["pupil"]), school_id, r["day_one"], run))
    # Longest absences first; the case id keeps the choice repeatable.
    return sorted(found, key=lambda c: (-c.run, c.day_one, c.case_id))


async def _returned(school_ids: Sequence[int], staff: dict[int, _Staff], today: date) -> int | None:
    """The latest earlier absence, without explanation, of a child with no open case who
    then came back: the sync opens its case as of that day, then closes it as returned."""
    best: tuple[date, date, int, int] | None = None  # (day one, last day absent, pupil, school)
    for school_id in school_ids:
        with_cases = {
            int(r["pupil"])
            for r in await CaseRow.select(CaseRow.pupil).where(CaseRow.school == school_id)
        }
        context = await school_context(school_id, today)
        past = [d for d in context.days if d < today]
        for pupil_id, marks in context.marks.items():
            if pupil_id in with_cases:
                continue
            for day in reversed(past):
                absence = current_absence(marks, context.days, day, context.policy)
                if absence is None or absence.reason is not Reason.UNEXPLAINED:
                    continue
                back = ending(marks, context.days, absence.day_one, today, absence.reason)
                if back and back[0] is Ending.RETURNED and (best is None or day > best[1]):
                    best = (absence.day_one, day, pupil_id, school_id)
                break
    if best is None:
        return None
    day_one, last_absent, pupil_id, school_id = best
    # As if the sweep had run on the child's last day away: the case opens back-dated.
    await cases.sync_pupil(pupil_id, on=last_absent)
    row = (
        await CaseRow.select(CaseRow.id)
        .where(CaseRow.pupil == pupil_id, CaseRow.status == Status.OPEN.value)
        .first()
    )
    if row is None:
        return None
    case = _Open(int(row["id"]), pupil_id, school_id, day_one, 1)
    await _day_one_calls(staff[school_id], case, today)
    await cases.sync_pupil(pupil_id, on=today)
    return case.case_id


async def seed_demo_cases(la_id: int, school_ids: Sequence[int], today: date) -> dict[str, int]:
    """Carry the demo's cases to every stage; returns stage -> case id for the stages it could
    show (all of them with the demo registers). Call once, after the demo accounts exist."""
    cme = await _viewer(Role.CME_OFFICER, la=la_id, school=None)
    staff: dict[int, _Staff] = {}
    for school_id in school_ids:
        officer = await _viewer(Role.ATTENDANCE_OFFICER, school=school_id)
        dsl = await _viewer(Role.DSL, school=school_id)
        if officer and dsl:
            staff[school_id] = _Staff(officer, dsl)
    if cme is None or not staff:
        return {}
    ids = [s for s in school_ids if s in staff]
    carried_on = CaseRow.exists().where(
        CaseRow.school.is_in(ids), CaseRow.handed_to_la_at.is_not_null()
    )
    if await carried_on:
        return {}  # already done: the demo is seeded once
    shown: dict[str, int] = {}
    pool = await _open_cases(ids, today)
    required = (await school_context(ids[0], today)).policy.removal_run_school_days
    long = [c for c in pool if c.run >= required]
    rest = [c for c in pool if c.run < required]
    # Removal and the joint review take the longest absences; the shortest stays at day one.
    plan = [("removed", long[:1]), ("joint_review", long[1:2])]
    ordered = long[2:] + rest
    if not plan[1][1] and ordered:
        plan[1] = ("joint_review", [ordered.pop(0)])
    # The longer the absence, the further on; one case at least is left at day one.
    for stage in ("with_la", "referral_recorded", "school_enquiries"):
        plan.append((stage, [ordered.pop(0)] if len(ordered) > 1 else []))
    for stage, chosen in plan:
        if not chosen:
            continue
        case = chosen[0]
        team = staff[case.school_id]
        context = await school_context(case.school_id, today, {case.pupil_id})
        await _day_one_calls(team, case, today)
        full = stage in {"with_la", "joint_review", "removed"}
        await _school_enquiries(team, case, context, today, full)
        if stage != "school_enquiries":
            await _screen(team, case, today, refer=stage == "referral_recorded")
        if full:
            await hand_off(team.dsl, case.case_id)
        if stage in {"joint_review", "removed"}:
            await _la_work(cme, team, case, failed=stage == "removed")
        if stage == "removed":
            await record_no_sickness_reason(
                team.dsl,
                case.case_id,
                confirmed=True,
                note="No medical evidence and no word from the family since day one.",
            )
            await remove_from_roll(team.dsl, case.case_id, notes="Whereabouts unknown.")
        shown[stage] = case.case_id
    if ordered:
        shown["day_one"] = ordered[-1].case_id
    returned = await _returned(ids, staff, today)
    if returned is None and len(ordered) > 1:
        # No child came back this term: the DSL closes a short case as returned instead.
        case = ordered[0]
        await close_case(
            staff[case.school_id].dsl,
            case.case_id,
            outcome=Outcome.RETURNED.value,
            notes="Back in school this morning; mother says the family was away.",
        )
        returned = case.case_id
    if returned is not None:
        shown["returned"] = returned
    return shown
