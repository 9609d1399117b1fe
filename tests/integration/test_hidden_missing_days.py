"""Lists 4 and 5 read from the stored absence days (`absence_day`), on both engines: a run
cut by the period counts only its days inside, a day with no mark neither counts nor breaks a
run, two runs, the latest run's last day, part-day absences alone, linked pupils left out,
the chosen shortest run; and, on seeded random registers, the lists against the rule worked
out here from the marks themselves, day by day over the period.

Marks are written as the register import writes them: the year's string, then its absence
days by the import's own `store_absence_days`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from cme.access import Viewer
from cme.marks import NO_DATA, symbol_for
from cme.matching_lists import UNEXPLAINED, part_day, unexplained_day
from cme.storage import partnership as lists
from cme.storage.bulk import Connection
from cme.storage.engine import write_transaction
from cme.storage.measures.absence_days import store_absence_days
from cme.storage.tables import PupilYear
from cme.timeline import Session, apply, blank_year, position
from tests.integration.helpers import World
from tests.integration.partnership_world import CME, add_pupil, episode, link, london
from tests.integration.test_case_actions import viewer

AM, PM = Session.AM, Session.PM
TERM = (date(2024, 9, 2), date(2024, 12, 20))
AUTUMN = lists.Filters(since=date(2024, 9, 1), until=date(2024, 12, 31))
NO_MARK = "no mark"  # a session the register says nothing about

Marks = dict[tuple[date, Session], str]


def weekdays(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + timedelta(days=n)).weekday() < 5
    ]


def whole(first: date, last: date, code: str = "N") -> Marks:
    return {(d, s): code for d in weekdays(first, last) for s in (AM, PM)}


async def register(pupil: int, school: int, marks: Marks) -> str:
    """Present every weekday of the autumn but for `marks` (codes, or NO_MARK), stored with
    its absence days as an import stores them; the year's string."""
    updates: dict[int, str] = {}
    for day in weekdays(*TERM):
        updates[position(day, AM)], updates[position(day, PM)] = "/", "\\"
    for (day, session), code in marks.items():
        updates[position(day, session)] = NO_DATA if code == NO_MARK else symbol_for(code)
    year = apply(blank_year(2024), updates)
    await PupilYear.insert(PupilYear(pupil=pupil, school=school, academic_year=2024, marks=year))
    async with write_transaction():
        await store_absence_days(Connection(), school, {(pupil, 2024): year})
    return year


def rows(page: lists.Page) -> dict[str, tuple[int, int, date | None, int, date | None]]:
    return {
        r.forename: (r.runs, r.longest_run, r.last_run_day, r.part_days, r.last_part_day)
        for r in page.rows
    }


def period(since: date, until: date, **more: Any) -> lists.Filters:
    return lists.Filters(since=since, until=until, **more)


@pytest.fixture
async def me(world: World) -> Viewer:
    return await viewer(CME)


async def test_a_run_crossing_the_period_counts_only_its_days_inside(
    world: World, me: Viewer
) -> None:
    a = world.school_a
    # Mon 7 to Fri 11 Oct: five days, one run.
    await register(
        await add_pupil(a, "Ada", "Test", "5"), a, whole(date(2024, 10, 7), date(2024, 10, 11))
    )
    assert rows(await lists.hidden_missing(me, AUTUMN)) == {
        "Ada": (1, 5, date(2024, 10, 11), 0, None)
    }
    # From Wed 9 Oct: three of its days are in the period, enough for the LA's three.
    late = await lists.hidden_missing(me, period(date(2024, 10, 9), date(2024, 12, 31)))
    assert rows(late) == {"Ada": (1, 3, date(2024, 10, 11), 0, None)}
    # Its first four days up to Thu 10 Oct; up to Tue 8 Oct, two days: too short, not listed.
    early = await lists.hidden_missing(me, period(date(2024, 9, 1), date(2024, 10, 10)))
    assert rows(early) == {"Ada": (1, 4, date(2024, 10, 10), 0, None)}
    assert (await lists.hidden_missing(me, period(date(2024, 9, 1), date(2024, 10, 8)))).total == 0
    # Four days asked for: the whole run has them, the cut one does not.
    four = period(date(2024, 10, 9), date(2024, 12, 31), run_days=4)
    assert (await lists.hidden_missing(me, four)).total == 0
    assert rows(await lists.hidden_missing(me, period(*TERM, run_days=4)))["Ada"][0] == 1


