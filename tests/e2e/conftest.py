"""A real server (the `cme` command, embedded default) and a real headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.services import CHROMIUM, unavailable

CME = str(Path(sys.executable).parent / "cme")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`cme demo` then `cme serve` in a fresh directory, as a new user would run them."""
    work = tmp_path_factory.mktemp("server")
    env = {**os.environ, "CME_DATABASE_URL": f"sqlite:///{work}/cme.sqlite"}
    env.pop("CME_REDIS_URL", None)
    subprocess.run([CME, "demo"], cwd=work, env=env, check=True, capture_output=True)
    port = _free_port()
    log = (work / "server.log").open("w")
    proc = subprocess.Popen(
        [CME, "serve", "--port", str(port)], cwd=work, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"server did not start: {(work / 'server.log').read_text()}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    # The async API shares pytest-asyncio's loop; the sync API would run a loop of its own
    # that stays "running" and breaks every async test after it.
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240  (once per session, before any I/O)
        unavailable(f"Chromium at {CHROMIUM}", "not installed: apt-get install chromium")
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        await b.close()


@pytest.fixture
async def page(browser: Browser, server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=server)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    yield page
    await context.close()
