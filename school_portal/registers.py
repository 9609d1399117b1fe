"""Uploading a register: the file is kept, imported by a background job, its progress shown."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from cme.errors import NotFound
from cme.jobs import JobQueue, QueueUnavailable
from cme.jobs.tasks import enqueue_import
from cme.settings import Settings
from cme.storage import uploads
from cme.storage.uploads import Upload
from cme.web.guards import requires_school_staff
from cme.web.pages import london, render, viewer_of

log = logging.getLogger(__name__)


@dataclass
class RegisterForm:
    register: UploadFile | None = None


def note(upload: Upload) -> str:
    """What the page adds to the stage when an import is not moving: the truth, in words."""
    if upload.interrupted:
        stopped = london(upload.heartbeat_at or upload.started_at, "%H:%M")
        text = f"Interrupted: the import stopped making progress at {stopped}; nothing was changed."
        if upload.retry_at is not None:
            return f"{text} It will be retried automatically at {london(upload.retry_at, '%H:%M')}."
        return (
            f"{text} It will be retried automatically as soon as the import service is "
            "running; if it has not finished in a few minutes, tell your LA administrator."
        )
    if upload.waiting_long:
        return (
            "Not started yet: it starts by itself once the import service is running. If it "
            "is still waiting in a few minutes, tell your LA administrator."
        )
    return ""


class RegisterController(Controller):
    path = "/school/registers"
    guards = [requires_school_staff]

    async def _page(
        self, request: Request[Any, Any, Any], status: int = 200, error: str = ""
    ) -> Template:
        viewer = viewer_of(request)
        if viewer.school_id is None:  # the guard admits school staff only
            raise NotFound("no school")
        return render(
            request,
            "school/registers.html",
            status_code=status,
            error=error,
            uploads=await uploads.recent_uploads(viewer, viewer.school_id),
            limit_mb=_limit_mb(request),
        )

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @post("/")
    async def upload(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[RegisterForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        if viewer.school_id is None:
            raise NotFound("no school")
        file = data.register
        if not isinstance(file, UploadFile) or not file.filename:
            return await self._page(request, 400, "Choose the register file to upload.")
        content = await file.read()
        if not content:
            return await self._page(request, 400, f"{file.filename} is empty.")
        upload_id = await uploads.create_upload(viewer.school_id, file.filename, content, viewer)
        jobs: JobQueue = request.app.state.jobs
        try:
            await enqueue_import(jobs, upload_id)
        except QueueUnavailable as exc:
            # The file is kept: the worker's sweep queues it once Redis is back, and the
            # upload page says so rather than pretending nothing happened.
            log.warning("upload %s kept, not queued: %s", upload_id, exc)
            await uploads.note_queue_unavailable(upload_id)
        return Redirect(f"/school/registers/{upload_id}", status_code=303)

    @get("/{upload_id:int}")
    async def show(self, request: Request[Any, Any, Any], upload_id: FromPath[int]) -> Template:
        upload = await uploads.upload_for_viewer(viewer_of(request), upload_id)
        return render(
            request,
            "school/upload.html",
            upload=upload,
            note=note(upload),
            limit_mb=_limit_mb(request),
        )

    @get("/{upload_id:int}/status")
    async def status(
        self, request: Request[Any, Any, Any], upload_id: FromPath[int]
    ) -> dict[str, Any]:
        upload = await uploads.upload_for_viewer(viewer_of(request), upload_id)
        return {
            "status": upload.status.value,
            "label": upload.status.label,
            "progress": upload.progress,
            "stage": upload.stage,
            "finished": upload.finished,
            "failed": upload.failed,
            "interrupted": upload.interrupted,
            "note": note(upload),
        }


def _limit_mb(request: Request[Any, Any, Any]) -> int:
    settings: Settings = request.app.state.settings
    return settings.max_upload_bytes // (1024 * 1024)
