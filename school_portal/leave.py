"""Recording and withdrawing a pupil's leave of absence (attendance officers and DSLs).

The pupil is looked up within the viewer's school, so another school's pupil or leave id is
"not found"."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from cme.errors import NotFound, UserError
from cme.leave import REASON_LIMIT, LeaveForm
from cme.storage import calendar_facts, pupils
from cme.web.guards import requires_school_staff
from cme.web.pages import field_errors, notice_cookie, render, viewer_of

LEAVE_FIELDS = {"Start date": "starts_on", "Expected return date": "return_on", "Reason": "reason"}


class LeaveController(Controller):
    path = "/school/pupils/{pupil_id:int}/leave"
    guards = [requires_school_staff]

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        pupil_id: int,
        form: LeaveForm,
        status: int = 200,
        errors: dict[str, str] | None = None,
    ) -> Template:
        pupil = await pupils.get_pupil(viewer_of(request), pupil_id)
        return render(
            request,
            "school/leave.html",
            status_code=status,
            pupil=pupil,
            leave_form=form,
            leave_errors=errors or {},
            leave_reason_limit=REASON_LIMIT,
        )

    def _to_pupil(self, request: Request[Any, Any, Any], pupil_id: int, notice: str) -> Redirect:
        secure: bool = request.app.state.settings.secure_cookies
        return Redirect(
            f"/school/pupils/{pupil_id}#leave",
            status_code=303,
            cookies=[notice_cookie(notice, secure)],
        )

    @get("/")
    async def form(self, request: Request[Any, Any, Any], pupil_id: FromPath[int]) -> Template:
        return await self._form_page(request, pupil_id, LeaveForm())

    @post("/")
    async def record(
        self,
        request: Request[Any, Any, Any],
        pupil_id: FromPath[int],
        data: Annotated[LeaveForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        try:
            await calendar_facts.record_leave(viewer_of(request), pupil_id, data)
        except NotFound:
            raise
        except UserError as exc:
            errors = field_errors(exc, LEAVE_FIELDS)
            return await self._form_page(request, pupil_id, data, 400, errors)
        return self._to_pupil(request, pupil_id, "leave_recorded")

    @get("/{leave_id:int}/withdraw")
    async def confirm_withdraw(
        self, request: Request[Any, Any, Any], pupil_id: FromPath[int], leave_id: FromPath[int]
    ) -> Template:
        viewer = viewer_of(request)
        pupil = await pupils.get_pupil(viewer, pupil_id)
        row = await calendar_facts.leave_of(viewer, pupil_id, leave_id)
        return render(request, "school/leave_withdraw.html", pupil=pupil, row=row)

    @post("/{leave_id:int}/withdraw")
    async def withdraw(
        self, request: Request[Any, Any, Any], pupil_id: FromPath[int], leave_id: FromPath[int]
    ) -> Redirect:
        await calendar_facts.withdraw_leave(viewer_of(request), leave_id, pupil_id=pupil_id)
        return self._to_pupil(request, pupil_id, "leave_withdrawn")
