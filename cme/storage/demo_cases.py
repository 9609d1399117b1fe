"""Demo cases at every stage (issue 8, Demo; issue 9, Demo), recorded through the same actions
people use, so that each has its timeline and audit trail and each role has a case list and
tasks on first sign-in.

The cases themselves are the ones the register imports opened (and closed) from the demo
registers; this carries each child's case as far as their story says
(`demo_registers.STORIES`): a contact attempt, the school's enquiries, the DSL's screen and
referral, the hand-off, the CME officers sharing out the cases handed over, the LA's
enquiries and joint reviews, removals from roll, a child the LA found again, and cases the
DSL closed with the child located.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cme.access import Viewer
from cme.cases.case import ENQUIRIES_FAILED, Status
from cme.cases.enquiries import Side
from cme.demo_data import SCHOOLS, school_pupils
from cme.demo_registers import Story, stories, term_ending
from cme.roles import Role
from cme.storage import case_assign, cases, clock
from cme.storage.accounts import viewer_for_account
from cme.storage.case_actions import (
    record_contact,
    record_enquiry,
    record_no_sickness_reason,
    record_referral,
    record_screen,
)
from cme.storage.case_actions_end import (
    Whereabouts,
    close_case,
    hand_off,
    la_found,
    record_joint_review,
    remove_from_roll,
)
from cme.storage.case_context import school_context
from cme.storage.pupil_details import current_details
from cme.storage.tables import Account, Pupil, School
from cme.storage.tables import Case as CaseRow
from cme.timeline import LONDON, academic_year

# How far a story takes its case, in the order a case goes: "back" is an earlier absence
# the register opened and closed by itself.
WORK = (
    "day_one",
    "contacted",
    "unscreened",
    "enquiries",
    "refer_now",
    "referred",
    "closed",
    "with_la",
    "la_enquiries",
    "reviewed",
    "removal",
    "removed",
    "found",
    "back",
)
HANDED = frozenset({"with_la", "la_enquiries", "reviewed", "removal", "removed", "found"})
_SCREENED = HANDED | {"enquiries", "refer_now", "referred"}
_REMOVED = frozenset({"removed", "found"})

SCHOOL_ENQUIRIES = (
    ("phoned_all", "phone", "No reply on any number on record"),
    ("home_visit", "home_visit", "Nobody home; post piling up behind the door"),
    ("staff", "in_person", "Class teacher and TA have heard nothing from the family"),
)
LA_ENQUIRIES = (
    ("la_records", "records", "No new address in housing, council tax or benefits records"),
    ("lost_pupil_database", "records", "No match in the lost pupil database"),
)
_WHERE = {
    "new_school_other_la": (
        Whereabouts(new_school="St Aidan's Primary School", new_la="Westmoor Council"),
        "The new school confirmed the child started there; the family moved in the summer.",
    ),
    "new_school_this_la": (
        Whereabouts(new_school="Fernbridge Community College"),
        "Admissions confirmed the place; the child starts there next week.",
    ),
    "elective_home_education": (
        Whereabouts(),
        "The parents wrote to the school that they are educating the child at home.",
    ),
    "new_school_abroad": (
        Whereabouts(new_address="Wrocław, Poland"),
        "The father phoned: the family has moved back to Poland; the child is at school there.",
    ),
}


@dataclass(frozen=True)
class _Staff:
    officer: Viewer
    dsl: Viewer


@dataclass(frozen=True)
class _Case:
    id: int
    pupil_id: int
    school_id: int
    day_one: date
    story: Story


async def viewers(role: Role, **where: Any) -> list[Viewer]:
    query = Account.select(Account.id).where(Account.role == role.value, Account.active.eq(True))
    for column, value in where.items():
        query = query.where(getattr(Account, column) == value)
    return [await viewer_for_account(int(r["id"])) for r in await query.order_by(Account.id)]


def _school_day(days: Sequence[date], start: date, later: int, today: date) -> date:
    """The school day `later` school days after `start`, but never after today."""
    open_days = [d for d in days if start <= d <= today] or [min(start, today)]
    return open_days[min(later, len(open_days) - 1)]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    # Never in the future: the demo may be loaded before 9 on a school day.
    return min(datetime.combine(day, time(hour, minute), tzinfo=LONDON), clock.utcnow())


async def parent(pupil_id: int) -> tuple[str, str]:
    """Who the school would phone first, and on which number."""
    details = await current_details(pupil_id)
    for contact in sorted(details.contacts if details else (), key=lambda c: c.priority):
        if contact.phones:
            return contact.name, contact.phones[0]
    return "Parent or carer", "The number on the admission form"


async def _school_side(staff: _Staff, case: _Case, days: Sequence[date], today: date) -> None:
    """What the school does: the attendance officer's calls and enquiries, the DSL's screen,
    referral and hand-off, as far as the story goes."""
    work = case.story.work
    who, number = await parent(case.pupil_id)
    await record_contact(
        staff.officer,
        case.id,
        contact=who,
        via=number,
        method="phone",
        outcome="No answer; voicemail left asking the family to ring the school",
        at=_at(min(case.day_one, today), 9, 40),
    )
    run = len([d for d in days if case.day_one <= d <= today])
    enquiries = 0 if work in ("contacted", "closed") else min(run - 1, 1)
    if work in HANDED or work == "referred":
        enquiries = 2
    for n, (kind, method, outcome) in enumerate(SCHOOL_ENQUIRIES[:enquiries]):
        await record_enquiry(
            staff.officer,
            case.id,
            side=Side.SCHOOL,
            enquiry=kind,
            made_on=_school_day(days, case.day_one, n + 1, today),
            who=staff.officer.display_name,
            method=method,
            outcome=outcome,
        )
    if work not in _SCREENED:
        return
    refer = work in ("refer_now", "referred")
    await record_screen(
        staff.dsl,
        case.id,
        # A looked-after child or one on a plan is a must-refer from the record already.
        answers=["serious_attendance"] if refer and not case.story.status else [],
        judgement={"sudden": "yes" if refer else "no", "bullying": "no"},
        notes="Screened on day one after the contact attempt failed.",
    )
    screened = await cases.load_case(case.id)
    if screened.must_refer_pending and work != "refer_now":
        await record_referral(
            staff.dsl,
            case.id,
            agency="both",
            made_on=min(case.day_one, today),
            made_by=staff.dsl.display_name,
            reference=f"MASH-{case.id:05d}",
        )
    if work in HANDED:
        await hand_off(staff.dsl, case.id)


async def _la_side(cme: Viewer, staff: _Staff, case: _Case) -> None:
    """The LA's enquiries and joint review, by the officer who has the case; the hand-off
    was just now, so they are today's."""
    work = case.story.work
    today = clock.today()
    if work not in ("la_enquiries", "reviewed", "removal", *_REMOVED):
        return
    more = work not in ("la_enquiries", "reviewed")
    for kind, method, outcome in LA_ENQUIRIES[: 2 if more else 1]:
        await record_enquiry(
            cme,
            case.id,
            side=Side.LA,
            enquiry=kind,
            made_on=today,
            who=cme.display_name,
            method=method,
            outcome=outcome,
        )
    if work == "la_enquiries":
        return
    await record_joint_review(
        cme,
        case.id,
        held_on=today,
        school_dsl=staff.dsl.display_name,
        cme_officer=cme.display_name,
        decision=ENQUIRIES_FAILED if more else "continue",
        notes="Reviewed the enquiries so far and the child's vulnerability.",
        next_review_on=None if more else today + timedelta(days=14),
    )


