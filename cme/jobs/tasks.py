"""The app's jobs. Each takes ids and plain values, never objects or file contents."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cme.jobs import DailyJob, Job, by_name
from cme.jobs.ledger import once_a_day
from cme.storage import accounts

LONDON = ZoneInfo("Europe/London")


async def housekeeping(ctx: dict[str, Any]) -> dict[str, Any]:
    """Daily: forget expired sessions and old failed sign-ins."""
    day = datetime.now(LONDON).date()
    ran, purged = await once_a_day("housekeeping", day, accounts.purge_expired)
    return {"ran": ran, "sessions_purged": purged}


JOBS = by_name(Job("housekeeping", housekeeping))
DAILY = (DailyJob("housekeeping", hour=2, minute=15),)
