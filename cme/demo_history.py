"""The demo LA's year before this term (issue 12, Demo): the previous academic year's
registers of each demo school, uploaded every three weeks, and the children whose absences the
schools and the LA worked through then. Plain data, no I/O; the same `today` gives the same
year. `cme.storage.demo_history` lives it through, on its own dates.

Last year's pupils are this year's, a year group lower: the school's youngest year group
joined it this September. A few children left during the year (a new school, home education,
a move, a removal from roll): they are on last year's registers only, until they left.

Unexplained absence (N, then O once the school has no reason) comes and goes by the week, more
before the holidays and in a few children than in most; some absences run for days. The
school first codes a day N and replaces it by its next upload: most with O, some with the
illness the family later reported.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from cme.demo_data import (
    BOYS,
    GIRLS,
    LA_CODE,
    NEUTRAL,
    SCHOOLS,
    DemoPupil,
    DemoSchool,
    make_upn,
    school_pupils,
)
from cme.demo_registers import (
    HABITS,
    PATTERNS,
    Grid,
    make_grid,
    stories,
    term_ending,
    weekdays,
)
from cme.terms import demo_terms
from cme.timeline import academic_year

# How far a past story takes its case, in the order a case goes (`cme.storage.demo_history`):
# the school's call on day one, its enquiries and screen, the hand-off to the LA; whether the
# child then came back (the register closes the case), or a person closed it with where the
# child is now, or the child was removed from roll and found by the LA later.
PAST_WORK = (
    "contacted",  # a call, then the child came back
    "explained",  # a call, then the family said the child had been ill
    "enquiries",  # the school's enquiries and the DSL's screen, then the child came back
    "referred",  # a must-refer screen, the referral and the hand-off; then back
    "handed",  # handed to the LA after a few school days; the LA's enquiries; then back
    "school_closed",  # the DSL closed the case: the child is at a new school, abroad, at home
    "la_closed",  # handed over; the CME officer found where the child is
    "removed",  # removed from roll under the 20-day rule; the LA found the child later
)
HANDED = frozenset({"referred", "handed", "la_closed", "removed"})
LEFT = frozenset({"school_closed", "la_closed", "removed"})
# The stories of each school's year: the work, and for those that left the outcome a person
# records (for a removal, where the LA later found the child). Spread over the year in this
# order; removals early, so that the LA finds the child before the summer.
_STORIES = {
    "900001": (
        ("contacted", ""),
        ("removed", "new_school_other_la"),
        ("handed", ""),
        ("explained", ""),
        ("enquiries", ""),
        ("school_closed", "elective_home_education"),
        ("contacted", ""),
        ("handed", ""),
        ("la_closed", "new_school_this_la"),
        ("explained", ""),
        ("enquiries", ""),
        ("contacted", ""),
    ),
    "900002": (
        ("enquiries", ""),
        ("removed", "new_school_abroad"),
        ("contacted", ""),
        ("handed", ""),
        ("school_closed", "new_school_this_la"),
        ("explained", ""),
        ("referred", ""),
        ("removed", "new_school_other_la"),
        ("la_closed", "moved_out_of_reasonable_distance"),
        ("contacted", ""),
        ("handed", ""),
        ("enquiries", ""),
        ("school_closed", "new_school_abroad"),
        ("explained", ""),
        ("la_closed", "new_school_other_la"),
        ("contacted", ""),
        ("handed", ""),
        ("referred", ""),
        ("enquiries", ""),
        ("school_closed", "elective_home_education"),
        ("contacted", ""),
        ("la_closed", "elective_home_education"),
        ("handed", ""),
        ("explained", ""),
        ("enquiries", ""),
        ("contacted", ""),
    ),
}
# School days from day one to the hand-off: some on time, many later than the LA asks.
_HAND_OFF_AFTER = (1, 2, 3, 3, 4, 5, 6, 8, 11, 14)
# The removal from roll needs a run of 20 school days (reg 9(1)(i)).
REMOVAL_RUN = 20
# How often the schools uploaded their register last year, in weeks: each upload opens and
# closes cases for the whole school, so a year of them is most of the demo's loading time.
UPLOAD_EVERY_WEEKS = 3


@dataclass(frozen=True)
class Year:
    """The past year's school days (the LA's terms before this term's first register day),
    the days the schools were closed, and the days they uploaded their register: the last
    open day of every `UPLOAD_EVERY_WEEKS`th week, and the last day of the year."""

    academic_year: int
    days: tuple[date, ...]
    closed: frozenset[date]
    uploads: tuple[date, ...]

    @property
    def open_days(self) -> list[date]:
        return [d for d in self.days if d not in self.closed]


@dataclass(frozen=True)
class PastStory:
    """One child's case last year. Days are school days counted from day one (day one is 0):
    `away` absent (for a child who left: until they left), then `ill` days the family said
    were illness; the hand-off after `handed` (0: never), the case ended by a person after
    `ends`, the removed child found `found` school days after the removal."""

    work: str
    day_one: date
    away: int
    ill: int = 0
    handed: int = 0
    ends: int = 0
    outcome: str = ""
    found: int = 0
    officer: int = 1


@dataclass(frozen=True)
class SchoolPast:
    school: DemoSchool
    pupils: list[DemoPupil]  # on roll last year, the leavers last
    leavers: list[DemoPupil]
    grid: Grid  # every mark as it finally stood, over `Year.days`
    explained_later: frozenset[tuple[str, date]]  # illness the school first coded N
    stories: dict[str, PastStory]  # by UPN


def past_year(today: date) -> Year:
    """The previous academic year's term days before this term's first register day."""
    current, _ = term_ending(today)
    year = academic_year(current[-1]) - 1
    days: list[date] = []
    for _, first, last in demo_terms(year):
        days += [d for d in weekdays(first, last) if d < current[0]]
    # The early May bank holiday: a closure in the register.
    may = date(year + 1, 5, 1)
    may += timedelta(days=(7 - may.weekday()) % 7)
    closed = frozenset(d for d in days if d == may)
    last_of_week: dict[date, date] = {}
    for d in days:
        if d not in closed:
            last_of_week[d - timedelta(days=d.weekday())] = d
    weeks = sorted(last_of_week.values())
    # Every few weeks, and on the last day before this term.
    uploads = {*weeks[UPLOAD_EVERY_WEEKS - 1 :: UPLOAD_EVERY_WEEKS], weeks[-1]}
    return Year(year, tuple(days), closed, tuple(sorted(uploads)))


def _leavers(school: DemoSchool, year: int, how_many: int, rng: random.Random) -> list[DemoPupil]:
    """Children on the school's roll last year only: their own UPNs (serials well above any
    year group's), names no other pupil of the school has, ages that fit their year group."""
    taken = {(p.legal_forename, p.legal_surname) for p in school_pupils(school, year + 1)}
    found: list[DemoPupil] = []
    groups = list(school.year_groups)
    for n in range(how_many):
        group = groups[(n * 2 + 1) % len(groups)]
        gender = rng.choice("FM")
        while True:
            forename = rng.choice((GIRLS if gender == "F" else BOYS) + NEUTRAL)
            surname = rng.choice(school.surnames)
            if (forename, surname) not in taken:
                break
        taken.add((forename, surname))
        born_from = date(year - group - 5, 9, 1)
        found.append(
            DemoPupil(
                upn=make_upn(LA_CODE, school.establishment, year - group, 150 + n),
                legal_forename=forename,
                legal_surname=surname,
                date_of_birth=born_from + timedelta(days=rng.randrange(365)),
                gender=gender,
                year_group=str(group),
                reg_group=f"{group}{'ABC'[n % 3]}",
            )
        )
    return found


