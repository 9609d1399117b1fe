"""The upload page tells the truth: problems as a list, changes, interruptions, a queue that
is down; and /health names the part that is down. On both engines."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest

from cme.demo_registers import to_csv, wide_rows
from cme.events import UploadStatus
from cme.jobs import RETRY_AFTER_INTERRUPTION_SECONDS, JobQueue
from cme.jobs.arq_queue import ArqQueue
from cme.jobs.inprocess import InProcessQueue
from cme.jobs.tasks import JOBS
from cme.settings import Settings
from cme.storage import uploads
from cme.storage.clock import utcnow
from cme.storage.engine import current_engine, is_sqlite, make_engine, use_engine
from cme.storage.tables import Pupil, RegisterFile, RegisterUpload
from cme.timeline import LONDON
from cme.web.app import create_app
from tests.integration.helpers import World, csrf_token, sign_in
from tests.integration.registers import grid, snapshot


def closed_port_url() -> str:
    """Redis "down": an address where nothing listens (the shared server keeps running)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@asynccontextmanager
async def app_client(settings: Settings, queue: JobQueue) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, jobs=queue)
    await queue.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
    finally:
        await queue.close()


async def upload(
    client: httpx.AsyncClient, content: bytes, name: str = "register.csv"
) -> httpx.Response:
    page = await client.get("/school/registers")
    return await client.post(
        "/school/registers",
        data={"_csrf_token": csrf_token(page.text)},
        files={"register": (name, content, "text/csv")},
    )


async def stored_upload(world: World, **fields: Any) -> int:
    upload_id = await uploads.create_upload(world.school_a, "register.csv", b"UPN\n")
    if fields:
        await RegisterUpload.update(
            {getattr(RegisterUpload, k): v for k, v in fields.items()}
        ).where(RegisterUpload.id == upload_id)
    return upload_id


# --- A refused file -------------------------------------------------------------------------


async def test_a_refused_file_lists_each_problem_with_the_pupil_and_offers_the_form(
    client: httpx.AsyncClient, world: World
) -> None:
    error = {
        "message": "2 marks are not register codes.",
        "problems": [
            {
                "message": "Z is not a register code",
                "sheet": "Register",
                "row": 7,
                "column": "24/01/2025 AM",
                "value": "Z",
                "upn": "A370200124001",
                "name": "Example, Ash",
            },
            {"message": "Q is not a register code", "row": 9, "column": "E", "value": "Q"},
        ],
    }
    upload_id = await stored_upload(
        world,
        status=UploadStatus.FAILED.value,
        progress=100,
        stage="Not imported",
        error=json.dumps(error),
        finished_at=utcnow(),
    )
    await sign_in(client, "ao.a@test.example")
    page = (await client.get(f"/school/registers/{upload_id}")).text
    assert "The register was not imported" in page
    assert "2 marks are not register codes." in page
    table = page[page.index('id="import-problems"') : page.index("</table>")]
    for text in ("Register", ">7<", "24/01/2025 AM", "Example, Ash", "A370200124001", ">Z<"):
        assert text in table, text
    assert "Q is not a register code" in table and ">9<" in table
    # Nothing drawn as progress, let alone a full bar; the form is right there.
    assert "<progress" not in page
    assert 'name="register" type="file"' in page and 'action="/school/registers"' in page
    status = (await client.get(f"/school/registers/{upload_id}/status")).json()
    assert status["failed"] is True and status["label"] == "Not imported"


async def test_an_old_plain_text_refusal_is_still_shown(
    client: httpx.AsyncClient, world: World
) -> None:
    upload_id = await stored_upload(
        world,
        status=UploadStatus.FAILED.value,
        error="This file is not a register.\n  - Headers found: Name, Class",
    )
    await sign_in(client, "ao.a@test.example")
    page = (await client.get(f"/school/registers/{upload_id}")).text
    assert "Headers found: Name, Class" in page and "<pre" in page


