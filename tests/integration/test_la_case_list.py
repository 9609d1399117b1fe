"""The CME officer's case list downloads as Excel with exactly the cases the page shows, and
the download is recorded; Today links a flagged child to their case."""

from __future__ import annotations

import io

import httpx
from openpyxl import load_workbook

from cme.storage.clock import utcnow
from cme.storage.tables import AuditEvent, Case
from tests.integration.helpers import World, sign_in
from tests.integration.test_case_actions import open_case


async def test_the_la_list_downloads_what_the_page_shows(
    client: httpx.AsyncClient, world: World
) -> None:
    handed = await open_case(world.pupil_a, world.school_a, world.la_id)
    await open_case(world.pupil_b, world.school_b, world.la_id)  # not handed over
    other_la = await open_case(world.pupil_other_la, world.school_other_la, world.other_la_id)
    for case_id in (handed, other_la):
        await Case.update({Case.handed_to_la_at: utcnow()}).where(Case.id == case_id)
    await sign_in(client, "cme@test.example")
    page = await client.get("/la/cases")
    assert page.status_code == 200
    assert 'href="/la/cases.xlsx"' in page.text
    got = await client.get("/la/cases.xlsx")
    assert got.status_code == 200, got.text
    sheet = load_workbook(io.BytesIO(got.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Testchild0" in values and "School A" in values
    assert "Testchild1" not in values and "Testchild2" not in values
    logged = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == "list.downloaded"
    )
    assert any('"la_cases"' in r["detail"] for r in logged)


async def test_school_staff_cannot_download_the_la_list(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "dsl.a@test.example")
    assert (await client.get("/la/cases.xlsx")).status_code in (403, 404)
