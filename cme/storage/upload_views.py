"""What an upload looks like to its page: its status, its refusal or summary, and whether it
has stopped making progress (a worker killed mid-import) or not started at all."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cme.events import UploadStatus
from cme.jobs import RETRY_AFTER_INTERRUPTION_SECONDS
from imports import Problem

# A running import records a heartbeat this often; one silent for STALLED_AFTER has stopped
# (its worker was killed): a full-year import takes about 2 s in all.
HEARTBEAT_SECONDS = 5.0
STALLED_AFTER = timedelta(seconds=30)
# A waiting upload not started after this long means no worker is taking jobs.
WAITING_TOO_LONG = timedelta(minutes=2)


@dataclass(frozen=True)
class Refusal:
    """Why a file was not imported: a message and the problems, or (rows stored before
    problems were kept apart) the whole text as it was."""

    message: str
    problems: tuple[Problem, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Upload:
    id: int
    school: int
    filename: str
    size: int
    uploaded_at: datetime
    uploaded_by: str | None
    status: UploadStatus
    progress: int
    stage: str
    summary: dict[str, Any] | None
    refusal: Refusal | None
    finished_at: datetime | None
    started_at: datetime | None
    heartbeat_at: datetime | None
    # Facts as of when the row was read, for the page to word.
    interrupted: bool = False
    retry_at: datetime | None = None
    waiting_long: bool = False

    @property
    def done(self) -> bool:
        return self.status is UploadStatus.DONE

    @property
    def failed(self) -> bool:
        return self.status is UploadStatus.FAILED

    @property
    def finished(self) -> bool:
        return self.status.finished


def upload_view(row: dict[str, Any], now: datetime) -> Upload:
    """An upload row as of `now`, with what can be told from its heartbeat."""
    status = UploadStatus(row["status"])
    last_sign = row["heartbeat_at"] or row["started_at"] or row["uploaded_at"]
    interrupted = status is UploadStatus.RUNNING and now - last_sign > STALLED_AFTER
    retry_at = None
    if interrupted and row["started_at"] is not None:
        # When the queue runs the job again (arq: once the dead try's in-progress mark
        # expires); None once that time has passed without a retry.
        retry_at = row["started_at"] + timedelta(seconds=RETRY_AFTER_INTERRUPTION_SECONDS)
        retry_at = retry_at if retry_at > now else None
    return Upload(
        id=row["id"],
        school=row["school"],
        filename=row["filename"],
        size=row["size"],
        uploaded_at=row["uploaded_at"],
        uploaded_by=row["uploaded_by.email"],
        status=status,
        progress=row["progress"],
        stage=row["stage"],
        summary=json.loads(row["summary"]) if row["summary"] else None,
        refusal=refusal_from_text(row["error"]) if row["error"] else None,
        finished_at=row["finished_at"],
        started_at=row["started_at"],
        heartbeat_at=row["heartbeat_at"],
        interrupted=interrupted,
        retry_at=retry_at,
        waiting_long=status is UploadStatus.QUEUED and now - row["uploaded_at"] > WAITING_TOO_LONG,
    )


def refusal_from_text(text: str) -> Refusal:
    """Read RegisterUpload.error: JSON `{"message", "problems": [...]}`, or plain text."""
    if text.startswith("{"):
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            data = json.loads(text)
            fields = Problem.__dataclass_fields__
            problems = tuple(
                Problem(**{k: v for k, v in p.items() if k in fields})
                if isinstance(p, dict)
                else Problem(str(p))
                for p in data.get("problems", [])
            )
            return Refusal(str(data.get("message", "")), problems)
    return Refusal(message="", text=text)
