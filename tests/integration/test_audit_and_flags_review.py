"""Found in review: addresses people (or their browsers) can produce that broke the audit
trail page, and an overdue N that the Today list and the pupil page disagreed about."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest

from cme import demo_data
from cme.demo_registers import Grid, to_csv, weekdays, wide_rows
from cme.storage.uploads import create_upload, run_import
from tests.integration.helpers import World, sign_in


@pytest.mark.parametrize(
    "query",
    [
        "page=%C2%B2",  # "²": str.isdigit() says yes, int() says no
        "page=99999999999999999999",  # past what the database takes as an offset
        "who=%C2%B2",
        "school=%C2%B2",
    ],
)
async def test_audit_trail_odd_numbers_never_break_the_page(
    client: httpx.AsyncClient, world: World, query: str
) -> None:
    await sign_in(client, "admin@test.example")
    response = await client.get(f"/la/admin/audit?{query}")
    assert response.status_code in (200, 400), response.text
    assert "Something went wrong" not in response.text


@pytest.mark.parametrize("path", ["/la/admin/audit", "/la/admin/audit/download"])
async def test_audit_trail_date_beyond_the_calendar_is_a_typing_mistake(
    client: httpx.AsyncClient, world: World, path: str
) -> None:
    await sign_in(client, "admin@test.example")
    response = await client.get(f"{path}?until=31/12/9999")
    assert response.status_code == 400, response.text
    assert "To: enter a date such as 05/11/2026." in response.text


async def test_an_n_left_two_years_ago_is_overdue_on_today_as_on_the_pupil_page(
    client: httpx.AsyncClient, world: World
) -> None:
    # One N in June 2024 (academic year 2023-24), never corrected; present in January 2026.
    old = weekdays(date(2024, 6, 3), date(2024, 6, 14))
    recent = weekdays(date(2026, 1, 5), date(2026, 1, 16))
    pupils = demo_data.demo_pupils("2001", range(5, 6), per_year=1, seed=11)
    child = pupils[0]
    marks = {child.upn: ["N", "/"] + ["/", "\\"] * (len(old) + len(recent) - 1)}
    content = to_csv(wide_rows(Grid(pupils, [*old, *recent], marks)))
    outcome = await run_import(await create_upload(world.school_a, "register.csv", content))
    assert outcome["status"] == "done", outcome
    await sign_in(client, "ao.a@test.example")

    today = (await client.get("/school/today?on=2026-01-16&flag=overdue_n")).text
    assert f'data-upn="{child.upn}"' in today
    pupil_id = re.search(r'href="/school/pupils/(\d+)[^"]*"[^>]*>[^<]*', today)
    assert pupil_id, today
    page = (await client.get(f"/school/pupils/{pupil_id.group(1)}?on=2026-01-16")).text
    assert 'data-flag="overdue_n"' in page


async def test_the_last_day_of_a_year_steps_on_to_the_next_years_register(
    client: httpx.AsyncClient, world: World
) -> None:
    summer = weekdays(date(2025, 7, 14), date(2025, 7, 18))
    autumn = weekdays(date(2025, 9, 1), date(2025, 9, 5))
    pupils = demo_data.demo_pupils("2001", range(5, 6), per_year=1, seed=12)
    marks = {pupils[0].upn: ["/", "\\"] * (len(summer) + len(autumn))}
    content = to_csv(wide_rows(Grid(pupils, [*summer, *autumn], marks)))
    outcome = await run_import(await create_upload(world.school_a, "register.csv", content))
    assert outcome["status"] == "done", outcome
    await sign_in(client, "ao.a@test.example")

    page = (await client.get("/school/today?on=2025-07-18")).text
    assert "The latest school day in the register." not in page
    assert "Go to the latest school day in the register (05/09/2025)" in page
    assert re.search(r'href="/school/today\?on=2025-09-01"[^>]*rel="next"', page), page