def past_pupils(school: DemoSchool, year: int) -> list[DemoPupil]:
    """This year's pupils as they were in academic year `year`: a year group lower, the
    youngest year group not yet at the school."""
    lowest = school.year_groups.start
    return [
        replace(
            p,
            year_group=str(int(p.year_group) - 1),
            reg_group=f"{int(p.year_group) - 1}{p.reg_group[-1]}",
        )
        for p in school_pupils(school, year + 1)
        if int(p.year_group) > lowest
    ]


def _week_levels(year: Year, rng: random.Random) -> dict[date, float]:
    """How much unexplained absence each week has, against the school's usual: it wanders,
    and rises in the last week before a holiday (the last two before the summer)."""
    levels: dict[date, float] = {}
    days = list(year.days)
    for day in days:
        monday = day - timedelta(days=day.weekday())
        if monday not in levels:
            levels[monday] = rng.uniform(0.4, 1.6)
    weeks = sorted(levels)
    for i, day in enumerate(days):
        if i + 1 == len(days) or days[i + 1] - day > timedelta(days=3):
            monday = day - timedelta(days=day.weekday())
            before = [monday] if i + 1 < len(days) else weeks[-2:]
            for week in before:
                levels[week] = max(levels[week], 1.0) * 3.0
    return levels


