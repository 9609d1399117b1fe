"""Term dates: plausible demo terms, and what an administrator may type."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from cme.errors import InvalidField
from cme.leave import Leave, check_leave, overlapping_leave
from cme.terms import (
    Term,
    by_academic_year,
    check_term,
    demo_terms,
    overlapping,
    typed_date,
    weekdays_between,
)


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026, 2027, 2030])
def test_demo_terms_are_six_plausible_half_terms(year: int) -> None:
    terms = demo_terms(year)
    assert len(terms) == 6
    assert [n.split()[0] for n, _, _ in terms] == ["Autumn"] * 2 + ["Spring"] * 2 + ["Summer"] * 2
    for name, first, last in terms:
        assert first <= last, name
        assert first.weekday() < 5 and last.weekday() < 5, f"{name} starts and ends on weekdays"
        check_term(name, first, last)
    for (_, _, end), (_, start, _) in itertools.pairwise(terms):
        assert end < start, "no overlaps"
        assert (start - end).days >= 3, "a holiday (at least a weekend) between terms"
    first, last = terms[0][1], terms[-1][2]
    assert first.month == 9 and first.day <= 7, "starts in the first week of September"
    assert last.month == 7 and 14 <= last.day <= 24, "ends around the third week of July"
    school_days = sum(weekdays_between(a, b) for _, a, b in terms)
    assert 185 <= school_days <= 200, school_days


def test_demo_holidays_fall_where_english_ones_do() -> None:
    terms = demo_terms(2026)
    in_term = {
        d
        for _, a, b in terms
        for d in (date.fromordinal(n) for n in range(a.toordinal(), b.toordinal() + 1))
    }
    assert date(2026, 10, 28) not in in_term, "October half term"
    assert date(2026, 12, 25) not in in_term and date(2027, 1, 1) not in in_term
    assert date(2027, 2, 17) not in in_term, "February half term"
    assert date(2027, 4, 1) not in in_term, "Easter"
    assert date(2027, 5, 31) not in in_term or date(2027, 5, 28) not in in_term, "May half term"
    assert date(2026, 11, 10) in in_term and date(2027, 3, 10) in in_term


def test_weekdays_between() -> None:
    assert weekdays_between(date(2026, 11, 2), date(2026, 11, 8)) == 5
    assert weekdays_between(date(2026, 11, 7), date(2026, 11, 8)) == 0
    assert weekdays_between(date(2026, 11, 6), date(2026, 11, 9)) == 2
    assert weekdays_between(date(2026, 11, 9), date(2026, 11, 6)) == 0


def test_dates_typed_either_way_and_mistakes_in_words() -> None:
    assert typed_date("3/9/2026", "First day") == date(2026, 9, 3)
    assert typed_date(" 2026-09-03 ", "First day") == date(2026, 9, 3)
    with pytest.raises(InvalidField, match="Enter the first day") as empty:
        typed_date("", "First day")
    assert empty.value.field == "First day"
    with pytest.raises(InvalidField, match="is not a date"):
        typed_date("31/02/2026", "Last day")
    with pytest.raises(InvalidField, match="not a year"):
        typed_date("03/09/1926", "Last day")


def test_a_term_is_named_ends_after_it_starts_and_is_not_a_whole_year() -> None:
    assert check_term("  Autumn   1 ", date(2026, 9, 3), date(2026, 10, 23)) == "Autumn 1"
    with pytest.raises(InvalidField, match="Enter a name"):
        check_term(" ", date(2026, 9, 3), date(2026, 10, 23))
    with pytest.raises(InvalidField, match="before the first day") as wrong_way:
        check_term("Autumn 1", date(2026, 10, 23), date(2026, 9, 3))
    assert wrong_way.value.field == "Last day"
    with pytest.raises(InvalidField, match="at most 20 weeks"):
        check_term("Autumn 1", date(2026, 9, 3), date(2027, 7, 22))
    assert check_term("One day", date(2026, 9, 3), date(2026, 9, 3)) == "One day"


def test_overlap_and_grouping_by_academic_year() -> None:
    terms = [
        Term(1, "Autumn 1", date(2026, 9, 3), date(2026, 10, 23)),
        Term(2, "Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
    ]
    assert overlapping(date(2026, 10, 23), date(2026, 10, 30), terms) == terms[0]
    assert overlapping(date(2026, 10, 24), date(2026, 11, 1), terms) is None
    assert overlapping(date(2026, 1, 1), date(2026, 12, 31), terms) == terms[1]
    groups = by_academic_year(terms)
    assert [(y, [t.id for t in g]) for y, g in groups] == [(2025, [2]), (2026, [1])]


def test_leave_returns_on_or_after_it_starts_with_a_reason() -> None:
    assert check_leave(date(2026, 11, 2), date(2026, 11, 2), " funeral ") == "funeral"
    with pytest.raises(InvalidField, match="before the leave starts") as early:
        check_leave(date(2026, 11, 9), date(2026, 11, 2), "funeral")
    assert early.value.field == "Expected return date"
    with pytest.raises(InvalidField, match="Enter the reason"):
        check_leave(date(2026, 11, 2), date(2026, 11, 9), "  ")
    held = [Leave(1, date(2026, 11, 2), date(2026, 11, 13), "funeral")]
    assert overlapping_leave(date(2026, 11, 13), date(2026, 11, 20), held) == held[0]
    assert overlapping_leave(date(2026, 11, 14), date(2026, 11, 20), held) is None
