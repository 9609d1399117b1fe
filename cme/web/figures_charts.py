"""The cards that lead a figures page and its charts' series, read off the page's tables (so
the picture, the cards and the numbers always agree), picked by a measure's name or a
column's heading, never by place. A table without the episode rows or columns (a viewer who
may not know of police episodes) gives cards and charts without them too."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from cme.measures.tables import MATCHES_WAITING, MEASURES, TREND_EPISODES, FigureTable
from cme.web.charts import bar_chart, line_chart
from cme.web.figures_tables import PER_100, SCHOOL_TREND_EXTRA


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    hint: str = ""


# The headline figures that lead the page: (measure, a short name for the card).
CARDS = (
    ("sessions", "Unexplained absence sessions"),
    ("absent", "Children with unexplained absence"),
    ("opened", "CME cases opened"),
    ("open_at_end", "Cases open at the end of the period"),
    ("days_median", "Median school days from day one to LA referral"),
    ("episodes", "Missing from home or care: episodes"),
    ("repeat", "Repeat missing children"),
    ("interview_rate", "Return interviews within 72 hours"),
    ("hidden", "Children hidden missing"),
)


def cards(table: FigureTable, per_100_from: int | None = None) -> list[Card]:
    """The cards of the headline table's rows (a measure the table leaves out has none).
    For a school, `per_100_from` is the column where its rate and the LA's begin."""
    found = []
    for key, label in CARDS:
        row = table.row(MEASURES[key].label)
        if row is None:
            continue
        hint = ""
        if per_100_from is not None and key in PER_100:
            own, la = row[per_100_from], row[per_100_from + 1]
            hint = f"{own.text} per 100 pupils (LA average {la.text})"
        found.append(Card(label, row[1].text, hint))
    waiting = table.row(MATCHES_WAITING)
    if waiting is not None:
        found.append(Card("Police matches waiting for review now", waiting[1].text))
    return found


def column_values(table: FigureTable, heading: str) -> list[float | int | None]:
    found: list[float | int | None] = []
    for cell in table.column(heading):
        found.append(cell.value if isinstance(cell.value, int | float) else None)
    return found


def row_labels(table: FigureTable) -> list[str]:
    return [row[0].text for row in table.rows]


def describe_scope(la_name: str, school_name: str) -> str:
    return school_name or f"all schools in {la_name}"


def trend_charts(trend: FigureTable, school_name: str = "") -> list[Markup]:
    """The trend's two charts: unexplained absence (for a school, per 100 pupils beside the
    LA's average), then cases opened and, where the table has them, episodes reported."""
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
    series = [("CME cases opened", column_values(trend, "Cases opened"))]
    title = "CME cases opened"
    if TREND_EPISODES in trend.headings:
        series.append(("Missing episodes", column_values(trend, TREND_EPISODES)))
        title += " and missing episodes" + ("" if school_name else " reported")
    cases = line_chart(title + (" at this school" if school_name else ""), labels, series)
    return [absence, cases]


def counted_chart(table: FigureTable) -> Markup:
    return bar_chart(table.title, row_labels(table), [("Cases", column_values(table, "Cases"))])


# The breakdown's bar chart: counts of one scale, so the bars compare; named as the table's
# columns are.
BREAKDOWN_CHART = ("Children absent", "Cases opened", "Children missing")


def breakdown_chart(table: FigureTable) -> Markup:
    headings = [h for h in BREAKDOWN_CHART if h in table.headings]
    named = [h.lower() for h in headings]
    what = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
    return bar_chart(
        f"{what[0].upper()}{what[1:]}, {table.title[0].lower()}{table.title[1:]}",
        row_labels(table),
        [(heading, column_values(table, heading)) for heading in headings],
    )