async def test_a_refused_upload_stores_its_problems_as_json_and_nothing_else(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    g = grid()
    rows = wide_rows(g)
    rows[3][9] = "7"  # not a register code
    await sign_in(client, "ao.a@test.example")
    before = await snapshot()
    location = (await upload(client, to_csv(rows))).headers["location"]
    await jobs.drain()
    stored = (await RegisterUpload.select(RegisterUpload.error).first())["error"]
    refusal = json.loads(stored)
    assert refusal["message"] and refusal["problems"]
    assert any("7" in json.dumps(p) for p in refusal["problems"])
    page = (await client.get(location)).text
    assert 'id="import-problems"' in page and "<progress" not in page
    assert 'name="register" type="file"' in page
    pupil = g.pupils[2]
    table = page[page.index('id="import-problems"') : page.index("</table>")]
    assert pupil.upn in table and pupil.legal_surname in table and "<code>7</code>" in table
    assert await snapshot() == before


async def test_a_second_import_lists_the_marks_it_changed(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    g = grid()
    await sign_in(client, "ao.a@test.example")
    await upload(client, to_csv(wide_rows(g)))
    await jobs.drain()
    rows = wide_rows(g)
    pupil = g.pupils[8]
    assert rows[9][0] == pupil.upn
    old = rows[9][-2]  # Friday 24 January, AM
    new = rows[9][-2] = "I" if old == "/" else "/"
    location = (await upload(client, to_csv(rows))).headers["location"]
    await jobs.drain()
    page = (await client.get(location)).text
    table = page[page.index('id="import-changes"') :]
    row = table[table.index(pupil.upn) - 200 : table.index("</tr>", table.index(pupil.upn))]
    assert pupil.legal_surname in row and "24/01/2025" in row
    assert f"<td>AM</td><td>{old}</td><td>{new}</td>" in row
    assert "1 changed" in page and "more." not in page


async def test_no_file_chosen_is_explained(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "ao.a@test.example")
    page = await client.get("/school/registers")
    response = await client.post(
        "/school/registers", data={"_csrf_token": csrf_token(page.text)}, files={}
    )
    assert response.status_code == 400
    assert "Choose the register file to upload." in response.text
    assert await RegisterUpload.count() == 0


# --- A summary names the changed marks ------------------------------------------------------


async def test_the_summary_lists_changed_marks_and_how_many_more(
    client: httpx.AsyncClient, world: World
) -> None:
    changes = [
        {
            "upn": "A370200124001",
            "name": "Example, Ash",
            "day": "2025-01-24",
            "session": "AM",
            "old": "/",
            "new": "N",
        },
        {
            "upn": "A370200124002",
            "name": "Example, Bea",
            "day": "2025-01-23",
            "session": "PM",
            "old": "",
            "new": "I",
        },
    ]
    summary = {
        "pupils": 2,
        "new_pupils": 0,
        "updated_pupils": 0,
        "sessions": 10,
        "first_day": "2025-01-20",
        "last_day": "2025-01-24",
        "marks_added": 0,
        "marks_changed": 150,
        "layout": "wide",
        "sheet": None,
        "warnings": [],
        "changes": changes,
    }
    upload_id = await stored_upload(
        world,
        status=UploadStatus.DONE.value,
        progress=100,
        stage="Imported",
        summary=json.dumps(summary),
        finished_at=utcnow(),
    )
    await sign_in(client, "ao.a@test.example")
    page = (await client.get(f"/school/registers/{upload_id}")).text
    table = page[
        page.index('id="import-changes"') : page.index("</table>", page.index("import-changes"))
    ]
    assert "Example, Ash" in table and "A370200124001" in table and "24/01/2025" in table
    assert "<td>AM</td><td>/</td><td>N</td>" in table
    assert "<td>PM</td><td>no mark</td><td>I</td>" in table
    assert "and 148 more." in page


# --- Status words come from the enum ---------------------------------------------------------


async def test_the_uploads_list_words_each_status(client: httpx.AsyncClient, world: World) -> None:
    for status in UploadStatus:
        await stored_upload(world, status=status.value, heartbeat_at=utcnow())
    await sign_in(client, "ao.a@test.example")
    page = (await client.get("/school/registers")).text
    for status in UploadStatus:
        assert f'class="status s-{status.value}">{status.label}<' in page


# --- An import that stopped (a killed worker) ------------------------------------------------


async def test_an_import_whose_worker_died_is_shown_as_interrupted_with_its_retry_time(
    client: httpx.AsyncClient, world: World
) -> None:
    # As `kill -9` leaves it: running, 10%, no heartbeat since.
    started = utcnow() - timedelta(seconds=40)
    upload_id = await stored_upload(
        world,
        status=UploadStatus.RUNNING.value,
        progress=10,
        stage="Reading the file",
        started_at=started,
        heartbeat_at=started,
    )
    await sign_in(client, "ao.a@test.example")
    status = (await client.get(f"/school/registers/{upload_id}/status")).json()
    retry = (started + timedelta(seconds=RETRY_AFTER_INTERRUPTION_SECONDS)).astimezone(LONDON)
    assert status["interrupted"] is True and status["finished"] is False
    assert f"It will be retried automatically at {retry:%H:%M}." in status["note"]
    assert f"stopped making progress at {started.astimezone(LONDON):%H:%M}" in status["note"]
    page = (await client.get(f"/school/registers/{upload_id}")).text
    assert "Interrupted" in page and f"retried automatically at {retry:%H:%M}" in page
    assert '<progress id="import-progress" max="100" value="10" class="interrupted">' in page

    # Long past its retry time: no promise of a time that has gone.
    long_ago = utcnow() - timedelta(minutes=30)
    await RegisterUpload.update(
        {RegisterUpload.started_at: long_ago, RegisterUpload.heartbeat_at: long_ago}
    ).where(RegisterUpload.id == upload_id)
    note = (await client.get(f"/school/registers/{upload_id}/status")).json()["note"]
    assert "as soon as the import service is running" in note


async def test_a_running_import_with_a_recent_heartbeat_is_not_interrupted(
    client: httpx.AsyncClient, world: World
) -> None:
    upload_id = await stored_upload(
        world,
        status=UploadStatus.RUNNING.value,
        progress=50,
        started_at=utcnow() - timedelta(minutes=5),
        heartbeat_at=utcnow() - timedelta(seconds=3),
    )
    await sign_in(client, "ao.a@test.example")
    status = (await client.get(f"/school/registers/{upload_id}/status")).json()
    assert status["interrupted"] is False and status["note"] == ""


async def test_an_upload_no_worker_has_started_says_so(
    client: httpx.AsyncClient, world: World
) -> None:
    upload_id = await stored_upload(world, uploaded_at=utcnow() - timedelta(minutes=5))
    await sign_in(client, "ao.a@test.example")
    status = (await client.get(f"/school/registers/{upload_id}/status")).json()
    assert status["label"] == "Waiting" and status["interrupted"] is False
    assert status["note"].startswith("Not started yet")


# --- Redis down while the app runs -----------------------------------------------------------


async def test_an_upload_while_redis_is_down_is_kept_says_so_and_is_never_orphaned(
    settings: Settings, world: World
) -> None:
    async with app_client(settings, ArqQueue(closed_port_url())) as client:
        await sign_in(client, "ao.a@test.example")
        response = await upload(client, to_csv(wide_rows(grid())))
        assert response.status_code == 303  # not the "Something went wrong" page
        page = (await client.get(response.headers["location"])).text
    assert "import service is unavailable right now" in page
    assert "Your file is kept and will be imported automatically" in page
    assert "Something went wrong" not in page
    upload_id = (await RegisterUpload.select(RegisterUpload.id).first())["id"]
    assert await RegisterFile.count() == 1
    # Once a runner is back, the sweep every runner does at start picks it up.
    queue = InProcessQueue(JOBS, at_start=("queue_unfinished_imports",))
    await queue.start()
    await queue.drain()
    await queue.close()
    row = await RegisterUpload.select(RegisterUpload.status).where(RegisterUpload.id == upload_id)
    assert row[0]["status"] == UploadStatus.DONE.value
    upns = [p.upn for p in grid().pupils]
    assert await Pupil.count().where(Pupil.upn.is_in(upns)) == len(upns)


# --- /health ---------------------------------------------------------------------------------


async def test_health_is_ok_when_every_part_answers(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "job_queue": "ok"}


async def test_health_names_the_job_queue_when_redis_is_down(
    settings: Settings, world: World
) -> None:
    async with app_client(settings, ArqQueue(closed_port_url())) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "job_queue": "unreachable",
    }


async def test_health_names_the_database_when_it_is_unreachable(
    client: httpx.AsyncClient, world: World, db: Any
) -> None:
    if is_sqlite():
        down = make_engine("sqlite:////nonexistent-folder/cme.sqlite")
    else:
        down = make_engine("postgresql://postgres@127.0.0.1:1/cme")
    use_engine(down)
    try:
        response = await client.get("/health")
    finally:
        use_engine(db)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "job_queue": "ok",
    }


# --- A PostgreSQL restart under a running app -----------------------------------------------


@pytest.mark.postgres_only
async def test_requests_succeed_after_the_connection_pool_restarts(
    client: httpx.AsyncClient, world: World, db: Any
) -> None:
    await sign_in(client, "ao.a@test.example")
    assert (await client.get("/school/registers")).status_code == 200
    engine = current_engine()
    await engine.close_connection_pool()  # type: ignore[attr-defined]
    await engine.start_connection_pool(min_size=1, max_size=5)  # type: ignore[attr-defined]
    assert (await client.get("/school/registers")).status_code == 200
    assert (await client.get("/health")).status_code == 200


@pytest.mark.postgres_only
async def test_requests_succeed_after_the_server_drops_every_connection(
    client: httpx.AsyncClient, world: World, db: Any
) -> None:
    """What a PostgreSQL restart does to the pool's open connections."""
    import asyncpg

    await sign_in(client, "ao.a@test.example")
    assert (await client.get("/school/registers")).status_code == 200
    dsn = current_engine().config["dsn"]  # type: ignore[attr-defined]
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    # A restart takes far longer than asyncpg needs to see its sockets closed.
    await asyncio.sleep(0.5)
    assert (await client.get("/school/registers")).status_code == 200
