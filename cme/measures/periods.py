"""The periods the partnership reads figures over: an academic year, a school term, a custom
span; and the weeks or months a trend is drawn in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cme.timeline import academic_year, year_start

# The years a figure may be asked for: a date outside them is a slip of the keyboard (and a
# year before 1 has no year before it to compare with).
YEARS_ACCEPTED = range(2000, 2100)
# A longer custom period would draw a trend of hundreds of weeks.
LONGEST_DAYS = 3 * 366


class Grain(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """The days from `first` to `last`, both counted."""

    first: date
    last: date
    name: str = ""

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends on or after the day it starts")

    @property
    def label(self) -> str:
        span = f"{self.first:%-d %b %Y} to {self.last:%-d %b %Y}"
        return f"{self.name} ({span})" if self.name else span

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def a_year_earlier(self) -> Period:
        """The same dates one year before (29 February falls back to the 28th)."""
        return Period(_year_before(self.first), _year_before(self.last), _last_year(self.name))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _last_year(name: str) -> str:
    return f"{name}, a year earlier" if name else ""


def academic_year_to_date(on: date) -> Period:
    """The dashboard's default: this academic year, 1 September up to `on`."""
    year = academic_year(on)
    return Period(year_start(year), on, f"Academic year {year}/{str(year + 1)[2:]} so far")


def whole_academic_year(year: int) -> Period:
    return Period(
        year_start(year),
        year_start(year + 1) - timedelta(days=1),
        f"Academic year {year}/{str(year + 1)[2:]}",
    )


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def buckets(period: Period, grain: Grain) -> list[Period]:
    """The weeks (Monday to Sunday) or calendar months a trend is drawn in, cut to the period."""
    found: list[Period] = []
    start = monday(period.first) if grain is Grain.WEEK else period.first.replace(day=1)
    while start <= period.last:
        if grain is Grain.WEEK:
            end = start + timedelta(days=6)
            name = f"w/c {start:%-d %b}"
        else:
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            name = f"{start:%b %Y}"
        found.append(Period(max(start, period.first), min(end, period.last), name))
        start = end + timedelta(days=1)
    return found


class TermName(StrEnum):
    AUTUMN = "Autumn"
    SPRING = "Spring"
    SUMMER = "Summer"


def term_name(first_day: date) -> TermName:
    """Which of the three school terms a term (or half term) starting on this day is part of."""
    if first_day.month >= 9:
        return TermName.AUTUMN
    return TermName.SPRING if first_day.month <= 3 else TermName.SUMMER


def school_terms(year: int, la_terms: Iterable[tuple[date, date]] = ()) -> list[Period]:
    """The academic year's Autumn, Spring and Summer terms: spanned by the LA's own term
    dates (half terms joined) where it has entered them, else by the months (September to
    December, January to March, April to August)."""
    start, end = year_start(year), year_start(year + 1) - timedelta(days=1)
    spans: dict[TermName, tuple[date, date]] = {}
    for first, last in la_terms:
        if not (start <= first <= end):
            continue
        name = term_name(first)
        was = spans.get(name)
        spans[name] = (min(first, was[0]), max(last, was[1])) if was else (first, last)
    months = {
        TermName.AUTUMN: (start, date(year, 12, 31)),
        TermName.SPRING: (date(year + 1, 1, 1), date(year + 1, 3, 31)),
        TermName.SUMMER: (date(year + 1, 4, 1), end),
    }
    short = _short(year)
    return [
        Period(*spans.get(name, months[name]), f"{name.value} term {short}") for name in TermName
    ]


def _short(year: int) -> str:
    return f"{year}/{str(year + 1)[2:]}"


def same_term_last_year(term: Period, la_terms: Iterable[tuple[date, date]] = ()) -> Period:
    """The same term one academic year earlier, by the LA's dates for that year if it has
    them; else the same dates a year before."""
    terms = list(la_terms)
    year = academic_year(term.first)
    name = term_name(term.first)
    if any(academic_year(first) == year - 1 and term_name(first) is name for first, _ in terms):
        return next(t for t in school_terms(year - 1, terms) if term_name(t.first) is name)
    earlier = term.a_year_earlier()
    return Period(earlier.first, earlier.last, f"{name.value} term {_short(year - 1)}")


def term_key(term: Period) -> str:
    """How a term is named in an address: "2026-autumn"."""
    return f"{academic_year(term.first)}-{term_name(term.first).value.lower()}"


def term_for_key(key: str, la_terms: Iterable[tuple[date, date]] = ()) -> Period | None:
    """The term a `term_key` names, by the LA's dates; None if the key is not one (or names
    a year outside `YEARS_ACCEPTED`)."""
    year_text, _, name = (key or "").partition("-")
    if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
        return None
    if int(year_text) not in YEARS_ACCEPTED:
        return None
    chosen = next((t for t in TermName if t.value.lower() == name), None)
    if chosen is None:
        return None
    terms = list(la_terms)
    return next(t for t in school_terms(int(year_text), terms) if term_name(t.first) is chosen)
