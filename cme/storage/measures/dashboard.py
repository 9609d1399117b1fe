"""What the partnership's pages, downloads and `cme report` read: the figures of a period
with their breakdowns, trend and the state of the caseload, for one viewer's scope."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from cme.access import Viewer
from cme.cases.case import Stage
from cme.cases.outcomes import Outcome
from cme.measures.figures import NOT_KNOWN, NOT_LINKED, Dimension, Figures, Group, Spread
from cme.measures.periods import Grain, Period
from cme.storage.matching import WAITING_SQL
from cme.storage.measures import counts
from cme.storage.measures.counts import Rows, case_scope, rows_of
from cme.storage.measures.scope import Scope, day_sql, scope_for
from cme.storage.measures.trend import Point, pupils_on_roll, trend
from cme.storage.tables import LocalAuthority, School

CLOSED_SINCE = "Closed since"


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    grain: Grain
    figures: Figures
    open_by_stage: list[tuple[str, int]]
    closed_by_outcome: list[tuple[str, int]]
    trend: list[Point]
    pupils: int
    matches_waiting: int | None = None  # the LA's, now; not shown to a school
    # False for an attendance officer: no episode or hidden-missing figure is shown.
    sees_episodes: bool = True
    school_name: str = ""
    scope_name: str = ""  # whose figures: the one school's name, or the LA's
    # A school's view compares itself with the whole LA.
    la_figures: Figures | None = None
    la_trend: list[Point] = field(default_factory=list)
    la_pupils: int = 0


async def dashboard(
    viewer: Viewer, period: Period, grain: Grain = Grain.WEEK, school_id: int | None = None
) -> Dashboard:
    scope = await scope_for(viewer, school_id)
    # The statements run side by side, each on its own connection (`counts.at_once`): the
    # page waits for the slowest, not for their sum.
    reads: list[Awaitable[Any]] = [
        counts.figures(scope, period),
        open_by_stage(scope, period),
        closed_by_outcome(scope, period),
        trend(scope, period, grain),
        pupils_on_roll(scope, period),
        matches_waiting(scope) if scope.school_id is None else _nothing(),
    ]
    if viewer.school_id is not None:
        # A school's own page sets itself beside the LA; an officer's page for one school
        # does not.
        la = scope.la_wide
        reads += [counts.figures(la, period), trend(la, period, grain), pupils_on_roll(la, period)]
    found = await counts.at_once(*reads)
    board = Dashboard(
        scope=scope,
        period=period,
        grain=grain,
        figures=found[0]["all"],
        open_by_stage=found[1],
        closed_by_outcome=found[2],
        trend=found[3],
        pupils=found[4],
        matches_waiting=found[5],
        sees_episodes=scope.episodes,
    )
    board.scope_name = viewer.la_name
    if scope.school_id is not None:
        board.school_name = board.scope_name = await school_name(scope.school_id)
    if viewer.school_id is not None:
        board.la_figures, board.la_trend, board.la_pupils = found[6]["all"], found[7], found[8]
    return board


async def _nothing() -> None:
    return None


async def breakdown(
    viewer: Viewer, period: Period, dimension: Dimension, school_id: int | None = None
) -> list[Group]:
    """The figures for each group of `dimension`, in the order a person reads them."""
    scope = await scope_for(viewer, school_id)
    return await groups(scope, period, dimension)


async def groups(scope: Scope, period: Period, dimension: Dimension) -> list[Group]:
    found = await counts.figures(scope, period, dimension)
    if dimension is Dimension.SCHOOL:
        schools = await _schools(scope)
        for school_id in schools:
            found.setdefault(school_id, Figures())
        named = [Group(key, schools.get(key, (key, NOT_LINKED))[1], f) for key, f in found.items()]
        return sorted(named, key=lambda g: (g.label == NOT_LINKED, g.label.casefold()))
    merged: dict[str, Group] = {}
    for key, f in found.items():
        label = group_label(dimension, key)
        # A safety net: the SQL groups every "Not known" ("", NULL, "U") as one already.
        if label in merged:
            merged[label].figures = _add(merged[label].figures, f)
        else:
            merged[label] = Group(label, label, f)
    return sorted(merged.values(), key=lambda g: _order(dimension, g.label))


async def school_urns(scope: Scope) -> dict[str, str]:
    """Each school's id (as a breakdown's key) and URN."""
    return {key: urn for key, (urn, _) in (await _schools(scope)).items()}


async def _schools(scope: Scope) -> dict[str, tuple[str, str]]:
    query = School.select(School.id, School.urn, School.name).where(School.la == scope.la_id)
    if scope.school_id is not None:
        query = query.where(School.id == scope.school_id)
    return {str(r["id"]): (r["urn"], r["name"]) for r in await query}


async def school_name(school_id: int) -> str:
    row = await School.select(School.name).where(School.id == school_id).first()
    return str(row["name"]) if row else ""


async def la_code_and_name(la_id: int) -> tuple[str, str]:
    row = (
        await LocalAuthority.select(LocalAuthority.code, LocalAuthority.name)
        .where(LocalAuthority.id == la_id)
        .first()
    )
    return (str(row["code"]), str(row["name"])) if row else ("", "")


def group_label(dimension: Dimension, key: str | None) -> str:
    text = (key or "").strip()
    if not text or text == "None":
        return NOT_KNOWN
    if dimension is Dimension.YEAR_GROUP and text.isdigit():
        return f"Year {int(text)}"
    if dimension is Dimension.GENDER:
        return {"M": "Male", "F": "Female", "U": NOT_KNOWN}.get(text.upper()[:1], text)
    return text


def _order(dimension: Dimension, label: str) -> tuple[int, int, str]:
    """Known groups first (year groups in number order), then "Not known" and the episodes
    not linked to a pupil."""
    last = {NOT_KNOWN: 1, NOT_LINKED: 2}.get(label, 0)
    number = int(label[5:]) if label.startswith("Year ") and label[5:].isdigit() else -1
    if dimension is Dimension.YEAR_GROUP and label == "Reception":
        number = 0
    return last, number, label.casefold()


def _add(a: Figures, b: Figures) -> Figures:
    """Two groups that are one ("" and no value): counts add. Distinct-children counts add
    too, since a pupil has one value of the group. Two spreads cannot be added: the merged
    group keeps only how many cases it rests on (its median and quartiles shown as
    unknown), unless one side had none."""
    total = Figures()
    for name in Figures.__dataclass_fields__:
        if name == "referral_days":
            total.referral_days = _add_spreads(a.referral_days, b.referral_days)
        elif name != "return_interviews_within_72h_rate":
            setattr(total, name, getattr(a, name) + getattr(b, name))
    return total.finish()


def _add_spreads(a: Spread, b: Spread) -> Spread:
    if not a.count or not b.count:
        return a if a.count else b
    return Spread(count=a.count + b.count)


def _labelled(found: dict[str, int], labels: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """Counts by known key in the order `labels` gives, then every other key (a value the
    tracker no longer knows, or none) added up as one "Not known"."""
    ordered = [(label, found.pop(key)) for key, label in labels if key in found]
    unknown = sum(found.values())
    return ordered + ([(NOT_KNOWN, unknown)] if unknown else [])


async def open_by_stage(scope: Scope, period: Period) -> list[tuple[str, int]]:
    """Cases open at the end of the period, by the stage they are at now ("Closed since" for
    those that have closed after it)."""
    last = day_sql(period.last)
    rows = await rows_of(
        "SELECT CASE WHEN c.closed_on IS NULL THEN c.stage ELSE 'closed_since' END AS k, "
        f"COUNT(*) AS n FROM cme_case c WHERE {case_scope(scope)} AND c.day_one <= {last} "
        f"AND (c.closed_on IS NULL OR c.closed_on > {last}) GROUP BY 1"
    )
    found = _counts(rows)
    since = found.pop("closed_since", 0)
    ordered = _labelled(found, [(s.value, s.label) for s in Stage])
    return ordered + ([(CLOSED_SINCE, since)] if since else [])


async def closed_by_outcome(scope: Scope, period: Period) -> list[tuple[str, int]]:
    rows = await rows_of(
        f"SELECT c.outcome AS k, COUNT(*) AS n FROM cme_case c WHERE {case_scope(scope)} "
        f"AND c.closed_on >= {day_sql(period.first)} AND c.closed_on <= {day_sql(period.last)} "
        "GROUP BY c.outcome"
    )
    return _labelled(_counts(rows), [(o.value, o.label) for o in Outcome])


def _counts(rows: Rows) -> dict[str, int]:
    """Counts by key; NULL and "" are one key (both "Not known")."""
    found: dict[str, int] = {}
    for r in rows:
        key = "" if r["k"] is None else str(r["k"])
        found[key] = found.get(key, 0) + int(r["n"] or 0)
    return found


async def matches_waiting(scope: Scope) -> int:
    rows = await rows_of(
        f"SELECT COUNT(*) AS n FROM episode_match m WHERE m.la = {int(scope.la_id)} "
        f"AND {WAITING_SQL}"
    )
    return int(rows[0]["n"] or 0)
