"""What the partnership's pages, downloads and `cme report` read: the figures of a period
with their breakdowns, trend and the state of the caseload, for one viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from cme.access import Viewer
from cme.cases.case import Stage
from cme.cases.outcomes import Outcome
from cme.measures.figures import NOT_KNOWN, NOT_LINKED, Dimension, Figures, Group
from cme.measures.periods import Grain, Period
from cme.storage.matching import WAITING_SQL
from cme.storage.measures import counts
from cme.storage.measures.counts import case_scope, rows_of
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
    school_name: str = ""
    # A school's view compares itself with the whole LA.
    la_figures: Figures | None = None
    la_trend: list[Point] = field(default_factory=list)
    la_pupils: int = 0


async def dashboard(
    viewer: Viewer, period: Period, grain: Grain = Grain.WEEK, school_id: int | None = None
) -> Dashboard:
    scope = await scope_for(viewer, school_id)
    board = Dashboard(
        scope=scope,
        period=period,
        grain=grain,
        figures=(await counts.figures(scope, period))["all"],
        open_by_stage=await open_by_stage(scope, period),
        closed_by_outcome=await closed_by_outcome(scope, period),
        trend=await trend(scope, period, grain),
        pupils=await pupils_on_roll(scope),
    )
    if scope.school_id is None:
        board.matches_waiting = await matches_waiting(scope)
    else:
        board.school_name = await _school_name(scope.school_id)
        la = scope.la_wide
        board.la_figures = (await counts.figures(la, period))["all"]
        board.la_trend = await trend(la, period, grain)
        board.la_pupils = await pupils_on_roll(la)
    return board


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
        if label in merged:  # "" and NULL are both "Not known"
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


async def _school_name(school_id: int) -> str:
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
    too, since a pupil has one value of the group; the spread keeps the larger group's."""
    total = Figures()
    for name in Figures.__dataclass_fields__:
        if name == "referral_days":
            total.referral_days = max(a.referral_days, b.referral_days, key=lambda s: s.count)
        elif name != "return_interviews_within_72h_rate":
            setattr(total, name, getattr(a, name) + getattr(b, name))
    return total.finish()


async def open_by_stage(scope: Scope, period: Period) -> list[tuple[str, int]]:
    """Cases open at the end of the period, by the stage they are at now ("Closed since" for
    those that have closed after it)."""
    last = day_sql(period.last)
    rows = await rows_of(
        "SELECT CASE WHEN c.closed_on IS NULL THEN c.stage ELSE 'closed_since' END AS k, "
        f"COUNT(*) AS n FROM cme_case c WHERE {case_scope(scope)} AND c.day_one <= {last} "
        f"AND (c.closed_on IS NULL OR c.closed_on > {last}) GROUP BY 1"
    )
    found = {str(r["k"]): int(r["n"]) for r in rows}
    ordered = [(s.label, found.pop(s.value)) for s in Stage if s.value in found]
    since = found.pop("closed_since", 0)
    ordered += [(NOT_KNOWN, n) for n in found.values()]
    if since:
        ordered.append((CLOSED_SINCE, since))
    return ordered


async def closed_by_outcome(scope: Scope, period: Period) -> list[tuple[str, int]]:
    rows = await rows_of(
        f"SELECT c.outcome AS k, COUNT(*) AS n FROM cme_case c WHERE {case_scope(scope)} "
        f"AND c.closed_on >= {day_sql(period.first)} AND c.closed_on <= {day_sql(period.last)} "
        "GROUP BY c.outcome"
    )
    found = {str(r["k"]): int(r["n"]) for r in rows}
    ordered = [(o.label, found.pop(o.value)) for o in Outcome if o.value in found]
    return ordered + [(NOT_KNOWN, n) for n in found.values()]


async def matches_waiting(scope: Scope) -> int:
    rows = await rows_of(
        f"SELECT COUNT(*) AS n FROM episode_match m WHERE m.la = {int(scope.la_id)} "
        f"AND {WAITING_SQL}"
    )
    return int(rows[0]["n"] or 0)
