"""The one app factory: `create_app()` builds the whole Litestar app from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from os import PathLike
from pathlib import Path
from typing import Any

from asyncpg.exceptions import DataError
from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

import cme.storage  # noqa: F401  (sets PICCOLO_CONF before tables load)
import la_portal
import school_portal
from cme.errors import UserError
from cme.jobs import JobQueue
from cme.roles import Role
from cme.settings import Settings
from cme.storage.engine import close_engine, open_engine
from cme.web import pages
from cme.web.auth import SessionAuthentication, SignInController
from cme.web.health import health
from cme.web.notifications import NotificationsController

HERE = Path(__file__).parent
TEMPLATE_DIRS: list[Path | PathLike[Any] | str] = [
    HERE / "templates",
    Path(school_portal.__file__).parent / "templates",
    Path(la_portal.__file__).parent / "templates",
]


def make_job_queue(settings: Settings) -> JobQueue:
    from cme.jobs.tasks import DAILY, JOBS, SWEEPS

    if settings.redis_url:
        from cme.jobs.arq_queue import ArqQueue

        return ArqQueue(settings.redis_url)
    from cme.jobs.inprocess import InProcessQueue

    return InProcessQueue(JOBS, DAILY, at_start=SWEEPS)


def _configure_jinja(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["london"] = pages.london
    engine.engine.filters["uk_date"] = pages.uk_date
    engine.engine.globals["Role"] = Role


async def _security_headers(response: Response[Any]) -> Response[Any]:
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
    )
    return response


def create_app(settings: Settings | None = None, jobs: JobQueue | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    queue = jobs or make_job_queue(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        opened_pool = await open_engine()
        await queue.start()
        try:
            yield
        finally:
            await queue.close()
            if opened_pool:
                await close_engine()

    def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        return pages.http_error(request, exc)

    return Litestar(
        route_handlers=[
            SignInController,
            health,
            *school_portal.CONTROLLERS,
            *la_portal.CONTROLLERS,
            NotificationsController,
            create_static_files_router(path="/static", directories=[HERE / "static"]),
        ],
        middleware=[DefineMiddleware(SessionAuthentication, exclude=["^/static/", "^/health$"])],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="cme_csrf",
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
        ),
        template_config=TemplateConfig(
            directory=TEMPLATE_DIRS, engine=JinjaTemplateEngine, engine_callback=_configure_jinja
        ),
        exception_handlers={
            HTTPException: _http_error,
            UserError: pages.user_error,
            OverflowError: pages.id_out_of_range,
            DataError: pages.id_out_of_range,
            500: pages.server_error,
        },
        after_request=_security_headers,
        lifespan=[lifespan],
        request_max_body_size=settings.max_upload_bytes,
        state=State({"settings": settings, "jobs": queue}),
    )
