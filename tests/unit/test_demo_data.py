"""The demo's invented people must look like a real school's: ages that fit year groups,
names that fit the sex recorded, and two schools that are not copies of each other; and each
school's stories (the absences behind the demo's cases) are written into its register."""

from __future__ import annotations

from datetime import date

import pytest

from cme import demo_data, demo_registers
from cme.demo_data import BOYS, GIRLS, NEUTRAL, SCHOOLS, age_on_1_september, school_pupils
from cme.storage.demo_cases import HANDED, WORK
from cme.timeline import academic_year


@pytest.mark.parametrize("year", [2024, 2026, 2027])
def test_every_demo_childs_age_fits_their_year_group(year: int) -> None:
    for school in SCHOOLS:
        for pupil in school_pupils(school, year):
            group = int(pupil.year_group)
            # Born from 1 September to 31 August: in 2026/27 Year 1 was born in 2020/21, so
            # is 5 on 1 September (6 if that is their birthday) and turns 6 during the year.
            assert year - academic_year(pupil.date_of_birth) - 5 == group, pupil
            assert age_on_1_september(pupil.date_of_birth, year) in (group + 4, group + 5)


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


def test_the_la_has_two_cme_officers_with_their_own_sign_ins() -> None:
    officers = [a for a in demo_data.demo_accounts() if a.role == "cme_officer"]
    assert [a.email for a in officers] == ["cme.officer@la.demo", "cme.officer2@la.demo"]
    assert len({a.display_name for a in officers}) == 2
    assert all(a.school_urn is None for a in officers)
    emails = [a.email for a in demo_data.demo_accounts()]
    assert len(set(emails)) == len(emails)


def test_each_demo_school_tells_a_story_for_every_stage() -> None:
    for school in SCHOOLS:
        told = demo_registers.stories(school.urn, school_pupils(school, 2026))
        works = {story.work for story in told.values()}
        # One child found again by the LA is enough for the whole demo.
        assert set(WORK) - works <= {"found"}, (school.urn, works)
        # Spread over the school, not bunched in its youngest year group.
        years = {p.year_group for p in school_pupils(school, 2026) if p.upn in told}
        assert years == {str(y) for y in school.year_groups}
        for n in (1, 2):
            assert any(s.officer == n for s in told.values() if s.work in HANDED), n
        assert any(s.officer == 0 for s in told.values() if s.work in HANDED)
    every = {
        s.work
        for school in SCHOOLS
        for s in demo_registers.stories(school.urn, school_pupils(school, 2026)).values()
    }
    assert every == set(WORK)


def test_a_story_is_written_into_the_register() -> None:
    school = SCHOOLS[0]
    pupils = school_pupils(school, 2026)[:20]
    days, closed = demo_registers.term_ending(date(2026, 11, 23))
    grid = demo_registers.make_grid(pupils, days, closed, seed=0, patterns=False)
    open_days = [d for d in days if d not in closed]
    col = {d: i for i, d in enumerate(days)}

    def day(upn: str, n: int) -> str:
        i = col[open_days[n]]
        return "".join(grid.marks[upn][2 * i : 2 * i + 2])

    now, early, late = pupils[10], pupils[11], pupils[12]
    story = demo_registers.Story("with_la", demo_registers.away(12, 2), earlier=((30, ("OO",)),))
    demo_registers.tell(
        grid,
        closed,
        {
            now.upn: story,
            early.upn: demo_registers.Story("back", earlier=((len(open_days) - 3, ("OO",)),)),
            late.upn: demo_registers.Story("back", earlier=((1, ("OO",)),)),
        },
        first_open=5,
    )
    last = len(open_days) - 1
    assert [day(now.upn, last - n) for n in range(13)] == ["NN", "NN"] + ["OO"] * 10 + ["/\\"]
    assert (day(now.upn, last - 30), day(now.upn, last - 29)) == ("OO", "/\\")
    # Before the first upload, or running into the last day: left out.
    assert "OO" not in {day(early.upn, 2), day(late.upn, last - 1)}

    first = demo_registers.first_days(grid, closed, 5)
    assert len([d for d in first.days if d not in closed]) == 5
    assert first.days == days[: len(first.days)]
    assert all(len(row) == 2 * len(first.days) for row in first.marks.values())


def test_a_missed_afternoon_is_written_only_over_a_day_in_school() -> None:
    pupils = school_pupils(SCHOOLS[1], 2026)[:10]
    days, closed = demo_registers.term_ending(date(2026, 11, 23))
    grid = demo_registers.make_grid(pupils, days, closed, seed=1, patterns=False)
    col = {d: i for i, d in enumerate(days)}
    upn = pupils[3].upn
    row = grid.marks[upn]
    school = [
        d for d in days if d not in closed and row[2 * col[d] : 2 * col[d] + 2] == ["/", "\\"]
    ]
    ill = next(d for d in days if d not in closed)
    row[2 * col[ill]] = row[2 * col[ill] + 1] = "I"
    half_term = sorted(closed)[0]
    before = {u: list(marks) for u, marks in grid.marks.items()}
    demo_registers.miss_afternoons(
        grid, {upn: (school[2], ill, half_term), "no such pupil": (ill,)}
    )
    assert row[2 * col[school[2]] : 2 * col[school[2]] + 2] == ["/", "O"]
    changed = [
        (u, i) for u, marks in grid.marks.items() for i, m in enumerate(marks) if m != before[u][i]
    ]
    assert changed == [(upn, 2 * col[school[2]] + 1)], "an illness or a closure stays as it is"
