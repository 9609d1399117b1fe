"""The partnership's figures over a period, each counted by one aggregate statement, for the
whole scope or for each group of a breakdown. What each figure counts is docs/rules.md §8.

Every statement returns one row per group (a breakdown has tens of groups), so nothing but
the answers leaves the database; the only work in Python is putting a group's rows together
and weighing the two ranked values either side of a quartile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from typing import Any

from cme.episodes.interview import RETURN_INTERVIEW_HOURS
from cme.measures.figures import Dimension, Figures, Spread, quantile
from cme.measures.periods import Period
from cme.storage.engine import current_engine
from cme.storage.episode_children import REPEAT
from cme.storage.matching import LINKED_SQL
from cme.storage.measures.scope import Scope, day_sql, grouping, moments, within_hours
from cme.storage.policies import policy_for_la
from cme.storage.tables import Pupil

Rows = list[dict[str, Any]]


async def rows_of(sql: str) -> Rows:
    # Every value is a typed literal or an id made an int: nothing from a person is spliced.
    return [dict(r) for r in await Pupil.raw(sql)]


def within(scope: Scope, period: Period) -> str:
    """The scope's absence days `a` in the period: read by the index on (school, day)."""
    return (
        f"a.day >= {day_sql(period.first)} AND a.day <= {day_sql(period.last)} "
        f"AND {scope.pupils('a')}"
    )


async def absences(scope: Scope, period: Period, dimension: Dimension | None) -> Rows:
    """Unexplained (N or O) sessions in the period, and the children who had them. Each
    pupil's days are added up first, so a breakdown joins one row a pupil, not one a day."""
    key, joins = grouping(dimension, "a.pupil")
    return await rows_of(
        f"WITH a AS (SELECT a.pupil, SUM(a.sessions) AS sessions FROM absence_day a "
        f"WHERE {within(scope, period)} GROUP BY a.pupil) "
        f"SELECT {key} AS g, SUM(a.sessions) AS sessions, COUNT(*) AS children "
        f"FROM a {joins} GROUP BY {key}"
    )


async def hidden_missing(scope: Scope, period: Period, dimension: Dimension | None) -> Rows:
    """Pupils never linked to a police episode with, in the period, an unexplained absence
    run at least as long as the LA's threshold for handing an absence to the LA, or a
    part-day absence: the cross-check list's children (docs/rules.md §7).

    A run shorter than the threshold can never count, so only longer runs' days are read; a
    run wholly inside the period counts from any one of its days, and only a run across the
    period's first or last day is counted day by day."""
    run_days = int((await policy_for_la(scope.la_id)).la_contact_school_days)
    inside = f"a.run_start >= {day_sql(period.first)} AND a.run_end <= {day_sql(period.last)}"
    key, joins = grouping(dimension, "h.pupil")
    days = f"FROM absence_day a WHERE {within(scope, period)}"
    return await rows_of(
        f"WITH found AS (SELECT a.pupil {days} "
        f"AND (a.part_day OR (a.run_length >= {run_days} AND {inside})) "
        f"UNION SELECT a.pupil {days} AND a.run_length >= {run_days} AND NOT ({inside}) "
        f"GROUP BY a.pupil, a.run_start HAVING COUNT(*) >= {run_days}), "
        "h AS (SELECT f.pupil FROM found f WHERE NOT EXISTS (SELECT 1 FROM episode_match m "
        f"JOIN missing_episode e ON e.id = m.episode WHERE m.pupil = f.pupil "
        f"AND m.la = {int(scope.la_id)} AND e.la = {int(scope.la_id)} AND {LINKED_SQL})) "
        f"SELECT {key} AS g, COUNT(*) AS hidden FROM h {joins} GROUP BY {key}"
    )


def case_scope(scope: Scope) -> str:
    where = f"c.la = {int(scope.la_id)}"
    if scope.school_id is not None:
        where += f" AND c.school = {int(scope.school_id)}"
    return where


