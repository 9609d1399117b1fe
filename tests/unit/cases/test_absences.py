"""Cases opening and closing on register histories (issue 8 §2)."""

from datetime import date

from cme.cases.absences import Ending, Reason, current_absence
from cme.cases.opening import CloseCase, KnownCase, MoveDayOne, OpenCase, ReopenCase, reconcile
from cme.leave import Leave
from cme.policy import Policy
from tests.unit.cases.helpers import register, weekdays

DAYS = weekdays(date(2026, 9, 7), date(2026, 11, 20))
POLICY = Policy()


def day(n: int) -> date:
    """The n-th school day from 7 Sept 2026 (1-based)."""
    return DAYS[n - 1]


def upto(n: int) -> list[date]:
    return DAYS[:n]


def story(**codes: str) -> dict[date, str]:
    return {day(int(k[1:])): v for k, v in codes.items()}


def test_day_one_is_the_first_day_with_no_session_in_school_and_an_n_or_o():
    marks = register(story(d5="N", d6="O"), days=upto(6))
    absence = current_absence(marks, upto(6), day(6), POLICY)
    assert absence is not None
    assert (absence.reason, absence.day_one, absence.days_missing) == (
        Reason.UNEXPLAINED,
        day(5),
        2,
    )


def test_a_child_in_school_for_one_session_has_no_case_but_the_next_full_absence_does():
    marks = register(story(d5="/ N", d6="N"), days=upto(6))
    absence = current_absence(marks, upto(6), day(6), POLICY)
    assert absence is not None and absence.day_one == day(6)
    only_part_day = register(story(d5="/ N"), days=upto(5))
    assert current_absence(only_part_day, upto(5), day(5), POLICY) is None


def test_n_in_one_session_and_illness_in_the_other_opens_a_case():
    marks = register(story(d3="N I"), days=upto(3))
    absence = current_absence(marks, upto(3), day(3), POLICY)
    assert absence is not None and absence.day_one == day(3)


def test_an_unauthorised_holiday_opens_a_case_when_it_reaches_ten_days_back_dated():
    codes = {f"d{n}": "G" for n in range(3, 12)}
    nine = register(story(**codes), days=upto(11))
    assert current_absence(nine, upto(11), day(11), POLICY) is None
    ten = register(story(**codes, d12="G"), days=upto(12))
    absence = current_absence(ten, upto(12), day(12), POLICY)
    assert absence is not None
    assert (absence.reason, absence.day_one, absence.clock_start) == (
        Reason.HOLIDAY_RUN,
        day(3),
        day(12),
    )
    assert absence.days_missing == 10


def test_holiday_threshold_is_the_las():
    codes = {f"d{n}": "G" for n in range(3, 8)}
    marks = register(story(**codes), days=upto(7))
    absence = current_absence(marks, upto(7), day(7), Policy(continuous_absence_school_days=5))
    assert absence is not None and absence.reason is Reason.HOLIDAY_RUN


def test_weekends_closures_and_missing_marks_neither_count_nor_end_the_absence():
    # "-" is a session the register left empty.
    marks = register(story(d5="N", d6="#", d7="-", d8="N"), days=upto(4))
    absence = current_absence(marks, upto(8), day(8), POLICY)
    assert absence is not None and absence.day_one == day(5)
    assert absence.days_missing == 2


def test_leave_not_returned_starts_the_clock_on_the_expected_return_date():
    leave = Leave(1, day(3), day(8), "family funeral abroad")
    codes = {f"d{n}": "C" for n in range(3, 8)} | {"d8": "C", "d9": "G"}
    marks = register(story(**codes), days=upto(9))
    absence = current_absence(marks, upto(9), day(9), POLICY, [leave])
    assert absence is not None
    assert (absence.reason, absence.day_one, absence.clock_start) == (
        Reason.NOT_RETURNED,
        day(8),
        day(8),
    )
    came_back = register(story(**codes, d10="/"), days=upto(10))
    assert current_absence(came_back, upto(10), day(10), POLICY, [leave]) is None


