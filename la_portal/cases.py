"""The LA's caseload, for CME officers: every case of the LA's schools with filters, sorting,
paging and counts, the list of children missing education, assigning cases to officers, each
case page and the LA's forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from cme.cases.case import Stage
from cme.errors import InvalidField, NotFound, UserError
from cme.storage import case_assign, organisations
from cme.storage.caseload import PAGE_SIZE, Filters, State, caseload
from cme.web import case_page
from cme.web.guards import requires_cme_officer
from cme.web.pages import render, saved, viewer_of
from cme.web.pupil_page import with_query
from la_portal import caseload_words as words
from la_portal.case_export import caseload_download
from school_portal.export import XLSX

PORTAL = "/la"
_FILTER_KEYS = ("state", "school", "stage", "overdue", "officer", "risk", "holder", "sort", "dir")


def _filters(request: Request[Any, Any, Any]) -> Filters:
    return Filters.parse({k: request.query_params.get(k) for k in (*_FILTER_KEYS, "page")})


def _filters_of(address: str) -> Filters:
    query = parse_qs(urlsplit(address).query)
    return Filters.parse({k: v[0] for k, v in query.items()})


async def _choices(request: Request[Any, Any, Any]) -> tuple[dict[int, str], dict[int, str]]:
    """The LA's schools and CME officers by id, for the filters and the assign form."""
    viewer = viewer_of(request)
    schools = {int(s["id"]): s["name"] for s in await organisations.schools_visible_to(viewer)}
    officers = {int(o["id"]): o["display_name"] for o in await case_assign.officers(viewer)}
    return schools, officers


async def _page(
    request: Request[Any, Any, Any],
    filters: Filters,
    status_code: int = 200,
    error: str | None = None,
) -> Template:
    viewer = viewer_of(request)
    found = await caseload(viewer, filters)
    schools, officers = await _choices(request)
    shown = found.filters
    first = (shown.page - 1) * PAGE_SIZE + 1 if found.total else 0
    return render(
        request,
        "la/cases.html",
        status_code=status_code,
        found=found,
        f=shown,
        schools=schools,
        officers=officers,
        words=words,
        states=list(State),
        stages=list(Stage),
        link=lambda **changes: with_query("/la/cases", **shown.query(**changes)),
        sort_link=lambda sort: with_query("/la/cases", **shown.sorted_by(sort)),
        here=with_query("/la/cases", **shown.query(page=shown.page)),
        download=with_query("/la/cases.xlsx", **shown.query()),
        described=words.describe(shown, schools, officers),
        first=first,
        last=min(found.total, shown.page * PAGE_SIZE),
        error=error,
    )


class LACasesController(Controller):
    path = "/la/cases"
    guards = [requires_cme_officer]

    @get("/")
    async def cases(self, request: Request[Any, Any, Any]) -> Template:
        return await _page(request, _filters(request))

    @post("/assign")
    async def assign(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """Assign the ticked cases; back to the same view of the caseload."""
        form = await request.form()
        back = str(form.get("back") or "/la/cases")
        if not back.startswith("/la/cases"):
            back = "/la/cases"
        choice = str(form.get("officer") or "")
        given = [str(v) for v in form.getall("case")] if "case" in form else []
        # Anything but a plausible id is left out; the cases left are checked against scope.
        ids = [int(v) for v in given if v.isascii() and v.isdigit() and len(v) < 10]
        viewer = viewer_of(request)
        try:
            if choice == "me":
                officer: int | None = viewer.user_id
            elif choice == "none":
                officer = None
            elif choice.isascii() and choice.isdigit() and len(choice) < 10:
                officer = int(choice)
            else:
                raise InvalidField("Officer", "Choose whom to assign the cases to.")
            changed = await case_assign.assign(viewer, ids, officer)
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            return await _page(request, _filters_of(back), 400, error=str(exc))
        code = "cases_unchanged" if not changed else "cases_assigned"
        if changed and officer is None:
            code = "cases_unassigned"
        return saved(request, back, code)

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
async def la_cases_xlsx(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The caseload as filtered on the page, every page of it (a path beside the controller's:
    `.xlsx` is not a child of /la/cases)."""
    viewer = viewer_of(request)
    filters = _filters(request)
    schools, officers = await _choices(request)
    content, _ = await caseload_download(viewer, filters, schools, officers)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="caseload-{viewer.la_code}.xlsx"'},
    )
