"""The figures week by week (or month by month) over a period, for the trend charts: each
counted by one grouped statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cme.measures.periods import Grain, Period, buckets
from cme.storage.measures.counts import case_scope, rows_of, within
from cme.storage.measures.scope import Scope, day_sql, moments
from cme.timeline import academic_year


@dataclass
class Point:
    """One week or month of the trend."""

    period: Period
    unexplained_absence_sessions: int = 0
    unexplained_absence_children: int = 0
    cases_opened: int = 0
    episodes: int = 0
    episode_children: int = 0  # the children those episodes were about


async def _weeks(scope: Scope, points: list[Point]) -> None:
    """Whole weeks from each school's weeks added up at import (a pupil is at one school, so
    the schools' children add up); a week the period cuts, from its days."""
    whole = [p for p in points if (p.period.last - p.period.first).days == 6]
    if whole:
        at = {p.period.first: p for p in whole}
        for r in await rows_of(
            "SELECT w.week AS k, SUM(w.sessions) AS s, SUM(w.children) AS c FROM absence_week w "
            f"WHERE {scope.pupils('w')} AND w.week >= {day_sql(whole[0].period.first)} "
            f"AND w.week <= {day_sql(whole[-1].period.first)} GROUP BY w.week"
        ):
            week = r["k"] if isinstance(r["k"], date) else date.fromisoformat(str(r["k"]))
            if week in at:
                at[week].unexplained_absence_sessions = int(r["s"] or 0)
                at[week].unexplained_absence_children = int(r["c"] or 0)
    for p in points:
        if p in whole:
            continue
        rows = await rows_of(
            "SELECT SUM(a.sessions) AS s, COUNT(DISTINCT a.pupil) AS c FROM absence_day a "
            f"WHERE {within(scope, p.period)}"
        )
        p.unexplained_absence_sessions = int(rows[0]["s"] or 0)
        p.unexplained_absence_children = int(rows[0]["c"] or 0)


def _bucket_values(points: list[Point]) -> str:
    """The buckets as a VALUES list (index, first day, last day, first moment, end moment)."""
    rows = []
    for i, p in enumerate(points):
        since, until = moments(p.period.first, p.period.last)
        rows.append(f"({i}, {day_sql(p.period.first)}, {day_sql(p.period.last)}, {since}, {until})")
    return f"bk(i, first_day, last_day, since, until) AS (VALUES {', '.join(rows)})"


async def trend(scope: Scope, period: Period, grain: Grain) -> list[Point]:
    points = [Point(p) for p in buckets(period, grain)]
    between = within(scope, period)
    if grain is Grain.WEEK:
        await _weeks(scope, points)
    else:
        # "YYYY-MM" of the day: the same text on both engines.
        month = "SUBSTR(CAST(a.day AS TEXT), 1, 7)"
        by_month = {f"{p.period.first:%Y-%m}": p for p in points}
        for r in await rows_of(
            f"SELECT w.k AS k, SUM(w.s) AS s, COUNT(*) AS c FROM (SELECT {month} AS k, a.pupil, "
            f"SUM(a.sessions) AS s FROM absence_day a WHERE {between} GROUP BY {month}, a.pupil) w "
            "GROUP BY w.k"
        ):
            if str(r["k"]) in by_month:
                by_month[str(r["k"])].unexplained_absence_sessions = int(r["s"] or 0)
                by_month[str(r["k"])].unexplained_absence_children = int(r["c"] or 0)
    cal = _bucket_values(points)
    for r in await rows_of(
        f"WITH {cal} SELECT bk.i AS i, COUNT(c.id) AS n FROM bk JOIN cme_case c "
        "ON c.day_one >= bk.first_day AND c.day_one <= bk.last_day "
        f"WHERE {case_scope(scope)} GROUP BY bk.i"
    ):
        points[int(r["i"])].cases_opened = int(r["n"] or 0)
    linked = scope.linked_pupil()
    episodes = (
        f"WITH {cal} SELECT bk.i AS i, COUNT(e.id) AS n, COUNT(DISTINCT e.child) AS c "
        "FROM bk JOIN missing_episode e "
        f"ON e.reported_at >= bk.since AND e.reported_at < bk.until LEFT JOIN {linked} lk "
        f"ON lk.episode = e.id WHERE e.la = {int(scope.la_id)}"
        f"{scope.linked_episodes('lk.pupil')} GROUP BY bk.i"
    )
    for r in await rows_of(episodes) if scope.episodes else []:
        points[int(r["i"])].episodes = int(r["n"] or 0)
        points[int(r["i"])].episode_children = int(r["c"] or 0)
    return points


async def pupils_on_roll(scope: Scope, period: Period) -> int:
    """Pupils with a register in the academic year the period ends in: a pupil who left in
    an earlier year is no longer on roll, though their record stays."""
    rows = await rows_of(
        f"SELECT COUNT(*) AS n FROM pupil_year py WHERE {scope.pupils('py')} "
        f"AND py.academic_year = {academic_year(period.last)}"
    )
    return int(rows[0]["n"] or 0)
