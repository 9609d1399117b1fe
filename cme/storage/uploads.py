"""Uploaded register files and their imports, run by the `import_register` job or the CLI."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from piccolo.columns import Column

from cme.access import Viewer
from cme.errors import NotFound
from cme.events import Action, UploadStatus
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.matching import rematch_wanted
from cme.storage.registers import ImportSummary, apply_register, unchanged_import
from cme.storage.scope import pupils_of
from cme.storage.tables import RegisterFile, RegisterUpload, School
from cme.storage.upload_views import (
    HEARTBEAT_SECONDS,
    STALLED_AFTER,
    Refusal,
    Upload,
    refusal_from_text,
    upload_view,
)
from imports import RegisterError, parse_register

__all__ = [
    "Upload",
    "create_upload",
    "note_queue_unavailable",
    "recent_uploads",
    "run_import",
    "unfinished_upload_ids",
    "upload_for_viewer",
]

log = logging.getLogger(__name__)
# The web form and the CLI enforce the configured limit; this is a backstop for old uploads.
HARD_LIMIT_BYTES = 200 * 1024 * 1024
UNEXPECTED_ERROR = (
    "The import stopped because of an unexpected error; nothing was changed. "
    "Try again, and tell your LA administrator if it happens again."
)
QUEUE_DOWN_STAGE = (
    "Waiting: the import service is unavailable right now. Your file is kept and will be "
    "imported automatically as soon as the service is back; you can leave this page."
)

STATUS_COLUMNS = (
    RegisterUpload.id,
    RegisterUpload.school,
    RegisterUpload.filename,
    RegisterUpload.size,
    RegisterUpload.uploaded_at,
    RegisterUpload.uploaded_by.email,
    RegisterUpload.status,
    RegisterUpload.progress,
    RegisterUpload.stage,
    RegisterUpload.summary,
    RegisterUpload.error,
    RegisterUpload.finished_at,
    RegisterUpload.started_at,
    RegisterUpload.heartbeat_at,
)


def _text(refusal: Refusal | None) -> str:
    if refusal is None:
        return ""
    lines = [refusal.message or refusal.text, *(f"  - {p}" for p in refusal.problems)]
    return "\n".join(line for line in lines if line)


def _refusal_json(exc: RegisterError) -> str:
    return json.dumps(exc.as_json())


async def create_upload(
    school_id: int, filename: str, content: bytes, viewer: Viewer | None = None
) -> int:
    async with write_transaction():
        rows = await RegisterUpload.insert(
            RegisterUpload(
                school=school_id,
                uploaded_by=viewer.user_id if viewer else None,
                uploaded_at=utcnow(),
                filename=filename[:255],
                size=len(content),
                status=UploadStatus.QUEUED.value,
                progress=0,
                stage="Waiting to start",
                summary="",
                error="",
            )
        ).returning(RegisterUpload.id)
        upload_id = int(rows[0]["id"])
        await RegisterFile.insert(RegisterFile(upload=upload_id, content=content))
        await audit.record(
            Action.REGISTER_UPLOADED,
            viewer=viewer,
            school_id=school_id,
            upload=upload_id,
            filename=filename,
            size=len(content),
        )
    return upload_id


async def note_queue_unavailable(upload_id: int) -> None:
    """The upload is kept but its import could not be queued: say so on its page."""
    await RegisterUpload.update({RegisterUpload.stage: QUEUE_DOWN_STAGE}).where(
        (RegisterUpload.id == upload_id) & (RegisterUpload.status == UploadStatus.QUEUED.value)
    )


async def unfinished_upload_ids() -> list[int]:
    """Uploads not imported and not in anyone's hands: one with a recent heartbeat is being
    imported, or was just stopped and its own retry is due, in some process's queue."""
    quiet = RegisterUpload.heartbeat_at.is_null() | (
        RegisterUpload.heartbeat_at < utcnow() - STALLED_AFTER
    )
    rows = (
        await RegisterUpload.select(RegisterUpload.id)
        .where(
            RegisterUpload.status.is_in([UploadStatus.QUEUED.value, UploadStatus.RUNNING.value])
            & quiet
        )
        .order_by(RegisterUpload.id)
    )
    return [int(r["id"]) for r in rows]


