"""The tables a figures page shows and each of its downloads holds, made from what the data
layer read (`Dashboard`, a breakdown's groups). A viewer who may not know of police episodes
(a school's attendance officer) gets tables with no episode or hidden-missing row or column
at all. Nothing here reads the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from cme.measures.figures import Dimension, Figures, Group
from cme.measures.tables import (
    Cell,
    FigureTable,
    Kind,
    TrendRow,
    breakdown,
    counted,
    headline,
    shown_measures,
    trend_table,
)
from cme.storage.measures.dashboard import Dashboard
from cme.storage.measures.trend import Point
from cme.web.figures_names import (
    BREAKDOWN_TITLES,
    CLOSED_BY_OUTCOME,
    HEADLINE,
    OPEN_BY_STAGE,
    OUTCOME_TITLE,
    STAGE_TITLE,
    grain_heading,
)


def trend_rows(points: Sequence[Point], extra: Sequence[list[Cell]] = ()) -> list[TrendRow]:
    labels = point_labels(points)
    return [
        TrendRow(
            label,
            p.unexplained_absence_sessions,
            p.unexplained_absence_children,
            p.cases_opened,
            p.episodes,
            p.episode_children,
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


def stage_table(board: Dashboard) -> FigureTable:
    return counted(OPEN_BY_STAGE, STAGE_TITLE, "Stage", board.open_by_stage)


def outcome_table(board: Dashboard) -> FigureTable:
    return counted(CLOSED_BY_OUTCOME, OUTCOME_TITLE, "Outcome", board.closed_by_outcome)


def breakdown_table(
    dimension: Dimension, groups: Sequence[Group], episodes: bool = True
) -> FigureTable:
    return breakdown(dimension.slug, BREAKDOWN_TITLES[dimension], dimension.label, groups, episodes)


def la_tables(board: Dashboard) -> dict[str, FigureTable]:
    """The LA page's tables but the breakdown, by slug."""
    tables = [
        headline(
            board.figures,
            board.matches_waiting,
            heading=board.scope_name,
            episodes=board.sees_episodes,
        ),
        trend_table(
            trend_rows(board.trend), grain_heading(board.grain), episodes=board.sees_episodes
        ),
        stage_table(board),
        outcome_table(board),
    ]
    return {t.slug: t for t in tables}


# What a school can set beside the LA's average per 100 pupils on roll: counts of what
# happens to children that grow with a school's size.
PER_100 = frozenset({"sessions", "absent", "opened", "episodes"})
PER_100_NOTE = (
    "Per 100 pupils: the count for the period for every 100 pupils on roll now "
    "({pupils:,} at the school, {la_pupils:,} in the LA), so a school of any size can be set "
    "beside the LA's average."
)
PER_100_EPISODES_NOTE = (
    " Episodes are counted for children linked to a pupil, at the school and in the LA alike."
)


def per_100(count: int, pupils: int) -> Cell:
    return Cell(round(100 * count / pupils, 1) if pupils else None, Kind.DECIMAL)


def _count_of(cell: Cell) -> int:
    assert isinstance(cell.value, int), cell
    return cell.value


def school_headline(board: Dashboard) -> FigureTable:
    """The school's headline figures, with its rate per 100 pupils beside the LA's where a
    rate means something."""
    la = board.la_figures or Figures()
    blank = Cell("", Kind.TEXT)
    rows = []
    for m in shown_measures(board.sees_episodes):
        cell = m.cell(board.figures)
        extra = [blank, blank]
        if m.key in PER_100:
            extra = [
                per_100(_count_of(cell), board.pupils),
                per_100(_count_of(m.cell(la)), board.la_pupils),
            ]
        rows.append([Cell(m.label, Kind.TEXT), cell, *extra])
    note = PER_100_NOTE.format(pupils=board.pupils, la_pupils=board.la_pupils)
    return FigureTable(
        HEADLINE,
        "Headline figures",
        ["Measure", board.school_name or "This school", "Per 100 pupils on roll",
         "LA average per 100 pupils"],
        rows,
        note=note + (PER_100_EPISODES_NOTE if board.sees_episodes else ""),
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
        trend_rows(board.trend, extra),
        grain_heading(board.grain),
        SCHOOL_TREND_EXTRA,
        episodes=board.sees_episodes,
    )


def school_tables(board: Dashboard) -> dict[str, FigureTable]:
    tables = [school_headline(board), school_trend(board), stage_table(board), outcome_table(board)]
    return {t.slug: t for t in tables}
