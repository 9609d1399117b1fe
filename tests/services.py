"""Where the real services are, and what happens when one is missing.

With CI=true a missing PostgreSQL, Redis or Chromium fails the run: those suites must run in
CI. On a developer's machine they are skipped with a message saying what to start.
"""

from __future__ import annotations

import os
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "CME_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _own_redis_database(url: str) -> str:
    """The tests empty their Redis database (FLUSHDB), so each pytest-xdist worker (gw0,
    gw1, ...) gets its own: the configured database number plus the worker's index."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or worker == "gw0":
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker[2:])
    return urlunsplit(parts._replace(path=f"/{number}"))


REDIS_URL = _own_redis_database(os.environ.get("CME_TEST_REDIS_URL", "redis://127.0.0.1:6379/9"))
CHROMIUM = os.environ.get("CME_TEST_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, why: object) -> NoReturn:
    message = f"{what} is not available ({why})"
    if IN_CI:
        pytest.fail(f"{message}; CI must run these tests", pytrace=False)
    pytest.skip(message)
