"""The partnership's figures for the LA's CME officers (issue 12 §1): one page of headline
figures, trend, caseload and a breakdown over a chosen period, each table downloadable as
.xlsx (and with small numbers hidden, for sharing outside the LA), and the termly packs."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from cme.measures.periods import term_key
from cme.storage.clock import today
from cme.storage.measures.downloads import figures_for_page
from cme.storage.measures.pack import offered_terms
from cme.web import figures_charts as charts
from cme.web import figures_names as words
from cme.web.figures_choice import period_options, read_choice
from cme.web.figures_download import download_table, downloader
from cme.web.figures_tables import breakdown_table, la_tables
from cme.web.guards import requires_cme_officer
from cme.web.pages import render, viewer_of

BASE = "/la/figures"


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
        board = found.board
        assert board is not None
        tables = la_tables(board)
        by = breakdown_table(choice.dimension, found.groups, found.sees_episodes)
        on = today()
        return render(
            request,
            "la/figures.html",
            words=words,
            choice=choice,
            options=period_options(on, terms),
            board=board,
            schools=found.schools,
            scope=charts.describe_scope(viewer.la_name, board.school_name),
            cards=charts.cards(tables[words.HEADLINE]),
            tables=tables,
            by=by,
            trend_charts=charts.trend_charts(tables[words.TREND]),
            stage_chart=charts.counted_chart(tables[words.OPEN_BY_STAGE]),
            outcome_chart=charts.counted_chart(tables[words.CLOSED_BY_OUTCOME]),
            by_chart=charts.breakdown_chart(by),
            download=downloader(BASE, choice),
            # The terms the pack is offered for, as the pack itself lists them.
            packs=[(term_key(t), t) for t in offered_terms(terms, on)],
            here=BASE,
        )


@get(
    [f"{BASE}/{slug}.xlsx" for slug in words.slugs(words.LA_DIMENSIONS)],
    guards=[requires_cme_officer],
)
async def figures_xlsx(request: Request[Any, Any, Any]) -> Response[bytes]:
    shared = request.query_params.get("share") == "1"
    return await download_table(request, words.LA_DIMENSIONS, True, shared, la_tables)
