from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from cme.jobs.inprocess import InProcessQueue
from cme.jobs.tasks import JOBS
from cme.settings import Settings
from cme.storage.clock import today
from cme.storage.demo import seed_demo
from cme.storage.engine import use_engine
from cme.web.app import create_app
from tests.conftest import empty_database
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


# Building the app (~0.15 s) and compiling its templates afresh for every test took half the
# integration tests' time. The app keeps no state of its own between requests (sessions are
# in the database, the settings are frozen), so tests with equal settings share one; each
# test's own job queue is put in its state.
_APPS: dict[Settings, Litestar] = {}


def _app_for(settings: Settings, queue: InProcessQueue) -> Litestar:
    app = _APPS.get(settings)
    if app is None:
        app = _APPS[settings] = create_app(settings, jobs=queue)
    app.state.jobs = queue
    return app


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
    app = _app_for(settings, queue)
    await queue.start()
    # Litestar types its ASGI interface more narrowly than httpx does.
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        await queue.close()


@pytest.fixture
async def world(db: object) -> World:
    return await build_world()


# The demo, for the modules that test it: seeded once per engine for the whole module (it takes
# seconds); their tests only read it, and the module leaves the database empty.
@pytest.fixture(scope="module")
async def seeded(engine: object) -> AsyncIterator[object]:
    use_engine(engine)  # type: ignore[arg-type]
    assert await seed_demo(today())
    yield engine
    await empty_database(engine)


@pytest.fixture
def demo(seeded: object) -> object:
    # Other modules' tests may have switched engines in between.
    use_engine(seeded)  # type: ignore[arg-type]
    return seeded
