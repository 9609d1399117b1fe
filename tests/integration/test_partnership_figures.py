"""The partnership's figures (issue 12), on both engines, on a small LA whose every figure is
known by construction: each expected number below is worked out by hand from the tables in
tests/integration/measures_world.py, never by the code under test. Every figure of
`counts.figures`, each breakdown, the caseload by stage and outcome, matches waiting, the
weekly and monthly trend, a school's dashboard, period edges at London midnight on either
side of British Summer Time, the 72-hour rule, "hidden missing" against the cross-check list,
a register corrected by a re-import, the time to referral kept at hand-over, the backfill of
both for data stored before, and whose figures each person may read.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cme.errors import NotFound, Refused
from cme.measures.figures import NOT_KNOWN, NOT_LINKED, Dimension, Figures, Spread
from cme.measures.periods import Grain, Period
from cme.policy import Policy
from cme.storage import case_actions_end as end
from cme.storage import partnership as lists
from cme.storage.clock import today
from cme.storage.measures import counts
from cme.storage.measures.backfill import fill_absence_days, fill_referral_days
from cme.storage.measures.dashboard import (
    CLOSED_SINCE,
    breakdown,
    closed_by_outcome,
    dashboard,
    groups,
    matches_waiting,
    open_by_stage,
)
from cme.storage.measures.referral_days import refresh_referral_days
from cme.storage.measures.scope import Scope, scope_for
from cme.storage.measures.trend import Point, trend
from cme.storage.policies import set_policy
from cme.storage.tables import AbsenceDay, Case
from tests.integration.helpers import World
from tests.integration.measures_world import (
    ADMIN,
    AO_A,
    DSL_A,
    OTHER_CME,
    Kid,
    Measures,
    build,
    d,
    import_register,
    register_file,
)
from tests.integration.partnership_world import add_pupil
from tests.integration.test_case_actions import open_case, viewer

OCT = Period(d(10, 1), d(10, 31))
NOV = Period(d(11, 1), d(11, 30))
AUTUMN = Period(d(9, 1), d(12, 31))


@pytest.fixture
async def m(world: World) -> Measures:
    return await build(world)


def fig(
    absence: tuple[int, int] = (0, 0),
    hidden: int = 0,
    cases: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0),
    episodes: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0),
    spread: Spread | None = None,
) -> Figures:
    """Figures from hand-worked counts: absence (sessions, children); cases (opened, closed,
    removals, open at the end, referrals); episodes (episodes, children, repeat children,
    interviews due, held within 72 hours). The rate follows from the last two."""
    return Figures(
        unexplained_absence_sessions=absence[0],
        unexplained_absence_children=absence[1],
        hidden_missing_children=hidden,
        cases_opened=cases[0],
        cases_closed=cases[1],
        removals=cases[2],
        cases_open_at_end=cases[3],
        referrals=cases[4],
        episodes=episodes[0],
        episode_children=episodes[1],
        repeat_children=episodes[2],
        return_interviews_due=episodes[3],
        return_interviews_within_72h=episodes[4],
        referral_days=spread or Spread(),
    ).finish()


def one(days: int) -> Spread:
    return Spread(1, days, days, days, days, days)


async def la_figures(m: Measures, period: Period) -> Figures:
    return await la_figures_for(m.world, period)


async def la_figures_for(world: World, period: Period) -> Figures:
    found = await counts.figures(Scope(world.la_id), period)
    assert list(found) == ["all"]
    return found["all"]


# --- the LA's figures ----------------------------------------------------------------------

# October 2024.
# Absence: Amy 6, Cal 10, Dee 4 + 6, Fay 1, Gus 6, Hal 1, Ivy 1, Jo 2 (31 Oct) = 37 sessions,
#   8 children; Ben's part-days on 30 Sep and 1 Nov fall either side.
# Hidden: Amy (run of 3), Dee (24, 25, 28 Oct over a weekend), Hal (part-day; his police
#   match only waits for review) = 3. Cal, Gus, Ivy, Fay are linked; Jo's run from 31 Oct
#   has one day in October.
# Cases: opened k1, k2, k3, k7, k9, k10, k12 = 7; closed k2, k5, k12 = 3; removals k5 = 1;
#   open at 31 Oct k1, k3, k4 (closed 1 Nov), k6, k7, k9, k10 = 7; referred k3 (4), k6 (1 Oct
#   00:30 BST), k7 (31 Oct 23:59), k9 (2) = 4, not k5 (30 Sep 23:30) nor k10 (1 Nov 00:00).
# Referral days 2, 4, 12, 19: places 0.75, 1.5, 2.25 -> 2 + 2 x 0.75 = 3.5,
#   4 + 8 x 0.5 = 8.0, 12 + 7 x 0.25 = 13.75.
# Episodes reported: e1, e2, e3, e4, e6, e7, e11, e12, f2 = 9 (e9 was 30 Sep 23:30), of 9
#   children; Fay's trigger fired on 5 Nov: no repeat child yet. Back in October: e1, e2,
#   e3, e4, e7, e9, e11, e12, f2 = 9 due; held within 72 hours: e1 (71h59), e4, e12 (72h00),
#   f2 = 4 (not e2 at 72h01, e3 declined, e11 72h30 across the clock change); 4/9 = 0.4444.
OCT_LA = fig((37, 8), 3, (7, 3, 1, 7, 4), (9, 9, 0, 9, 4), Spread(4, 8.0, 3.5, 13.75, 2, 19))
# The LA as a school's figures are set beside it: only episodes linked to its pupils, School
# A's (2, 2, 0, 2, 2) and School B's (2, 2, 0, 2, 0).
OCT_LA_PUPILS = fig((37, 8), 3, (7, 3, 1, 7, 4), (4, 4, 0, 4, 2), Spread(4, 8.0, 3.5, 13.75, 2, 19))

# 1 Sep to 31 Dec 2024.
# Absence: Amy 6, Ben 2, Cal 10, Dee 10, Eve 6, Fay 1, Gil 8, Gus 6, Hal 1, Ivy 1, Jo 14 = 65,
#   11 children. Hidden: Amy, Ben (part-days), Dee, Eve (no mark on 5 Nov does not break her
#   run), Hal, Jo (rejected link) = 6; Gil's two runs of two are broken by a day in school.
# Cases: opened all eleven of LA 370 = 11; closed k2, k4, k5, k12 = 4; removals 1; open at
#   31 Dec k1, k3, k6, k7, k9, k10, k11 = 7; referred k3, k5, k6, k7, k9, k10 = 6.
# Referral days 2, 3, 4, 4, 12, 19: places 1.25, 2.5, 3.75 -> 3 + 1 x 0.25 = 3.25, 4.0,
#   4 + 8 x 0.75 = 10.0.
# Episodes: 12 reported (all of LA 370's), 10 children (Fay's three are one child), Fay
#   repeat = 1; due: all but e6 = 11; within 4; 4/11 = 0.3636.
AUTUMN_LA = fig(
    (65, 11), 6, (11, 4, 1, 7, 6), (12, 10, 1, 11, 4), Spread(6, 4.0, 3.25, 10.0, 2, 19)
)


# November 2024.
# Absence: Ben 1 (1 Nov), Eve 6, Gil 8, Jo 4 (1 and 4 Nov) = 19, 4 children; hidden: Ben
#   (part-day), Eve = 2 (Jo's run has two of its days in November, Gil's runs are of two).
# Cases: opened k11; closed k4 (1 Nov); open at 30 Nov k1, k3, k6, k7, k9, k10, k11 = 7;
#   referred k10 (1 Nov 00:00, 4 days).
# Episodes: f3, Fay's third: the repeat trigger fired on its day, so she is a repeat child;
#   back on 6 Nov, no interview recorded: 1 due, 0 held.
NOV_LA = fig((19, 4), 2, (1, 1, 0, 7, 1), (1, 1, 1, 1, 0), one(4))


async def test_every_figure_of_the_la_for_a_month_and_a_term(m: Measures) -> None:
    october = await la_figures(m, OCT)
    assert october == OCT_LA
    assert october.return_interviews_within_72h_rate == 0.4444
    assert await la_figures(m, NOV) == NOV_LA
    autumn = await la_figures(m, AUTUMN)
    assert autumn == AUTUMN_LA
    assert autumn.return_interviews_within_72h_rate == 0.3636


async def test_a_period_with_nothing_in_it_counts_nothing(m: Measures) -> None:
    assert await la_figures(m, Period(date(2024, 8, 1), date(2024, 8, 31))) == Figures()
    # Later, only the cases still open count: k1, k3, k6, k7, k9, k10, k11.
    assert await la_figures(m, Period(date(2025, 6, 1), date(2025, 6, 30))) == fig(
        cases=(0, 0, 0, 7, 0)
    )


async def test_the_other_la_counts_only_its_own(m: Measures) -> None:
    # LA 380, October: Kit N N 1-4 Oct (8) and Lou 7-9 Oct (6) = 14 sessions, 2 children;
    # hidden: Lou (Kit is linked) = 1; k8 opened, open and referred (99 days); o1 and o2
    # reported, 2 children, none back.
    other = await counts.figures(Scope(m.world.other_la_id), OCT)
    assert other["all"] == fig((14, 2), 1, (1, 0, 0, 1, 1), (2, 2, 0, 0, 0), one(99))
    assert await matches_waiting(Scope(m.world.other_la_id)) == 1


# --- breakdowns (October) ------------------------------------------------------------------

# Per pupil in October: absence sessions (H: hidden); cases (o opened, c closed, r removal,
# e open at the end, f referred with days); episodes linked (R reported, D due, W within).
#   Amy 6 H, k1 o e | Ben k10 o e | Cal 10, k2 o c, e1 R D W | Dee 10 H, k4 e |
#   Fay 1, k9 o e f2, f2 R D W | Gus 6, k3 o e f4, e2 R D | Hal 1 H, k6 e f12 |
#   Ivy 1, k7 o e f19, e3 R D | Jo 2, k5 c r | pupil_a k12 o c | Eve, Gil: nothing in October.
# Not linked to a pupil: e4 R D W, e6 R, e7 R D, e9 D, e11 R D, e12 R D W = 5, 5, 0, 5, 2.
UNLINKED = fig(episodes=(5, 5, 0, 5, 2))
F_2_19 = Spread(2, 10.5, 6.25, 14.75, 2, 19)  # 2 + 17 x 0.25, 0.5, 0.75
M_4_12 = Spread(2, 8.0, 6.0, 10.0, 4, 12)  # 4 + 8 x 0.25, 0.5, 0.75

BREAKDOWNS: dict[Dimension, list[tuple[str, Figures]]] = {
    Dimension.SCHOOL: [
        # Amy, Cal, Dee, Fay; Gus, Hal, Ivy, Jo. School C is another LA's.
        ("School A", fig((27, 4), 2, (5, 2, 0, 4, 1), (2, 2, 0, 2, 2), one(2))),
        # 4, 12, 19: places 0.5, 1, 1.5 -> 4 + 8 x 0.5 = 8.0, 12, 12 + 7 x 0.5 = 15.5.
        (
            "School B",
            fig((10, 4), 1, (2, 1, 1, 3, 3), (2, 2, 0, 2, 0), Spread(3, 12.0, 8.0, 15.5, 4, 19)),
        ),
        (NOT_LINKED, UNLINKED),
    ],
    Dimension.YEAR_GROUP: [
        ("Year 5", fig((7, 2), 1, (4, 1, 0, 3, 1), (1, 1, 0, 1, 1), one(2))),  # Amy, Fay, Ben
        ("Year 6", fig((20, 2), 1, (1, 1, 0, 1, 0), (1, 1, 0, 1, 1))),  # Cal, Dee
        ("Year 7", fig((7, 2), 1, (1, 0, 0, 2, 2), (1, 1, 0, 1, 0), M_4_12)),  # Gus, Hal
        ("Year 8", fig((3, 2), 0, (1, 1, 1, 1, 1), (1, 1, 0, 1, 0), one(19))),  # Ivy, Jo
        (NOT_LINKED, UNLINKED),
    ],
    Dimension.GENDER: [
        # Amy, Dee, Fay, Ivy, pupil_a.
        ("Female", fig((18, 4), 2, (4, 1, 0, 4, 2), (2, 2, 0, 2, 1), F_2_19)),
        ("Male", fig((17, 3), 1, (3, 1, 0, 3, 2), (2, 2, 0, 2, 1), M_4_12)),  # Ben Cal Gus Hal
        (NOT_KNOWN, fig((2, 1), 0, (0, 1, 1, 0, 0))),  # Jo, gender blank
        (NOT_LINKED, UNLINKED),
    ],
    Dimension.AREA: [
        # Amy (DM1 4AB now; ZZ9 before), Ben ("dm14ab"), Hal; Gil has nothing in October.
        ("DM1", fig((7, 2), 2, (2, 0, 0, 3, 1), spread=one(12))),
        ("DM10", fig((2, 2), 0, (2, 0, 0, 2, 2), (2, 2, 0, 2, 1), F_2_19)),  # Fay, Ivy
        ("DM2", fig((18, 3), 0, (2, 2, 1, 1, 1), (2, 2, 0, 2, 1), one(4))),  # Cal, Gus, Jo
        # Dee (blank postcode), Eve and pupil_a (no details).
        (NOT_KNOWN, fig((10, 1), 1, (1, 1, 0, 1, 0))),
        (NOT_LINKED, UNLINKED),
    ],
    Dimension.LOOKED_AFTER: [
        # Fay, Hal: 2, 12 -> 2 + 10 x 0.25, 0.5, 0.75. Amy's has ended, Ivy's is "no".
        (
            "Looked after",
            fig((2, 2), 1, (1, 0, 0, 2, 2), (1, 1, 0, 1, 1), Spread(2, 7.0, 4.5, 9.5, 2, 12)),
        ),
        # Everyone else: 4, 19 -> 4 + 15 x 0.25, 0.5, 0.75.
        (
            "Not recorded as looked after",
            fig((35, 6), 2, (6, 3, 1, 5, 2), (3, 3, 0, 3, 1), Spread(2, 11.5, 7.75, 15.25, 4, 19)),
        ),
        (NOT_LINKED, UNLINKED),
    ],
    Dimension.SEN: [
        # Gus; Jo (a plan and SEN support: the plan).
        (
            "Education, health and care plan",
            fig((8, 2), 0, (1, 1, 1, 1, 1), (1, 1, 0, 1, 0), one(4)),
        ),
        # Amy (SEN support recorded "no"), Ben, Dee, Fay, Ivy, pupil_a.
        ("No SEN recorded", fig((18, 4), 2, (5, 1, 0, 5, 2), (2, 2, 0, 2, 1), F_2_19)),
        ("SEN support", fig((11, 2), 1, (1, 1, 0, 1, 1), (1, 1, 0, 1, 1), one(12))),  # Cal, Hal
        (NOT_LINKED, UNLINKED),
    ],
}


@pytest.mark.parametrize("dimension", list(Dimension))
async def test_each_breakdown_group_by_group(m: Measures, dimension: Dimension) -> None:
    found = await breakdown(m.me, OCT, dimension)
    assert [(g.label, g.figures) for g in found] == BREAKDOWNS[dimension]


async def test_the_school_breakdown_is_keyed_by_school_and_lists_every_school(
    m: Measures,
) -> None:
    found = await groups(Scope(m.world.la_id), OCT, Dimension.SCHOOL)
    keys = [g.key for g in found]
    assert keys == [str(m.world.school_a), str(m.world.school_b), NOT_LINKED]
    # A month with nothing at all still lists both schools, with nothing.
    august = await groups(
        Scope(m.world.la_id), Period(date(2024, 8, 1), date(2024, 8, 31)), Dimension.SCHOOL
    )
    assert [(g.label, g.figures) for g in august] == [
        ("School A", Figures()),
        ("School B", Figures()),
    ]


async def test_blank_and_unknown_genders_are_one_group(m: Measures) -> None:
    # Over the autumn: Jo (gender blank) 14 sessions, hidden, k5 opened 25 Sep, closed and
    # removed 31 Oct, referred with 3 days; Gil ("U") 8 sessions, not hidden.
    found = await breakdown(m.me, AUTUMN, Dimension.GENDER)
    unknown = [g.figures for g in found if g.label == NOT_KNOWN]
    assert unknown == [fig((22, 2), 1, (1, 1, 1, 0, 1), spread=one(3))]


# --- the caseload, matches waiting, the trend ---------------------------------------------

REMOVED = "Removed from roll as missing education (whereabouts unknown)"


async def test_cases_by_stage_and_by_outcome(m: Measures) -> None:
    scope = Scope(m.world.la_id)
    # Open at 31 Oct: k1 at school enquiries; k3, k6, k7, k9, k10 with the LA; k4 closed on
    # 1 Nov, after the period.
    assert await open_by_stage(scope, OCT) == [
        ("School enquiries under way", 1),
        ("With the LA", 5),
        (CLOSED_SINCE, 1),
    ]
    # Closed in October: k2 and k12 returned, k5 removed.
    assert await closed_by_outcome(scope, OCT) == [
        ("Returned to school", 2),
        (REMOVED, 1),
    ]
    # Open at 31 Dec: k11 at day one as well; none closed since.
    assert await open_by_stage(scope, AUTUMN) == [
        ("Day one: nothing recorded yet", 1),
        ("School enquiries under way", 1),
        ("With the LA", 5),
    ]
    assert await closed_by_outcome(scope, AUTUMN) == [
        ("Returned to school", 2),
        ("Absence explained", 1),
        (REMOVED, 1),
    ]


async def test_matches_waiting_are_the_las_own(m: Measures) -> None:
    # Hal's match waits; Gus's was confirmed and Jo's rejected; LA 380's o2 is theirs.
    assert await matches_waiting(Scope(m.world.la_id)) == 1


def points(found: list[Point]) -> list[tuple[date, date, int, int, int, int]]:
    return [
        (
            p.period.first,
            p.period.last,
            p.unexplained_absence_sessions,
            p.unexplained_absence_children,
            p.cases_opened,
            p.episodes,
        )
        for p in found
    ]


async def test_the_weekly_trend(m: Measures) -> None:
    # Absence: 1-6 Oct Amy 6; 7-13 Cal 10, Fay 1; 14-20 Dee 4, Gus 6, Hal 1; 21-27 Ivy 1,
    # Dee 4; 28-31 Dee 2, Jo 2. Opened: k1, k7 | k2 | k3, k9 | - | k10, k12. Reported:
    # e4 (1 Oct 00:30), f2, e1 (Sun 22:00) | e12 | e2 (Mon 14 Oct 00:30 BST, Sunday in UTC),
    # e7, e3 | e11, e6 | -.
    found = await trend(Scope(m.world.la_id), OCT, Grain.WEEK)
    assert points(found) == [
        (d(10, 1), d(10, 6), 6, 1, 2, 3),
        (d(10, 7), d(10, 13), 11, 2, 1, 1),
        (d(10, 14), d(10, 20), 11, 3, 2, 3),
        (d(10, 21), d(10, 27), 5, 2, 0, 2),
        (d(10, 28), d(10, 31), 4, 2, 2, 0),
    ]


async def test_the_monthly_trend(m: Measures) -> None:
    # September: Ben 1 (30 Sep), Jo 8; opened k4, k5, k6; reported f1, e9 (30 Sep 23:30).
    # November: Ben 1, Eve 6, Gil 8, Jo 4; opened k11; reported f3. December: nothing.
    found = await trend(Scope(m.world.la_id), AUTUMN, Grain.MONTH)
    assert points(found) == [
        (d(9, 1), d(9, 30), 9, 2, 3, 2),
        (d(10, 1), d(10, 31), 37, 8, 7, 9),
        (d(11, 1), d(11, 30), 19, 4, 1, 1),
        (d(12, 1), d(12, 31), 0, 0, 0, 0),
    ]


# --- dashboards and whose figures --------------------------------------------------------


async def test_the_las_dashboard(m: Measures) -> None:
    board = await dashboard(m.me, OCT, Grain.WEEK)
    assert board.scope == Scope(m.world.la_id)
    assert board.figures == OCT_LA
    assert board.matches_waiting == 1
    assert board.la_figures is None and board.la_trend == [] and board.school_name == ""
    # On roll: the pupils with this year's register, 7 in School A and 4 in School B (the
    # world's own pupil_a and pupil_b have none).
    assert board.pupils == 11
    assert [p.episodes for p in board.trend] == [3, 1, 3, 2, 0]
    assert board.open_by_stage[-1] == (CLOSED_SINCE, 1)


async def test_a_schools_dashboard_is_its_own_school_beside_the_la(m: Measures) -> None:
    dsl = await viewer(DSL_A)
    # The DSL of School A asks for School B: they get their own school.
    board = await dashboard(dsl, OCT, Grain.WEEK, school_id=m.world.school_b)
    assert board.scope == Scope(m.world.la_id, m.world.school_a)
    assert board.school_name == "School A"
    assert board.figures == BREAKDOWNS[Dimension.SCHOOL][0][1]
    assert board.la_figures == OCT_LA_PUPILS
    assert board.matches_waiting is None  # the LA's queue is not the school's business
    assert (board.pupils, board.la_pupils) == (7, 11)
    # k1 at school enquiries, k9 and k10 with the LA, k4 closed since; k2 and k12 returned.
    assert board.open_by_stage == [
        ("School enquiries under way", 1),
        ("With the LA", 2),
        (CLOSED_SINCE, 1),
    ]
    assert board.closed_by_outcome == [("Returned to school", 2)]
    # School A's weeks: Amy 6 | Cal 10, Fay 1 | Dee 4 | Dee 4 | Dee 2; opened k1 | k2 | k9 |
    # - | k10, k12; its pupils' episodes f2, e1 in the first week.
    assert points(board.trend) == [
        (d(10, 1), d(10, 6), 6, 1, 1, 2),
        (d(10, 7), d(10, 13), 11, 2, 1, 0),
        (d(10, 14), d(10, 20), 4, 1, 1, 0),
        (d(10, 21), d(10, 27), 4, 1, 0, 0),
        (d(10, 28), d(10, 31), 2, 1, 2, 0),
    ]
    assert points(board.la_trend) == points(
        await trend(Scope(m.world.la_id, pupils_only=True), OCT, Grain.WEEK)
    )
    # Its pupils' four episodes, not the LA's nine.
    assert sum(p.episodes for p in board.la_trend) == 4
    # Its breakdowns hold its own school only.
    by_school = await breakdown(dsl, OCT, Dimension.SCHOOL, school_id=m.world.school_b)
    assert [g.label for g in by_school] == ["School A"]
    by_year = await breakdown(dsl, OCT, Dimension.YEAR_GROUP)
    # School A: Year 5 Amy, Fay, Ben, pupil_a; Year 6 Cal, Dee; f2 and e1 are its pupils'.
    assert [(g.label, g.figures) for g in by_year] == [
        ("Year 5", fig((7, 2), 1, (4, 1, 0, 3, 1), (1, 1, 0, 1, 1), one(2))),
        ("Year 6", fig((20, 2), 1, (1, 1, 0, 1, 0), (1, 1, 0, 1, 1))),
    ]


async def test_a_cme_officer_reads_one_school_of_the_la(m: Measures) -> None:
    board = await dashboard(m.me, OCT, school_id=m.world.school_b)
    assert board.scope == Scope(m.world.la_id, m.world.school_b)
    assert board.figures == BREAKDOWNS[Dimension.SCHOOL][1][1]
    assert board.school_name == "School B"
    # The officer's page for one school is not set beside the LA: only a school's own is.
    assert board.la_figures is None and board.la_trend == []


async def test_who_reads_which_figures(m: Measures) -> None:
    with pytest.raises(Refused):
        await scope_for(await viewer(ADMIN))
    with pytest.raises(Refused):
        await dashboard(await viewer(ADMIN), OCT)
    with pytest.raises(Refused):
        await breakdown(await viewer(ADMIN), OCT, Dimension.SCHOOL)
    # A school's staff read their own school, whatever they ask for.
    # Only the DSL among them is told of police episodes (docs/rules.md §7).
    for email, episodes in ((DSL_A, True), (AO_A, False)):
        who = await viewer(email)
        own = Scope(m.world.la_id, m.world.school_a, episodes=episodes)
        assert await scope_for(who) == own
        assert await scope_for(who, m.world.school_b) == own
        assert await scope_for(who, m.world.school_other_la) == own
    # The attendance officer's figures carry no episode and no hidden-missing count.
    board = await dashboard(await viewer(AO_A), OCT)
    assert not board.sees_episodes
    assert (board.figures.episodes, board.figures.hidden_missing_children) == (0, 0)
    assert sum(p.episodes for p in board.trend) == 0
    assert (
        board.figures.unexplained_absence_sessions
        == BREAKDOWNS[Dimension.SCHOOL][0][1].unexplained_absence_sessions
    )
    # A CME officer: another LA's school, or a school that does not exist, is not found.
    with pytest.raises(NotFound):
        await scope_for(m.me, m.world.school_other_la)
    with pytest.raises(NotFound):
        await dashboard(m.me, OCT, school_id=m.world.school_other_la)
    with pytest.raises(NotFound):
        await scope_for(m.me, 999_999)
    other = await viewer(OTHER_CME)
    with pytest.raises(NotFound):
        await scope_for(other, m.world.school_a)
    assert await scope_for(other) == Scope(m.world.other_la_id)


# --- period edges, the 72-hour rule ------------------------------------------------------


async def test_a_day_just_outside_the_period_is_not_counted(m: Measures) -> None:
    # Mon 30 Sep alone: Ben's part-day (1 session, hidden); k4 opens; open at its end k4,
    # k5 (25 Sep) and k6 (13 Sep); k5 handed over at 23:30 BST (22:30 UTC); e9 reported at
    # 23:30 BST and back at 01:00 on 1 Oct: not due yet.
    assert await la_figures(m, Period(d(9, 30), d(9, 30))) == fig(
        (1, 1), 1, (1, 0, 0, 3, 1), (1, 1, 0, 0, 0), one(3)
    )


async def test_london_days_around_midnight_and_summer_time(m: Measures) -> None:
    # Tue 1 Oct (BST): e4 reported at 00:30 (23:30 UTC on the 30th); e4 back at 06:00 and e9
    # at 01:00, e4's interview two hours on; k6 handed over at 00:30; k1 opens; Amy's N N
    # (a run of one day inside the period: not hidden). Open at its end: k1, k4, k5, k6.
    assert await la_figures(m, Period(d(10, 1), d(10, 1))) == fig(
        (2, 1), 0, (1, 0, 0, 4, 1), (1, 1, 0, 2, 1), one(12)
    )
    # Thu 31 Oct (GMT): k7 handed over at 23:59; Jo's N N; k5 removed; k12 opened and closed.
    # Open at its end: k1, k3, k4, k6, k7, k9, k10.
    assert await la_figures(m, Period(d(10, 31), d(10, 31))) == fig(
        (2, 1), 0, (1, 2, 1, 7, 1), spread=one(19)
    )
    # Fri 1 Nov: k10 handed over at 00:00 exactly; k4 closed; Ben's part-day (hidden) and
    # Jo's N N (her run's second day, the only one in the period). Open: k1, k3, k6, k7, k9,
    # k10.
    assert await la_figures(m, Period(d(11, 1), d(11, 1))) == fig(
        (3, 2), 1, (0, 1, 0, 6, 1), spread=one(4)
    )


@pytest.mark.parametrize(
    ("day", "held"),
    [
        (d(10, 12), 1),  # e1: held 71h59 after the return
        (d(10, 9), 1),  # e12: held 72h00 after it, exactly
        (d(10, 14), 0),  # e2: held 72h01 after it
        (d(10, 21), 0),  # e3: declined
        (d(10, 26), 0),  # e11: back 10:00 BST, held 09:30 GMT three days on: 72h30
        (d(10, 3), 1),  # f2: held an hour after
        (d(10, 17), 0),  # e7: none recorded
    ],
)
async def test_the_72_hour_rule(m: Measures, day: date, held: int) -> None:
    f = await la_figures(m, Period(day, day))
    assert (f.return_interviews_due, f.return_interviews_within_72h) == (1, held)
    assert f.return_interviews_within_72h_rate == float(held)


# --- hidden missing is the cross-check list's children ------------------------------------


@pytest.mark.parametrize(
    ("period", "hidden"),
    [
        (OCT, 3),  # Amy, Dee, Hal
        (Period(d(10, 2), d(10, 31)), 2),  # Amy's run cut to 2 days: Dee, Hal
        (NOV, 2),  # Ben (1 Nov part-day), Eve; Jo's run has 2 days in November
        (AUTUMN, 6),  # Amy, Ben, Dee, Eve, Hal, Jo
        (Period(d(9, 23), d(9, 25)), 1),  # Jo's run cut to 3 days
        (Period(d(9, 24), d(9, 25)), 0),  # ... and to 2
        (Period(d(11, 18), d(11, 22)), 0),  # Gil: two runs of two
    ],
)
async def test_hidden_missing_is_the_lists_total(m: Measures, period: Period, hidden: int) -> None:
    f = await la_figures(m, period)
    assert f.hidden_missing_children == hidden
    listed = await lists.hidden_missing(m.me, lists.Filters(since=period.first, until=period.last))
    assert listed.total == hidden


async def test_hidden_missing_follows_the_las_threshold(m: Measures) -> None:
    # The LA hands an unresolved absence over after 4 school days instead of 3: in October
    # only Hal's part-day is left (Amy's and Dee's runs are of 3); over the autumn Ben and
    # Hal (part-days) and Jo (4 days in September).
    admin = await viewer(ADMIN)
    await set_policy(admin, Policy(la_contact_school_days=4), only=["la_contact_school_days"])
    for period, hidden in ((OCT, 1), (AUTUMN, 3)):
        assert (await la_figures(m, period)).hidden_missing_children == hidden
        f = lists.Filters(since=period.first, until=period.last)
        assert (await lists.hidden_missing(m.me, f)).total == hidden


# --- the stored facts: re-import, hand-over, backfill -------------------------------------


async def absence_rows(pupil: int) -> list[tuple[date, int, bool, date | None]]:
    rows = (
        await AbsenceDay.select(
            AbsenceDay.day, AbsenceDay.sessions, AbsenceDay.part_day, AbsenceDay.run_start
        )
        .where(AbsenceDay.pupil == pupil)
        .order_by(AbsenceDay.day)
    )
    return [(r["day"], r["sessions"], bool(r["part_day"]), r["run_start"]) for r in rows]


async def test_a_corrected_register_changes_the_figures(m: Measures) -> None:
    amy = m.pupils["amy"]
    assert await absence_rows(amy) == [
        (d(10, 1), 2, False, d(10, 1)),
        (d(10, 2), 2, False, d(10, 1)),
        (d(10, 3), 2, False, d(10, 1)),
    ]
    # The school sends 2 Oct again: Amy was in school after all.
    present = Kid("amy", "a", "5", "F", {})
    await import_register(m.world.school_a, register_file([(present, m.upns["amy"])], [d(10, 2)]))
    assert await absence_rows(amy) == [
        (d(10, 1), 2, False, d(10, 1)),
        (d(10, 3), 2, False, d(10, 3)),
    ]
    # October: 37 - 2 sessions; Amy's run is now two runs of one day: hidden 3 - 1.
    october = await la_figures(m, OCT)
    assert (october.unexplained_absence_sessions, october.unexplained_absence_children) == (35, 8)
    assert october.hidden_missing_children == 2
    listed = await lists.hidden_missing(m.me, lists.Filters(since=OCT.first, until=OCT.last))
    assert listed.total == 2
    # Every other pupil's days are as they were (42 rows less Amy's one).
    assert await AbsenceDay.count() == 41


async def test_the_time_to_referral_is_kept_at_hand_over(world: World) -> None:
    # No register and no term dates: every weekday is a school day. Seven days before today
    # leaves exactly five weekdays after day one up to today; a case handed over on its day
    # one took none.
    dsl = await viewer(DSL_A)
    now = today()
    week = await open_case(world.pupil_a, world.school_a, world.la_id)
    same = await open_case(
        await add_pupil(world.school_a, "Sam", "Sameday", "5"), world.school_a, world.la_id
    )
    elsewhere = await open_case(world.pupil_b, world.school_b, world.la_id)
    for case_id, day_one in ((week, now - timedelta(days=7)), (same, now), (elsewhere, now)):
        await Case.update({Case.day_one: day_one, Case.clock_start: day_one}).where(
            Case.id == case_id
        )
    await end.hand_off(dsl, week)
    await end.hand_off(dsl, same)
    rows = await Case.select(Case.id, Case.referral_days, Case.handed_to_la_at).order_by(Case.id)
    assert [(r["id"], r["referral_days"]) for r in rows] == [
        (week, 5),
        (same, 0),
        (elsewhere, None),
    ]
    # 0 and 5: places 0.25, 0.5, 0.75 -> 1.25, 2.5, 3.75.
    f = await la_figures_for(world, Period(now - timedelta(days=7), now))
    assert (f.referrals, f.referral_days) == (2, Spread(2, 2.5, 1.25, 3.75, 0, 5))


async def test_the_time_to_referral_follows_a_day_one_the_register_moved(world: World) -> None:
    # Handed over today, day one a week ago: five weekdays. The register then shows the
    # absence began a week earlier: ten (whole weeks, whatever today is).
    dsl = await viewer(DSL_A)
    now = today()
    case_id = await open_case(world.pupil_a, world.school_a, world.la_id)
    await Case.update({Case.day_one: now - timedelta(days=7)}).where(Case.id == case_id)
    await end.hand_off(dsl, case_id)
    await Case.update({Case.day_one: now - timedelta(days=14)}).where(Case.id == case_id)
    await refresh_referral_days(case_id)
    row = await Case.select(Case.referral_days).where(Case.id == case_id).first()
    assert row is not None and row["referral_days"] == 10
    # A case not handed over keeps none.
    other = await open_case(world.pupil_b, world.school_b, world.la_id)
    await refresh_referral_days(other)
    row = await Case.select(Case.referral_days).where(Case.id == other).first()
    assert row is not None and row["referral_days"] is None


async def test_the_backfill_fills_what_was_stored_before(m: Measures) -> None:
    # As a database from before issue 12: no absence days, and cases handed over without
    # their time to referral (k8's 99 is set and must stay; cases never handed stay empty).
    await AbsenceDay.delete(force=True)
    await Case.update({Case.referral_days: None}).where(Case.la == m.world.la_id)
    assert await la_figures(m, OCT) == fig(
        cases=(7, 3, 1, 7, 4), episodes=(9, 9, 0, 9, 4), spread=None
    )
    await fill_absence_days()
    await fill_referral_days()
    # The days are worked out from each school's register: School B's INSET day on 18 Oct is
    # no school day, so k3 took 4 and k7 19, as in the world's table.
    taken = {r["id"]: r["referral_days"] for r in await Case.select(Case.id, Case.referral_days)}
    expected = {"k3": 4, "k5": 3, "k6": 12, "k7": 19, "k8": 99, "k9": 2, "k10": 4}
    assert {k: taken[v] for k, v in m.cases.items()} == {k: expected.get(k) for k in m.cases}
    assert await la_figures(m, OCT) == OCT_LA
    assert await la_figures(m, AUTUMN) == AUTUMN_LA
    # Eve's days: the run goes on through 5 Nov, which has no mark.
    assert await absence_rows(m.pupils["eve"]) == [
        (d(11, 4), 2, False, d(11, 4)),
        (d(11, 6), 2, False, d(11, 4)),
        (d(11, 7), 2, False, d(11, 4)),
    ]
    assert await AbsenceDay.count() == 42
    # Run again, nothing changes.
    await fill_absence_days()
    await fill_referral_days()
    assert await AbsenceDay.count() == 42
    assert await la_figures(m, OCT) == OCT_LA
