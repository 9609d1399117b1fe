"""A child the police have reported missing, for the LA's CME officers: all their episodes,
the intervention meetings the repeat trigger called or an officer called by hand, and the
forms to call a meeting and to record one as held."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from cme.episodes.meeting_forms import (
    CALL_ERRORS,
    CALL_LABELS,
    MEETING_ERRORS,
    MEETING_LABELS,
    CallMeetingForm,
    MeetingForm,
)
from cme.errors import NotFound, UserError
from cme.storage.episode_actions import call_meeting, record_meeting
from cme.storage.episode_pages import view_missing_child
from cme.web.guards import requires_cme_officer
from cme.web.pages import field_errors, saved, viewer_of
from la_portal.episodes import page

CHILDREN = "/la/missing-children"


def meeting_prefix(meeting_id: int) -> str:
    """Each meeting's form has inputs of its own ids on the page."""
    return f"meeting-{meeting_id}-"


class MissingChildrenController(Controller):
    path = CHILDREN
    guards = [requires_cme_officer]

    async def _child_page(
        self, request: Request[Any, Any, Any], child_id: int, status: int = 200, **values: Any
    ) -> Template:
        found = await view_missing_child(viewer_of(request), child_id)
        return page(
            request,
            "la/missing_child.html",
            status,
            found=found,
            child=found.child,
            call_labels=CALL_LABELS,
            meeting_labels=MEETING_LABELS,
            prefix=meeting_prefix,
            call=values.pop("call", CallMeetingForm()),
            errors=values.pop("errors", {}),
            typed=values.pop("typed", {}),
            **values,
        )

    @get("/{child_id:int}")
    async def child(self, request: Request[Any, Any, Any], child_id: FromPath[int]) -> Template:
        return await self._child_page(request, child_id)

    @post("/{child_id:int}/meetings")
    async def call(
        self, request: Request[Any, Any, Any], child_id: FromPath[int]
    ) -> Template | Redirect:
        form = CallMeetingForm.from_form(await request.form())
        try:
            await call_meeting(viewer_of(request), child_id, form.reason, form.episode_id())
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            errors = field_errors(exc, {k: f"call-{v}" for k, v in CALL_ERRORS.items()})
            return await self._child_page(
                request, child_id, 400, call=form, errors=errors, open_form="call"
            )
        return saved(request, f"{CHILDREN}/{child_id}#meetings", "meeting_called")

    @post("/{child_id:int}/meetings/{meeting_id:int}")
    async def record(
        self, request: Request[Any, Any, Any], child_id: FromPath[int], meeting_id: FromPath[int]
    ) -> Template | Redirect:
        form = MeetingForm.from_form(await request.form())
        try:
            held = form.record()
            await record_meeting(
                viewer_of(request),
                child_id,
                meeting_id,
                held.held_on,
                held.agencies,
                held.actions,
                held.review_on,
            )
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            p = meeting_prefix(meeting_id)
            errors = field_errors(exc, {k: p + v for k, v in MEETING_ERRORS.items()})
            return await self._child_page(
                request, child_id, 400, errors=errors, typed={meeting_id: form}, open_form=p
            )
        return saved(request, f"{CHILDREN}/{child_id}#meeting-{meeting_id}", "meeting_recorded")
