"""A figures page's tables as .xlsx downloads, for the LA's page and a school's alike: the
link to each, and the download itself, read (and audited) afresh and made of the same table
the page shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from litestar import Request, Response
from litestar.exceptions import NotFoundException

from cme.measures.figures import Dimension
from cme.measures.tables import FigureTable
from cme.storage.measures.dashboard import Dashboard
from cme.storage.measures.downloads import figures_download
from cme.web.case_page import XLSX
from cme.web.figures_choice import Choice, read_choice
from cme.web.figures_export import file_name, table_workbook
from cme.web.figures_names import dimension_of, slugs, table_title
from cme.web.figures_tables import breakdown_table
from cme.web.pages import viewer_of
from cme.web.pupil_page import with_query

# How a page's tables but the breakdown are made from its dashboard, by slug.
TablesOf = Callable[[Dashboard], dict[str, FigureTable]]


def downloader(base: str, choice: Choice) -> Callable[..., str]:
    """The template's link to a table's download, for the page's choices."""

    def link(slug: str, share: bool = False) -> str:
        return with_query(f"{base}/{slug}.xlsx", **choice.query(share="1" if share else None))

    return link


def _slug(request: Request[Any, Any, Any]) -> str:
    return request.url.path.rsplit("/", 1)[1].removesuffix(".xlsx")


async def download_table(
    request: Request[Any, Any, Any],
    dimensions: Sequence[Dimension],
    school_allowed: bool,
    shared: bool,
    tables_of: TablesOf,
) -> Response[bytes]:
    """One table of a figures page as .xlsx, read (and its download audited) afresh."""
    viewer = viewer_of(request)
    slug = _slug(request)
    if slug not in slugs(dimensions):
        raise NotFoundException("There is no such table.")
    choice, _ = await read_choice(viewer, request, dimensions, school_allowed)
    dimension = dimension_of(slug)
    found = await figures_download(
        viewer,
        choice.period,
        choice.grain,
        dimension,
        choice.school_id,
        table=table_title(slug, choice.grain),
        shared=shared,
    )
    if dimension is not None:
        table = breakdown_table(dimension, found.groups, found.sees_episodes)
    else:
        assert found.board is not None
        table = tables_of(found.board)[slug]
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
