"""The partnership's figures for one school (issue 12 §2): the same measures as the LA's page
for the school's own pupils, with its trend beside the LA's average per 100 pupils on roll,
so a DSL can see whether things are getting better. An attendance officer sees no figure
about police episodes (the data layer does not count them for one; the tables leave their
rows and columns out)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from cme.storage.clock import today
from cme.storage.measures.downloads import figures_for_page
from cme.web import figures_charts as charts
from cme.web import figures_names as words
from cme.web.figures_choice import period_options, read_choice
from cme.web.figures_download import download_table, downloader
from cme.web.figures_tables import breakdown_table, school_tables
from cme.web.guards import requires_school_staff
from cme.web.pages import render, viewer_of

BASE = "/school/figures"


class SchoolFiguresController(Controller):
    path = BASE
    guards = [requires_school_staff]

    @get("/")
    async def page(self, request: Request[Any, Any, Any]) -> Template:
        viewer = viewer_of(request)
        choice, terms = await read_choice(viewer, request, words.SCHOOL_DIMENSIONS, False)
        # The data layer keeps a school's staff to their own school.
        found = await figures_for_page(viewer, choice.period, choice.grain, choice.dimension)
        board = found.board
        assert board is not None
        tables = school_tables(board)
        by = breakdown_table(choice.dimension, found.groups, found.sees_episodes)
        return render(
            request,
            "school/figures.html",
            words=words,
            choice=choice,
            options=period_options(today(), terms),
            board=board,
            scope=board.school_name,
            cards=charts.cards(tables[words.HEADLINE], per_100_from=2),
            tables=tables,
            by=by,
            trend_charts=charts.trend_charts(tables[words.TREND], board.school_name),
            stage_chart=charts.counted_chart(tables[words.OPEN_BY_STAGE]),
            outcome_chart=charts.counted_chart(tables[words.CLOSED_BY_OUTCOME]),
            by_chart=charts.breakdown_chart(by),
            download=downloader(BASE, choice),
            here=BASE,
        )

    @get([f"/{slug}.xlsx" for slug in words.slugs(words.SCHOOL_DIMENSIONS)])
    async def download(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        # Their own school's figures: nothing to hide from themselves, so no shared variant.
        return await download_table(request, words.SCHOOL_DIMENSIONS, False, False, school_tables)
