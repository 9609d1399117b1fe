"""The statutory clock in school days, and the removal gate."""

from datetime import UTC, date, datetime

import pytest

from cme.cases.absences import Reason
from cme.cases.calendar import SchoolCalendar
from cme.cases.case import ENQUIRIES_FAILED, Case, Event, EventKind, Stage, Status
from cme.cases.clock import Step
from cme.policy import Policy
from tests.unit.cases.helpers import weekdays

# Register to Fri 16 Oct 2026; half term 26-30 Oct; the school's INSET day 2 Nov.
TERMS = [(date(2026, 9, 2), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18))]
CAL = SchoolCalendar.of(
    weekdays(date(2026, 9, 7), date(2026, 10, 16)), TERMS, closures=[date(2026, 11, 2)]
)
POLICY = Policy()
NOON = datetime(2026, 10, 20, 12, tzinfo=UTC)


def event(n: int, event_kind: EventKind, **detail) -> Event:
    return Event(n, event_kind, NOON, "Someone", detail)


def case(day_one: date, *events: Event, handed: datetime | None = None, **kw) -> Case:
    return Case(
        id=1,
        pupil_id=1,
        school_id=1,
        la_id=1,
        status=kw.pop("status", Status.OPEN),
        reason=kw.pop("reason", Reason.UNEXPLAINED),
        day_one=day_one,
        clock_start=kw.pop("clock_start", day_one),
        handed_to_la_at=handed,
        events=events,
        **kw,
    )


def dues(c: Case, on: date, n_days=()) -> dict[Step, tuple[date, bool, bool]]:
    return {d.step: (d.due_on, d.done, d.overdue) for d in c.due(on, CAL, POLICY, n_days)}


def test_day_one_steps_are_due_on_day_one_and_overdue_the_next_school_day():
    c = case(date(2026, 10, 15))  # a Thursday
    found = dues(c, date(2026, 10, 16), n_days=[date(2026, 10, 15)])
    assert found[Step.CONTACT_PARENTS] == (date(2026, 10, 15), False, True)
    assert found[Step.VULNERABILITY_SCREEN] == (date(2026, 10, 15), False, True)
    # Day 3 counts Thu, Fri, then Monday: the weekend is not school days.
    assert found[Step.NOTIFY_LA] == (date(2026, 10, 19), False, False)


def test_replace_n_is_due_five_school_days_after_the_oldest_n():
    c = case(date(2026, 10, 15))
    found = dues(c, date(2026, 10, 16), n_days=[date(2026, 10, 15)])
    assert found[Step.REPLACE_N][0] == date(2026, 10, 22)
    replaced = dues(c, date(2026, 10, 16), n_days=[])
    assert replaced[Step.REPLACE_N][1] is True


def test_future_due_dates_are_projected_over_half_term_and_closures():
    c = case(date(2026, 10, 14))
    found = dues(c, date(2026, 10, 16))
    # Day 10: 14,15,16 (register), 19-23 projected (5), then half term and the INSET day
    # on 2 Nov are skipped: 3 and 4 Nov.
    assert found[Step.CME_REFERRAL][0] == date(2026, 11, 4)
    assert found[Step.REMOVAL_DECISION][0] == date(2026, 11, 18)


def test_holiday_run_clock_starts_when_the_run_reached_ten_days():
    c = case(
        date(2026, 9, 21),
        reason=Reason.HOLIDAY_RUN,
        clock_start=date(2026, 10, 2),
    )
    found = dues(c, date(2026, 10, 5))
    assert found[Step.CONTACT_PARENTS][0] == date(2026, 10, 2)
    assert found[Step.CME_REFERRAL][0] == date(2026, 10, 2)
    assert Step.REPLACE_N not in found


def test_recorded_steps_are_done_and_joint_reviews_fall_due_every_ten_school_days():
    c = case(
        date(2026, 9, 14),
        event(1, EventKind.CONTACT_ATTEMPT),
        event(2, EventKind.SCREEN, must_refer=[]),
        event(3, EventKind.JOINT_REVIEW, held_on="2026-10-05", next_review_on="2026-10-09"),
        handed=datetime(2026, 9, 28, 10, tzinfo=UTC),
    )
    found = dues(c, date(2026, 10, 12))
    assert found[Step.CONTACT_PARENTS][1] and found[Step.VULNERABILITY_SCREEN][1]
    assert found[Step.NOTIFY_LA][1] and found[Step.CME_REFERRAL][1]
    assert found[Step.JOINT_REVIEW] == (date(2026, 10, 9), False, True)


