"""The demo's invented people must look like a real school's: ages that fit year groups,
names that fit the sex recorded, and two schools that are not copies of each other."""

from __future__ import annotations

from datetime import date

import pytest

from cme import demo_data
from cme.demo_data import BOYS, GIRLS, NEUTRAL, SCHOOLS, age_on_1_september, school_pupils


@pytest.mark.parametrize("academic_year", [2024, 2026, 2027])
def test_every_demo_childs_age_fits_their_year_group(academic_year: int) -> None:
    for school in SCHOOLS:
        for pupil in school_pupils(school, academic_year):
            # A Year 1 child is 5 on 1 September and turns 6 during the year.
            assert age_on_1_september(pupil.date_of_birth, academic_year) == (
                int(pupil.year_group) + 5
            ), pupil


def test_age_on_1_september_counts_birthdays_on_the_day() -> None:
    assert age_on_1_september(date(2020, 9, 1), 2026) == 6
    assert age_on_1_september(date(2020, 9, 2), 2026) == 5
    assert age_on_1_september(date(2021, 8, 31), 2026) == 5


def test_names_fit_the_sex_recorded_or_are_neutral() -> None:
    for school in SCHOOLS:
        for pupil in school_pupils(school, 2026):
            fitting = (GIRLS if pupil.gender == "F" else BOYS) + NEUTRAL
            assert pupil.legal_forename in fitting, pupil


def test_the_two_demo_schools_are_not_copies() -> None:
    primary, secondary = (school_pupils(school, 2026) for school in SCHOOLS)
    assert {p.year_group for p in primary}.isdisjoint({p.year_group for p in secondary})
    assert len(primary) != len(secondary)
    assert {p.legal_surname for p in primary}.isdisjoint({p.legal_surname for p in secondary})
    assert {p.upn for p in primary}.isdisjoint({p.upn for p in secondary})


def test_demo_staff_names_do_not_repeat_their_role() -> None:
    for account in demo_data.demo_accounts():
        lowered = account.display_name.lower()
        assert not any(w in lowered for w in ("dsl", "officer", "admin", "attendance")), account
