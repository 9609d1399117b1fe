"""Today, the pupils list and the pupil page over HTTP, on both engines: each flag's own
counts, downloads that hold what the page shows, the access log, scoped search, Back links."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
from openpyxl import load_workbook

from cme import demo_data
from cme.demo_registers import Grid, to_csv, weekdays, wide_rows
from cme.events import Action
from cme.storage.tables import AuditEvent
from cme.storage.uploads import create_upload, run_import
from tests.integration.helpers import World, sign_in

# Mon 6 Jan to Tue 21 Jan 2025: twelve school days.
DAYS = weekdays(date(2025, 1, 6), date(2025, 1, 21))
LAST = "2025-01-21"
PUPILS = demo_data.demo_pupils("2001", range(1, 4), per_year=1, seed=3)
G5_N7, DAY_ONE, MISSING = PUPILS  # Years 1, 2 and 3


async def import_register(world: World) -> None:
    present = ["/", "\\"] * len(DAYS)
    marks = {
        # Holiday not granted for 5 school days, then 7 days unexplained: a 12-day run.
        G5_N7.upn: ["G", "G"] * 5 + ["N", "N"] * 7,
        DAY_ONE.upn: [*present[:-2], "N", "N"],
        MISSING.upn: [*present[:-1], ""],
    }
    content = to_csv(wide_rows(Grid(PUPILS, DAYS, marks)))
    outcome = await run_import(await create_upload(world.school_a, "register.csv", content))
    assert outcome["status"] == "done", outcome


def child_row(page: str, upn: str) -> str:
    match = re.search(rf'<tr data-upn="{upn}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {upn}"
    return match.group(1)


def flag_text(row: str, kind: str) -> str:
    match = re.search(rf'<li class="flag-line" data-flag="{kind}">(.*?)</li>', row, re.S)
    assert match, f"no {kind} flag"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def xlsx_rows(response: httpx.Response) -> tuple[Any, list[tuple[Any, ...]]]:
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, list(sheet.iter_rows(values_only=True))


async def audit_rows(action: Action) -> list[dict[str, Any]]:
    rows = (
        await AuditEvent.select(AuditEvent.account.email, AuditEvent.school, AuditEvent.detail)
        .where(AuditEvent.action == action.value)
        .order_by(AuditEvent.id)
    )
    return [{**r, "detail": json.loads(r["detail"])} for r in rows]


async def test_each_flag_shows_its_own_count_and_since_date(
    client: httpx.AsyncClient, world: World
) -> None:
    await import_register(world)
    await sign_in(client, "ao.a@test.example")
    page = (await client.get("/school/today")).text
    row = child_row(page, G5_N7.upn)
    run = flag_text(row, "continuous_absence_10")
    unexplained = flag_text(row, "unexplained_absence")
    assert "12 school days since 06/01/2025" in run
    assert "7 school days since 13/01/2025" in unexplained
    assert "12" not in unexplained
    assert "Day one" in flag_text(child_row(page, DAY_ONE.upn), "unexplained_absence")
    assert "PM session" in flag_text(child_row(page, MISSING.upn), "missing_mark")


async def test_heading_names_the_chosen_day(client: httpx.AsyncClient, world: World) -> None:
    await import_register(world)
    await sign_in(client, "ao.a@test.example")
    page = (await client.get("/school/today?on=2025-01-20")).text
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert heading and "Monday 20 January 2025" in heading.group(1)
    assert "today's list" not in page.lower()
    assert "Go to the latest school day in the register (21/01/2025)" in page


async def test_download_holds_what_the_page_shows(client: httpx.AsyncClient, world: World) -> None:
    await import_register(world)
    await sign_in(client, "ao.a@test.example")
    page = (await client.get(f"/school/today?on={LAST}&flag=unexplained_absence&year=1")).text
    link = re.search(r'<a href="([^"]+)" download>', page)
    assert link, "no download link"
    sheet, rows = xlsx_rows(await client.get(html.unescape(link.group(1))))
    header, children = rows[1], rows[2:]
    assert [c[0] for c in children] == [G5_N7.upn]  # Year 1 only, unexplained only
    assert "Continuous absence (school days)" not in header
    values = dict(zip(header, children[0], strict=True))
    assert values["Unexplained absence (school days)"] == 7
    assert values["Unexplained absence: since"].date() == date(2025, 1, 13)
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:{sheet.cell(2, sheet.max_column).column_letter}3"

    _, rows = xlsx_rows(await client.get(f"/school/today.xlsx?on={LAST}&flag=missing_mark"))
    assert [r[0] for r in rows[2:]] == [MISSING.upn]

    # No filters: one row per child, every flag of theirs in it; blank, not 0, elsewhere.
    _, rows = xlsx_rows(await client.get(f"/school/today.xlsx?on={LAST}"))
    header, children = rows[1], {r[0]: dict(zip(rows[1], r, strict=True)) for r in rows[2:]}
    assert set(children) == {G5_N7.upn, DAY_ONE.upn, MISSING.upn}
    assert children[G5_N7.upn]["Flags"] == (
        "Continuous absence; Unexplained absence; N code overdue"
    )
    assert children[G5_N7.upn]["N code overdue (days coded N)"] == 1
    assert children[G5_N7.upn]["N code overdue: oldest"].date() == date(2025, 1, 13)
    assert children[G5_N7.upn]["Continuous absence (school days)"] == 12
    assert children[DAY_ONE.upn]["Continuous absence (school days)"] is None
    assert children[DAY_ONE.upn]["Unexplained absence (school days)"] == 1
    assert children[MISSING.upn]["Missing mark (sessions)"] == "PM"


async def test_downloads_are_in_the_access_log(client: httpx.AsyncClient, world: World) -> None:
    await import_register(world)
    await sign_in(client, "dsl.a@test.example")
    assert await audit_rows(Action.LIST_DOWNLOADED) == []
    await client.get(f"/school/today.xlsx?on={LAST}&flag=unexplained_absence&year=1")
    [logged] = await audit_rows(Action.LIST_DOWNLOADED)
    assert logged["account.email"] == "dsl.a@test.example"
    assert logged["school"] == world.school_a
    assert logged["detail"] == {
        "list": "flags",
        "on": LAST,
        "flag": "unexplained_absence",
        "year_group": "1",
        "children": 1,
    }
    search = f"{G5_N7.legal_forename.lower()} {G5_N7.legal_surname[:3]}"
    _, rows = xlsx_rows(await client.get("/school/pupils.xlsx", params={"q": search}))
    assert [(r[0], r[-1]) for r in rows[2:]] == [
        (G5_N7.upn, "Continuous absence; Unexplained absence; N code overdue")
    ]
    pupils_logged = (await audit_rows(Action.LIST_DOWNLOADED))[-1]["detail"]
    assert pupils_logged == {"list": "pupils", "search": search, "children": 1}


async def test_viewing_a_childs_record_is_in_the_access_log(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "dsl.a@test.example")
    assert (await client.get(f"/school/pupils/{world.pupil_a}")).status_code == 200
    [logged] = await audit_rows(Action.PUPIL_VIEWED)
    assert logged["account.email"] == "dsl.a@test.example"
    assert logged["school"] == world.school_a
    assert logged["detail"]["pupil_id"] == world.pupil_a
    assert logged["detail"]["upn"] == "A370200124000"
    # Another school's child: not found, and nothing shown, so nothing logged.
    assert (await client.get(f"/school/pupils/{world.pupil_b}")).status_code == 404
    assert len(await audit_rows(Action.PUPIL_VIEWED)) == 1

    client.cookies.clear()
    await sign_in(client, "cme@test.example")
    assert (await client.get(f"/la/pupils/{world.pupil_b}")).status_code == 200
    logged = (await audit_rows(Action.PUPIL_VIEWED))[-1]
    assert (logged["account.email"], logged["school"]) == ("cme@test.example", world.school_b)
    assert (await client.get(f"/la/pupils/{world.pupil_other_la}")).status_code == 404
    assert len(await audit_rows(Action.PUPIL_VIEWED)) == 2


async def test_pupil_search_stays_in_scope(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "ao.a@test.example")
    page = (await client.get("/school/pupils?q=example")).text
    assert "Testchild0" in page and "Testchild1" not in page and "Testchild2" not in page
    assert "Testchild0" in (await client.get("/school/pupils?q=A370200124000")).text
    # School B's and the other LA's pupils by their exact UPNs: never found.
    for upn in ("A370200124001", "A370200124002"):
        page = (await client.get(f"/school/pupils?q={upn}")).text
        assert "Testchild" not in page and "contains" in page
    assert "Testchild" not in (await client.get("/school/pupils?q=%25")).text.split("</form>")[1]

    client.cookies.clear()
    await sign_in(client, "cme@test.example")
    page = (await client.get(f"/la/schools/{world.school_b}?q=testchild")).text
    assert "Testchild1" in page and "Testchild0" not in page
    other = await client.get(f"/la/schools/{world.school_other_la}?q=testchild")
    assert other.status_code == 404


async def test_back_link_keeps_the_day_and_filters(client: httpx.AsyncClient, world: World) -> None:
    await import_register(world)
    await sign_in(client, "ao.a@test.example")
    today = "/school/today?on=2025-01-20&flag=unexplained_absence&year=1"
    page = (await client.get(today)).text
    link = re.search(r'<a href="(/school/pupils/\d+[^"]*)">', page)
    assert link
    href = html.unescape(link.group(1))
    query = parse_qs(urlsplit(href).query)
    assert query["on"] == ["2025-01-20"] and query["back"] == [today]
    pupil = (await client.get(href)).text
    assert "On Monday 20 January 2025" in pupil
    assert f'<a href="{html.escape(today)}" id="back">' in pupil

    # Only a path inside this portal: anything else falls back to Today on the chosen day.
    pupil_id = urlsplit(href).path.rsplit("/", 1)[1]
    for hostile in (
        "https://evil.example/",
        "//evil.example/school/",
        "/la/schools/1",
        "/school/\\\\x",
    ):
        page = (
            await client.get(
                f"/school/pupils/{pupil_id}", params={"on": "2025-01-20", "back": hostile}
            )
        ).text
        back = re.search(r'<a href="([^"]*)" id="back">', page)
        assert back and unquote(html.unescape(back.group(1))) == "/school/today?on=2025-01-20"


async def test_pupil_page_on_a_day_that_is_not_a_school_day(
    client: httpx.AsyncClient, world: World
) -> None:
    await import_register(world)
    await sign_in(client, "ao.a@test.example")
    page = (await client.get("/school/pupils?q=" + G5_N7.upn)).text
    pupil_id = re.search(r'href="/school/pupils/(\d+)', page)
    assert pupil_id
    weekend = (await client.get(f"/school/pupils/{pupil_id.group(1)}?on=2025-01-18")).text
    assert "Saturday 18 January 2025 is not a school day" in weekend
    earlier = (await client.get(f"/school/pupils/{pupil_id.group(1)}?on=2025-01-14")).text
    # On Tuesday 14th the run was 7 days (5 G, 2 N) and unexplained for 2.
    assert "Absent <strong>7</strong> school days in a row, since 06/01/2025" in earlier
    assert 'aria-current="date"' in earlier and 'data-date="2025-01-14"' in earlier
