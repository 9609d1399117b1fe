"""Load a page of a real `cme serve` with wrk, as one signed-in person, and read its latencies.

    .venv/bin/python -m bench.load --db postgresql://... --email ao@school.example \\
        --path /school/today [--seconds 20] [--connections 1,20] [--workers 2]

`measure()` is for other benchmarks: it starts `cme serve --workers N` on a free port against
the database (CME_REDIS_URL unset, so jobs run in the app processes, as on the embedded
default), waits for /health, signs the account in with `accounts.start_session` (in a process
of its own; no password is needed), checks the page answers 200 to that session, warms every
worker up, runs `wrk -tT -cC -dSs` with a Lua script that sends the session and CSRF cookies
and counts every answer other than 200, and stops the server. Latencies are wrk's own (its
timeout raised to 30 s, so slow answers are counted, not dropped), in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

WRK = os.environ.get("WRK", "/usr/bin/wrk")
SESSION_COOKIE = "cme_session"
CSRF_COOKIE = "cme_csrf"
PERCENTILES = (50, 90, 95, 99)

# Counts the answers other than 200 in each wrk thread (each has its own Lua state) and
# prints one JSON line at the end. wrk's own `errors.status` misses redirects (3xx), which is
# what an expired session would get.
LUA = """
wrk.headers["Cookie"] = "%(cookie)s"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  not_200 = 0
end
function response(status, headers, body)
  if status ~= 200 then
    not_200 = not_200 + 1
  end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("not_200")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "not_200": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50": %%d, "p90": %%d, ' ..
    '"p95": %%d, "p99": %%d, "max": %%d, "mean": %%f}\\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cme_command() -> list[str]:
    script = Path(sys.executable).parent / "cme"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from cme.cli import main; main()"]


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT
    pid: int  # the `cme serve` process; its worker processes are in its process group


@contextmanager
def serving(db_url: str, workers: int = 2, port: int | None = None) -> Iterator[Server]:
    """`cme serve --workers N` on `db_url`, answering /health."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k != "CME_REDIS_URL"}
    env["CME_DATABASE_URL"] = db_url
    # A fixed key, so that no .cme-secret file is written into the working directory.
    env.setdefault("CME_SECRET_KEY", "bench-load-secret-not-for-production")
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [*_cme_command(), "serve", "--workers", str(workers), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its worker processes share its group: stopped together
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server, log)
        yield Server(base, server.pid)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


# --- CPU accounting: what one request costs the app and the database, whatever else the
# machine is doing (read from /proc; the database is on this machine).


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return found


def _group(pgid: int) -> list[int]:
    pids = (int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())
    return [pid for pid in pids if (fields := _stat(pid)) is not None and int(fields[2]) == pgid]


def _backends(db_url: str) -> list[int]:
    """The PostgreSQL server processes connected to the database (none for SQLite)."""
    if db_url.startswith("sqlite:"):
        return []

    async def pids() -> list[int]:
        import asyncpg

        db = await asyncpg.connect(db_url)
        try:
            rows = await db.fetch(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await db.close()
        return [int(r["pid"]) for r in rows]

    return asyncio.run(pids())


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / ticks, sum(values) / ticks


class CpuMeter:
    """CPU seconds used by the server's processes and the database's backends over a run."""

    def __init__(self, server: Server, db_url: str) -> None:
        self.server, self.db_url = server, db_url

    def __enter__(self) -> CpuMeter:
        self.app = _cpu_seconds(_group(self.server.pid))
        self.db = _cpu_seconds(_backends(self.db_url))
        self.machine = _machine_busy()
        return self

    def __exit__(self, *exc: object) -> None:
        app = _cpu_seconds(_group(self.server.pid))
        db = _cpu_seconds(_backends(self.db_url))
        busy, total = _machine_busy()
        # A backend that connected during the run started from nothing.
        self.app_seconds = sum(v - self.app.get(pid, 0.0) for pid, v in app.items())
        self.db_seconds = sum(v - self.db.get(pid, 0.0) for pid, v in db.items())
        self.machine_busy = (busy - self.machine[0]) / max(total - self.machine[1], 1e-9)


def _wait_healthy(base: str, server: subprocess.Popen[bytes], log: Any, wait: float = 60) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"cme serve stopped:\n{log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"cme serve did not answer {base}/health within {wait:.0f} s")


def start_session(db_url: str, email: str) -> str:
    """A new session id for the account, made by `accounts.start_session` itself, in a
    process of its own (so that the caller's database engine is left alone)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", "--new-session", "--db", db_url, "--email", email],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[1],
    )
    if out.returncode:
        raise RuntimeError(f"could not start a session for {email}:\n{out.stderr}")
    return out.stdout.strip().splitlines()[-1]


async def _new_session(db_url: str, email: str) -> str:
    import cme.storage  # noqa: F401  (sets PICCOLO_CONF before tables load)
    from cme.settings import Settings
    from cme.storage.accounts import start_session as store_session
    from cme.storage.engine import make_engine, use_engine
    from cme.storage.tables import Account

    use_engine(make_engine(db_url))
    row = await Account.select(Account.id).where(Account.email == email).first()
    if row is None:
        raise LookupError(f"no account {email}")
    idle = Settings.from_env({"CME_DATABASE_URL": db_url, "CME_SECRET_KEY": "-"})
    return await store_session(int(row["id"]), timedelta(minutes=idle.session_idle_minutes))


