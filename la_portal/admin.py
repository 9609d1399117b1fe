"""LA administration: the schools of the administrator's LA (accounts: `la_portal.users`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from cme.errors import UserError
from cme.storage import organisations
from cme.web.guards import requires_la_admin
from cme.web.pages import field_errors, render, viewer_of


@dataclass
class SchoolForm:
    urn: str = ""
    name: str = ""


SCHOOL_FIELDS = {"URN": "urn", "school name": "name"}


class AdminController(Controller):
    path = "/la/admin"
    guards = [requires_la_admin]

    async def _schools_page(
        self, request: Request[Any, Any, Any], status: int = 200, **context: Any
    ) -> Template:
        schools = await organisations.schools_visible_to(viewer_of(request))
        context.setdefault("form", SchoolForm())
        context.setdefault("errors", {})
        return render(request, "la/schools.html", status_code=status, schools=schools, **context)

    @get("/schools")
    async def schools(
        self, request: Request[Any, Any, Any], added: FromQuery[str] = ""
    ) -> Template:
        return await self._schools_page(request, added=added)

    @post("/schools")
    async def add_school(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[SchoolForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        try:
            await organisations.add_school(data.urn, data.name, viewer.la_code, by=viewer)
        except UserError as exc:
            errors = field_errors(exc, SCHOOL_FIELDS)
            return await self._schools_page(request, 400, errors=errors, form=data)
        return Redirect(f"/la/admin/schools?added={data.urn.strip()}", status_code=303)
