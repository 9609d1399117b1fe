"""The audit trail page for LA administrators: events in words, filters and paging done by
the database, an export of exactly the filtered rows (itself audited), and never another LA's
events."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from cme.events import Action
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.tables import Account, AuditEvent
from tests.integration.helpers import World, sign_in

PAGE = "/la/admin/audit"


async def _account(email: str) -> int:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return int(row["id"])


async def _event(
    action: Action,
    at: datetime,
    *,
    la_id: int | None,
    school_id: int | None = None,
    account_id: int | None = None,
    **detail: Any,
) -> None:
    async with write_transaction():
        await audit.record(
            action, la_id=la_id, school_id=school_id, account_id=account_id, **detail
        )
    # Set the time the way a past event would carry it: the newest row is the one just added.
    newest = await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id, ascending=False).first()
    await AuditEvent.update({AuditEvent.at: at}).where(AuditEvent.id == newest["id"])


def _main(page: httpx.Response) -> str:
    text = page.text
    return html.unescape(text[text.index("<main") : text.index("</main>")])


def _rows(page: httpx.Response) -> int:
    body = page.text[page.text.index("<tbody>") : page.text.index("</tbody>")]
    return body.count("<tr>")


async def test_events_read_in_words_never_as_json(client: httpx.AsyncClient, world: World) -> None:
    ao = await _account("ao.a@test.example")
    admin = await _account("admin@test.example")
    cme = await _account("cme@test.example")
    at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    await _event(
        Action.REGISTER_IMPORTED,
        at,
        la_id=world.la_id,
        school_id=world.school_a,
        upload=7,
        pupils=48,
        marks_added=900,
        marks_changed=4,
    )
    await _event(
        Action.ACCOUNT_DEACTIVATED,
        at,
        la_id=world.la_id,
        account_id=admin,
        account=ao,
        email="jo@school.example",
        sessions_ended=2,
    )
    await _event(
        Action.ACCOUNT_EDITED,
        at,
        la_id=world.la_id,
        account_id=admin,
        account=ao,
        email="ao.a@test.example",
        changes={"role": ["attendance_officer", "dsl"], "school": ["100001", "100002"]},
    )
    await _event(
        Action.PUPIL_VIEWED,
        at,
        la_id=world.la_id,
        school_id=world.school_a,
        account_id=cme,
        pupil_id=world.pupil_a,
        upn="A370200124000",
        on="2026-11-02",
    )
    await _event(
        Action.POLICY_CHANGED,
        at,
        la_id=world.la_id,
        account_id=admin,
        changes={"sickness_school_days": [15, 12]},
        reason_given="Agreed by the board",
    )

    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE)
    assert page.status_code == 200
    main = _main(page)
    assert "Register imported: 48 pupils, 4 marks changed" in main
    assert "Marks added: 900" in main
    assert "User deactivated: jo@school.example" in main
    assert "Sessions ended: 2" in main
    assert "Role: Attendance officer \u2192 Designated safeguarding lead" in main
    assert "Child's record viewed: Example, Testchild0 (UPN A370200124000)" in main
    assert "Day shown: 02/11/2026" in main
    assert "Sickness absence reported to the LA: 15 \u2192 12 school days" in main
    assert "Reason given: Agreed by the board" in main, "unknown keys in words"
    words = re.sub(r"<[^>]+>", " ", main)
    assert "{" not in words and "}" not in words and '":' not in words, "never raw JSON"


async def test_an_admin_never_sees_another_las_events(
    client: httpx.AsyncClient, world: World
) -> None:
    at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    await _event(
        Action.REGISTER_UPLOADED,
        at,
        la_id=world.la_id,
        school_id=world.school_a,
        filename="ours.csv",
        size=10,
    )
    await _event(
        Action.REGISTER_UPLOADED,
        at,
        la_id=world.other_la_id,
        school_id=world.school_other_la,
        filename="theirs.csv",
        size=10,
    )
    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE)
    assert "ours.csv" in page.text
    assert "theirs.csv" not in page.text
    asked = await client.get(PAGE, params={"school": str(world.school_other_la)})
    assert "theirs.csv" not in asked.text and "No events" in asked.text
    download = await client.get(f"{PAGE}/download")
    book = load_workbook(io.BytesIO(download.content))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert any("ours.csv" in str(c) for c in cells)
    assert not any("theirs.csv" in str(c) for c in cells)


async def _history(world: World) -> dict[str, int]:
    """120 uploads by ao.a at school A, one a day from 1 Sept 2026, 30 sign-ins by the CME
    officer, and one formula-looking file name."""
    ao = await _account("ao.a@test.example")
    cme = await _account("cme@test.example")
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    for n in range(120):
        await _event(
            Action.REGISTER_UPLOADED,
            start + timedelta(days=n),
            la_id=world.la_id,
            school_id=world.school_a,
            account_id=ao,
            filename=f'=HYPERLINK("x")-{n:03}.csv' if n == 5 else f"register-{n:03}.csv",
            size=2048,
        )
    for n in range(30):
        await _event(
            Action.SIGNIN, start + timedelta(days=n, hours=1), la_id=world.la_id, account_id=cme
        )
    return {"ao": ao, "cme": cme}


async def test_filters_and_paging_over_the_whole_history(
    client: httpx.AsyncClient, world: World
) -> None:
    ids = await _history(world)
    await sign_in(client, "admin@test.example")

    everything = await client.get(PAGE)
    # The 150 events above, plus the world's own (accounts and schools added, sign-ins).
    total = await AuditEvent.count().where(AuditEvent.la == world.la_id)
    assert total > 150
    assert f"of {total}" in everything.text and _rows(everything) == 50
    pages = -(-total // 50)
    last = await client.get(PAGE, params={"page": str(pages)})
    shown = total - (pages - 1) * 50
    assert f"events {total - shown + 1} to {total} of {total}" in last.text
    assert _rows(last) == shown
    assert "Older events" not in last.text and "Newer events" in last.text

    uploads = {"who": str(ids["ao"]), "what": Action.REGISTER_UPLOADED.value}
    first = await client.get(PAGE, params=uploads)
    assert "of 120" in first.text
    assert "register-119.csv" in first.text and "register-069.csv" not in first.text
    older = re.search(r'href="(/la/admin/audit\?[^"]*page=2[^"]*)"', first.text)
    assert older, "a link to the older events"
    second = await client.get(html.unescape(older.group(1)))
    assert "events 51 to 100 of 120" in second.text
    assert "register-069.csv" in second.text and "register-119.csv" not in second.text
    assert "Signed in" not in _main(second).split("</form>")[1], "the filter is kept"

    signins = await client.get(PAGE, params={"what": Action.SIGNIN.value, "who": str(ids["cme"])})
    assert "of 30" in signins.text

    # UK dates, both days included: 1 to 10 October is 10 uploads and 0 sign-ins.
    october = await client.get(
        PAGE,
        params={"since": "01/10/2026", "until": "10/10/2026", "school": str(world.school_a)},
    )
    assert "of 10" in october.text
    assert "register-030.csv" in october.text and "register-039.csv" in october.text
    assert "register-029.csv" not in october.text and "register-040.csv" not in october.text


async def test_a_bad_date_is_explained_beside_its_field_and_kept(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE, params={"since": "31/02/2026", "until": "yesterday"})
    assert page.status_code == 400
    assert 'id="since-error"' in page.text and 'id="until-error"' in page.text
    assert "From: enter a date such as 05/11/2026." in page.text
    assert 'value="31/02/2026"' in page.text and 'value="yesterday"' in page.text
    backwards = await client.get(PAGE, params={"since": "10/10/2026", "until": "01/10/2026"})
    assert backwards.status_code == 400
    assert "before the" in backwards.text


async def test_export_holds_exactly_the_filtered_rows_and_is_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    ids = await _history(world)
    await sign_in(client, "admin@test.example")
    chosen = {
        "who": str(ids["ao"]),
        "what": Action.REGISTER_UPLOADED.value,
        "since": "01/09/2026",
        "until": "30/09/2026",
    }
    page = await client.get(PAGE, params=chosen)
    assert "of 30" in page.text
    link = re.search(r'href="(/la/admin/audit/download[^"]*)"', page.text)
    assert link
    assert not await AuditEvent.exists().where(AuditEvent.action == Action.LIST_DOWNLOADED.value)
    download = await client.get(html.unescape(link.group(1)))
    assert download.status_code == 200
    assert download.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:F{sheet.max_row}"
    assert [c.value for c in sheet[2]][:3] == ["When (UK time)", "Who", "What"]
    data = list(sheet.iter_rows(min_row=3, values_only=True))
    names = sorted(re.match(r"Register uploaded: (.*) \(2 KB\)$", row[4]).group(1) for row in data)
    expected = sorted(
        f'=HYPERLINK("x")-{n:03}.csv' if n == 5 else f"register-{n:03}.csv" for n in range(30)
    )
    assert names == expected, "exactly the filtered rows"
    assert all(row[2] == "Register uploaded" for row in data)
    # A file name that looks like a formula stays text.

    logged = await AuditEvent.select(AuditEvent.account, AuditEvent.la, AuditEvent.detail).where(
        AuditEvent.action == Action.LIST_DOWNLOADED.value
    )
    assert len(logged) == 1
    detail = json.loads(logged[0]["detail"])
    assert logged[0]["account"] == await _account("admin@test.example")
    assert logged[0]["la"] == world.la_id
    assert detail["list"] == "audit" and detail["events"] == 30
    assert detail["filters"]["Who"] == "ao.a@test.example"

    after = await client.get(PAGE, params={"what": Action.LIST_DOWNLOADED.value})
    assert "Audit trail downloaded: 30 events" in _main(after)
    assert "Who: ao.a@test.example" in _main(after)


async def test_text_in_the_export_never_becomes_a_formula(
    client: httpx.AsyncClient, world: World
) -> None:
    from cme.storage import organisations

    await organisations.add_school("100009", "=SUM(1,2) School", "370")
    await sign_in(client, "admin@test.example")
    download = await client.get(f"{PAGE}/download", params={"what": "school.added"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if c.value == "=SUM(1,2) School"]
    assert cells, "the school's name is in the export"
    assert all(c.data_type == "s" for c in cells)


async def test_only_la_administrators_open_the_audit_trail(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "cme@test.example")
    assert (await client.get(PAGE)).status_code == 403
    assert (await client.get(f"{PAGE}/download")).status_code == 403


async def test_a_capped_download_says_so_on_the_page_and_in_the_file(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from la_portal import audit as audit_page

    monkeypatch.setattr(audit_page, "EXPORT_CAP", 3)
    await sign_in(client, "admin@test.example")
    total = await AuditEvent.count().where(AuditEvent.la == world.la_id)
    assert total > 3
    page = await client.get(PAGE)
    assert "Download the newest 3 of these events" in page.text
    assert "More than 3 events match" in page.text
    sheet = load_workbook(io.BytesIO((await client.get(f"{PAGE}/download")).content)).active
    assert f"{total:,} events match; this download holds the newest 3" in sheet["A2"].value
    assert sheet.freeze_panes == "A4" and sheet.max_row == 3 + 3
