"""The partnership's measures as plain rules (cme.measures): the periods figures are read over
and the buckets a trend is drawn in, the facts kept from a register for each day with an
unexplained session, how a spread is summarised and small numbers suppressed, and how a
breakdown's groups are named and ordered. Every expected value is worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from cme.marks import BY_CODE, CLOSED, MISSING, NO_DATA
from cme.measures.absence_days import AbsenceDay, absence_days
from cme.measures.figures import (
    NOT_KNOWN,
    NOT_LINKED,
    SUPPRESSED,
    Dimension,
    Figures,
    Spread,
    postcode_district,
    quantile,
    rate,
    suppressed,
)
from cme.measures.periods import (
    Grain,
    Period,
    academic_year_to_date,
    buckets,
    monday,
    same_term_last_year,
    school_terms,
    term_for_key,
    term_key,
    whole_academic_year,
)
from cme.storage.measures.dashboard import _order, group_label
from cme.timeline import Session, apply, blank_year, position

# --- periods -------------------------------------------------------------------------------


def test_academic_year_to_date_runs_from_1_september_to_the_day() -> None:
    autumn = academic_year_to_date(date(2024, 11, 23))
    assert (autumn.first, autumn.last) == (date(2024, 9, 1), date(2024, 11, 23))
    assert autumn.name == "Academic year 2024/25 so far"
    assert autumn.label == "Academic year 2024/25 so far (1 Sep 2024 to 23 Nov 2024)"
    # August still belongs to the year that began the September before.
    august = academic_year_to_date(date(2025, 8, 31))
    assert (august.first, august.last) == (date(2024, 9, 1), date(2025, 8, 31))
    first_day = academic_year_to_date(date(2025, 9, 1))
    assert (first_day.first, first_day.last) == (date(2025, 9, 1), date(2025, 9, 1))
    whole = whole_academic_year(2024)
    assert (whole.first, whole.last, whole.name) == (
        date(2024, 9, 1),
        date(2025, 8, 31),
        "Academic year 2024/25",
    )


def test_a_period_contains_both_its_ends_and_never_ends_before_it_starts() -> None:
    october = Period(date(2024, 10, 1), date(2024, 10, 31))
    assert october.contains(date(2024, 10, 1)) and october.contains(date(2024, 10, 31))
    assert not october.contains(date(2024, 9, 30)) and not october.contains(date(2024, 11, 1))
    assert october.label == "1 Oct 2024 to 31 Oct 2024"
    Period(date(2024, 10, 1), date(2024, 10, 1))  # one day is a period
    with pytest.raises(ValueError):
        Period(date(2024, 10, 2), date(2024, 10, 1))


def test_weeks_run_monday_to_sunday_and_are_cut_to_the_period() -> None:
    # Tue 1 Oct to Thu 31 Oct 2024: the first and last weeks are cut.
    weeks = buckets(Period(date(2024, 10, 1), date(2024, 10, 31)), Grain.WEEK)
    assert [(w.first, w.last, w.name) for w in weeks] == [
        (date(2024, 10, 1), date(2024, 10, 6), "w/c 30 Sep"),
        (date(2024, 10, 7), date(2024, 10, 13), "w/c 7 Oct"),
        (date(2024, 10, 14), date(2024, 10, 20), "w/c 14 Oct"),
        (date(2024, 10, 21), date(2024, 10, 27), "w/c 21 Oct"),
        (date(2024, 10, 28), date(2024, 10, 31), "w/c 28 Oct"),
    ]
    # A Sunday alone is one week, named by its Monday.
    sunday = buckets(Period(date(2024, 10, 6), date(2024, 10, 6)), Grain.WEEK)
    assert [(w.first, w.last, w.name) for w in sunday] == [
        (date(2024, 10, 6), date(2024, 10, 6), "w/c 30 Sep")
    ]
    assert monday(date(2024, 10, 6)) == date(2024, 9, 30)
    assert monday(date(2024, 9, 30)) == date(2024, 9, 30)


def test_months_are_calendar_months_cut_to_the_period() -> None:
    months = buckets(Period(date(2024, 9, 15), date(2024, 11, 10)), Grain.MONTH)
    assert [(m.first, m.last, m.name) for m in months] == [
        (date(2024, 9, 15), date(2024, 9, 30), "Sep 2024"),
        (date(2024, 10, 1), date(2024, 10, 31), "Oct 2024"),
        (date(2024, 11, 1), date(2024, 11, 10), "Nov 2024"),
    ]
    # Across the new year and a leap February.
    winter = buckets(Period(date(2023, 12, 1), date(2024, 3, 1)), Grain.MONTH)
    assert [(m.first, m.last) for m in winter] == [
        (date(2023, 12, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 1)),
    ]


def test_school_terms_by_the_months_when_the_la_has_no_term_dates() -> None:
    terms = school_terms(2024)
    assert [(t.first, t.last, t.name) for t in terms] == [
        (date(2024, 9, 1), date(2024, 12, 31), "Autumn term 2024/25"),
        (date(2025, 1, 1), date(2025, 3, 31), "Spring term 2024/25"),
        (date(2025, 4, 1), date(2025, 8, 31), "Summer term 2024/25"),
    ]


# An LA's 2024/25 terms with their half terms, out of order, and one term of another year.
LA_TERMS = [
    (date(2025, 2, 24), date(2025, 4, 4)),  # Spring 2
    (date(2024, 9, 4), date(2024, 10, 25)),  # Autumn 1
    (date(2024, 11, 4), date(2024, 12, 20)),  # Autumn 2
    (date(2025, 1, 6), date(2025, 2, 14)),  # Spring 1
    (date(2025, 4, 22), date(2025, 5, 23)),  # Summer 1
    (date(2025, 6, 2), date(2025, 7, 22)),  # Summer 2
    (date(2025, 9, 3), date(2025, 10, 24)),  # Autumn 1 of 2025/26: not this year's
]


def test_school_terms_by_the_las_dates_join_half_terms() -> None:
    terms = school_terms(2024, LA_TERMS)
    assert [(t.first, t.last, t.name) for t in terms] == [
        (date(2024, 9, 4), date(2024, 12, 20), "Autumn term 2024/25"),
        (date(2025, 1, 6), date(2025, 4, 4), "Spring term 2024/25"),
        (date(2025, 4, 22), date(2025, 7, 22), "Summer term 2024/25"),
    ]
    # Only one term entered: the others by the months.
    partly = school_terms(2024, [(date(2025, 1, 6), date(2025, 3, 28))])
    assert [(t.first, t.last) for t in partly] == [
        (date(2024, 9, 1), date(2024, 12, 31)),
        (date(2025, 1, 6), date(2025, 3, 28)),
        (date(2025, 4, 1), date(2025, 8, 31)),
    ]


def test_same_term_last_year_by_the_las_dates_for_that_year() -> None:
    earlier = [
        (date(2023, 9, 5), date(2023, 10, 27)),
        (date(2023, 11, 6), date(2023, 12, 19)),
    ]
    autumn = school_terms(2024, LA_TERMS)[0]
    before = same_term_last_year(autumn, LA_TERMS + earlier)
    assert (before.first, before.last, before.name) == (
        date(2023, 9, 5),
        date(2023, 12, 19),
        "Autumn term 2023/24",
    )
    # No LA dates at all: last year's months.
    spring = school_terms(2024)[1]
    assert (same_term_last_year(spring).first, same_term_last_year(spring).last) == (
        date(2024, 1, 1),
        date(2024, 3, 31),
    )


def test_same_term_last_year_without_the_las_dates_for_that_year_is_the_same_dates() -> None:
    # The docstring's rule: by the LA's dates for last year if it has them, "else the same
    # dates a year before". The LA has entered 2024/25 only: last autumn is 4 Sep to
    # 20 Dec 2023, not 1 Sep to 31 Dec (a longer span would not compare like with like).
    autumn = school_terms(2024, LA_TERMS)[0]
    before = same_term_last_year(autumn, LA_TERMS)
    assert (before.first, before.last) == (date(2023, 9, 4), date(2023, 12, 20))


def test_term_keys_name_a_term_in_an_address() -> None:
    spring = school_terms(2024, LA_TERMS)[1]
    assert term_key(spring) == "2024-spring"
    found = term_for_key("2024-spring", LA_TERMS)
    assert found is not None and (found.first, found.last) == (date(2025, 1, 6), date(2025, 4, 4))
    wide_digits = "\uff12\uff10\uff12\uff14-autumn"  # digits, but not ASCII ones
    for bad in ("", "2024", "2024-winter", "24-autumn", wide_digits, "abcd-autumn"):
        assert term_for_key(bad) is None, bad
    # Only the years 2000 to 2099: year 0 has no date, year 1 no year before it to compare.
    for outside in ("0000-autumn", "0001-autumn", "1999-summer", "2100-autumn", "9999-summer"):
        assert term_for_key(outside) is None, outside
    for edge in ("2000-autumn", "2099-summer"):
        assert term_for_key(edge) is not None, edge


def test_a_year_earlier_falls_back_from_29_february_to_the_28th() -> None:
    leap = Period(date(2024, 2, 29), date(2024, 2, 29), "Leap day")
    before = leap.a_year_earlier()
    assert (before.first, before.last, before.name) == (
        date(2023, 2, 28),
        date(2023, 2, 28),
        "Leap day, a year earlier",
    )
    span = Period(date(2024, 2, 1), date(2024, 3, 1)).a_year_earlier()
    assert (span.first, span.last, span.name) == (date(2023, 2, 1), date(2023, 3, 1), "")


# --- absence days --------------------------------------------------------------------------


def s(code: str) -> str:
    return BY_CODE[code].symbol


PRESENT = ("/", "\\")


def marks(days: dict[date, tuple[str, str]]) -> str:
    """A 2024/25 register string: each day's (AM, PM) symbols; every other day no data."""
    updates = {}
    for day, (am, pm) in days.items():
        updates[position(day, Session.AM)] = am
        updates[position(day, Session.PM)] = pm
    return apply(blank_year(2024), updates)


