"""The LA's cases, for CME officers: cases schools have handed over, the LA's list of children
missing education (removed from roll, still looked for), each case page and the LA's forms."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from cme.storage.case_views import cases_for_la
from cme.web import case_page
from cme.web.guards import requires_cme_officer
from cme.web.pages import render, viewer_of
from cme.web.pupil_page import with_query
from la_portal.case_export import la_cases_download
from school_portal.export import XLSX

PORTAL = "/la"


class LACasesController(Controller):
    path = "/la/cases"
    guards = [requires_cme_officer]

    @get("/")
    async def cases(
        self, request: Request[Any, Any, Any], closed: FromQuery[str | None] = None
    ) -> Template:
        show_closed = closed == "1"
        rows = await cases_for_la(viewer_of(request), include_closed=show_closed)
        return render(
            request,
            "la/cases.html",
            handed=[r for r in rows if not r.case.on_cme_list],
            missing=[r for r in rows if r.case.on_cme_list],
            show_closed=show_closed,
            toggle=with_query("/la/cases", closed=None if show_closed else "1"),
            download=with_query("/la/cases.xlsx", closed="1" if show_closed else None),
        )

    @get("/{case_id:int}")
    async def case(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template:
        return await case_page.show_case(request, case_id, PORTAL)

    @post("/{case_id:int}/{action:str}")
    async def act(
        self, request: Request[Any, Any, Any], case_id: FromPath[int], action: FromPath[str]
    ) -> Template | Redirect:
        return await case_page.post_action(request, case_id, PORTAL, action.replace("-", "_"))

    @get("/{case_id:int}/documents/{doc_id:int}")
    async def document(
        self, request: Request[Any, Any, Any], case_id: FromPath[int], doc_id: FromPath[int]
    ) -> Response[bytes]:
        return await case_page.download(viewer_of(request), case_id, doc_id)


@get("/la/cases.xlsx", guards=[requires_cme_officer])
async def la_cases_xlsx(
    request: Request[Any, Any, Any], closed: FromQuery[str | None] = None
) -> Response[bytes]:
    """Both lists of the page as one workbook (a path beside the controller's: `.xlsx` is not
    a child of /la/cases)."""
    show_closed = closed == "1"
    content = await la_cases_download(viewer_of(request), show_closed)
    which = "all" if show_closed else "open"
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="la-cases-{which}.xlsx"'},
    )
