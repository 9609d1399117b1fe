"""Synthetic registers with realistic absence patterns, for the demo, tests and benchmarks.

The first pupils are given one pattern each, so that every flag appears on the last day; the
rest are mostly present with the odd illness, appointment or late mark. For the demo, more
children are given a story (`STORIES`): an absence going on now and earlier ones that ended,
and how far the school and the LA have taken each case (`cme.storage.demo_cases`). A few of
the children the police report missing also miss afternoons (`miss_afternoons`).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol


class PupilLike(Protocol):
    @property
    def upn(self) -> str: ...
    @property
    def legal_forename(self) -> str: ...
    @property
    def legal_surname(self) -> str: ...
    @property
    def date_of_birth(self) -> date: ...
    @property
    def gender(self) -> str: ...
    @property
    def year_group(self) -> str: ...
    @property
    def reg_group(self) -> str: ...


@dataclass
class Grid:
    pupils: Sequence[PupilLike]
    days: list[date]  # weekdays covered, closures included
    marks: dict[str, list[str]]  # upn -> codes, AM and PM for each day; "" is a missing mark


# What the first pupils do on the last days of the grid (most recent last), one pattern each.
PATTERNS: tuple[tuple[str, list[str]], ...] = (
    ("twenty_day_run", ["NN"] * 4 + ["OO"] * 18),
    ("continuous_absence_10", ["GG"] * 5 + ["NN"] * 7),
    ("unexplained day one", ["NN"]),
    ("part_day_missing", ["/O"]),
    ("overdue_n", ["N\\"] + ["/\\"] * 7),
    ("missing_mark", ["/-"]),
    ("unexplained run", ["OO", "NN", "NO"]),
)


def weekdays(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def term_ending(last: date, min_school_days: int = 45) -> tuple[list[date], set[date]]:
    """Weekdays from the start of the autumn term to `last` (or the weekday before), with
    the October half-term week closed: (weekdays, closed days). Early in the academic year,
    the previous summer term's last weeks come first, so there is history to flag."""
    while last.weekday() >= 5:
        last -= timedelta(days=1)
    year = last.year if last.month >= 9 else last.year - 1
    first = date(year, 9, 3)
    closed = _half_term(year)
    # The Christmas holidays are no school days either.
    days = [d for d in weekdays(first, last) if not _christmas(d)]
    if len([d for d in days if d not in closed]) < min_school_days:
        # Summer holidays are no school days at all: no columns, as in a real export.
        days = weekdays(date(year, 6, 1), date(year, 7, 22)) + days
    return days, closed


def _christmas(day: date) -> bool:
    return (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 3)


def _half_term(year: int) -> set[date]:
    """The last full Monday-to-Friday week of October."""
    monday = date(year, 10, 31)
    while monday.weekday() != 0 or monday + timedelta(days=4) > date(year, 10, 31):
        monday -= timedelta(days=1)
    return {monday + timedelta(days=n) for n in range(5)}


@dataclass(frozen=True)
class Habits:
    """How often, on an ordinary day, a pupil falls ill, has an appointment or is late, and
    (secondary schools more than primaries) misses a day unexplained or on a holiday."""

    ill: float = 0.015
    appointment: float = 0.01
    late: float = 0.025
    unexplained: float = 0.0
    holiday: float = 0.0


# The demo schools differ: a primary with more illness, a secondary with more lateness and
# odd unexplained or holiday days.
HABITS = (
    Habits(ill=0.02, appointment=0.008, late=0.015),
    Habits(ill=0.01, appointment=0.012, late=0.05, unexplained=0.0005, holiday=0.003),
)


def make_grid(
    pupils: Sequence[PupilLike],
    days: list[date],
    closed: set[date],
    seed: int,
    patterns: bool = True,
    habits: Habits = Habits(),
) -> Grid:
    rng = random.Random(seed)  # noqa: S311  (repeatable synthetic data, not secrets)
    open_days = [d for d in days if d not in closed]
    marks: dict[str, list[str]] = {}
    for pupil in pupils:
        row: list[str] = []
        ill_until = -1  # an illness lasts one to three days
        for i, day in enumerate(days):
            if day in closed:
                row += ["#", "#"]
                continue
            roll = rng.random()
            if i > ill_until and roll < habits.ill:
                ill_until = i + rng.randrange(3)
            cut = habits.ill
            if i <= ill_until:
                row += ["I", "I"]
            elif roll < (cut := cut + habits.appointment):
                row += ["M", "\\"]
            elif roll < (cut := cut + habits.late):
                row += ["L", "\\"]
            elif roll < (cut := cut + habits.unexplained):
                row += ["O", "O"]
            elif roll < cut + habits.holiday:
                row += ["G", "G"]
            else:
                row += ["/", "\\"]
        marks[pupil.upn] = row
    if patterns:
        _apply_patterns(pupils, days, open_days, marks)
    return Grid(pupils, days, marks)


