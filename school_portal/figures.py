"""The partnership's figures for one school (issue 12 §2): the same measures as the LA's page
for the school's own pupils, with its trend beside the LA's average per 100 pupils on roll,
so a DSL can see whether things are getting better."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from cme.measures.tables import FigureTable
from cme.storage.clock import today
from cme.storage.measures.dashboard import Dashboard
from cme.storage.measures.downloads import figures_for_page
from cme.web.guards import requires_school_staff
from cme.web.pages import render, viewer_of
from la_portal import figures_words as words
from la_portal.figures import download_table, downloader, read_choice

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
        tables = words.school_tables(board)
        by = words.breakdown_table(choice.dimension, found.groups)
        return render(
            request,
            "school/figures.html",
            words=words,
            choice=choice,
            options=words.period_options(today(), terms),
            board=board,
            scope=board.school_name,
            cards=words.cards(tables[words.HEADLINE], per_100_from=2),
            tables=tables,
            by=by,
            trend_charts=words.trend_charts(tables[words.TREND], board.school_name),
            stage_chart=words.counted_chart(tables[words.OPEN_BY_STAGE]),
            outcome_chart=words.counted_chart(tables[words.CLOSED_BY_OUTCOME]),
            by_chart=words.breakdown_chart(by),
            download=downloader(BASE, choice),
            here=BASE,
        )

    @get([f"/{slug}.xlsx" for slug in words.slugs(words.SCHOOL_DIMENSIONS)])
    async def download(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        # Their own school's figures: nothing to hide from themselves, so no shared variant.
        return await download_table(request, words.SCHOOL_DIMENSIONS, False, False, _school_tables)


def _school_tables(board: Dashboard, scope_name: str) -> dict[str, FigureTable]:
    return words.school_tables(board)