def _between(column: str, period: Period) -> str:
    return f"{column} >= {day_sql(period.first)} AND {column} <= {day_sql(period.last)}"


async def cases(scope: Scope, period: Period, dimension: Dimension | None) -> Rows:
    """Cases whose day one is in the period; closed (removals included) and removed in it;
    open at its end; handed to the LA in it."""
    key, joins = grouping(dimension, "c.pupil")
    since, until = moments(period.first, period.last)
    last = day_sql(period.last)
    return await rows_of(
        f"SELECT {key} AS g, "
        f"SUM(CASE WHEN {_between('c.day_one', period)} THEN 1 ELSE 0 END) AS opened, "
        f"SUM(CASE WHEN {_between('c.closed_on', period)} THEN 1 ELSE 0 END) AS closed, "
        f"SUM(CASE WHEN {_between('c.removed_on', period)} THEN 1 ELSE 0 END) AS removals, "
        f"SUM(CASE WHEN c.day_one <= {last} AND (c.closed_on IS NULL OR c.closed_on > {last}) "
        "THEN 1 ELSE 0 END) AS open_at_end, "
        f"SUM(CASE WHEN c.handed_to_la_at >= {since} AND c.handed_to_la_at < {until} "
        "THEN 1 ELSE 0 END) AS referrals "
        f"FROM cme_case c {joins} WHERE {case_scope(scope)} GROUP BY {key}"
    )


# The places, counted from 0, of the two ranked values either side of each quarter point
# (n - 1) * k / 4, and of the shortest and longest: integer division is the same on both
# engines.
_PLACES = ", ".join(
    [f"(k.n - 1) * {q} / 4" for q in (1, 2, 3)]
    + [f"(k.n - 1) * {q} / 4 + 1" for q in (1, 2, 3)]
    + ["0", "k.n - 1"]
)


async def referral_days(
    scope: Scope, period: Period, dimension: Dimension | None
) -> dict[str, Spread]:
    """School days from day one to the hand-over, over the cases handed to the LA in the
    period: the database ranks them and returns the few ranked values a quartile needs."""
    key, joins = grouping(dimension, "c.pupil")
    since, until = moments(period.first, period.last)
    rows = await rows_of(
        f"WITH r AS (SELECT {key} AS g, c.referral_days AS d FROM cme_case c {joins} "
        f"WHERE {case_scope(scope)} AND c.handed_to_la_at >= {since} "
        f"AND c.handed_to_la_at < {until} AND c.referral_days IS NOT NULL), "
        "k AS (SELECT g, d, ROW_NUMBER() OVER (PARTITION BY g ORDER BY d) - 1 AS i, "
        "COUNT(*) OVER (PARTITION BY g) AS n FROM r) "
        f"SELECT k.g, k.i, k.d, k.n FROM k WHERE k.i IN ({_PLACES})"
    )
    ranked: dict[str, dict[int, int]] = {}
    sizes: dict[str, int] = {}
    for r in rows:
        ranked.setdefault(str(r["g"]), {})[int(r["i"])] = int(r["d"])
        sizes[str(r["g"])] = int(r["n"])
    return {g: _spread(values, sizes[g]) for g, values in ranked.items()}


def _spread(at: Mapping[int, int], n: int) -> Spread:
    def point(q: int) -> float:
        place = (n - 1) * q
        low = place // 4
        return quantile(at[low], at.get(low + 1, at[low]), (place % 4) / 4)

    return Spread(n, point(2), point(1), point(3), at[0], at[n - 1])


