from datetime import date

from cme.cases.calendar import SchoolCalendar
from tests.unit.cases.helpers import weekdays

# Autumn 2026: term to 23 Oct, half term 26-30 Oct, back 2 Nov.
TERMS = [(date(2026, 9, 2), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18))]


def test_register_days_decide_the_past_and_weekends_do_not_count():
    register = weekdays(date(2026, 9, 7), date(2026, 9, 18), skip={date(2026, 9, 11)})
    cal = SchoolCalendar.of(register, TERMS)
    assert not cal.is_school_day(date(2026, 9, 11))  # a closure the register shows
    assert not cal.is_school_day(date(2026, 9, 12))  # Saturday
    assert cal.nth_school_day(date(2026, 9, 10), 2) == date(2026, 9, 14)
    assert cal.school_days_between(date(2026, 9, 7), date(2026, 9, 18)) == 9


def test_projected_days_skip_half_term_and_recorded_closures():
    register = weekdays(date(2026, 10, 12), date(2026, 10, 21))
    cal = SchoolCalendar.of(register, TERMS, closures=[date(2026, 11, 2)])
    # 22 and 23 Oct are projected; half term and the INSET day on 2 Nov are not school days.
    assert cal.nth_school_day(date(2026, 10, 21), 3) == date(2026, 10, 23)
    assert cal.nth_school_day(date(2026, 10, 21), 4) == date(2026, 11, 3)
    assert cal.school_days_after(date(2026, 10, 23), 1) == date(2026, 11, 3)


def test_without_terms_every_weekday_after_the_register_is_projected():
    cal = SchoolCalendar.of(weekdays(date(2026, 10, 12), date(2026, 10, 16)))
    assert cal.nth_school_day(date(2026, 10, 16), 2) == date(2026, 10, 19)
    assert cal.is_school_day(date(2026, 10, 28))


def test_after_the_last_term_entered_weekdays_are_projected():
    cal = SchoolCalendar.of([], TERMS)
    assert cal.is_school_day(date(2027, 1, 5))
    assert not cal.is_school_day(date(2026, 10, 28))
