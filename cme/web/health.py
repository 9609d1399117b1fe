"""`/health` for load balancers and monitoring: each part the app needs, and whether it answers.

200 `{"status": "ok", "database": "ok", "job_queue": "ok"}` when all is well; 503 with the part
that is down marked "unreachable". Details (addresses, errors) go to the log, not to this
unauthenticated page.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from litestar import Request, get
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from cme.jobs import JobQueue
from cme.storage.engine import ping_database

log = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 3


async def _check(part: str, check: Any) -> str:
    try:
        await asyncio.wait_for(check, CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        log.warning("health: %s unreachable: %s: %s", part, type(exc).__name__, exc)
        return "unreachable"
    return "ok"


@get("/health", exclude_from_auth=True, cache=False)
async def health(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    jobs: JobQueue = request.app.state.jobs
    parts = {
        "database": await _check("database", ping_database()),
        "job_queue": await _check("job queue", jobs.ping()),
    }
    healthy = all(v == "ok" for v in parts.values())
    return Response(
        {"status": "ok" if healthy else "unavailable", **parts},
        status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
    )
