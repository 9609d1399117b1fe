"""The lists the partnership asks for (issue 11 §2), for the LA's CME officers: an index with
each list's count, each list with its filters and pages, and its .xlsx download."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from cme.storage import partnership as lists
from cme.web.guards import requires_cme_officer
from cme.web.pages import render, viewer_of
from cme.web.pupil_page import with_query
from la_portal import partnership_words as words
from la_portal.partnership_export import READERS, list_download
from school_portal.export import XLSX

BASE = "/la/partnership"
_KEYS = ("kind", "hidden", "school", "year", "from", "to", "closed", "missing_now", "below")


def _filters(request: Request[Any, Any, Any]) -> lists.Filters:
    keys = (*_KEYS, "run_days", "page")
    return lists.Filters.parse({k: request.query_params.get(k) for k in keys})


def _list_words(slug: str) -> words.ListWords:
    found = words.LISTS.get(slug)
    if found is None:
        raise NotFoundException("There is no such list.")
    return found


class PartnershipController(Controller):
    path = BASE
    guards = [requires_cme_officer]

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        # No counts here: finding the hidden missing lays out every school day of every pupil
        # with an unexplained absence, seconds for a large LA (docs/benchmarks.md); each list
        # counts itself when opened.
        return render(request, "la/partnership.html", words=words, lists=words.LISTS.values())

    @get("/{slug:str}")
    async def one_list(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
        list_words = _list_words(slug)
        viewer = viewer_of(request)
        filters = _filters(request)
        found = await READERS[slug](viewer, filters, False)
        schools, years = await lists.choices(viewer)
        here = f"{BASE}/{slug}"
        return render(
            request,
            "la/partnership_list.html",
            words=words,
            lw=list_words,
            found=found,
            f=filters,
            schools=schools,
            years=years,
            said=words.describe(list_words, filters, found, dict(schools)),
            link=lambda **changes: with_query(here, **filters.query(**changes)),
            here=here,
            download=with_query(f"{here}.xlsx", **filters.query()),
            first=(found.page - 1) * lists.PAGE_SIZE + 1 if found.total else 0,
            last=min(found.total, found.page * lists.PAGE_SIZE),
        )


@get([f"{BASE}/{slug}.xlsx" for slug in words.LISTS], guards=[requires_cme_officer])
async def partnership_xlsx(request: Request[Any, Any, Any]) -> Response[bytes]:
    """A list as filtered on its page, every page of it."""
    slug = request.url.path.rsplit("/", 1)[1].removesuffix(".xlsx")
    _list_words(slug)
    viewer = viewer_of(request)
    schools, _ = await lists.choices(viewer)
    content, _ = await list_download(viewer, slug, _filters(request), dict(schools))
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{slug}-{viewer.la_code}.xlsx"'},
    )