async def episodes(scope: Scope, period: Period, dimension: Dimension | None) -> Rows:
    """Police episodes reported in the period, the children involved and how many of them
    the repeat trigger has fired for (by the period's end); episodes whose child came back
    in the period, and how many had their return interview within 72 hours."""
    la = int(scope.la_id)
    since, until = moments(period.first, period.last)
    key, joins = grouping(dimension, "ep.pupil", outer=True)
    reported = f"ep.reported_at >= {since} AND ep.reported_at < {until}"
    returned = f"ep.returned_at >= {since} AND ep.returned_at < {until}"
    school = scope.linked_episodes("ep.pupil")
    held = within_hours("ri.done_at", "ep.returned_at", RETURN_INTERVIEW_HOURS)
    return await rows_of(
        f"WITH lk AS {scope.linked_pupil()}, "
        # The repeat children once, joined: a subquery per episode ran 3,000 times.
        "rp AS (SELECT DISTINCT im.child FROM intervention_meeting im "
        f"WHERE im.la = {la} AND im.trigger = '{REPEAT}' "
        f"AND im.triggered_on <= {day_sql(period.last)}), "
        "ep AS (SELECT e.id, e.child, e.reported_at, e.returned_at, lk.pupil, "
        "CASE WHEN rp.child IS NULL THEN 0 ELSE 1 END AS rep "
        "FROM missing_episode e LEFT JOIN lk ON lk.episode = e.id "
        f"LEFT JOIN rp ON rp.child = e.child WHERE e.la = {la}) "
        f"SELECT {key} AS g, SUM(CASE WHEN {reported} THEN 1 ELSE 0 END) AS episodes, "
        f"COUNT(DISTINCT CASE WHEN {reported} THEN ep.child END) AS children, "
        f"COUNT(DISTINCT CASE WHEN {reported} AND ep.rep = 1 THEN ep.child END) AS repeat, "
        f"SUM(CASE WHEN {returned} THEN 1 ELSE 0 END) AS due, "
        f"SUM(CASE WHEN {returned} AND ri.done_at IS NOT NULL AND {held} THEN 1 ELSE 0 END) "
        "AS within_72h "
        f"FROM ep LEFT JOIN return_interview ri ON ri.episode = ep.id {joins} "
        f"WHERE (({reported}) OR ({returned})){school} GROUP BY {key}"
    )


def _int(row: Mapping[str, Any], name: str) -> int:
    return int(row.get(name) or 0)


async def _none() -> Rows:
    return []


async def at_once(*reads: Awaitable[Any]) -> list[Any]:
    """The statements at once, each on its own connection, when no transaction holds one
    (a transaction's one connection runs one statement at a time)."""
    if current_engine().current_transaction.get() is not None:
        return [await r for r in reads]
    return list(await asyncio.gather(*reads))


async def figures(
    scope: Scope, period: Period, dimension: Dimension | None = None
) -> dict[str, Figures]:
    """Every figure for the period, by group (the one group "all" with no breakdown)."""
    found: dict[str, Figures] = {}

    def of(row: Mapping[str, Any]) -> Figures:
        return found.setdefault(str(row["g"]), Figures())

    absent, hidden, cased, spreads, away = await at_once(
        absences(scope, period, dimension),
        hidden_missing(scope, period, dimension) if scope.episodes else _none(),
        cases(scope, period, dimension),
        referral_days(scope, period, dimension),
        episodes(scope, period, dimension) if scope.episodes else _none(),
    )
    for r in absent:
        f = of(r)
        f.unexplained_absence_sessions = _int(r, "sessions")
        f.unexplained_absence_children = _int(r, "children")
    for r in hidden:
        of(r).hidden_missing_children = _int(r, "hidden")
    for r in cased:
        f = of(r)
        f.cases_opened = _int(r, "opened")
        f.cases_closed = _int(r, "closed")
        f.removals = _int(r, "removals")
        f.cases_open_at_end = _int(r, "open_at_end")
        f.referrals = _int(r, "referrals")
    for g, spread in spreads.items():
        found.setdefault(g, Figures()).referral_days = spread
    for r in away:
        f = of(r)
        f.episodes = _int(r, "episodes")
        f.episode_children = _int(r, "children")
        f.repeat_children = _int(r, "repeat")
        f.return_interviews_due = _int(r, "due")
        f.return_interviews_within_72h = _int(r, "within_72h")
    for f in found.values():
        f.finish()
    if dimension is None:
        found.setdefault("all", Figures())
    return found