def test_a_returned_child_closes_the_case_on_the_day_they_came_back():
    marks = register(story(d5="N", d6="N", d7="/ L"), days=upto(7))
    case = KnownCase(1, "open", Reason.UNEXPLAINED, day(5), day(5))
    assert reconcile([case], marks, upto(7), day(7), POLICY) == [
        CloseCase(1, Ending.RETURNED, day(7))
    ]


def test_attending_elsewhere_or_at_the_dual_school_counts_as_returned():
    for code in ("K", "D"):
        marks = register(story(d5="N", d6=code), days=upto(6))
        case = KnownCase(1, "open", Reason.UNEXPLAINED, day(5), day(5))
        assert reconcile([case], marks, upto(6), day(6), POLICY) == [
            CloseCase(1, Ending.RETURNED, day(6))
        ]


def test_an_explained_day_closes_the_case_as_absence_explained():
    marks = register(story(d5="N", d6="I"), days=upto(6))
    case = KnownCase(1, "open", Reason.UNEXPLAINED, day(5), day(5))
    assert reconcile([case], marks, upto(6), day(6), POLICY) == [
        CloseCase(1, Ending.EXPLAINED, day(6))
    ]


def test_a_correction_that_clears_day_one_closes_the_case_and_a_later_n_opens_a_new_one():
    # Day one's N became I (ill), but the next day is still N.
    marks = register(story(d5="I", d6="N"), days=upto(6))
    case = KnownCase(1, "open", Reason.UNEXPLAINED, day(5), day(5))
    changes = reconcile([case], marks, upto(6), day(6), POLICY)
    assert changes[0] == CloseCase(1, Ending.EXPLAINED, day(5))
    assert isinstance(changes[1], OpenCase)
    assert changes[1].absence.day_one == day(6) and changes[1].previous == 1


def test_a_correction_to_the_only_day_closes_the_case():
    marks = register(story(d5="M"), days=upto(6))
    case = KnownCase(1, "open", Reason.UNEXPLAINED, day(5), day(5))
    assert reconcile([case], marks, upto(6), day(6), POLICY) == [
        CloseCase(1, Ending.EXPLAINED, day(5))
    ]


def test_an_earlier_n_found_by_a_correction_moves_day_one_back():
    marks = register(story(d3="N", d4="N", d5="N"), days=upto(5))
    case = KnownCase(1, "open", Reason.UNEXPLAINED, day(4), day(4))
    [change] = reconcile([case], marks, upto(5), day(5), POLICY)
    assert isinstance(change, MoveDayOne) and change.absence.day_one == day(3)


def test_a_missed_day_is_back_dated_to_the_true_day_one():
    codes = {f"d{n}": "N" for n in range(5, 15)}
    marks = register(story(**codes), days=upto(14))
    [change] = reconcile([], marks, upto(14), day(14), POLICY)
    assert isinstance(change, OpenCase)
    assert change.absence.day_one == day(5) and change.absence.days_missing == 10


def test_reconciling_its_own_result_changes_nothing():
    marks = register(story(d5="N", d6="N"), days=upto(6))
    case = KnownCase(1, "open", Reason.UNEXPLAINED, day(5), day(5))
    assert reconcile([case], marks, upto(6), day(6), POLICY) == []


def test_a_later_absence_opens_a_new_case_linked_to_the_earlier():
    marks = register(story(d5="N", d6="/", d9="O"), days=upto(9))
    closed = KnownCase(1, "closed", Reason.UNEXPLAINED, day(5), day(5), ended_on=day(6))
    [change] = reconcile([closed], marks, upto(9), day(9), POLICY)
    assert isinstance(change, OpenCase)
    assert change.absence.day_one == day(9) and change.previous == 1


def test_a_case_closed_by_a_person_is_not_reopened_by_the_same_absence():
    codes = {f"d{n}": "N" for n in range(5, 12)}
    marks = register(story(**codes), days=upto(11))
    closed = KnownCase(1, "closed", Reason.UNEXPLAINED, day(5), day(5), ended_on=day(8))
    assert reconcile([closed], marks, upto(11), day(11), POLICY) == []
    removed = KnownCase(2, "removed", Reason.UNEXPLAINED, day(5), day(5), ended_on=day(9))
    assert reconcile([removed], marks, upto(11), day(11), POLICY) == []


