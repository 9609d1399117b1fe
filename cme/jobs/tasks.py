"""The app's jobs. Each takes ids and plain values, never objects or file contents."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from cme.jobs import JOB_TIMEOUT_SECONDS, DailyJob, Job, JobQueue, QueueUnavailable, by_name
from cme.jobs.ledger import once_a_day
from cme.storage import accounts, matching, notifications, uploads
from cme.storage.clock import today, utcnow

log = logging.getLogger("cme.jobs")


async def housekeeping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Daily: forget expired sessions and old failed sign-ins."""
    day = today()
    ran, purged = await once_a_day("housekeeping", day, accounts.purge_expired)
    return {"ran": ran, "sessions_purged": purged}


async def import_register(ctx: dict[str, Any], *, upload_id: int) -> dict[str, Any]:
    """Import an uploaded register; the upload row records progress and the outcome."""
    job_try = int(ctx.get("job_try", 1))
    outcome = await uploads.run_import(
        upload_id, final_try=job_try >= IMPORT_TRIES, takeover=job_try > 1
    )
    if "queue" in ctx:
        await queue_owed_matching(ctx)  # new pupils may be children the police reported
    return outcome


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
    """Every minute: sweep the cases of each LA whose daily sweep time has come today and
    that no runner has swept today (the job ledger decides between runners)."""
    from cme.storage.daily_sweep import sweep_due_las

    swept = await sweep_due_las(utcnow())
    codes = [s.la_code for s in swept]
    return {
        # In the job's log line: which runner swept which LA.
        "status": f"swept LA {', '.join(codes)}" if codes else "nothing to sweep",
        "swept": codes,
        "opened": sum(s.result.opened for s in swept),
        "closed": sum(s.result.closed for s in swept),
        "overdue": sum(s.result.overdue for s in swept),
    }


async def rematch(ctx: dict[str, Any], *, la_id: int) -> dict[str, Any]:
    """Match the LA's police episodes with its pupils, unless a run since the last change
    to either has done it already."""
    run = await matching.rematch_if_owed(la_id)
    if run is None:
        return {"status": "already up to date"}
    return {"status": "done", **asdict(run)}


async def queue_owed_matching(ctx: dict[str, Any]) -> dict[str, Any]:
    """Queue matching for every LA whose episodes or pupils changed since it last ran: an
    import queues its own run at once, and this catches any lost with the job queue."""
    owed = await matching.owed()
    queued = [la for la, wanted in owed.items() if await _enqueue_rematch(ctx["queue"], la, wanted)]
    return {"status": "done", "owed": len(owed), "queued": len(queued)}


async def _enqueue_rematch(queue: JobQueue, la_id: int, wanted: int) -> bool:
    # One job id per change count: a second import queues a second run, which finds nothing
    # owed if the first run started after both.
    return await queue.enqueue("rematch", job_id=f"rematch:{la_id}:{wanted}", la_id=la_id)


async def queue_matching(queue: JobQueue) -> None:
    """After a change to episodes or pupils in a request: queue the matching it made owed.
    If the queue cannot be reached, the minute's sweep queues it once it can."""
    try:
        await queue_owed_matching({"queue": queue})
    except QueueUnavailable as exc:
        log.warning("matching not queued, the sweep will: %s", exc)


IMPORT_TRIES = 3

JOBS = by_name(
    Job("housekeeping", housekeeping),
    Job("import_register", import_register, max_tries=IMPORT_TRIES),
    Job("queue_unfinished_imports", queue_unfinished_imports, max_tries=1),
    # One try: a failed email is retried by the outbox's own back-off, not by re-running
    # the whole batch.
    Job("send_emails", send_emails, max_tries=1),
    # The standard time limit, not a longer one: arq keeps every job's in-progress mark for
    # its longest time limit, which is how soon a dead worker's import is retried. A run
    # starts LAs' sweeps only in its first minute (a 100-school LA takes up to about 30 s)
    # and leaves the rest to the next minute's check.
    Job("sweep_cases", sweep_cases, timeout_seconds=JOB_TIMEOUT_SECONDS),
    # 200,000 pupils take about 10 s to match (docs/benchmarks.md).
    Job("rematch", rematch, max_tries=2),
    Job("queue_owed_matching", queue_owed_matching, max_tries=1),
)
DAILY = (DailyJob("housekeeping", hour=2, minute=15),)
# Run when a runner starts and every minute after (`cme worker` by arq cron, the app's
# in-process runner every `sweep_seconds`).
SWEEPS = ("queue_unfinished_imports", "send_emails", "sweep_cases", "queue_owed_matching")