# Each school's chance, on an ordinary day, that a pupil's unexplained absence starts; and that
# a pupil is missing for an afternoon unexplained.
_STARTS = {"900001": 0.0022, "900002": 0.005}
_AFTERNOONS = {"900001": 0.0003, "900002": 0.0012}
_RUN_DAYS = (1, 2, 3, 4, 5, 7, 9)
_RUN_WEIGHTS = (48, 22, 11, 8, 5, 4, 2)


def _absences(grid: Grid, year: Year, urn: str, rng: random.Random) -> set[tuple[str, date]]:
    """Lay unexplained absences over the ordinary days; returns the days of those the family
    explained as illness after the school first coded them N."""
    levels = _week_levels(year, rng)
    start, afternoon = _STARTS[urn], _AFTERNOONS[urn]
    later: set[tuple[str, date]] = set()
    index = {d: i for i, d in enumerate(grid.days)}
    open_days = year.open_days
    for pupil in grid.pupils:
        # A few children miss far more school than the rest.
        habit = rng.choices((0.4, 1.5, 5.0), weights=(80, 15, 5))[0]
        row = grid.marks[pupil.upn]
        i = 0
        while i < len(open_days):
            day = open_days[i]
            level = levels[day - timedelta(days=day.weekday())] * habit
            roll = rng.random()
            if roll < start * level:
                run = rng.choices(_RUN_DAYS, weights=_RUN_WEIGHTS)[0]
                explained = rng.random() < 0.35
                for d in open_days[i : i + run]:
                    at = 2 * index[d]
                    row[at], row[at + 1] = ("I", "I") if explained else ("O", "O")
                    if explained:
                        later.add((pupil.upn, d))
                i += run + 1  # back the day after
                continue
            if roll > 1 - afternoon * level and row[2 * index[day] : 2 * index[day] + 2] == [
                "/",
                "\\",
            ]:
                row[2 * index[day] + 1] = "O"
            i += 1
    return later


def _present(row: list[str], at: int) -> None:
    row[2 * at], row[2 * at + 1] = "/", "\\"


def _tell(grid: Grid, year: Year, told: dict[str, PastStory], later: set[tuple[str, date]]) -> None:
    """Write each story's absence over whatever the child's days held: in school the day
    before, away from day one, back afterwards unless the child left."""
    index = {d: i for i, d in enumerate(grid.days)}
    open_days = year.open_days
    place = {d: i for i, d in enumerate(open_days)}
    for upn, story in told.items():
        row = grid.marks[upn]
        s = place[story.day_one]
        if s > 0:
            _present(row, index[open_days[s - 1]])
        left = story.work in LEFT
        end = len(open_days) if left else min(s + story.away, len(open_days))
        for d in open_days[s:end]:
            row[2 * index[d]], row[2 * index[d] + 1] = "O", "O"
            later.discard((upn, d))
        if left:
            continue
        for d in open_days[end : end + story.ill]:
            row[2 * index[d]], row[2 * index[d] + 1] = "I", "I"
            later.discard((upn, d))
        back = end + story.ill
        if back < len(open_days):
            _present(row, index[open_days[back]])


def _upload_on_or_after(year: Year, day: date) -> date:
    return next(u for u in year.uploads if u >= day)