async def test_days_with_no_mark_neither_count_nor_break_a_run(world: World, me: Viewer) -> None:
    a = world.school_a
    marks = whole(date(2024, 10, 14), date(2024, 10, 14)) | {
        # Tue 15 Oct: the school closed; Wed 16 Oct: N in the morning, nothing after.
        (date(2024, 10, 15), AM): "#",
        (date(2024, 10, 15), PM): "#",
        (date(2024, 10, 16), AM): "N",
        (date(2024, 10, 16), PM): NO_MARK,
        (date(2024, 10, 17), AM): NO_MARK,
        (date(2024, 10, 17), PM): NO_MARK,
        (date(2024, 10, 18), AM): "O",
        (date(2024, 10, 18), PM): "N",
    }
    await register(await add_pupil(a, "Neve", "Test", "5"), a, marks)
    # Mon, Wed and Fri: three days, one run across the closure and the unmarked day.
    assert rows(await lists.hidden_missing(me, AUTUMN)) == {
        "Neve": (1, 3, date(2024, 10, 18), 0, None)
    }
    # A present day in between breaks it: two runs too short for three.
    broken = marks | {(date(2024, 10, 17), AM): "/", (date(2024, 10, 17), PM): "\\"}
    await register(await add_pupil(a, "Bea", "Test", "5"), a, broken)
    found = await lists.hidden_missing(me, period(*TERM, run_days=2))
    assert rows(found)["Bea"] == (1, 2, date(2024, 10, 16), 0, None)
    assert rows(found)["Neve"] == (1, 3, date(2024, 10, 18), 0, None)


async def test_two_runs_and_the_last_day_of_the_latest(world: World, me: Viewer) -> None:
    b = world.school_b
    # Five days from Tue 1 Oct, then at school on Tue 8 Oct, then three days from Mon 4 Nov.
    marks = whole(date(2024, 10, 1), date(2024, 10, 7)) | whole(
        date(2024, 11, 4), date(2024, 11, 6), "O"
    )
    await register(await add_pupil(b, "Tom", "Two", "8"), b, marks)
    assert rows(await lists.hidden_missing(me, AUTUMN)) == {
        "Tom": (2, 5, date(2024, 11, 6), 0, None)
    }
    # Only the first is long enough for four: its last day.
    four = await lists.hidden_missing(me, period(*TERM, run_days=4))
    assert rows(four) == {"Tom": (1, 5, date(2024, 10, 7), 0, None)}
    assert (await lists.hidden_missing(me, period(*TERM, run_days=6))).total == 0


async def test_part_day_absences_alone(world: World, me: Viewer) -> None:
    a = world.school_a
    marks = {
        (date(2024, 9, 16), AM): "N",  # back after lunch: a part day
        (date(2024, 10, 2), PM): "O",  # left at lunch: another
        (date(2024, 10, 3), AM): "N",  # N, then nothing marked: a day of a run, not a part day
        (date(2024, 10, 3), PM): NO_MARK,
        (date(2024, 10, 4), AM): "N",  # N, then authorised absence: neither
        (date(2024, 10, 4), PM): "C",
    }
    await register(await add_pupil(a, "Pia", "Part", "5"), a, marks)
    assert rows(await lists.hidden_missing(me, AUTUMN)) == {
        "Pia": (0, 0, None, 2, date(2024, 10, 2))
    }
    since_october = await lists.hidden_missing(me, period(date(2024, 10, 1), date(2024, 12, 31)))
    assert rows(since_october) == {"Pia": (0, 0, None, 1, date(2024, 10, 2))}
    # A run of one day is allowed: the Thursday.
    one = await lists.hidden_missing(me, period(*TERM, run_days=1))
    assert rows(one) == {"Pia": (1, 1, date(2024, 10, 3), 2, date(2024, 10, 2))}
    runs = await lists.hidden_missing(me, period(*TERM, hidden=lists.Hidden.RUN))
    assert runs.total == 0
    parts = await lists.hidden_missing(me, period(*TERM, hidden=lists.Hidden.PART_DAY))
    assert [r.forename for r in parts.rows] == ["Pia"]


async def test_a_linked_pupil_is_left_out_and_counted_in_list_five(
    world: World, me: Viewer
) -> None:
    a = world.school_a
    marks = whole(date(2024, 10, 7), date(2024, 10, 9)) | {(date(2024, 10, 15), PM): "N"}
    ids = {}
    for name in ("Lee", "Ray", "Rio"):
        ids[name] = await add_pupil(a, name, "Test", "5")
        await register(ids[name], a, marks)
    lee = await episode(me, "LEE/1", "Lee Test", london(2024, 10, 6, 20), london(2024, 10, 10, 9))
    ray = await episode(me, "RAY/1", "Ray Test", london(2024, 10, 6, 20), None)
    rio = await episode(me, "RIO/1", "Rio Test", london(2024, 10, 6, 20), None)
    await link(world.la_id, lee, ids["Lee"])  # linked: never hidden
    await link(world.la_id, ray, ids["Ray"], decision="rejected")  # links nothing
    await link(world.la_id, rio, ids["Rio"], band="review")  # waiting: listed, pointed to it
    hidden = await lists.hidden_missing(me, AUTUMN)
    assert rows(hidden) == {
        name: (1, 3, date(2024, 10, 9), 1, date(2024, 10, 15)) for name in ("Ray", "Rio")
    }
    waiting = {r.forename: r.waiting_match is not None for r in hidden.rows}
    assert waiting == {"Ray": False, "Rio": True}
    five = await lists.part_day_with_episodes(me, AUTUMN)
    assert [(r.forename, r.part_days, r.last_part_day, r.episodes) for r in five.rows] == [
        ("Lee", 1, date(2024, 10, 15), 1)
    ]
    assert five.rows[0].missing_now is False
    # A period without his part day: no longer in list five.
    assert (
        await lists.part_day_with_episodes(me, period(*TERM[:1], date(2024, 10, 14)))
    ).total == 0