async def _ending(cme: Viewer, staff: _Staff, case: _Case) -> None:
    """Removals from roll, the child the LA found again, and cases the DSL closed."""
    work, ended = case.story.work, case.story.ended
    if work in _REMOVED:
        await record_no_sickness_reason(
            staff.dsl,
            case.id,
            confirmed=True,
            note="No medical evidence and no word from the family since day one.",
        )
        await remove_from_roll(staff.dsl, case.id, notes="Whereabouts unknown.")
    if work == "found":
        where, notes = _WHERE[ended]
        await la_found(cme, case.id, outcome=ended, notes=notes, where=where)
    elif work == "closed":
        where, notes = _WHERE[ended]
        await close_case(staff.dsl, case.id, outcome=ended, notes=notes, where=where)


async def _told_cases(school_id: int, today: date) -> list[_Case]:
    """The school's open cases of children with a story, oldest day one first."""
    school = await School.select(School.urn).where(School.id == school_id).first()
    demo = next((s for s in SCHOOLS if school and s.urn == school["urn"]), None)
    if demo is None:
        return []
    year = academic_year(term_ending(today)[0][-1])
    told = stories(demo.urn, school_pupils(demo, year))
    rows = await CaseRow.select(CaseRow.id, CaseRow.pupil, CaseRow.day_one).where(
        CaseRow.school == school_id, CaseRow.status == Status.OPEN.value
    )
    upns = {
        int(p["id"]): p["upn"]
        for p in await Pupil.select(Pupil.id, Pupil.upn).where(Pupil.school == school_id)
    }
    found = [
        _Case(int(r["id"]), int(r["pupil"]), school_id, r["day_one"], told[upn])
        for r in rows
        if (upn := upns.get(int(r["pupil"]))) in told
    ]
    return sorted(found, key=lambda c: (c.day_one, c.id))