async def _progress(
    upload_id: int, status: UploadStatus, progress: int, stage: str, **more: Any
) -> None:
    await RegisterUpload.update(
        {
            RegisterUpload.status: status.value,
            RegisterUpload.progress: progress,
            RegisterUpload.stage: stage,
            RegisterUpload.heartbeat_at: utcnow(),
            **{getattr(RegisterUpload, k): v for k, v in more.items()},
        }
    ).where(RegisterUpload.id == upload_id)


async def _claim(upload_id: int, takeover: bool) -> bool:
    """Mark the upload as importing, unless another live try has it. A try with a recent
    heartbeat is left alone (two app processes sweeping at start); a retry takes over,
    because its queue only retries once the previous try has ended or its worker died."""
    now = utcnow()
    mine: Any = RegisterUpload.status == UploadStatus.QUEUED.value
    if takeover:
        mine = mine | (RegisterUpload.status == UploadStatus.RUNNING.value)
    else:
        mine = mine | (
            (RegisterUpload.status == UploadStatus.RUNNING.value)
            & (RegisterUpload.heartbeat_at < now - STALLED_AFTER)
        )
    claimed = await (
        RegisterUpload.update(
            {
                RegisterUpload.status: UploadStatus.RUNNING.value,
                RegisterUpload.progress: 10,
                RegisterUpload.stage: "Reading the file",
                RegisterUpload.started_at: now,
                RegisterUpload.heartbeat_at: now,
            }
        )
        .where((RegisterUpload.id == upload_id) & mine)
        .returning(RegisterUpload.id)
    )
    return bool(claimed)


