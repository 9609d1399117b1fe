"""`cme serve` and `cme worker`: the long-running processes, which refuse to start, in one
line, when the database or Redis cannot be used."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Any

from cme.cli.common import CommandError
from cme.settings import Settings, SettingsError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


async def _check_services(redis_url: str | None) -> None:
    """Refuse to start, in one line, when the database or Redis cannot be used."""
    from cme.errors import Unavailable
    from cme.jobs import QueueUnavailable
    from cme.jobs.arq_queue import ArqQueue
    from cme.settings import database_url_from_env, describe_url
    from cme.storage.engine import check_database

    await check_database(database_url_from_env())
    if not redis_url:
        return
    try:
        queue = ArqQueue(redis_url)
    except ValueError as exc:
        raise SettingsError(f"CME_REDIS_URL={redis_url!r} is not a Redis URL ({exc})") from None
    await queue.start()
    try:
        await queue.ping()
    except QueueUnavailable as exc:
        reason = str(exc.__cause__ or exc).strip().splitlines()[0]
        raise Unavailable(
            f"cannot reach Redis (CME_REDIS_URL={describe_url(redis_url)}): {reason}"
        ) from exc
    finally:
        await queue.close()


def _serve_log_config() -> dict[str, Any]:
    """uvicorn's logging, with the tracker's own loggers (job lines, warnings) beside it."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["hide_link_tokens"] = {"()": "cme.web.auth.HideLinkTokens"}
    config["handlers"]["access"].setdefault("filters", []).append("hide_link_tokens")
    for name in ("cme", "school_portal", "la_portal"):
        config["loggers"][name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    redis_url = os.environ.get("CME_REDIS_URL") or None
    asyncio.run(_check_services(redis_url))
    settings = Settings.from_env()
    jobs = "arq on Redis" if settings.uses_redis else "in-process"
    print(f"CME tracker on http://{args.host}:{args.port}/ (jobs: {jobs})", flush=True)
    options: dict[str, Any] = {
        "log_config": _serve_log_config(),
        "factory": True,
        "host": args.host,
        "port": args.port,
        "workers": args.workers,
        "log_level": "info",
        "proxy_headers": True,
    }
    if args.workers == 1:
        uvicorn.run("cme.web.app:create_app", **options)
        return
    # What uvicorn.run does for several workers, with a listening socket that keeps Nagle's
    # algorithm off (see TcpConfig).
    from uvicorn.supervisors import Multiprocess

    from cme.cli.tcp_config import TcpConfig

    config = TcpConfig("cme.web.app:create_app", **options)
    try:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    except KeyboardInterrupt:
        pass


def cmd_worker(args: argparse.Namespace) -> None:
    from arq.worker import run_worker
    from redis.exceptions import RedisError

    from cme.errors import Unavailable
    from cme.jobs.worker import worker_settings
    from cme.settings import describe_url

    redis_url = os.environ.get("CME_REDIS_URL") or None
    if not redis_url:
        raise CommandError(
            "`cme worker` runs jobs from Redis: set CME_REDIS_URL=redis://HOST:6379/0 "
            "(without it, `cme serve` runs jobs in-process)"
        )
    from cme.settings import mail_from_env

    # A wrong CME_SMTP_URL is refused at start, naming the setting, not found by a failing job.
    mail_from_env()
    asyncio.run(_check_services(redis_url))
    # One line per job start, end and failure (logger cme.jobs); arq's own lines repeat them.
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    logging.getLogger("arq").setLevel(logging.WARNING)
    try:
        run_worker(worker_settings(redis_url))
    except asyncio.CancelledError:
        # arq cancels the jobs in hand when told to stop (SIGTERM, SIGINT); they run again.
        logging.getLogger("cme.jobs").info("worker stopped")
    except (RedisError, OSError) as exc:
        # Redis went away while the worker ran: jobs in hand run again once it is back and
        # a worker is started (a process manager restarts this one).
        raise Unavailable(
            f"lost the connection to Redis (CME_REDIS_URL={describe_url(redis_url)}): {exc}"
        ) from exc
