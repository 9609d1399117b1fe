"""The partnership's figures pages in words: the choices a person makes (period, weeks or
months, breakdown, school) read from the address, with a sentence for anything that cannot be
read; the tables the page shows and each download holds; the cards and the charts' series.
Nothing here reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from markupsafe import Markup

from cme.measures.figures import Dimension, Figures, Group
from cme.measures.periods import (
    Grain,
    Period,
    academic_year_to_date,
    school_terms,
    term_key,
    whole_academic_year,
)
from cme.measures.tables import (
    Cell,
    FigureTable,
    Kind,
    TrendRow,
    breakdown,
    counted,
    headline,
    headline_rows,
    trend_table,
)
from cme.storage.measures.dashboard import Dashboard
from cme.storage.measures.trend import Point
from cme.timeline import academic_year
from cme.web.charts import bar_chart, line_chart

THIS_YEAR = "year"
LAST_YEAR = "last-year"
DATES = "dates"
# A custom period of more than three years would draw a trend of hundreds of weeks.
LONGEST_DAYS = 3 * 366

GRAINS = {Grain.WEEK: "Week by week", Grain.MONTH: "Month by month"}

LA_DIMENSIONS = list(Dimension)
SCHOOL_DIMENSIONS = [
    Dimension.YEAR_GROUP,
    Dimension.GENDER,
    Dimension.LOOKED_AFTER,
    Dimension.SEN,
]
BREAKDOWN_TITLES = {
    Dimension.SCHOOL: "By school",
    Dimension.AREA: "By area (postcode district of the pupil's home)",
    Dimension.YEAR_GROUP: "By year group",
    Dimension.GENDER: "By gender",
    Dimension.LOOKED_AFTER: "By whether the child is looked after",
    Dimension.SEN: "By special educational needs",
}

HEADLINE = "headline"
TREND = "trend"
OPEN_BY_STAGE = "open-by-stage"
CLOSED_BY_OUTCOME = "closed-by-outcome"


def breakdown_slug(dimension: Dimension) -> str:
    return f"by-{dimension.value.replace('_', '-')}"


def slugs(dimensions: Iterable[Dimension]) -> list[str]:
    """Every table a page can show, as its download's name."""
    fixed = [HEADLINE, TREND, OPEN_BY_STAGE, CLOSED_BY_OUTCOME]
    return fixed + [breakdown_slug(d) for d in dimensions]


def dimension_of(slug: str) -> Dimension | None:
    return next((d for d in Dimension if breakdown_slug(d) == slug), None)


# --- the period and the other choices -----------------------------------------------------


@dataclass(frozen=True)
class PeriodOption:
    key: str
    label: str
    period: Period

    @property
    def text(self) -> str:
        return f"{self.label} ({self.period.first:%-d %b %Y} to {self.period.last:%-d %b %Y})"


def period_options(today: date, la_terms: Sequence[tuple[date, date]]) -> list[PeriodOption]:
    """The periods offered: this academic year so far, last academic year, and each school
    term of the two that has begun (the current one up to today)."""
    year = academic_year(today)
    found = [
        PeriodOption(THIS_YEAR, "This academic year so far", academic_year_to_date(today)),
        PeriodOption(LAST_YEAR, "Last academic year", whole_academic_year(year - 1)),
    ]
    return found + [
        PeriodOption(
            term_key(t), t.name if t.last < today else f"{t.name} so far", _to_today(t, today)
        )
        for t in started_terms(today, la_terms)
    ]


def started_terms(today: date, la_terms: Sequence[tuple[date, date]]) -> list[Period]:
    """This year's and last year's terms that have begun, the latest first."""
    year = academic_year(today)
    terms = [t for y in (year, year - 1) for t in school_terms(y, la_terms)]
    return sorted((t for t in terms if t.first <= today), key=lambda t: t.first, reverse=True)


def _to_today(term: Period, today: date) -> Period:
    # A term under way is read up to today: the weeks to come would show as nothing.
    if term.last < today:
        return term
    return Period(term.first, today, f"{term.name} so far")


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


def _day(value: str, name: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"The {name} date could not be read: enter a date such as 01/09/2026.")
        return None


