"""Uploaded register files and their imports, run by the `import_register` job or the CLI."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from cme.access import Viewer
from cme.errors import NotFound
from cme.events import Action, UploadStatus
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.registers import apply_register
from cme.storage.scope import pupils_of
from cme.storage.tables import RegisterFile, RegisterUpload
from imports import RegisterError, parse_register

log = logging.getLogger(__name__)
# The web form and the CLI enforce the configured limit; this is a backstop for old uploads.
HARD_LIMIT_BYTES = 200 * 1024 * 1024

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
)


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


async def _progress(
    upload_id: int, status: UploadStatus, progress: int, stage: str, **more: Any
) -> None:
    await RegisterUpload.update(
        {
            RegisterUpload.status: status.value,
            RegisterUpload.progress: progress,
            RegisterUpload.stage: stage,
            **{getattr(RegisterUpload, k): v for k, v in more.items()},
        }
    ).where(RegisterUpload.id == upload_id)


async def run_import(upload_id: int, final_try: bool = True) -> dict[str, Any]:
    """Import an upload. Safe to run twice: a finished upload is not imported again, and
    importing the same marks again changes nothing."""
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
        return _outcome(UploadStatus(row["status"]), row["summary"], row["error"])
    school_id = int(row["school"])
    await _progress(upload_id, UploadStatus.RUNNING, 10, "Reading the file")
    try:
        file = (
            await RegisterFile.select(RegisterFile.content)
            .where(RegisterFile.upload == upload_id)
            .first()
        )
        content = bytes(file["content"]) if file else b""
        register = await asyncio.to_thread(
            parse_register, content, row["filename"], HARD_LIMIT_BYTES
        )
        await _progress(
            upload_id,
            UploadStatus.RUNNING,
            50,
            f"Saving {register.session_marks:,} marks for {len(register.pupils):,} pupils",
        )
        async with write_transaction():
            summary = await apply_register(school_id, register)
            text = json.dumps(summary.as_json())
            await _progress(
                upload_id,
                UploadStatus.DONE,
                100,
                "Imported",
                summary=text,
                finished_at=utcnow(),
            )
            await audit.record(
                Action.REGISTER_IMPORTED,
                school_id=school_id,
                la_id=row["school.la"],
                upload=upload_id,
                pupils=summary.pupils,
                marks_added=summary.marks_added,
                marks_changed=summary.marks_changed,
            )
    except RegisterError as exc:
        async with write_transaction():
            await _progress(
                upload_id,
                UploadStatus.FAILED,
                100,
                "Not imported",
                error=exc.text,
                finished_at=utcnow(),
            )
            await audit.record(
                Action.REGISTER_REJECTED,
                school_id=school_id,
                la_id=row["school.la"],
                upload=upload_id,
            )
        return _outcome(UploadStatus.FAILED, "", exc.text)
    except Exception:
        log.exception("import of upload %s failed", upload_id)
        if final_try:
            await _progress(
                upload_id,
                UploadStatus.FAILED,
                100,
                "Not imported",
                error="The import stopped because of an unexpected error; nothing was changed. "
                "Try again, and tell your LA administrator if it happens again.",
                finished_at=utcnow(),
            )
        raise
    return _outcome(UploadStatus.DONE, text, "")


def _outcome(status: UploadStatus, summary: str, error: str) -> dict[str, Any]:
    return {
        "status": status.value,
        "summary": json.loads(summary) if summary else None,
        "error": error,
    }


async def upload_for_viewer(viewer: Viewer, upload_id: int) -> dict[str, Any]:
    query = RegisterUpload.select(*STATUS_COLUMNS).where(RegisterUpload.id == upload_id)
    row: dict[str, Any] | None = await pupils_of(query, viewer, RegisterUpload.school).first()
    if row is None:
        raise NotFound("no such upload")
    row["summary"] = json.loads(row["summary"]) if row["summary"] else None
    return row


async def recent_uploads(viewer: Viewer, school_id: int, limit: int = 20) -> list[dict[str, Any]]:
    query = RegisterUpload.select(*STATUS_COLUMNS).where(RegisterUpload.school == school_id)
    rows: list[dict[str, Any]] = await (
        pupils_of(query, viewer, RegisterUpload.school)
        .order_by(RegisterUpload.id, ascending=False)
        .limit(limit)
    )
    return rows