@contextlib.asynccontextmanager
async def _heartbeat(upload_id: int) -> AsyncIterator[None]:
    """Beat while the import runs, from its own task (and so outside its transaction)."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await RegisterUpload.update({RegisterUpload.heartbeat_at: utcnow()}).where(
                    (RegisterUpload.id == upload_id)
                    & (RegisterUpload.status == UploadStatus.RUNNING.value)
                )
            except Exception as exc:  # a missed beat is no reason to stop the import
                log.warning("upload %s: heartbeat not recorded: %s", upload_id, exc)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def run_import(
    upload_id: int, final_try: bool = True, takeover: bool = False
) -> dict[str, Any]:
    """Import an upload. Safe to run twice: a finished upload is not imported again, one
    being imported by a live try is left to it, and importing the same marks again changes
    nothing."""
    row = (
        await RegisterUpload.select(
            RegisterUpload.school,
            RegisterUpload.filename,
            RegisterUpload.status,
            RegisterUpload.summary,
            RegisterUpload.error,
            RegisterUpload.school.la,
        )
        .where(RegisterUpload.id == upload_id)
        .first()
    )
    if row is None:
        raise NotFound(f"no upload {upload_id}")
    if UploadStatus(row["status"]).finished:
        refusal = refusal_from_text(row["error"]) if row["error"] else None
        return _outcome(UploadStatus(row["status"]), row["summary"], _text(refusal))
    if not await _claim(upload_id, takeover):
        log.info("upload %s is being imported by another try; leaving it to that", upload_id)
        return _outcome(UploadStatus.RUNNING, "", "")
    school_id = int(row["school"])
    try:
        async with _heartbeat(upload_id):
            text = await _import(upload_id, school_id, row["filename"], row["school.la"])
    except RegisterError as exc:
        async with write_transaction():
            await _progress(
                upload_id,
                UploadStatus.FAILED,
                100,
                "Not imported",
                error=_refusal_json(exc),
                finished_at=utcnow(),
            )
            await audit.record(
                Action.REGISTER_REJECTED,
                school_id=school_id,
                la_id=row["school.la"],
                upload=upload_id,
            )
        return _outcome(UploadStatus.FAILED, "", exc.text)
    except (Exception, asyncio.CancelledError):
        log.exception("import of upload %s failed", upload_id)
        await _record_stop(upload_id, final_try)
        raise
    return _outcome(UploadStatus.DONE, text, "")


async def _record_stop(upload_id: int, final_try: bool) -> None:
    """Record an import stopped by an error, a timeout or a shutdown, unless it committed
    first (a stop can land between the commit and the return)."""
    if final_try:
        status, progress, stage = UploadStatus.FAILED, 100, "Not imported"
        more: dict[Column | str, Any] = {
            RegisterUpload.error: json.dumps({"message": UNEXPECTED_ERROR, "problems": []}),
            RegisterUpload.finished_at: utcnow(),
        }
    else:
        # Back in the queue, so that the retry's claim finds it free at once.
        status, progress, stage = UploadStatus.QUEUED, 0, "Stopped; it will be tried again"
        more = {}
    try:
        await RegisterUpload.update(
            {
                RegisterUpload.status: status.value,
                RegisterUpload.progress: progress,
                RegisterUpload.stage: stage,
                RegisterUpload.heartbeat_at: utcnow(),
                **more,
            }
        ).where(
            (RegisterUpload.id == upload_id) & (RegisterUpload.status == UploadStatus.RUNNING.value)
        )
    except Exception as exc:
        # The retry's claim does not need it, and the page shows a silent import as
        # interrupted: the original failure matters more.
        log.warning("upload %s: could not record the stop: %s", upload_id, exc)


async def _import(upload_id: int, school_id: int, filename: str, la_id: int) -> str:
    file = (
        await RegisterFile.select(RegisterFile.content)
        .where(RegisterFile.upload == upload_id)
        .first()
    )
    content = bytes(file["content"]) if file else b""
    async with write_transaction():
        unchanged = await unchanged_import(school_id, content)
        if unchanged is not None:
            return await _finish(upload_id, school_id, la_id, unchanged)
    register = await asyncio.to_thread(parse_register, content, filename, HARD_LIMIT_BYTES)
    await _progress(
        upload_id,
        UploadStatus.RUNNING,
        50,
        f"Saving {register.session_marks:,} marks for {len(register.pupils):,} pupils",
    )
    async with write_transaction():
        summary = await apply_register(school_id, register)
        return await _finish(upload_id, school_id, la_id, summary)


async def _finish(upload_id: int, school_id: int, la_id: int, summary: ImportSummary) -> str:
    """Record a finished import and its audit row, inside the import's transaction."""
    text = json.dumps(summary.as_json())
    await _progress(
        upload_id, UploadStatus.DONE, 100, "Imported", summary=text, finished_at=utcnow()
    )
    if summary.new_pupils or summary.updated_pupils:
        await rematch_wanted(la_id)  # a new pupil, or a pupil's name or birthday changed
    await audit.record(
        Action.REGISTER_IMPORTED,
        school_id=school_id,
        la_id=la_id,
        upload=upload_id,
        pupils=summary.pupils,
        marks_added=summary.marks_added,
        marks_changed=summary.marks_changed,
    )
    return text


def _outcome(status: UploadStatus, summary: str, error: str) -> dict[str, Any]:
    return {
        "status": status.value,
        "summary": json.loads(summary) if summary else None,
        "error": error,
    }


async def upload_for_viewer(viewer: Viewer, upload_id: int) -> Upload:
    query = RegisterUpload.select(*STATUS_COLUMNS).where(RegisterUpload.id == upload_id)
    row: dict[str, Any] | None = await pupils_of(query, viewer, RegisterUpload.school).first()
    if row is None:
        raise NotFound("no such upload")
    return upload_view(row, utcnow())


async def recent_uploads(viewer: Viewer, school_id: int, limit: int = 20) -> list[Upload]:
    """The school's latest uploads; NotFound for a school whose records the viewer may not see."""
    school = School.select(School.id).where(School.id == school_id)
    if await pupils_of(school, viewer, School.id).first() is None:
        raise NotFound("no such school")
    query = RegisterUpload.select(*STATUS_COLUMNS).where(RegisterUpload.school == school_id)
    rows: list[dict[str, Any]] = await (
        pupils_of(query, viewer, RegisterUpload.school)
        .order_by(RegisterUpload.id, ascending=False)
        .limit(limit)
    )
    now = utcnow()
    return [upload_view(row, now) for row in rows]
