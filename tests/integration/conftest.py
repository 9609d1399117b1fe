from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from cme.jobs.inprocess import InProcessQueue
from cme.jobs.tasks import JOBS
from cme.settings import Settings
from cme.web.app import create_app
from tests.integration.helpers import World, build_world


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url="sqlite:///unused",
        redis_url=None,
        secret_key="test-secret-not-for-production",
        secure_cookies=False,
        max_upload_bytes=2 * 1024 * 1024,
        session_idle_minutes=60,
    )


@pytest.fixture
def jobs() -> InProcessQueue:
    return InProcessQueue(JOBS)


@pytest.fixture
async def client(
    db: object, settings: Settings, jobs: InProcessQueue
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app on the test's event loop and database (no second loop, no shared pool).

    The `db` fixture has opened the engine already; the app's own lifespan would only open
    it again, and anyio will not let a fixture enter it in one task and leave in another, so
    the job queue is started and stopped here instead. The e2e tests run the full lifespan.
    """
    queue = jobs
    app = create_app(settings, jobs=queue)
    await queue.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        await queue.close()


@pytest.fixture
async def world(db: object) -> World:
    return await build_world()