def test_a_year_without_n_or_o_has_no_absence_days() -> None:
    assert absence_days(2024, blank_year(2024)) == []
    explained = {date(2024, 10, 1): (s("I"), s("I")), date(2024, 10, 2): PRESENT}
    assert absence_days(2024, marks(explained)) == []


def test_sessions_and_part_days() -> None:
    found = absence_days(
        2024,
        marks(
            {
                date(2024, 10, 1): (s("N"), s("O")),  # both: a run day
                date(2024, 10, 2): (s("N"), "\\"),  # part-day: breaks the run
                date(2024, 10, 3): ("/", s("O")),  # part-day
                date(2024, 10, 4): (s("N"), s("I")),  # an explained afternoon: not part-day
                date(2024, 10, 7): (s("O"), s("L")),  # late is in school: part-day
            }
        ),
    )
    assert found == [
        AbsenceDay(date(2024, 10, 1), 2, False, date(2024, 10, 1), date(2024, 10, 1), 1),
        AbsenceDay(date(2024, 10, 2), 1, True, None),
        AbsenceDay(date(2024, 10, 3), 1, True, None),
        AbsenceDay(date(2024, 10, 4), 1, False, None),
        AbsenceDay(date(2024, 10, 7), 1, True, None),
    ]


def test_a_run_goes_on_through_days_with_no_mark_and_a_closed_session() -> None:
    # Thu 3 Oct N N, Fri 4 Oct no mark sent ('-' both), the weekend (no data), Mon 7 Oct N
    # with the afternoon closed ('#'), Tue 8 Oct O O: one run from 3 Oct.
    found = absence_days(
        2024,
        marks(
            {
                date(2024, 10, 3): (s("N"), s("N")),
                date(2024, 10, 4): (MISSING, MISSING),
                date(2024, 10, 7): (s("N"), CLOSED),
                date(2024, 10, 8): (s("O"), s("O")),
            }
        ),
    )
    assert [(d.day, d.sessions, d.run_start) for d in found] == [
        (date(2024, 10, 3), 2, date(2024, 10, 3)),
        (date(2024, 10, 7), 1, date(2024, 10, 3)),
        (date(2024, 10, 8), 2, date(2024, 10, 3)),
    ]
    # Every day of the run knows where it ends and its length in days counted (three: the
    # unmarked Friday and the weekend do not count).
    assert {(d.run_end, d.run_length) for d in found} == {(date(2024, 10, 8), 3)}
    assert not any(d.part_day for d in found)