async def seed_demo_cases(la_id: int, school_ids: Sequence[int], today: date) -> dict[str, int]:
    """Carry the demo's cases as far as each child's story goes; returns how many cases each
    piece of work (`WORK`) was done on. Call once, after the demo accounts exist."""
    officers = await viewers(Role.CME_OFFICER, la=la_id, school=None)
    staff: dict[int, _Staff] = {}
    for school_id in school_ids:
        attendance = await viewers(Role.ATTENDANCE_OFFICER, school=school_id)
        dsl = await viewers(Role.DSL, school=school_id)
        if attendance and dsl:
            staff[school_id] = _Staff(attendance[0], dsl[0])
    if not officers or not staff:
        return {}
    ids = [s for s in school_ids if s in staff]
    # The past year's cases handed over are all closed: an open one is this term's.
    carried_on = CaseRow.exists().where(
        CaseRow.school.is_in(ids),
        CaseRow.handed_to_la_at.is_not_null(),
        CaseRow.status == Status.OPEN.value,
    )
    if await carried_on:
        return {}  # already done: the demo is seeded once
    told: list[_Case] = []
    for school_id in ids:
        found = await _told_cases(school_id, today)
        pupils = {c.pupil_id for c in found}
        days = (await school_context(school_id, today, pupils)).days
        for case in found:
            if case.story.work not in ("day_one", "back"):
                await _school_side(staff[case.school_id], case, days, today)
        told += found
    # The first officer shares out what the schools handed over, keeping some; the rest wait
    # as new hand-offs on both officers' task lists.
    share: dict[int, Viewer] = {}
    for n, officer in enumerate(officers, start=1):
        mine = [c.id for c in told if c.story.work in HANDED and c.story.officer == n]
        if mine:
            await case_assign.assign(officers[0], mine, officer.user_id)
            share.update(dict.fromkeys(mine, officer))
    for case in told:
        cme = share.get(case.id, officers[0])
        await _la_side(cme, staff[case.school_id], case)
        await _ending(cme, staff[case.school_id], case)
    done: dict[str, int] = {}
    for case in told:
        done[case.story.work] = done.get(case.story.work, 0) + 1
    return done