def test_a_closed_case_has_nothing_overdue():
    c = case(date(2026, 9, 14), status=Status.CLOSED, closed_on=date(2026, 9, 16))
    assert not any(d.overdue for d in c.due(date(2026, 10, 16), CAL, POLICY))


FULL = (
    event(1, EventKind.ENQUIRY, side="school", kind="home_visit"),
    event(2, EventKind.ENQUIRY, side="la", kind="police"),
    event(3, EventKind.JOINT_REVIEW, held_on="2026-10-12", decision=ENQUIRIES_FAILED),
    event(4, EventKind.NO_SICKNESS_REASON, confirmed=True),
)
HANDED = datetime(2026, 9, 28, 10, tzinfo=UTC)


def test_removal_is_allowed_when_every_condition_holds():
    removal = case(date(2026, 9, 14), *FULL, handed=HANDED).removal(20, POLICY)
    assert removal.allowed and removal.blocked_by == []


@pytest.mark.parametrize(
    ("events", "run", "handed", "names"),
    [
        (FULL, 19, HANDED, "absent 19 school days"),
        (FULL[1:], 20, HANDED, "enquiries by the school"),
        ((FULL[0], *FULL[2:]), 20, HANDED, "enquiries by the LA"),
        ((*FULL[:2], FULL[3]), 20, HANDED, "joint review"),
        (FULL[:3], 20, HANDED, "sickness or an unavoidable cause"),
        (FULL, 20, None, "handed to the LA"),
    ],
)
def test_each_missing_condition_refuses_removal_and_is_named(events, run, handed, names):
    removal = case(date(2026, 9, 14), *events, handed=handed).removal(run, POLICY)
    assert not removal.allowed
    assert len(removal.blocked_by) == 1
    assert names in removal.blocked_by[0]


def test_a_joint_review_that_decided_to_continue_does_not_open_the_gate():
    events = (*FULL[:2], event(3, EventKind.JOINT_REVIEW, decision="continue"), FULL[3])
    removal = case(date(2026, 9, 14), *events, handed=HANDED).removal(25, POLICY)
    assert not removal.allowed


def test_nothing_recorded_names_every_missing_condition():
    removal = case(date(2026, 9, 14)).removal(3, POLICY)
    assert len(removal.blocked_by) == 6


def test_stages_follow_what_is_recorded():
    assert case(date(2026, 9, 14)).stage(1, POLICY) is Stage.DAY_ONE
    refer = case(date(2026, 9, 14), event(1, EventKind.SCREEN, must_refer=["looked_after"]))
    assert refer.stage(1, POLICY) is Stage.REFER_NOW and refer.must_refer_pending
    referred = case(
        date(2026, 9, 14),
        event(1, EventKind.SCREEN, must_refer=["looked_after"]),
        event(2, EventKind.REFERRAL, agency="police"),
    )
    assert referred.stage(1, POLICY) is Stage.SCHOOL_ENQUIRIES
    with_la = case(date(2026, 9, 14), handed=HANDED)
    assert with_la.stage(5, POLICY) is Stage.WITH_LA
    assert with_la.stage(20, POLICY) is Stage.REMOVAL_MAY_BE_CONSIDERED
    removed = case(date(2026, 9, 14), status=Status.REMOVED)
    assert removed.stage(20, POLICY) is Stage.MISSING_EDUCATION and removed.on_cme_list


def test_a_later_review_that_goes_on_looking_closes_the_gate_again():
    events = (*FULL, event(5, EventKind.JOINT_REVIEW, decision="continue"))
    removal = case(date(2026, 9, 14), *events, handed=HANDED).removal(25, POLICY)
    assert not removal.allowed
    assert any("joint review" in reason for reason in removal.blocked_by)


def test_a_case_as_it_stood_on_an_earlier_day():
    later = Event(9, EventKind.CONTACT_ATTEMPT, datetime(2026, 10, 21, 9, tzinfo=UTC), "A")
    c = case(
        date(2026, 10, 15),
        later,
        status=Status.CLOSED,
        closed_on=date(2026, 10, 22),
        outcome="returned",
    )
    then = c.as_of(date(2026, 10, 19))
    assert then.is_open and then.outcome is None and then.events == ()
    found = dues(then, date(2026, 10, 19))
    assert found[Step.CONTACT_PARENTS] == (date(2026, 10, 15), False, True)
    assert c.as_of(date(2026, 10, 23)) is c