def _apply_patterns(
    pupils: Sequence[PupilLike],
    days: list[date],
    open_days: list[date],
    marks: dict[str, list[str]],
) -> None:
    index = {d: i for i, d in enumerate(days)}
    for (_, pattern), pupil in zip(PATTERNS, pupils, strict=False):
        row = marks[pupil.upn]
        pattern = pattern[-len(open_days) :]  # a short register holds the pattern's end only
        for offset, pair in enumerate(pattern):
            day = open_days[len(open_days) - len(pattern) + offset]
            am, pm = ("" if c == "-" else c for c in pair)
            row[2 * index[day]], row[2 * index[day] + 1] = am, pm
    # Sixteen days of illness for the next pupil: an LA sickness return.
    if len(pupils) > len(PATTERNS):
        row = marks[pupils[len(PATTERNS)].upn]
        for day in open_days[5:21]:
            row[2 * index[day]] = row[2 * index[day] + 1] = "I"


# --- the demo's stories ------------------------------------------------------------------

LOOKED_AFTER = "looked_after"
CP_PLAN = "child_protection_plan"


@dataclass(frozen=True)
class Story:
    """One demo child: the absence going on now (each school day's AM and PM codes, oldest
    first, ending on the register's last day; empty: the register as generated), earlier
    absences that ended (school days before the last day that each began, and its days), how
    far the case has been taken (`demo_cases.WORK`), what the pupil's record says (`status`),
    which CME officer has the case (1 or 2; 0: nobody has taken it) and how it ended."""

    work: str
    now: tuple[str, ...] = ()
    earlier: tuple[tuple[int, tuple[str, ...]], ...] = ()
    status: str = ""
    officer: int = 0
    ended: str = ""


def away(days: int, still_n: int | None = None) -> tuple[str, ...]:
    """`days` school days absent: the latest `still_n` (all by default) still coded N, the
    earlier ones already replaced by O (no reason given, so unauthorised)."""
    n = days if still_n is None else still_n
    return ("OO",) * (days - n) + ("NN",) * n


def _back(before: int, days: int, ill: int = 0) -> tuple[int, tuple[str, ...]]:
    """An earlier absence: `days` unexplained, then `ill` days the family said were illness."""
    return before, ("OO",) * days + ("II",) * ill


_S = Story
# By school URN: the pattern pupils' stories (by position) and the stories spread over the
# other pupils. Mixed, so that each stage has children in several year groups.
STORIES: dict[str, tuple[dict[int, Story], tuple[Story, ...]]] = {
    "900001": (
        {0: _S("removed", officer=1), 1: _S("with_la"), 2: _S("day_one"), 6: _S("unscreened")},
        (
            _S("day_one", away(1)),
            _S("enquiries", away(2)),
            _S("la_enquiries", away(12, 2), officer=2),
            _S("back", earlier=(_back(9, 2),)),
            _S("day_one", away(1), earlier=(_back(20, 2),)),
            _S("refer_now", away(2), status=CP_PLAN),
            _S("removal", away(24, 2), officer=2),
            _S("back", earlier=(_back(24, 1, ill=2),)),
            _S("contacted", away(1)),
            _S("enquiries", away(3)),
            _S("with_la", away(15, 2), earlier=(_back(35, 1),)),
            _S("day_one", away(2)),
            _S("back", earlier=(_back(17, 1),)),
            _S("referred", away(4, 2), status=LOOKED_AFTER),
            _S("found", away(26, 2), officer=1, ended="new_school_other_la"),
            _S("day_one", away(1)),
            _S("enquiries", away(6)),
            _S("back", earlier=(_back(30, 3),)),
            _S("reviewed", away(11, 3), status=CP_PLAN, officer=1),
            _S("closed", away(3), ended="new_school_other_la"),
            _S("day_one", away(3)),
            _S("back", earlier=(_back(12, 1, ill=1),)),
            _S("day_one", away(1)),
        ),
    ),
    "900002": (
        {0: _S("reviewed", officer=1), 1: _S("with_la"), 2: _S("day_one"), 6: _S("enquiries")},
        (
            _S("day_one", away(1)),
            _S("enquiries", away(2)),
            _S("contacted", away(2)),
            _S("back", earlier=(_back(8, 1),)),
            _S("day_one", away(1)),
            _S("refer_now", away(1), status=LOOKED_AFTER),
            _S("with_la", away(12, 2)),
            _S("removed", away(25, 2), officer=1),
            _S("day_one", away(2), earlier=(_back(15, 2),)),
            _S("enquiries", away(3)),
            _S("back", earlier=(_back(21, 2, ill=1),)),
            _S("reviewed", away(13, 2), officer=1),
            _S("contacted", away(1)),
            _S("day_one", away(1)),
            _S("closed", away(2), ended="elective_home_education"),
            _S("enquiries", away(4, 1)),
            _S("la_enquiries", away(11, 2), officer=2),
            _S("back", earlier=(_back(27, 1),)),
            _S("day_one", away(1)),
            _S("unscreened", away(4)),
            _S("removal", away(28, 2), officer=2),
            _S("enquiries", away(5)),
            _S("day_one", away(3)),
            _S("with_la", away(16, 2), officer=1),
            _S("back", earlier=(_back(11, 3),)),
            _S("refer_now", away(3)),
            _S("day_one", away(1), earlier=(_back(33, 1),)),
            _S("reviewed", away(14, 2), status=LOOKED_AFTER, officer=2),
            _S("closed", away(4), ended="new_school_this_la"),
            _S("enquiries", away(2)),
            _S("back", earlier=(_back(36, 2),)),
            _S("day_one", away(1)),
            _S("referred", away(5, 2), status=CP_PLAN),
            _S("with_la", away(17, 2), officer=2),
            _S("contacted", away(1)),
            _S("removed", away(30, 2), officer=2),
            _S("back", earlier=(_back(19, 1, ill=2),)),
            _S("enquiries", away(7)),
            _S("day_one", away(1)),
            _S("contacted", away(1)),
            _S("closed", away(6, 1), ended="new_school_abroad"),
            _S("back", earlier=(_back(6, 2),)),
            _S("enquiries", away(3)),
            _S("day_one", away(2)),
            _S("back", earlier=(_back(40, 1, ill=1),)),
            _S("enquiries", away(8, 2)),
            _S("day_one", away(1)),
            _S("back", earlier=(_back(25, 2),)),
        ),
    ),
}