def test_a_day_in_school_or_explained_breaks_a_run() -> None:
    found = absence_days(
        2024,
        marks(
            {
                date(2024, 11, 18): (s("N"), s("N")),
                date(2024, 11, 19): (s("N"), s("N")),
                date(2024, 11, 20): PRESENT,  # in school: the run ends
                date(2024, 11, 21): (s("N"), s("N")),
                date(2024, 11, 22): (s("I"), s("I")),  # ill: explained, ends it too
                date(2024, 11, 25): (s("O"), s("O")),
            }
        ),
    )
    assert [(d.day, d.run_start, d.run_end, d.run_length) for d in found] == [
        (date(2024, 11, 18), date(2024, 11, 18), date(2024, 11, 19), 2),
        (date(2024, 11, 19), date(2024, 11, 18), date(2024, 11, 19), 2),
        (date(2024, 11, 21), date(2024, 11, 21), date(2024, 11, 21), 1),
        (date(2024, 11, 25), date(2024, 11, 25), date(2024, 11, 25), 1),
    ]


def test_a_part_day_breaks_a_run_and_the_next_full_day_starts_another() -> None:
    found = absence_days(
        2024,
        marks(
            {
                date(2024, 10, 14): (s("N"), s("N")),
                date(2024, 10, 15): (s("N"), "\\"),
                date(2024, 10, 16): (s("N"), s("N")),
            }
        ),
    )
    assert [(d.day, d.part_day, d.run_start) for d in found] == [
        (date(2024, 10, 14), False, date(2024, 10, 14)),
        (date(2024, 10, 15), True, None),
        (date(2024, 10, 16), False, date(2024, 10, 16)),
    ]


