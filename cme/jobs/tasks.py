"""The app's jobs. Each takes ids and plain values, never objects or file contents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cme.jobs import DailyJob, Job, by_name
from cme.jobs.ledger import once_a_day
from cme.storage import accounts, uploads
from cme.timeline import LONDON


async def housekeeping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Daily: forget expired sessions and old failed sign-ins."""
    day = datetime.now(LONDON).date()
    ran, purged = await once_a_day("housekeeping", day, accounts.purge_expired)
    return {"ran": ran, "sessions_purged": purged}


async def import_register(ctx: dict[str, Any], *, upload_id: int) -> dict[str, Any]:
    """Import an uploaded register; the upload row records progress and the outcome."""
    final_try = ctx.get("job_try", 1) >= IMPORT_TRIES
    return await uploads.run_import(upload_id, final_try=final_try)


IMPORT_TRIES = 3

JOBS = by_name(
    Job("housekeeping", housekeeping),
    Job("import_register", import_register, max_tries=IMPORT_TRIES, timeout_seconds=600),
)
DAILY = (DailyJob("housekeeping", hour=2, minute=15),)