def test_a_case_closed_by_a_mistaken_present_mark_reopens_when_the_mark_is_corrected():
    # Tue was imported as present by mistake; the corrected import shows the child away.
    codes = {f"d{n}": "N" for n in range(5, 10)}
    marks = register(story(**codes), days=upto(9))
    closed = KnownCase(
        1,
        "closed",
        Reason.UNEXPLAINED,
        day(5),
        day(5),
        ended_on=day(6),
        outcome="returned",
        by_register=True,
    )
    [change] = reconcile([closed], marks, upto(9), day(9), POLICY)
    assert isinstance(change, ReopenCase) and change.absence.day_one == day(5)


def test_n_recoded_as_g_that_runs_on_to_ten_days_opens_the_case_again_as_a_holiday():
    # Mon's N became G (a holiday): the case closed; when the G run reaches ten school days,
    # the same case opens again, now about the holiday, with what was recorded on it.
    codes = {f"d{n}": "G" for n in range(5, 15)}
    marks = register(story(**codes), days=upto(14))
    closed = KnownCase(
        1,
        "closed",
        Reason.UNEXPLAINED,
        day(5),
        day(5),
        ended_on=day(6),
        outcome="absence_explained",
        by_register=True,
    )
    changes = reconcile([closed], marks, upto(14), day(14), POLICY)
    assert [type(c) for c in changes] == [ReopenCase]
    assert changes[0].absence.reason is Reason.HOLIDAY_RUN
    assert changes[0].absence.day_one == day(5)


def test_the_explained_fallback_close_is_never_on_or_after_a_new_absence():
    # Leave ended on d8 but the child never came back; the leave was then withdrawn and the
    # register shows N from d9.
    codes = {"d8": "C"} | {f"d{n}": "N" for n in range(9, 12)}
    marks = register(story(**codes), days=upto(11))
    case = KnownCase(1, "open", Reason.NOT_RETURNED, day(8), day(8))
    changes = reconcile([case], marks, upto(11), day(11), POLICY)
    close = next(c for c in changes if isinstance(c, CloseCase))
    opened = next(c for c in changes if isinstance(c, OpenCase))
    assert close.on < opened.absence.day_one == day(9)


def test_a_sweep_for_an_earlier_day_changes_nothing_a_later_look_decided():
    codes = {f"d{n}": "N" for n in range(7, 10)}
    marks = register(story(**codes), days=upto(9))
    case = KnownCase(1, "open", Reason.UNEXPLAINED, day(7), day(7))
    assert reconcile([case], marks, upto(9), day(5), POLICY) == []
    closed = KnownCase(2, "closed", Reason.UNEXPLAINED, day(3), day(3), ended_on=day(8))
    assert reconcile([closed], marks, upto(9), day(5), POLICY) == []


def test_a_person_closing_as_returned_covers_only_up_to_that_day():
    codes = {f"d{n}": "N" for n in range(3, 16)}
    marks = register(story(**codes), days=upto(15))
    closed = KnownCase(
        1, "closed", Reason.UNEXPLAINED, day(3), day(3), ended_on=day(5), outcome="returned"
    )
    [change] = reconcile([closed], marks, upto(15), day(15), POLICY)
    assert isinstance(change, OpenCase) and change.absence.day_one == day(6)
    located = KnownCase(
        1,
        "closed",
        Reason.UNEXPLAINED,
        day(3),
        day(3),
        ended_on=day(5),
        outcome="new_school_other_la",
    )
    assert reconcile([located], marks, upto(15), day(15), POLICY) == []


def test_absences_begun_and_over_since_the_last_look_open_and_close_at_once():
    # Weekly imports: N on d6 and back on d7; N on d9, still away on d10.
    marks = register(story(d6="N", d7="/", d9="N", d10="N"), days=upto(10))
    changes = reconcile([], marks, upto(10), day(10), POLICY, since=day(5))
    first, current = changes
    assert isinstance(first, OpenCase) and first.absence.day_one == day(6)
    assert first.ended == (Ending.RETURNED, day(7))
    assert isinstance(current, OpenCase) and current.ended is None
    assert current.absence.day_one == day(9)
    # Never looked before: only the absence going on now.
    assert len(reconcile([], marks, upto(10), day(10), POLICY)) == 1
