"""An LA's term dates: checking what an administrator typed, and plausible English terms for
the demo. Projected school days (the statutory clock's future dates) are the weekdays inside
these terms; the gaps between terms are holidays."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cme.errors import InvalidField
from cme.timeline import academic_year

NAME_LIMIT = 60
# A whole term (Sept to Christmas) is about 16 weeks; anything much longer is a typing slip
# (a wrong year), and half terms are entered as terms of their own.
LONGEST_TERM_DAYS = 20 * 7
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
# Outside these years a date is a mistake, whoever typed it.
_YEARS = range(2000, 2100)


@dataclass
class TermForm:
    """What an administrator typed, kept as text to show back beside any message."""

    name: str = ""
    first_day: str = ""
    last_day: str = ""


@dataclass(frozen=True)
class Term:
    id: int
    name: str
    first_day: date
    last_day: date

    @property
    def academic_year(self) -> int:
        return academic_year(self.first_day)

    @property
    def weekdays(self) -> int:
        return weekdays_between(self.first_day, self.last_day)


def weekdays_between(first: date, last: date) -> int:
    """Mondays to Fridays from `first` to `last`, both included."""
    days = (last - first).days + 1
    if days <= 0:
        return 0
    whole, rest = divmod(days, 7)
    extra = sum(1 for n in range(rest) if (first + timedelta(days=n)).weekday() < 5)
    return whole * 5 + extra


def typed_date(typed: str, label: str) -> date:
    """A date as a person types it (05/09/2026 or 5/9/2026) or as a browser's date picker
    sends it (2026-09-05); `label` names the field in the message ("First day")."""
    typed = typed.strip()
    if not typed:
        raise InvalidField(label, f"Enter the {label.lower()}, for example 03/09/2026.")
    try:
        match = _UK_DATE.match(typed)
        if match:
            day, month, year = (int(g) for g in match.groups())
            found = date(year, month, day)
        else:
            found = date.fromisoformat(typed)
    except ValueError:
        raise InvalidField(
            label,
            f"{label}: \u201c{typed}\u201d is not a date. Enter it as day/month/year, "
            "for example 03/09/2026.",
        ) from None
    if found.year not in _YEARS:
        raise InvalidField(label, f"{label}: {found:%d/%m/%Y} is not a year the tracker covers.")
    return found


def check_term(name: str, first_day: date, last_day: date) -> str:
    """The term's name, tidied, or an InvalidField saying what to correct."""
    name = " ".join(name.split())
    if not name:
        raise InvalidField("Name", "Enter a name for the term, for example \u201cAutumn 1\u201d.")
    if len(name) > NAME_LIMIT:
        raise InvalidField("Name", f"Keep the term\u2019s name to {NAME_LIMIT} characters.")
    if last_day < first_day:
        raise InvalidField(
            "Last day",
            f"The last day ({last_day:%d/%m/%Y}) is before the first day ({first_day:%d/%m/%Y}).",
        )
    if (last_day - first_day).days + 1 > LONGEST_TERM_DAYS:
        raise InvalidField(
            "Last day",
            "A term is at most 20 weeks long: check the year of each date. Enter half terms "
            "as separate terms; the gap between them is the holiday.",
        )
    return name


def overlapping(first_day: date, last_day: date, terms: Iterable[Term]) -> Term | None:
    """The first of `terms` sharing a day with first_day..last_day, if any."""
    for term in sorted(terms, key=lambda t: t.first_day):
        if term.first_day <= last_day and first_day <= term.last_day:
            return term
    return None


def by_academic_year(terms: Iterable[Term]) -> list[tuple[int, list[Term]]]:
    """Terms grouped by the academic year they start in, each group in date order."""
    groups: dict[int, list[Term]] = {}
    for term in sorted(terms, key=lambda t: t.first_day):
        groups.setdefault(term.academic_year, []).append(term)
    return sorted(groups.items())


def year_words(year: int) -> str:
    """ "2026 to 2027", as the DfE writes academic years."""
    return f"{year} to {year + 1}"


# --- demo terms ---


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _october_half_term(year: int) -> date:
    """Monday of the last full Monday-to-Friday week of October (as the demo registers close)."""
    monday = _monday_on_or_before(date(year, 10, 31))
    if monday + timedelta(days=4) > date(year, 10, 31):
        monday -= timedelta(days=7)
    return monday


def demo_terms(year: int) -> list[tuple[str, date, date]]:
    """Six half terms of academic year `year` (2026 for 2026 to 2027), plausible for an
    English LA: from the first weekday on or after 3 September to about 22 July, with a week
    off in late October, mid-February and late May, Christmas from 21 December to 3 January
    (as the demo registers have it) and two Easter weeks around the first Monday of April
    (a fixed rule: the real Easter moves, and the demo has no need of it)."""
    week = timedelta(days=7)
    friday = timedelta(days=4)
    october = _october_half_term(year)
    christmas_end = _weekday_on_or_before(date(year, 12, 20))
    spring_start = _weekday_on_or_after(date(year + 1, 1, 4))
    february = _first_monday(year + 1, 2) + 2 * week  # the third Monday of February
    easter = _first_monday(year + 1, 4) - week
    may = _monday_on_or_before(date(year + 1, 5, 31))
    if may + friday > date(year + 1, 5, 31):
        may -= week
    label = f"{year}/{(year + 1) % 100:02d}"
    return [
        (f"Autumn 1 {label}", _weekday_on_or_after(date(year, 9, 3)), october - timedelta(3)),
        (f"Autumn 2 {label}", october + week, christmas_end),
        (f"Spring 1 {label}", spring_start, february - timedelta(3)),
        (f"Spring 2 {label}", february + week, easter - timedelta(3)),
        (f"Summer 1 {label}", easter + 2 * week, may - timedelta(3)),
        (f"Summer 2 {label}", may + week, _weekday_on_or_before(date(year + 1, 7, 22))),
    ]