def parse_choice(
    query: Mapping[str, str | None],
    today: date,
    la_terms: Sequence[tuple[date, date]],
    dimensions: Sequence[Dimension],
    school_allowed: bool = True,
) -> Choice:
    """The page's choices from its address; anything that cannot be read falls back to the
    default, and is said."""
    problems: list[str] = []
    options = {o.key: o for o in period_options(today, la_terms)}
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
    if first.year < 2000 or last.year > 2099:
        problems.append(
            "Enter dates between 2000 and 2099; the page shows this academic year so far."
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


# --- the tables -----------------------------------------------------------------------------


def trend_rows(points: Sequence[Point], extra: Sequence[list[Cell]] = ()) -> list[TrendRow]:
    labels = point_labels(points)
    return [
        TrendRow(
            label,
            p.unexplained_absence_sessions,
            p.unexplained_absence_children,
            p.cases_opened,
            p.episodes,
            list(extra[i]) if extra else [],
        )
        for i, (label, p) in enumerate(zip(labels, points, strict=True))
    ]


def point_labels(points: Sequence[Point]) -> list[str]:
    """Each week's or month's name ("w/c 1 Sep"), with its year when a name would repeat."""
    names = [p.period.name for p in points]
    if len(set(names)) == len(names):
        return names
    return [
        f"{p.period.name} {(p.period.first - timedelta(days=p.period.first.weekday())).year}"
        for p in points
    ]


def grain_heading(grain: Grain) -> str:
    return "Week" if grain is Grain.WEEK else "Month"


STAGE_TITLE = "Cases open at the end of the period, by stage now"
OUTCOME_TITLE = "Cases closed in the period, by outcome"


def table_title(slug: str, grain: Grain) -> str:
    """A table's title as the audit trail names its download."""
    dimension = dimension_of(slug)
    if dimension is not None:
        return BREAKDOWN_TITLES[dimension]
    return {
        HEADLINE: "Headline figures",
        TREND: GRAINS[grain],
        OPEN_BY_STAGE: STAGE_TITLE,
        CLOSED_BY_OUTCOME: OUTCOME_TITLE,
    }[slug]


def stage_table(board: Dashboard) -> FigureTable:
    return counted(OPEN_BY_STAGE, STAGE_TITLE, "Stage", board.open_by_stage)


def outcome_table(board: Dashboard) -> FigureTable:
    return counted(CLOSED_BY_OUTCOME, OUTCOME_TITLE, "Outcome", board.closed_by_outcome)


def breakdown_table(dimension: Dimension, groups: Sequence[Group]) -> FigureTable:
    return breakdown(
        breakdown_slug(dimension), BREAKDOWN_TITLES[dimension], dimension.label, groups
    )


def la_tables(board: Dashboard, scope_name: str) -> dict[str, FigureTable]:
    """The LA page's tables but the breakdown, by slug."""
    tables = [
        headline(board.figures, board.matches_waiting, heading=scope_name),
        trend_table(trend_rows(board.trend), grain_heading(board.grain)),
        stage_table(board),
        outcome_table(board),
    ]
    return {t.slug: t for t in tables}


# What a school can set beside the LA's average per 100 pupils on roll: counts of what
# happens to children that grow with a school's size (headline_rows' places).
PER_100_ROWS = (0, 1, 3, 13)
PER_100_NOTE = (
    "Per 100 pupils: the count for the period for every 100 pupils on roll now "
    "({pupils:,} at the school, {la_pupils:,} in the LA), so a school of any size can be set "
    "beside the LA's average. Episodes are counted for children linked to a pupil, at the "
    "school and in the LA alike."
)


def per_100(count: int, pupils: int) -> Cell:
    return Cell(round(100 * count / pupils, 1) if pupils else None, Kind.DECIMAL)


def school_headline(board: Dashboard) -> FigureTable:
    """The school's headline figures, with its rate per 100 pupils beside the LA's where a
    rate means something."""
    la = board.la_figures or Figures()
    own, theirs = headline_rows(board.figures), headline_rows(la)
    blank = Cell("", Kind.TEXT)
    rows = []
    for i, (label, cell) in enumerate(own):
        if i in PER_100_ROWS:
            mine, la_count = cell.value, theirs[i][1].value
            assert isinstance(mine, int) and isinstance(la_count, int)
            extra = [per_100(mine, board.pupils), per_100(la_count, board.la_pupils)]
        else:
            extra = [blank, blank]
        rows.append([Cell(label, Kind.TEXT), cell, *extra])
    return FigureTable(
        HEADLINE,
        "Headline figures",
        ["Measure", board.school_name or "This school", "Per 100 pupils on roll",
         "LA average per 100 pupils"],
        rows,
        note=PER_100_NOTE.format(pupils=board.pupils, la_pupils=board.la_pupils),
    )  # fmt: skip


SCHOOL_TREND_EXTRA = ("Unexplained sessions per 100 pupils", "LA average: sessions per 100 pupils")


def school_trend(board: Dashboard) -> FigureTable:
    extra = [
        [
            per_100(p.unexplained_absence_sessions, board.pupils),
            per_100(la.unexplained_absence_sessions, board.la_pupils),
        ]
        for p, la in zip(board.trend, board.la_trend, strict=True)
    ]
    return trend_table(
        trend_rows(board.trend, extra), grain_heading(board.grain), SCHOOL_TREND_EXTRA
    )


def school_tables(board: Dashboard) -> dict[str, FigureTable]:
    tables = [school_headline(board), school_trend(board), stage_table(board), outcome_table(board)]
    return {t.slug: t for t in tables}


# --- cards and charts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    hint: str = ""


# The headline figures that lead the page, by their place in headline_rows, with a short name.
CARD_ROWS = (
    (0, "Unexplained absence sessions"),
    (1, "Children with unexplained absence"),
    (3, "CME cases opened"),
    (6, "Cases open at the end of the period"),
    (8, "Median school days from day one to LA referral"),
    (13, "Missing from home or care: episodes"),
    (15, "Repeat missing children"),
    (18, "Return interviews within 72 hours"),
    (2, "Children hidden missing"),
)


def cards(table: FigureTable, per_100_from: int | None = None) -> list[Card]:
    """The cards, read off the headline table so that the two always agree. For a school,
    `per_100_from` is the column where its rate and the LA's begin."""
    found = []
    for at, label in CARD_ROWS:
        row = table.rows[at]
        hint = ""
        if per_100_from is not None and at in PER_100_ROWS:
            own, la = row[per_100_from], row[per_100_from + 1]
            hint = f"{own.text} per 100 pupils (LA average {la.text})"
        found.append(Card(label, row[1].text, hint))
    if len(table.rows) > len(headline_rows(Figures())):  # the LA's matches waiting
        found.append(Card("Police matches waiting for review now", table.rows[-1][1].text))
    return found


def column_values(table: FigureTable, heading: str) -> list[float | int | None]:
    found: list[float | int | None] = []
    for cell in table.column(heading):
        found.append(cell.value if isinstance(cell.value, int | float) else None)
    return found


def row_labels(table: FigureTable) -> list[str]:
    return [row[0].text for row in table.rows]


# The breakdown's bar chart: counts of one scale, so the bars compare; named as the table's
# columns are.
BREAKDOWN_CHART = ("Children absent", "Cases opened", "Children missing")


def describe_scope(la_name: str, school_name: str) -> str:
    return school_name or f"all schools in {la_name}"


def trend_charts(trend: FigureTable, school_name: str = "") -> list[Markup]:
    """The trend's two charts: unexplained absence (for a school, per 100 pupils beside the
    LA's average), then cases opened and episodes reported."""
    labels = row_labels(trend)
    if school_name:
        absence = line_chart(
            "Unexplained absence sessions per 100 pupils on roll",
            labels,
            [
                (school_name, column_values(trend, SCHOOL_TREND_EXTRA[0])),
                ("LA average", column_values(trend, SCHOOL_TREND_EXTRA[1])),
            ],
            y_title="Sessions per 100 pupils",
        )
    else:
        absence = line_chart(
            "Unexplained absence (sessions coded N or O)",
            labels,
            [
                ("Sessions", column_values(trend, "Unexplained sessions")),
                ("Children", column_values(trend, "Children absent")),
            ],
        )
    cases = line_chart(
        "CME cases opened and missing episodes"
        + (" at this school" if school_name else " reported"),
        labels,
        [
            ("CME cases opened", column_values(trend, "Cases opened")),
            ("Missing episodes", column_values(trend, "Episodes")),
        ],
    )
    return [absence, cases]


def counted_chart(table: FigureTable) -> Markup:
    return bar_chart(table.title, row_labels(table), [("Cases", column_values(table, "Cases"))])


def breakdown_chart(table: FigureTable) -> Markup:
    return bar_chart(
        f"Children absent, cases opened and children missing, {table.title[0].lower()}"
        f"{table.title[1:]}",
        row_labels(table),
        [(heading, column_values(table, heading)) for heading in BREAKDOWN_CHART],
    )
