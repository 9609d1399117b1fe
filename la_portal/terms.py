"""The LA's term dates, which the statutory clock uses to count school days ahead. Entered by
LA administrators; half terms are separate terms and the gaps between terms are holidays.

Every term is looked up within the administrator's own LA, so another LA's term id is "not
found"."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from cme.errors import NotFound, UserError
from cme.storage import calendar_facts
from cme.terms import TermForm, by_academic_year, year_words
from cme.web.guards import requires_la_admin
from cme.web.pages import field_errors, render, viewer_of

PAGE = "/la/admin/terms"
TERM_FIELDS = {"Name": "name", "First day": "first_day", "Last day": "last_day"}


class TermsController(Controller):
    path = PAGE
    guards = [requires_la_admin]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        form: TermForm | None = None,
        status: int = 200,
        errors: dict[str, str] | None = None,
        done: str = "",
    ) -> Template:
        terms = await calendar_facts.list_terms(viewer_of(request))
        return render(
            request,
            "la/terms.html",
            status_code=status,
            years=[(year_words(y), group) for y, group in by_academic_year(terms)],
            form=form or TermForm(),
            errors=errors or {},
            done=done,
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        added: FromQuery[str] = "",
        removed: FromQuery[str] = "",
    ) -> Template:
        # Only which message to show comes from the address, never the words themselves.
        done = "added" if added else "removed" if removed else ""
        return await self._page(request, done=done)

    @post("/")
    async def add(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[TermForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        try:
            await calendar_facts.add_term(viewer_of(request), data)
        except UserError as exc:
            return await self._page(request, data, 400, field_errors(exc, TERM_FIELDS))
        return Redirect(f"{PAGE}?added=1", status_code=303)

    @get("/{term_id:int}/remove")
    async def confirm_remove(
        self, request: Request[Any, Any, Any], term_id: FromPath[int]
    ) -> Template:
        term = await calendar_facts.term_of(viewer_of(request), term_id)
        return render(request, "la/term_remove.html", term=term)

    @post("/{term_id:int}/remove")
    async def remove(
        self, request: Request[Any, Any, Any], term_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await calendar_facts.remove_term(viewer_of(request), term_id)
        except NotFound:
            raise
        except UserError as exc:
            return await self._page(request, status=400, errors={"": str(exc)})
        return Redirect(f"{PAGE}?removed=1", status_code=303)
