"""LA administration of accounts: add, edit, deactivate, reactivate, unlock, password links.

Every account is looked up within the administrator's own LA (`cme.storage.account_admin`),
so another LA's user id is "not found".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from cme.access import Viewer
from cme.errors import NotFound, Refused, UserError
from cme.roles import Role
from cme.storage import account_admin, organisations
from cme.storage.passwords import RESET_LIFETIME, Issued
from cme.web.guards import requires_la_admin
from cme.web.pages import field_errors, notice_cookie, render, viewer_of

URL_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)

# Field labels, as InvalidField names them, to the inputs of the user forms.
USER_FIELDS = {
    "Email address": "email",
    "full name": "display_name",
    "display name": "display_name",
    "Role": "role",
    "School": "school_urn",
    "URN": "school_urn",
}


@dataclass
class NewUserForm:
    email: str = ""
    display_name: str = ""
    role: str = ""
    school_urn: str = ""


@dataclass
class EditUserForm:
    display_name: str = ""
    role: str = ""
    school_urn: str = ""


async def _options(viewer: Viewer) -> dict[str, list[tuple[str, str]]]:
    schools = await organisations.schools_visible_to(viewer)
    return {
        "role_options": [(r.value, r.label) for r in Role],
        "school_options": [("", "No school (an LA role)")]
        + [(s["urn"], f"{s['name']} ({s['urn']})") for s in schools],
    }


class UsersController(Controller):
    path = "/la/admin/users"
    guards = [requires_la_admin]

    async def _list_page(
        self, request: Request[Any, Any, Any], status: int = 200, **context: Any
    ) -> Template:
        viewer = viewer_of(request)
        context.setdefault("form", NewUserForm())
        context.setdefault("errors", {})
        return render(
            request,
            "la/users.html",
            status_code=status,
            users=await account_admin.users_of(viewer),
            **await _options(viewer),
            **context,
        )

    async def _user_page(
        self, request: Request[Any, Any, Any], user_id: int, status: int = 200, **context: Any
    ) -> Template:
        viewer = viewer_of(request)
        user = await account_admin.user_of(viewer, user_id)
        context.setdefault(
            "form",
            EditUserForm(user.display_name, user.role.value, user.school_urn or ""),
        )
        context.setdefault("errors", {})
        return render(
            request,
            "la/user.html",
            status_code=status,
            user=user,
            **await _options(viewer),
            is_you=user.id == viewer.user_id,
            **context,
        )

    def _back_to(self, request: Request[Any, Any, Any], user_id: int, notice: str) -> Redirect:
        secure: bool = request.app.state.settings.secure_cookies
        return Redirect(
            f"/la/admin/users/{user_id}",
            status_code=303,
            cookies=[notice_cookie(notice, secure)],
        )

    def _link_page(self, request: Request[Any, Any, Any], issued: Issued, new: bool) -> Template:
        link = str(request.base_url).rstrip("/") + f"/password/{issued.token}"
        return render(
            request,
            "la/user_link.html",
            issued=issued,
            link=link,
            new=new,
            hours=int(RESET_LIFETIME.total_seconds() // 3600),
        )

    @get("/")
    async def users(self, request: Request[Any, Any, Any]) -> Template:
        return await self._list_page(request)

    @post("/")
    async def add_user(
        self, request: Request[Any, Any, Any], data: Annotated[NewUserForm, URL_FORM]
    ) -> Template:
        try:
            issued = await account_admin.invite(viewer_of(request), **asdict(data))
        except UserError as exc:
            return await self._list_page(
                request, 400, form=data, errors=field_errors(exc, USER_FIELDS)
            )
        # Shown once, in this response only: the token is in no redirect, URL or database.
        return self._link_page(request, issued, new=True)

    @get("/{user_id:int}")
    async def user(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template:
        return await self._user_page(request, user_id)

    @post("/{user_id:int}")
    async def edit_user(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        data: Annotated[EditUserForm, URL_FORM],
    ) -> Template | Redirect:
        try:
            await account_admin.edit(viewer_of(request), user_id, **asdict(data))
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            return await self._user_page(
                request, user_id, 400, form=data, errors=field_errors(exc, USER_FIELDS)
            )
        return self._back_to(request, user_id, "user_saved")

    @get("/{user_id:int}/deactivate")
    async def confirm_deactivate(
        self, request: Request[Any, Any, Any], user_id: FromPath[int]
    ) -> Template:
        viewer = viewer_of(request)
        user = await account_admin.user_of(viewer, user_id)
        return render(
            request, "la/user_deactivate.html", user=user, is_you=user.id == viewer.user_id
        )

    @post("/{user_id:int}/deactivate")
    async def deactivate(
        self, request: Request[Any, Any, Any], user_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._act(request, user_id, account_admin.deactivate, "user_deactivated")

    @post("/{user_id:int}/reactivate")
    async def reactivate(
        self, request: Request[Any, Any, Any], user_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._act(request, user_id, account_admin.reactivate, "user_reactivated")

    @post("/{user_id:int}/unlock")
    async def unlock(
        self, request: Request[Any, Any, Any], user_id: FromPath[int]
    ) -> Template | Redirect:
        return await self._act(request, user_id, account_admin.unlock, "user_unlocked")

    @post("/{user_id:int}/reset")
    async def reset(self, request: Request[Any, Any, Any], user_id: FromPath[int]) -> Template:
        try:
            issued = await account_admin.issue_reset(viewer_of(request), user_id)
        except Refused as exc:
            return await self._user_page(request, user_id, 400, errors={"": str(exc)})
        return self._link_page(request, issued, new=False)

    async def _act(
        self, request: Request[Any, Any, Any], user_id: int, action: Any, notice: str
    ) -> Template | Redirect:
        try:
            await action(viewer_of(request), user_id)
        except Refused as exc:
            return await self._user_page(request, user_id, 400, errors={"": str(exc)})
        return self._back_to(request, user_id, notice)