def test_each_day_knows_the_monday_of_its_week() -> None:
    found = absence_days(
        2024,
        marks(
            {
                date(2024, 9, 2): (s("N"), s("N")),  # a Monday
                date(2024, 10, 2): (s("N"), s("N")),  # a Wednesday
                date(2024, 10, 6): (s("O"), NO_DATA),  # a Sunday
                date(2025, 3, 2): (s("O"), s("O")),  # spring 2025, a Sunday
            }
        ),
    )
    assert [(d.day, d.week) for d in found] == [
        (date(2024, 9, 2), date(2024, 9, 2)),
        (date(2024, 10, 2), date(2024, 9, 30)),
        (date(2024, 10, 6), date(2024, 9, 30)),
        (date(2025, 3, 2), date(2025, 2, 24)),
    ]


# --- figures -------------------------------------------------------------------------------


def test_quantile_weighs_the_two_ranked_values_either_side() -> None:
    # percentile_cont(0.25) over 2, 5, 12, 20: place 0.75, between 2 and 5.
    assert quantile(2, 5, 0.75) == 4.25
    assert quantile(5, 12, 0.5) == 8.5
    assert quantile(7, 7, 0.25) == 7
    assert quantile(3, 9, 0) == 3


def test_rate_is_a_fraction_to_four_places_and_nought_with_nothing_due() -> None:
    assert rate(3, 8) == 0.375
    assert rate(1, 3) == 0.3333
    assert rate(2, 3) == 0.6667
    assert rate(5, 5) == 1.0
    assert rate(0, 0) == 0.0
    assert rate(0, 4) == 0.0