def stories(urn: str, pupils: Sequence[PupilLike]) -> dict[str, Story]:
    """The school's stories by pupil UPN (none for a school the demo does not know)."""
    told, others = STORIES.get(urn, ({}, ()))
    found = {pupils[i].upn: story for i, story in told.items() if i < len(pupils)}
    # After the pattern pupils and the one off sick; spread over the year groups.
    first = len(PATTERNS) + 1
    free = len(pupils) - first
    if free >= len(others):
        for k, story in enumerate(others):
            found[pupils[first + k * free // len(others)].upn] = story
    return found


def tell(grid: Grid, closed: set[date], told: Mapping[str, Story], first_open: int = 0) -> None:
    """Write the stories' absences into the grid, each after a day in school. An earlier
    absence that would begin before open day `first_open` or run into the absence going on
    now is left out."""
    open_days = [d for d in grid.days if d not in closed]
    index = {d: i for i, d in enumerate(grid.days)}
    last = len(open_days) - 1

    def put(row: list[str], start: int, pairs: Sequence[str]) -> None:
        for offset, pair in enumerate(pairs):
            i = index[open_days[start + offset]]
            row[2 * i], row[2 * i + 1] = pair[0], pair[1]

    for upn, story in told.items():
        row = grid.marks[upn]
        now = story.now[-last:] if last > 0 else ()
        for before, days in story.earlier:
            start = last - before
            if start >= first_open and start + len(days) < last - len(now):
                put(row, start, (*days, "/\\"))
        if now:
            put(row, last - len(now), ("/\\", *now))


def miss_afternoons(grid: Grid, missed: Mapping[str, Collection[date]]) -> None:
    """Mark each pupil's afternoon of the given days unexplained (O: the school has no reason),
    the morning present: a part-day absence. Only days the register shows as an ordinary day
    in school change, so a story's absence, a pattern or an illness stays as it is."""
    index = {d: i for i, d in enumerate(grid.days)}
    for upn, days in missed.items():
        row = grid.marks.get(upn)
        for day in days:
            i = index.get(day)
            if row is not None and i is not None and row[2 * i : 2 * i + 2] == ["/", "\\"]:
                row[2 * i + 1] = "O"


def first_days(grid: Grid, closed: set[date], open_days: int) -> Grid:
    """The grid up to its `open_days`-th day open: the register as it was then."""
    seen, keep = 0, 0
    for day in grid.days:
        keep += 1
        seen += day not in closed
        if seen == open_days:
            break
    marks = {upn: row[: 2 * keep] for upn, row in grid.marks.items()}
    return Grid(grid.pupils, grid.days[:keep], marks)


PUPIL_HEADERS = ["UPN", "Legal Surname", "Legal Forename", "DOB", "Gender", "Year", "Reg"]


def _pupil_cells(p: PupilLike) -> list[str]:
    return [
        p.upn,
        p.legal_surname,
        p.legal_forename,
        f"{p.date_of_birth:%d/%m/%Y}",
        p.gender,
        p.year_group,
        p.reg_group,
    ]


def wide_rows(grid: Grid) -> list[list[str]]:
    header = PUPIL_HEADERS + [f"{d:%d/%m/%Y} {s}" for d in grid.days for s in ("AM", "PM")]
    return [header] + [_pupil_cells(p) + grid.marks[p.upn] for p in grid.pupils]


def long_rows(grid: Grid) -> list[list[str]]:
    rows = [[*PUPIL_HEADERS, "Date", "Session", "Mark", "Minutes Late", "Comment"]]
    for p in grid.pupils:
        cells = _pupil_cells(p)
        marks = grid.marks[p.upn]
        for i, day in enumerate(grid.days):
            for j, session in enumerate(("AM", "PM")):
                mark = marks[2 * i + j]
                late = "12" if mark == "L" else ""
                rows.append([*cells, f"{day:%d/%m/%Y}", session, mark, late, ""])
    return rows


def to_csv(rows: list[list[str]], bom: bool = False, encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
