"""The partnership's termly pack (issue 12 §3): a school term's figures beside the same term
last year, the cases by stage and by outcome, every breakdown and the weekly trend, all read
from the aggregates the dashboard reads. The printable page and the workbook are both made
from `termly_pack`, so the two show the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cme.access import Viewer
from cme.errors import Refused, UserError
from cme.events import Action
from cme.exports.partnership_pack import Pack, Section
from cme.measures.figures import Dimension, Figures
from cme.measures.periods import (
    Grain,
    Period,
    same_term_last_year,
    school_terms,
    term_for_key,
    term_key,
)
from cme.measures.tables import Cell, FigureTable, Kind, TrendRow, breakdown, headline, trend_table
from cme.roles import Role
from cme.storage import audit
from cme.storage.calendar_facts import term_dates
from cme.storage.clock import today, utcnow
from cme.storage.engine import write_transaction
from cme.storage.measures import counts
from cme.storage.measures.counts import rows_of
from cme.storage.measures.dashboard import (
    closed_by_outcome,
    groups,
    la_code_and_name,
    matches_waiting,
    open_by_stage,
)
from cme.storage.measures.scope import Scope, scope_for
from cme.storage.measures.trend import trend
from cme.timeline import academic_year

THIS_TERM = "This term"
LAST_YEAR = "Same term last year"
# The terms offered: this academic year's and the two before (the tracker keeps registers
# for a few years; older packs are rarely asked for).
YEARS_OFFERED = 3

_BREAKDOWN_SHEETS = {
    Dimension.SCHOOL: "By school",
    Dimension.AREA: "By area",
    Dimension.YEAR_GROUP: "By year group",
    Dimension.GENDER: "By gender",
    Dimension.LOOKED_AFTER: "By looked-after status",
    Dimension.SEN: "By SEN",
}


class UnknownTerm(UserError):
    """The address names no term a pack can be made for; `terms` are the ones it can."""

    def __init__(self, message: str, terms: Sequence[tuple[str, str]]) -> None:
        self.terms = tuple(terms)
        super().__init__(message)


def offered_terms(la_terms: Sequence[tuple[date, date]], on: date) -> list[Period]:
    """The terms that have started by `on`, newest first: the first is the current term, or
    in a holiday the one just ended."""
    year = academic_year(on)
    found = [
        t
        for y in range(year - YEARS_OFFERED + 1, year + 1)
        for t in school_terms(y, la_terms)
        if t.first <= on
    ]
    return sorted(found, key=lambda t: t.first, reverse=True)


def _periods(
    key: str | None, la_terms: Sequence[tuple[date, date]], on: date
) -> tuple[Period, Period, list[Period]]:
    """The term asked for (cut at `on` if it has not ended) and the same term last year (cut
    at the same point of its year, so a term in progress is set beside the same weeks)."""
    offered = offered_terms(la_terms, on)
    if not key:
        term = offered[0]
    else:
        found = term_for_key(key.strip().lower(), la_terms)
        if found is None:
            raise UnknownTerm(
                f"There is no term called \u201c{key}\u201d. A term is named by the year its "
                "academic year starts and the term, for example 2025-autumn, 2025-spring or "
                "2025-summer.",
                [(term_key(t), t.name) for t in offered],
            )
        if found.first > on:
            raise UnknownTerm(
                f"The {found.name} has not started yet, so there are no figures for it. "
                "Choose a term that has started.",
                [(term_key(t), t.name) for t in offered],
            )
        term = found
    earlier = same_term_last_year(term, la_terms)
    if term.last > on:
        term = Period(term.first, on, f"{term.name}, so far")
        same_day = Period(on, on).a_year_earlier().first
        end = max(earlier.first, min(earlier.last, same_day))
        earlier = Period(earlier.first, end, f"{earlier.name}, to the same point")
    return term, earlier, offered


async def termly_pack(viewer: Viewer, term: str | None = None) -> Pack:
    """The pack for the term whose key (`2025-autumn`) is `term`; by default the current term
    or, in a holiday, the one just ended. For the LA's CME officers: it covers the whole LA."""
    if viewer.role is not Role.CME_OFFICER:
        raise Refused("The termly pack is for the LA\u2019s CME officers.")
    scope = await scope_for(viewer)
    la_terms = await term_dates(scope.la_id)
    this, earlier, offered = _periods(term, la_terms, today())
    now = (await counts.figures(scope, this))["all"]
    then = (await counts.figures(scope, earlier))["all"]
    last = earlier if await _held(scope, earlier, then) else None
    code, name = await la_code_and_name(scope.la_id)
    waiting = await matches_waiting(scope)
    sections = [
        Section(
            "Headline",
            "The headline figures for the term"
            + (", beside the same term last year" if last else "")
            + ": absence, CME cases, removals, missing episodes and return interviews.",
            (
                headline(
                    now,
                    matches_waiting=waiting,
                    compare=[(LAST_YEAR, then)] if last else (),
                    heading=THIS_TERM,
                ),
            ),
        ),
        Section(
            "Cases by stage",
            "CME cases open at the end of the term, by the stage each has reached.",
            (
                _beside(
                    "by-stage",
                    "Cases open at the end of the term, by stage",
                    "Stage",
                    await open_by_stage(scope, this),
                    await open_by_stage(scope, earlier) if last else None,
                ),
            ),
        ),
        Section(
            "Cases by outcome",
            "CME cases closed in the term, by how each ended.",
            (
                _beside(
                    "by-outcome",
                    "Cases closed in the term, by outcome",
                    "Outcome",
                    await closed_by_outcome(scope, this),
                    await closed_by_outcome(scope, earlier) if last else None,
                ),
            ),
        ),
    ]
    for dimension, sheet in _BREAKDOWN_SHEETS.items():
        sections.append(
            Section(
                sheet,
                f"Every figure by {dimension.label.lower()}"
                + (": this term, then the same term last year below it." if last else "."),
                (await _breakdown(scope, this, dimension),),
                (await _breakdown(scope, earlier, dimension),) if last else (),
            )
        )
    sections.append(
        Section(
            "Weekly trend",
            "Week by week through the term: unexplained absence, cases opened, episodes.",
            (await _trend(scope, this),),
        )
    )
    return Pack(
        la_code=code,
        la_name=name,
        term_key=term_key(this),
        term=this,
        last_year=last,
        made_at=utcnow(),
        sections=tuple(sections),
        terms=tuple((term_key(t), t.name) for t in offered),
    )