async def test_the_chosen_run_length_school_and_year_filters_and_order(
    world: World, me: Viewer
) -> None:
    a, b = world.school_a, world.school_b
    for name, school, year, days in (
        ("Ann", a, "5", 2),
        ("Bob", a, "6", 3),
        ("Cal", b, "5", 4),
        ("Dan", b, "5", 4),
    ):
        first = date(2024, 11, 4)
        await register(
            await add_pupil(school, name, "Z" + name, year),
            school,
            whole(first, first + timedelta(days=days - 1)),
        )
    assert [r.forename for r in (await lists.hidden_missing(me, AUTUMN)).rows] == [
        "Cal",
        "Dan",
        "Bob",
    ]
    two = await lists.hidden_missing(me, period(*TERM, run_days=2))
    assert [(r.forename, r.longest_run) for r in two.rows] == [
        ("Cal", 4),
        ("Dan", 4),
        ("Bob", 3),
        ("Ann", 2),
    ]
    assert two.run_days == 2
    assert [
        r.forename for r in (await lists.hidden_missing(me, period(*TERM, run_days=4))).rows
    ] == [
        "Cal",
        "Dan",
    ]
    school_a = await lists.hidden_missing(me, period(*TERM, run_days=2, school=a))
    assert [r.forename for r in school_a.rows] == ["Bob", "Ann"]
    year5 = await lists.hidden_missing(me, period(*TERM, run_days=2, year_group="5"))
    assert [r.forename for r in year5.rows] == ["Cal", "Dan", "Ann"]


async def test_another_las_pupils_are_not_read(world: World, me: Viewer) -> None:
    other = await viewer("cme.other@test.example")
    elsewhere = await add_pupil(world.school_other_la, "Olly", "Elsewhere", "5")
    await register(elsewhere, world.school_other_la, whole(date(2024, 10, 7), date(2024, 10, 11)))
    assert (await lists.hidden_missing(me, AUTUMN)).total == 0
    assert [r.forename for r in (await lists.hidden_missing(other, AUTUMN)).rows] == ["Olly"]


# --- against the rule worked out from the marks ------------------------------------------


def expected(
    year: str, since: date, until: date, run_days: int
) -> tuple[int, int, date | None, int, date | None] | None:
    """The list's row for one pupil, from the marks of the period's weekdays alone: runs end
    at a day that breaks them, a day with no mark is skipped, the period cuts them."""
    runs: list[tuple[int, date]] = []
    length, last = 0, since
    parts, last_part = 0, None
    for day in weekdays(since, until):
        at = position(day, AM)
        am, pm = year[at], year[at + 1]
        if part_day(am, pm):
            parts, last_part = parts + 1, day
        carries = unexplained_day(am, pm)
        if carries is None:
            continue
        if carries:
            length, last = length + 1, day
        elif length:
            runs.append((length, last))
            length = 0
    if length:
        runs.append((length, last))
    kept = [r for r in runs if r[0] >= run_days]
    if not kept and not parts:
        return None
    return (
        len(kept),
        max((r[0] for r in kept), default=0),
        max((r[1] for r in kept), default=None),
        parts,
        last_part,
    )


async def test_random_registers_agree_with_the_marks(world: World, me: Viewer) -> None:
    rng = random.Random(12)
    unexplained = sorted(UNEXPLAINED)
    years: dict[str, str] = {}
    for n in range(16):
        marks: Marks = {}
        for day in weekdays(*TERM):
            for session in (AM, PM):
                r = rng.random()
                code = (
                    rng.choice(unexplained)
                    if r < 0.35
                    else NO_MARK
                    if r < 0.45
                    else "#"
                    if r < 0.5
                    else "C"
                    if r < 0.55
                    else None
                )
                if code is not None:
                    marks[(day, session)] = code
        name = f"Rand{n:02d}"
        school = world.school_a if n % 2 else world.school_b
        years[name] = await register(await add_pupil(school, name, "R", "5"), school, marks)
    for since, until, run_days in (
        (date(2024, 9, 1), date(2024, 12, 31), 3),
        (date(2024, 10, 9), date(2024, 11, 20), 2),
        (date(2024, 9, 20), date(2024, 9, 27), 1),
        (date(2024, 11, 13), date(2024, 12, 31), 5),
    ):
        page = await lists.hidden_missing(
            me, period(since, until, run_days=run_days), every_page=True
        )
        want = {
            name: row
            for name, year in years.items()
            if (row := expected(year, since, until, run_days)) is not None
        }
        assert want, "the seed should leave some pupils listed"
        assert rows(page) == want, (since, until, run_days)