def _get(url: str, cookie: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _signed_in_cookie(base: str, path: str, token: str) -> tuple[str, int]:
    """The Cookie header a browser would send after its first page: the session and the CSRF
    cookie the app sets. Refuses to load a page that does not answer 200."""
    cookie = f"{SESSION_COOKIE}={token}"
    status, headers, body = _get(base + path, cookie)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}, not 200, to the signed-in session")
    for name, value in headers.items():
        if name.lower() == "set-cookie" and value.startswith(f"{CSRF_COOKIE}="):
            cookie += "; " + value.split(";", 1)[0]
    return cookie, len(body)


def run_wrk(url: str, cookie: str, seconds: float, connections: int) -> dict[str, Any]:
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"cookie": cookie})
    try:
        out = subprocess.run(
            [
                WRK,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=True,
        )
    finally:
        Path(script.name).unlink()
    line = next(s for s in out.stdout.splitlines() if s.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    errors = {k: raw[k] for k in ("connect", "read", "write", "timeout")}
    return {
        "connections": connections,
        "threads": threads,
        "seconds": raw["duration_us"] / 1e6,
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        **{f"p{p}_ms": raw[f"p{p}"] / 1000 for p in PERCENTILES},
        "max_ms": raw["max"] / 1000,
        "mean_ms": raw["mean"] / 1000,
        "not_200": raw["not_200"],
        "socket_errors": errors,
        "ok": raw["not_200"] == 0 and not any(errors.values()),
    }


def _settle(base: str, wait: float = 120) -> None:
    """Wait for the requests wrk left in hand when it stopped to be answered: the next run must
    not start behind them. Settled when /health answers quickly twice in a row."""
    time.sleep(1)
    quick = 0
    deadline = time.monotonic() + wait
    while quick < 2 and time.monotonic() < deadline:
        start = time.monotonic()
        with urllib.request.urlopen(f"{base}/health", timeout=wait) as answer:
            answer.read()
        quick = quick + 1 if time.monotonic() - start < 0.05 else 0
        time.sleep(0.2)


def measure(
    url_path: str,
    db_url: str,
    email: str,
    seconds: float,
    connections: int = 20,
    workers: int = 2,
    warm_seconds: float = 3,
) -> dict[str, Any]:
    """Latencies (ms) and requests/s of GET `url_path` for `email`'s session with wrk over
    `connections` connections for `seconds`, against `cme serve --workers N` on `db_url`;
    `ok` is False if any answer was not 200 or any socket error occurred."""
    return measure_many(url_path, db_url, email, seconds, (connections,), workers, warm_seconds)[0]


def measure_many(
    url_path: str,
    db_url: str,
    email: str,
    seconds: float,
    connection_counts: tuple[int, ...] = (1, 20),
    workers: int = 2,
    warm_seconds: float = 3,
) -> list[dict[str, Any]]:
    """`measure` for each number of connections in turn, against one server."""
    token = start_session(db_url, email)
    results = []
    with serving(db_url, workers) as server:
        url = server.base + url_path
        cookie, size = _signed_in_cookie(server.base, url_path, token)
        # Each worker's first requests load templates and fill caches: not what is measured.
        run_wrk(url, cookie, warm_seconds, workers)
        for connections in connection_counts:
            _settle(server.base)
            with CpuMeter(server, db_url) as cpu:
                result = run_wrk(url, cookie, seconds, connections)
            requests = max(result["requests"], 1)
            result.update(
                path=url_path,
                workers=workers,
                page_bytes=size,
                app_cpu_ms=cpu.app_seconds / requests * 1000,
                db_cpu_ms=cpu.db_seconds / requests * 1000,
                machine_busy=cpu.machine_busy,
                load_average=os.getloadavg()[0],
            )
            results.append(result)
    return results


def table(results: list[dict[str, Any]]) -> str:
    """Markdown: latencies, throughput, and CPU per request (app processes, database backends)
    with how busy the whole machine was meanwhile (other work on it slows every request)."""
    lines = [
        "| page | clients | p50 | p90 | p95 | p99 | req/s | app CPU/req | DB CPU/req "
        "| machine busy | not 200 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['path']} | {r['connections']} | {r['p50_ms']:.0f} ms | {r['p90_ms']:.0f} ms "
            f"| {r['p95_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['rps']:.1f} "
            f"| {r['app_cpu_ms']:.1f} ms | {r['db_cpu_ms']:.1f} ms "
            f"| {r['machine_busy']:.0%} | {r['not_200']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the database URL (CME_DATABASE_URL)")
    parser.add_argument("--email", required=True, help="the account to sign in as")
    parser.add_argument("--path", default="/school/today")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--connections", default="1,20", help="comma-separated: one run for each (default 1,20)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--new-session", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.new_session:
        print(asyncio.run(_new_session(args.db, args.email)))
        return
    counts = tuple(int(c) for c in args.connections.split(","))
    results = measure_many(args.path, args.db, args.email, args.seconds, counts, args.workers)
    print(json.dumps(results, indent=2) if args.json else table(results))
    if not all(r["ok"] for r in results):
        sys.exit("some answers were not 200 (see not_200 and socket_errors)")


if __name__ == "__main__":
    main()