async def pack_download(viewer: Viewer, term: str | None = None) -> Pack:
    """`termly_pack`, recorded in the access log in the same transaction: the pack leaves
    the tracker for the partnership."""
    async with write_transaction():
        pack = await termly_pack(viewer, term)
        await audit.record(
            Action.PACK_DOWNLOADED,
            viewer=viewer,
            term=pack.term.name,
            term_key=pack.term_key,
            first_day=pack.term.first.isoformat(),
            last_day=pack.term.last.isoformat(),
            last_year=pack.last_year.label if pack.last_year else None,
        )
    return pack


async def _held(scope: Scope, period: Period, figures: Figures) -> bool:
    """Whether the tracker holds anything from `period`: a figure, or the registers of its
    academic year (a term with registers and no absence is a term of zeros, not of none)."""
    if any(v for v in figures.as_json().values() if isinstance(v, int | float)):
        return True
    rows = await rows_of(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM pupil_year y WHERE "
        f"y.academic_year = {academic_year(period.first)} AND y.school IN "
        f"(SELECT id FROM school WHERE la = {int(scope.la_id)})) THEN 1 ELSE 0 END AS held"
    )
    return bool(rows[0]["held"])


def _beside(
    slug: str,
    title: str,
    heading: str,
    this: Sequence[tuple[str, int]],
    last: Sequence[tuple[str, int]] | None,
) -> FigureTable:
    """Counts of cases by group, this term's beside last year's (a group either had). A
    label given twice is one group: its counts add, never overwrite."""
    now, then = _by_label(this), _by_label(last or ())
    labels = list(now) + [label for label in then if label not in now]
    rows = [
        [
            Cell(label, Kind.TEXT),
            Cell(now.get(label, 0), children=now.get(label, 0)),
            *([Cell(then.get(label, 0), children=then.get(label, 0))] if last is not None else []),
        ]
        for label in labels
    ]
    headings = [heading, THIS_TERM, *([LAST_YEAR] if last is not None else [])]
    return FigureTable(slug, title, headings, rows)


def _by_label(rows: Sequence[tuple[str, int]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for label, n in rows:
        found[label] = found.get(label, 0) + n
    return found


async def _breakdown(scope: Scope, period: Period, dimension: Dimension) -> FigureTable:
    found = await groups(scope, period, dimension)
    return breakdown(
        dimension.slug,
        f"{dimension.label}: {period.name}",
        dimension.label,
        found,
    )


async def _trend(scope: Scope, period: Period) -> FigureTable:
    points = await trend(scope, period, Grain.WEEK)
    return trend_table(
        [
            TrendRow(
                p.period.name,
                p.unexplained_absence_sessions,
                p.unexplained_absence_children,
                p.cases_opened,
                p.episodes,
                p.episode_children,
            )
            for p in points
        ],
        "Week",
    )
