from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from cme.storage import pupils
from cme.web.guards import requires_school_staff
from cme.web.pages import render, viewer_of


class SchoolController(Controller):
    path = "/school"
    guards = [requires_school_staff]

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        viewer = viewer_of(request)
        return render(request, "school/home.html", pupils=await pupils.list_pupils(viewer))

    @get("/pupils/{pupil_id:int}")
    async def pupil(self, request: Request[Any, Any, Any], pupil_id: FromPath[int]) -> Template:
        pupil = await pupils.get_pupil(viewer_of(request), pupil_id)
        return render(request, "pupil.html", pupil=pupil, back="/school")
