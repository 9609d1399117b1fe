"""The school's cases: the list (open by default), its download, each case page and the forms
that record what the school did (`cme.web.case_page` parses them and calls one use case)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from cme.storage.case_views import cases_for_school
from cme.web import case_page
from cme.web.guards import requires_school_staff
from cme.web.pages import render, viewer_of
from cme.web.pupil_page import with_query
from school_portal.case_export import cases_download
from school_portal.controllers import _download, _school_of

PORTAL = "/school"


class SchoolCasesController(Controller):
    path = "/school"
    guards = [requires_school_staff]

    @get("/cases")
    async def cases(
        self, request: Request[Any, Any, Any], closed: FromQuery[str | None] = None
    ) -> Template:
        viewer = viewer_of(request)
        show_closed = closed == "1"
        rows = await cases_for_school(viewer, _school_of(viewer), include_closed=show_closed)
        return render(
            request,
            "school/cases.html",
            rows=rows,
            show_closed=show_closed,
            download=with_query("/school/cases.xlsx", closed="1" if show_closed else None),
            toggle=with_query("/school/cases", closed=None if show_closed else "1"),
        )

    @get("/cases/{case_id:int}")
    async def case(self, request: Request[Any, Any, Any], case_id: FromPath[int]) -> Template:
        return await case_page.show_case(request, case_id, PORTAL)

    @post("/cases/{case_id:int}/{action:str}")
    async def act(
        self, request: Request[Any, Any, Any], case_id: FromPath[int], action: FromPath[str]
    ) -> Template | Redirect:
        return await case_page.post_action(request, case_id, PORTAL, action.replace("-", "_"))

    @get("/cases/{case_id:int}/documents/{doc_id:int}")
    async def document(
        self, request: Request[Any, Any, Any], case_id: FromPath[int], doc_id: FromPath[int]
    ) -> Response[bytes]:
        return await case_page.download(viewer_of(request), case_id, doc_id)

    @get("/cases/{case_id:int}/deletion-return.xlsx")
    async def deletion_return(
        self, request: Request[Any, Any, Any], case_id: FromPath[int]
    ) -> Response[bytes]:
        return await case_page.download(viewer_of(request), case_id)

    @get("/cases.xlsx")
    async def cases_xlsx(
        self, request: Request[Any, Any, Any], closed: FromQuery[str | None] = None
    ) -> Response[bytes]:
        viewer = viewer_of(request)
        show_closed = closed == "1"
        content = await cases_download(viewer, _school_of(viewer), show_closed)
        which = "all" if show_closed else "open"
        return _download(content, f"cases-{viewer.school_urn}-{which}.xlsx")
