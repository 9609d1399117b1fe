from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from cme.roles import Role
from cme.storage import organisations, pupils
from cme.storage.flags import current_flags
from cme.storage.tasks import tasks_for
from cme.web import flag_words
from cme.web.guards import requires_la_staff, requires_pupil_access
from cme.web.pages import render, viewer_of
from cme.web.pupil_page import pupil_page, with_query


class LAController(Controller):
    path = "/la"
    guards = [requires_la_staff]

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        viewer = viewer_of(request)
        schools = await organisations.schools_visible_to(viewer)
        counts = await pupils.pupil_counts(viewer)
        return render(
            request,
            "la/home.html",
            schools=schools,
            counts=counts,
            tasks=await tasks_for(viewer) if viewer.role is Role.CME_OFFICER else None,
        )

    @get("/schools/{school_id:int}", guards=[requires_pupil_access])
    async def school(
        self,
        request: Request[Any, Any, Any],
        school_id: FromPath[int],
        q: FromQuery[str | None] = None,
    ) -> Template:
        viewer = viewer_of(request)
        school = await organisations.school_visible_to(viewer, school_id)
        search = (q or "").strip()
        return render(
            request,
            "la/school.html",
            school=school,
            pupils=await pupils.list_pupils(viewer, school_id=school_id, search=search),
            flags=await current_flags(viewer, school_id),
            search=search,
            here=with_query(f"/la/schools/{school_id}", q=search),
            words=flag_words,
        )

    @get("/pupils/{pupil_id:int}", guards=[requires_pupil_access])
    async def pupil(
        self,
        request: Request[Any, Any, Any],
        pupil_id: FromPath[int],
        on: FromQuery[str | None] = None,
    ) -> Template:
        return await pupil_page(
            request, pupil_id, back="/la/schools/{school_id}", on=on, portal="/la/"
        )
