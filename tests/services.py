"""Where the real services are, and what happens when one is missing.

With CI=true a missing PostgreSQL, Redis or Chromium fails the run: those suites must run in
CI. On a developer's machine they are skipped with a message saying what to start.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "CME_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("CME_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
CHROMIUM = os.environ.get("CME_TEST_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, why: object) -> NoReturn:
    message = f"{what} is not available ({why})"
    if IN_CI:
        pytest.fail(f"{message}; CI must run these tests", pytrace=False)
    pytest.skip(message)
