"""The names the partnership's figures pages (the LA's and a school's, issue 12) share: the
periods and trends offered, the breakdowns each page offers, and each table's name in an
address (its download) with its title. The templates read them as `words`."""

from __future__ import annotations

from collections.abc import Iterable

from cme.measures.figures import Dimension
from cme.measures.periods import Grain

THIS_YEAR = "year"
LAST_YEAR = "last-year"
DATES = "dates"

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

STAGE_TITLE = "Cases open at the end of the period, by stage now"
OUTCOME_TITLE = "Cases closed in the period, by outcome"


def slugs(dimensions: Iterable[Dimension]) -> list[str]:
    """Every table a page can show, as its download's name."""
    fixed = [HEADLINE, TREND, OPEN_BY_STAGE, CLOSED_BY_OUTCOME]
    return fixed + [d.slug for d in dimensions]


def dimension_of(slug: str) -> Dimension | None:
    return next((d for d in Dimension if d.slug == slug), None)


def grain_heading(grain: Grain) -> str:
    return "Week" if grain is Grain.WEEK else "Month"


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
