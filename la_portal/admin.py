"""LA administration: schools, accounts and the audit trail of the administrator's LA."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from cme.errors import UserError
from cme.roles import Role
from cme.storage import accounts, audit, organisations
from cme.web.guards import requires_la_admin
from cme.web.pages import render, viewer_of


class AdminController(Controller):
    path = "/la/admin"
    guards = [requires_la_admin]

    async def _schools_page(
        self, request: Request[Any, Any, Any], status: int = 200, **context: Any
    ) -> Template:
        schools = await organisations.schools_visible_to(viewer_of(request))
        context.setdefault("form", {})
        return render(request, "la/schools.html", status_code=status, schools=schools, **context)

    @get("/schools")
    async def schools(
        self, request: Request[Any, Any, Any], added: FromQuery[str] = ""
    ) -> Template:
        return await self._schools_page(request, added=added)

    @post("/schools")
    async def add_school(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        viewer = viewer_of(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            await organisations.add_school(
                form.get("urn", ""), form.get("name", ""), viewer.la_code, by=viewer
            )
        except UserError as exc:
            return await self._schools_page(request, 400, error=str(exc), form=form)
        return Redirect(f"/la/admin/schools?added={form['urn'].strip()}", status_code=303)

    async def _users_page(
        self, request: Request[Any, Any, Any], status: int = 200, **context: Any
    ) -> Template:
        viewer = viewer_of(request)
        context.setdefault("form", {})
        return render(
            request,
            "la/users.html",
            status_code=status,
            users=await accounts.accounts_in_la(viewer),
            schools=await organisations.schools_visible_to(viewer),
            roles=list(Role),
            **context,
        )

    @get("/users")
    async def users(self, request: Request[Any, Any, Any], added: FromQuery[str] = "") -> Template:
        return await self._users_page(request, added=added)

    @post("/users")
    async def add_user(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        viewer = viewer_of(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        role = form.get("role", "")
        try:
            works_in_school = Role(role).works_in_school if role in set(Role) else False
            await accounts.add_account(
                email=form.get("email", ""),
                display_name=form.get("display_name", ""),
                password=form.get("password", ""),
                role=role,
                school_urn=form.get("school_urn") if works_in_school else None,
                la_code=None if works_in_school else viewer.la_code,
                by=viewer,
            )
        except UserError as exc:
            form.pop("password", None)
            return await self._users_page(request, 400, error=str(exc), form=form)
        return Redirect(f"/la/admin/users?added={form['email'].strip().lower()}", status_code=303)

    @get("/audit")
    async def audit_trail(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "la/audit.html", events=await audit.recent(viewer_of(request).la_id))
