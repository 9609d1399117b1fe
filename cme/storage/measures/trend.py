"""The figures week by week (or month by month) over a period, for the trend charts: each
counted by one grouped statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cme.measures.periods import Grain, Period, buckets, monday
from cme.storage.matching import LINKED_SQL
from cme.storage.measures.counts import absence_scope, case_scope, rows_of
from cme.storage.measures.scope import Scope, day_sql, moments


@dataclass
class Point:
    """One week or month of the trend."""

    period: Period
    unexplained_absence_sessions: int = 0
    unexplained_absence_children: int = 0
    cases_opened: int = 0
    episodes: int = 0


def _bucket_values(points: list[Point]) -> str:
    """The buckets as a VALUES list (index, first day, last day, first moment, end moment)."""
    rows = []
    for i, p in enumerate(points):
        since, until = moments(p.period.first, p.period.last)
        rows.append(f"({i}, {day_sql(p.period.first)}, {day_sql(p.period.last)}, {since}, {until})")
    return f"bk(i, first_day, last_day, since, until) AS (VALUES {', '.join(rows)})"


async def trend(scope: Scope, period: Period, grain: Grain) -> list[Point]:
    points = [Point(p) for p in buckets(period, grain)]
    between = (
        f"a.day >= {day_sql(period.first)} AND a.day <= {day_sql(period.last)} "
        f"AND {absence_scope(scope)}"
    )
    if grain is Grain.WEEK:
        # The stored Monday groups a week's rows with no join against the weeks.
        at = {monday(p.period.first): p for p in points}
        for r in await rows_of(
            "SELECT a.week AS k, SUM(a.sessions) AS s, COUNT(DISTINCT a.pupil) AS c "
            f"FROM absence_day a WHERE {between} GROUP BY a.week"
        ):
            week = r["k"] if isinstance(r["k"], date) else date.fromisoformat(str(r["k"]))
            if week in at:
                at[week].unexplained_absence_sessions = int(r["s"] or 0)
                at[week].unexplained_absence_children = int(r["c"] or 0)
    else:
        # "YYYY-MM" of the day: the same text on both engines.
        month = "SUBSTR(CAST(a.day AS TEXT), 1, 7)"
        by_month = {f"{p.period.first:%Y-%m}": p for p in points}
        for r in await rows_of(
            f"SELECT {month} AS k, SUM(a.sessions) AS s, COUNT(DISTINCT a.pupil) AS c "
            f"FROM absence_day a WHERE {between} GROUP BY {month}"
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
    linked = (
        "(SELECT m.episode AS episode, MIN(m.pupil) AS pupil FROM episode_match m "
        f"WHERE m.la = {int(scope.la_id)} AND {LINKED_SQL} GROUP BY m.episode)"
    )
    for r in await rows_of(
        f"WITH {cal} SELECT bk.i AS i, COUNT(e.id) AS n FROM bk JOIN missing_episode e "
        f"ON e.reported_at >= bk.since AND e.reported_at < bk.until LEFT JOIN {linked} lk "
        f"ON lk.episode = e.id WHERE e.la = {int(scope.la_id)}"
        f"{scope.linked_episodes('lk.pupil')} GROUP BY bk.i"
    ):
        points[int(r["i"])].episodes = int(r["n"] or 0)
    return points


async def pupils_on_roll(scope: Scope) -> int:
    rows = await rows_of(f"SELECT COUNT(*) AS n FROM pupil p WHERE {scope.pupils()}")
    return int(rows[0]["n"] or 0)