def test_small_counts_are_suppressed_and_nought_and_five_are_not() -> None:
    assert [suppressed(n) for n in range(7)] == [0, "<5", "<5", "<5", "<5", 5, 6]
    assert SUPPRESSED == "<5"


def test_postcode_district_is_the_outward_code() -> None:
    assert postcode_district("DM1 4AB") == "DM1"
    assert postcode_district("dm14ab") == "DM1"  # no space, lower case
    assert postcode_district(" DM10  5GH ") == "DM10"
    assert postcode_district("SW1A 1AA") == "SW1A"
    assert postcode_district("") == NOT_KNOWN
    assert postcode_district("   ") == NOT_KNOWN
    assert postcode_district("4AB") == NOT_KNOWN  # an inward code alone names no district


CONTRACT = [
    "unexplained_absence_sessions",
    "unexplained_absence_children",
    "cases_opened",
    "cases_closed",
    "removals",
    "episodes",
    "episode_children",
    "repeat_children",
    "return_interviews_within_72h_rate",
    "hidden_missing_children",
]


def test_figures_finish_the_rate_and_keep_the_reports_contract() -> None:
    f = Figures(return_interviews_due=8, return_interviews_within_72h=3)
    assert f.finish() is f
    assert f.return_interviews_within_72h_rate == 0.375
    assert Figures().finish().return_interviews_within_72h_rate == 0.0
    assert list(Figures.__dataclass_fields__)[:10] == CONTRACT
    f.referral_days = Spread(4, 8.5, 4.25, 14.0, 2, 20)
    out = f.as_json()
    for key in CONTRACT:
        assert key in out, key
    assert "referral_days" not in out
    assert out["referral_school_days"] == {
        "count": 4,
        "median": 8.5,
        "lower_quartile": 4.25,
        "upper_quartile": 14.0,
        "shortest": 2,
        "longest": 20,
    }
    assert out["return_interviews_due"] == 8 and out["return_interviews_within_72h"] == 3
    assert out["return_interviews_within_72h_rate"] == 0.375
    assert Figures().as_json()["referral_school_days"]["median"] is None


def test_dimensions_have_labels() -> None:
    assert [d.label for d in Dimension] == [
        "School",
        "Area (postcode district)",
        "Year group",
        "Gender",
        "Looked after",
        "Special educational needs",
    ]


# --- the labels and order of a breakdown's groups ----------------------------------------


def test_group_labels() -> None:
    assert group_label(Dimension.YEAR_GROUP, "9") == "Year 9"
    assert group_label(Dimension.YEAR_GROUP, "09") == "Year 9"
    assert group_label(Dimension.YEAR_GROUP, " 11 ") == "Year 11"
    assert group_label(Dimension.YEAR_GROUP, "Reception") == "Reception"
    assert group_label(Dimension.GENDER, "F") == "Female"
    assert group_label(Dimension.GENDER, "m") == "Male"
    assert group_label(Dimension.GENDER, "U") == NOT_KNOWN
    assert group_label(Dimension.GENDER, "X") == "X"
    assert group_label(Dimension.AREA, "DM1") == "DM1"
    for dimension in Dimension:
        for blank in (None, "", "  ", "None"):
            assert group_label(dimension, blank) == NOT_KNOWN, (dimension, blank)


def test_groups_are_ordered_known_first_year_groups_by_number() -> None:
    years = ["Year 10", NOT_LINKED, "Year 9", NOT_KNOWN, "Reception", "Year 1"]
    assert sorted(years, key=lambda g: _order(Dimension.YEAR_GROUP, g)) == [
        "Reception",
        "Year 1",
        "Year 9",
        "Year 10",
        NOT_KNOWN,
        NOT_LINKED,
    ]
    areas = [NOT_LINKED, "DM2", NOT_KNOWN, "dm10", "DM1"]
    assert sorted(areas, key=lambda g: _order(Dimension.AREA, g)) == [
        "DM1",
        "dm10",
        "DM2",
        NOT_KNOWN,
        NOT_LINKED,
    ]