def _stories(
    urn: str,
    pupils: Sequence[DemoPupil],
    leavers: Sequence[DemoPupil],
    year: Year,
    avoid: Collection[str],
    rng: random.Random,
) -> dict[str, PastStory]:
    """The school's past stories, spread over the year, each given a child: a leaver for one
    who left, otherwise a pupil with no story this term, in a different year group each time."""
    plan = _STORIES.get(urn, ())
    if not plan:
        return {}
    open_days = year.open_days
    # Not the first upload (the pupils' details come with it), and room at the end for the
    # last case to be worked and closed before the summer.
    sent = [open_days.index(u) for u in year.uploads][1:-3]
    gone = {p.upn for p in leavers}
    staying = [p for p in pupils if p.upn not in avoid and p.upn not in gone]
    groups = sorted({p.year_group for p in staying})
    leaving = list(leavers)
    told: dict[str, PastStory] = {}
    officer = 0
    for k, (work, outcome) in enumerate(plan):
        # Day one up to two school days before an upload, which shows it.
        upload = sent[k * len(sent) // len(plan)]
        s = upload - rng.randrange(3)
        day_one = open_days[s]
        # The first school day after the upload that opened the case: the enquiries begin.
        after = upload + 1 - s
        handed = 0
        if work in HANDED:
            handed = max(rng.choice(_HAND_OFF_AFTER), after)
            officer = officer % 2 + 1
        if work == "removed":
            # Removed the school day after the first upload showing the run at 20 days.
            twenty = open_days.index(_upload_on_or_after(year, open_days[s + REMOVAL_RUN - 1]))
            story = PastStory(
                work,
                day_one,
                away=0,
                handed=handed,
                ends=twenty + 1 - s,
                outcome=outcome,
                found=rng.randint(12, 30),
                officer=officer,
            )
        elif work in LEFT:
            ends = (
                (handed + rng.randint(6, 12)) if work == "la_closed" else after + rng.randint(1, 4)
            )
            story = PastStory(
                work, day_one, away=0, handed=handed, ends=ends, outcome=outcome, officer=officer
            )
        else:
            # Back only once everything recorded about the absence was done.
            last = {"contacted": after - 1, "explained": after - 1, "enquiries": after + 1}
            done = last.get(work, handed + 2)
            away = max(done + 1, rng.randint(2, 6) + (handed if work in HANDED else 0))
            ill = rng.randint(1, 3) if work == "explained" else 0
            story = PastStory(work, day_one, away=away, ill=ill, handed=handed, officer=officer)
        if work in LEFT:
            child = leaving.pop(0)
        else:
            group = groups[k % len(groups)]
            child = next(
                p
                for p in staying[k * 7 % len(staying) :] + staying
                if p.year_group == group and p.upn not in told
            )
        told[child.upn] = story
    return told


def school_past(school: DemoSchool, today: date, year: Year | None = None) -> SchoolPast:
    """The school's past year: its pupils, their marks as they finally stood, and the
    stories of the cases worked."""
    year = year or past_year(today)
    seed = SCHOOLS.index(school)
    rng = random.Random(f"{school.urn}-past")  # noqa: S311  (repeatable demo data)
    leaving = sum(work in LEFT for work, _ in _STORIES.get(school.urn, ()))
    leavers = _leavers(school, year.academic_year, leaving, rng)
    pupils = past_pupils(school, year.academic_year) + leavers
    now = school_pupils(school, year.academic_year + 1)
    # This term's pattern pupils and children with a story are left to this term's stories.
    avoid = {p.upn for p in now[: len(PATTERNS) + 1]} | set(stories(school.urn, now))
    habits = replace(HABITS[seed], unexplained=0.0)
    grid = make_grid(
        pupils, list(year.days), set(year.closed), seed=100 + seed, patterns=False, habits=habits
    )
    later = _absences(grid, year, school.urn, rng)
    told = _stories(school.urn, pupils, leavers, year, avoid, rng)
    _tell(grid, year, told, later)
    # Every child in school on the last day: no absence runs on into this term.
    last = len(year.days) - 1
    for pupil in pupils:
        _present(grid.marks[pupil.upn], last)
        later.discard((pupil.upn, year.days[last]))
    return SchoolPast(school, pupils, leavers, grid, frozenset(later), told)


def upload(
    past: SchoolPast,
    year: Year,
    on: date,
    before: date | None,
    on_roll: Collection[str],
    kept: Collection[str],
) -> Grid:
    """The register the school uploaded on `on`: the days since the week before its last
    upload (`before`), so that the days it coded N then are replaced, for the pupils
    `on_roll`. The last two days' unexplained sessions are still N for the pupils in `kept`
    (those the school's next upload has too; none in the year's last upload)."""
    since = before - timedelta(days=4) if before else date.min
    days = [d for d in year.days if since < d <= on]
    first = year.days.index(days[0])
    recent = [d for d in days if d not in year.closed][-2:]
    pupils = [p for p in past.pupils if p.upn in on_roll]
    marks: dict[str, list[str]] = {}
    for p in pupils:
        row = past.grid.marks[p.upn][2 * first : 2 * (first + len(days))]
        if p.upn in kept:
            for d in recent:
                at = 2 * (year.days.index(d) - first)
                if (p.upn, d) in past.explained_later:
                    row[at], row[at + 1] = "N", "N"
                else:
                    row[at : at + 2] = ["N" if c == "O" else c for c in row[at : at + 2]]
        marks[p.upn] = row
    return Grid(pupils, days, marks)
