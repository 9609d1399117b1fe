"""The partnership's figures for the LA's CME officers (issue 12 §1): one page of headline
figures, trend, caseload and a breakdown over a chosen period, each table downloadable as
.xlsx (and with small numbers hidden, for sharing outside the LA), and the termly packs."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from cme.access import Viewer
from cme.measures.periods import term_key
from cme.measures.tables import FigureTable
from cme.storage.calendar_facts import term_dates
from cme.storage.clock import today
from cme.storage.measures.downloads import figures_download, figures_for_page
from cme.storage.measures.pack import offered_terms
from cme.web.guards import requires_cme_officer
from cme.web.pages import render, viewer_of
from cme.web.pupil_page import with_query
from la_portal import figures_words as words
from la_portal.figures_export import file_name, table_workbook
from school_portal.export import XLSX

BASE = "/la/figures"
QUERY_KEYS = ("period", "from", "to", "grain", "by", "school", "was")


async def read_choice(
    viewer: Viewer,
    request: Request[Any, Any, Any],
    dimensions: list[Any],
    school_allowed: bool,
) -> tuple[words.Choice, list[tuple[Any, Any]]]:
    """The page's choices from the address, and the LA's term dates they are read by."""
    terms = await term_dates(viewer.la_id)
    query = {k: request.query_params.get(k) for k in QUERY_KEYS}
    return words.parse_choice(query, today(), terms, dimensions, school_allowed), terms


def downloader(base: str, choice: words.Choice) -> Any:
    def link(slug: str, share: bool = False) -> str:
        return with_query(f"{base}/{slug}.xlsx", **choice.query(share="1" if share else None))

    return link


class FiguresController(Controller):
    path = BASE
    guards = [requires_cme_officer]

    @get("/")
    async def page(self, request: Request[Any, Any, Any]) -> Template:
        viewer = viewer_of(request)
        choice, terms = await read_choice(viewer, request, words.LA_DIMENSIONS, True)
        found = await figures_for_page(
            viewer, choice.period, choice.grain, choice.dimension, choice.school_id
        )
        assert found.board is not None
        tables = words.la_tables(found.board, found.scope_name)
        by = words.breakdown_table(choice.dimension, found.groups)
        on = today()
        return render(
            request,
            "la/figures.html",
            words=words,
            choice=choice,
            options=words.period_options(on, terms),
            board=found.board,
            schools=found.schools,
            scope=words.describe_scope(viewer.la_name, found.board.school_name),
            cards=words.cards(tables[words.HEADLINE]),
            tables=tables,
            by=by,
            trend_charts=words.trend_charts(tables[words.TREND]),
            stage_chart=words.counted_chart(tables[words.OPEN_BY_STAGE]),
            outcome_chart=words.counted_chart(tables[words.CLOSED_BY_OUTCOME]),
            by_chart=words.breakdown_chart(by),
            download=downloader(BASE, choice),
            # The terms the pack is offered for, as the pack itself lists them.
            packs=[(term_key(t), t) for t in offered_terms(terms, on)],
            here=BASE,
        )


def _slug(request: Request[Any, Any, Any]) -> str:
    return request.url.path.rsplit("/", 1)[1].removesuffix(".xlsx")


async def download_table(
    request: Request[Any, Any, Any],
    dimensions: list[Any],
    school_allowed: bool,
    shared: bool,
    tables_of: Any,
) -> Response[bytes]:
    """One table of a figures page as .xlsx, read (and its download audited) afresh."""
    viewer = viewer_of(request)
    slug = _slug(request)
    if slug not in words.slugs(dimensions):
        raise NotFoundException("There is no such table.")
    choice, _ = await read_choice(viewer, request, dimensions, school_allowed)
    dimension = words.dimension_of(slug)
    found = await figures_download(
        viewer,
        choice.period,
        choice.grain,
        dimension,
        choice.school_id,
        table=words.table_title(slug, choice.grain),
        shared=shared,
    )
    if dimension is not None:
        table = words.breakdown_table(dimension, found.groups)
    else:
        assert found.board is not None
        table = tables_of(found.board, found.scope_name)[slug]
    if shared:
        table = table.shareable()
    content = table_workbook(table, found.scope_name, choice.period)
    who = viewer.la_code if choice.school_id is None and viewer.school_id is None else ""
    name = file_name(slug, who or found.scope_name, choice.period, shared)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _la_tables(board: Any, scope_name: str) -> dict[str, FigureTable]:
    return words.la_tables(board, scope_name)


@get(
    [f"{BASE}/{slug}.xlsx" for slug in words.slugs(words.LA_DIMENSIONS)],
    guards=[requires_cme_officer],
)
async def figures_xlsx(request: Request[Any, Any, Any]) -> Response[bytes]:
    shared = request.query_params.get("share") == "1"
    return await download_table(request, words.LA_DIMENSIONS, True, shared, _la_tables)
