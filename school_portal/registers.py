"""Uploading a register: the file is kept, imported by a background job, its progress shown."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from cme.jobs import JobQueue
from cme.settings import Settings
from cme.storage import uploads
from cme.web.guards import requires_school_staff
from cme.web.pages import render, viewer_of


class RegisterController(Controller):
    path = "/school/registers"
    guards = [requires_school_staff]

    async def _page(
        self, request: Request[Any, Any, Any], status: int = 200, error: str = ""
    ) -> Template:
        viewer = viewer_of(request)
        assert viewer.school_id is not None
        settings: Settings = request.app.state.settings
        return render(
            request,
            "school/registers.html",
            status_code=status,
            error=error,
            uploads=await uploads.recent_uploads(viewer, viewer.school_id),
            limit_mb=settings.max_upload_bytes // (1024 * 1024),
        )

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @post("/")
    async def upload(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        viewer = viewer_of(request)
        assert viewer.school_id is not None
        form = await request.form()
        file = form.get("register")
        if not isinstance(file, UploadFile) or not file.filename:
            return await self._page(request, 400, "Choose the register file to upload.")
        content = await file.read()
        if not content:
            return await self._page(request, 400, f"{file.filename} is empty.")
        upload_id = await uploads.create_upload(viewer.school_id, file.filename, content, viewer)
        jobs: JobQueue = request.app.state.jobs
        await jobs.enqueue("import_register", job_id=f"import:{upload_id}", upload_id=upload_id)
        return Redirect(f"/school/registers/{upload_id}", status_code=303)

    @get("/{upload_id:int}")
    async def show(self, request: Request[Any, Any, Any], upload_id: FromPath[int]) -> Template:
        upload = await uploads.upload_for_viewer(viewer_of(request), upload_id)
        return render(request, "school/upload.html", upload=upload)

    @get("/{upload_id:int}/status")
    async def status(
        self, request: Request[Any, Any, Any], upload_id: FromPath[int]
    ) -> dict[str, Any]:
        upload = await uploads.upload_for_viewer(viewer_of(request), upload_id)
        return {
            "status": upload["status"],
            "progress": upload["progress"],
            "stage": upload["stage"],
            "finished": upload["status"] in ("done", "failed"),
        }
