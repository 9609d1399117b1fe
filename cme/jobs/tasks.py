"""The app's jobs. Each takes ids and plain values, never objects or file contents."""

from __future__ import annotations

from typing import Any

from cme.jobs import DailyJob, Job, JobQueue, by_name
from cme.jobs.ledger import once_a_day
from cme.storage import accounts, notifications, uploads
from cme.storage.clock import today


async def housekeeping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Daily: forget expired sessions and old failed sign-ins."""
    day = today()
    ran, purged = await once_a_day("housekeeping", day, accounts.purge_expired)
    return {"ran": ran, "sessions_purged": purged}


async def import_register(ctx: dict[str, Any], *, upload_id: int) -> dict[str, Any]:
    """Import an uploaded register; the upload row records progress and the outcome."""
    job_try = int(ctx.get("job_try", 1))
    return await uploads.run_import(
        upload_id, final_try=job_try >= IMPORT_TRIES, takeover=job_try > 1
    )


async def queue_unfinished_imports(ctx: dict[str, Any]) -> dict[str, Any]:
    """Queue the import of every upload not yet imported: one whose job was never queued
    (Redis was down when it was uploaded) or was lost (Redis restarted empty, the app process
    running it in-process stopped). Job ids make this a no-op for imports already queued."""
    queue: JobQueue = ctx["queue"]
    waiting = await uploads.unfinished_upload_ids()
    queued = [upload_id for upload_id in waiting if await enqueue_import(queue, upload_id)]
    return {"status": "done", "unfinished": len(waiting), "queued": len(queued)}


async def enqueue_import(queue: JobQueue, upload_id: int) -> bool:
    """Queue an upload's import under the one job id every caller uses, so that the upload
    form, a retry and the sweep never run it twice at once."""
    return await queue.enqueue("import_register", job_id=f"import:{upload_id}", upload_id=upload_id)


async def send_emails(ctx: dict[str, Any]) -> dict[str, Any]:
    """Send the notification emails due; each email keeps its own tries and last error."""
    return await notifications.send_due_emails()


async def sweep_cases(ctx: dict[str, Any]) -> dict[str, Any]:
    """Daily, early: bring every school's cases up to today (open, close, mark overdue), once
    a day whichever runner gets there first."""
    from cme.storage.cases import sweep

    day = today()
    ran, result = await once_a_day("sweep_cases", day, lambda: sweep(day))
    if not ran or result is None:
        return {"ran": False}
    return {
        "ran": True,
        "opened": result.opened,
        "closed": result.closed,
        "overdue": result.overdue,
    }


IMPORT_TRIES = 3

JOBS = by_name(
    Job("housekeeping", housekeeping),
    Job("import_register", import_register, max_tries=IMPORT_TRIES),
    Job("queue_unfinished_imports", queue_unfinished_imports, max_tries=1),
    # One try: a failed email is retried by the outbox's own back-off, not by re-running
    # the whole batch.
    Job("send_emails", send_emails, max_tries=1),
    Job("sweep_cases", sweep_cases),
)
DAILY = (DailyJob("housekeeping", hour=2, minute=15), DailyJob("sweep_cases", hour=6, minute=30))
# Run when a runner starts and (by `cme worker`) every minute after.
SWEEPS = ("queue_unfinished_imports", "send_emails")
