"""The choices a person makes on a figures page (period, weeks or months, breakdown, school),
read from the address, with a sentence for anything that cannot be read and the default
shown instead: a bad address never gives an error page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from litestar import Request

from cme.access import Viewer
from cme.measures.figures import Dimension
from cme.measures.periods import (
    LONGEST_DAYS,
    YEARS_ACCEPTED,
    Grain,
    Period,
    academic_year_to_date,
    school_terms,
    term_key,
    whole_academic_year,
)
from cme.storage.calendar_facts import term_dates
from cme.storage.clock import today
from cme.timeline import academic_year
from cme.web.figures_names import BREAKDOWN_TITLES, DATES, LAST_YEAR, THIS_YEAR

QUERY_KEYS = ("period", "from", "to", "grain", "by", "school", "was")


@dataclass(frozen=True)
class PeriodOption:
    key: str
    label: str
    period: Period

    @property
    def text(self) -> str:
        return f"{self.label} ({self.period.first:%-d %b %Y} to {self.period.last:%-d %b %Y})"


def period_options(on: date, la_terms: Sequence[tuple[date, date]]) -> list[PeriodOption]:
    """The periods offered: this academic year so far, last academic year, and each school
    term of the two that has begun (the current one up to `on`)."""
    year = academic_year(on)
    found = [
        PeriodOption(THIS_YEAR, "This academic year so far", academic_year_to_date(on)),
        PeriodOption(LAST_YEAR, "Last academic year", whole_academic_year(year - 1)),
    ]
    return found + [
        PeriodOption(term_key(t), t.name if t.last < on else f"{t.name} so far", _to_day(t, on))
        for t in started_terms(on, la_terms)
    ]


def started_terms(on: date, la_terms: Sequence[tuple[date, date]]) -> list[Period]:
    """This year's and last year's terms that have begun, the latest first."""
    year = academic_year(on)
    terms = [t for y in (year, year - 1) for t in school_terms(y, la_terms)]
    return sorted((t for t in terms if t.first <= on), key=lambda t: t.first, reverse=True)


def _to_day(term: Period, on: date) -> Period:
    # A term under way is read up to today: the weeks to come would show as nothing.
    if term.last < on:
        return term
    return Period(term.first, on, f"{term.name} so far")


@dataclass
class Choice:
    """What the page shows, as read from the address; `problems` says (for a person) what
    could not be read and what is shown instead."""

    period_key: str
    period: Period
    grain: Grain
    dimension: Dimension
    school_id: int | None = None
    problems: list[str] = field(default_factory=list)

    def query(self, **changes: str | None) -> dict[str, str | None]:
        """The choice as an address's query, for links and downloads."""
        dates = self.period_key == DATES
        found: dict[str, str | None] = {
            "period": self.period_key,
            "from": self.period.first.isoformat() if dates else None,
            "to": self.period.last.isoformat() if dates else None,
            "grain": self.grain.value,
            "by": self.dimension.value,
            "school": str(self.school_id) if self.school_id is not None else None,
        }
        return found | changes


async def read_choice(
    viewer: Viewer,
    request: Request[Any, Any, Any],
    dimensions: Sequence[Dimension],
    school_allowed: bool,
) -> tuple[Choice, list[tuple[date, date]]]:
    """The page's choices from the address, and the LA's term dates they are read by."""
    terms = await term_dates(viewer.la_id)
    query = {k: request.query_params.get(k) for k in QUERY_KEYS}
    return parse_choice(query, today(), terms, dimensions, school_allowed), terms


def parse_choice(
    query: Mapping[str, str | None],
    on: date,
    la_terms: Sequence[tuple[date, date]],
    dimensions: Sequence[Dimension],
    school_allowed: bool = True,
) -> Choice:
    """The page's choices from its address; anything that cannot be read falls back to the
    default, and is said."""
    problems: list[str] = []
    options = {o.key: o for o in period_options(on, la_terms)}
    key = (query.get("period") or "").strip()
    since, until = (query.get("from") or "").strip(), (query.get("to") or "").strip()
    if not key and (since or until):
        key = DATES
    # The form shows the period's own dates; new dates typed with the period left as it
    # was (`was`) mean the person's own dates.
    was = (query.get("was") or "").strip()
    if key in options and key == was and since and until:
        shown = options[key].period
        if (since, until) != (shown.first.isoformat(), shown.last.isoformat()):
            key = DATES
    period = options[THIS_YEAR].period
    if key == DATES:
        period, key = _dates(since, until, problems) or (period, THIS_YEAR)
    elif key in options:
        period = options[key].period
    else:
        if key:
            problems.append(
                "That period is not one the page offers, so it shows this academic year so far."
            )
        key = THIS_YEAR
    grain_text = (query.get("grain") or "").strip()
    grain = next((g for g in Grain if g.value == grain_text), Grain.WEEK)
    if grain_text and grain.value != grain_text:
        problems.append("Choose week by week or month by month; the page shows week by week.")
    by_text = (query.get("by") or "").strip()
    dimension = next((d for d in dimensions if d.value == by_text), dimensions[0])
    if by_text and dimension.value != by_text:
        problems.append(
            "That breakdown is not one the page offers, so it shows the figures "
            f"{BREAKDOWN_TITLES[dimensions[0]].lower()}."
        )
    school_id = None
    school_text = (query.get("school") or "").strip()
    if school_allowed and school_text:
        if school_text.isascii() and school_text.isdigit() and len(school_text) < 10:
            school_id = int(school_text)
        else:
            problems.append("That school could not be read, so the page shows every school.")
    return Choice(key, period, grain, dimension, school_id, problems)


def _day(value: str, name: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"The {name} date could not be read: enter a date such as 01/09/2026.")
        return None


def _dates(since: str, until: str, problems: list[str]) -> tuple[Period, str] | None:
    if not since or not until:
        problems.append(
            "To see your own dates, enter both a From and a To date; the page shows this "
            "academic year so far."
        )
        return None
    first, last = _day(since, "From", problems), _day(until, "To", problems)
    if first is None or last is None:
        return None
    if first.year not in YEARS_ACCEPTED or last.year not in YEARS_ACCEPTED:
        problems.append(
            f"Enter dates between {YEARS_ACCEPTED[0]} and {YEARS_ACCEPTED[-1]}; the page shows "
            "this academic year so far."
        )
        return None
    if last < first:
        problems.append(
            "The To date is before the From date; the page shows this academic year so far."
        )
        return None
    if (last - first).days > LONGEST_DAYS:
        problems.append(
            "Choose a period of three years or less; the page shows this academic year so far."
        )
        return None
    return Period(first, last), DATES
