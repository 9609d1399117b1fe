"""Notices: who gets them, no duplicates, marking read, the page and the header count."""

from __future__ import annotations

import re

import httpx
import pytest

from cme.errors import NotFound
from cme.notices import NoticeKind
from cme.roles import Role
from cme.storage import accounts, notifications
from cme.storage.engine import write_transaction
from cme.storage.tables import Account, EmailOutbox, Notification
from tests.integration.helpers import PASSWORD, World, csrf_token, sign_in


async def _account_id(email: str) -> int:
    rows = await Account.select(Account.id).where(Account.email == email)
    return int(rows[0]["id"])


async def _notify(kind: NoticeKind, **kwargs: object) -> int:
    async with write_transaction():
        return await notifications.notify(kind, **kwargs)  # type: ignore[arg-type]


async def _owners() -> list[str]:
    rows = await Notification.select(Notification.account.email).order_by(Notification.id)
    return [r["account.email"] for r in rows]


async def test_a_school_notice_reaches_that_schools_dsls_only(world: World) -> None:
    await accounts.add_account(
        email="dsl.b@test.example", password=PASSWORD, role="dsl", school_urn="100002"
    )
    await accounts.add_account(
        email="dsl2.a@test.example", password=PASSWORD, role="dsl", school_urn="100001"
    )
    written = await _notify(
        NoticeKind.REFER_NOW,
        la_id=world.la_id,
        school_id=world.school_a,
        roles={Role.DSL},
        link="/school/cases/7",
        case_id=7,
    )
    assert written == 2
    assert sorted(await _owners()) == ["dsl.a@test.example", "dsl2.a@test.example"]
    # No email is configured here, so nothing waits in the outbox.
    assert await EmailOutbox.count() == 0


async def test_an_la_notice_reaches_that_las_cme_officers_only(world: World) -> None:
    written = await _notify(
        NoticeKind.CASE_HANDED_OFF,
        la_id=world.la_id,
        school_id=None,
        roles={Role.CME_OFFICER},
        link="/la/cases/3",
        case_id=3,
    )
    assert written == 1
    assert await _owners() == ["cme@test.example"]


async def test_deactivated_accounts_get_no_notice(world: World) -> None:
    await Account.update({Account.active: False}).where(Account.email == "dsl.a@test.example")
    written = await _notify(
        NoticeKind.STEP_OVERDUE,
        la_id=world.la_id,
        school_id=world.school_a,
        roles={Role.DSL},
        link="/school/cases/1",
        case_id=1,
    )
    assert written == 0


async def test_an_unread_notice_is_not_repeated_but_a_read_one_may_be(world: World) -> None:
    args = {
        "la_id": world.la_id,
        "school_id": world.school_a,
        "roles": {Role.DSL, Role.ATTENDANCE_OFFICER},
        "link": "/school/cases/9",
        "case_id": 9,
    }
    assert await _notify(NoticeKind.STEP_OVERDUE, **args) == 2
    assert await _notify(NoticeKind.STEP_OVERDUE, **args) == 0
    # Another kind, or another case, is news.
    assert await _notify(NoticeKind.REFER_NOW, **args) == 2
    assert await _notify(NoticeKind.STEP_OVERDUE, **{**args, "case_id": 10}) == 2
    assert await Notification.count() == 6
    # Once read, a new overdue step on the same case is told again.
    dsl = await _account_id("dsl.a@test.example")
    await Notification.update({Notification.read_at: Notification.created_at}).where(
        Notification.account == dsl
    )
    assert await _notify(NoticeKind.STEP_OVERDUE, **args) == 1


async def test_the_database_refuses_a_second_unread_notice_for_the_same_case(
    world: World,
) -> None:
    # What keeps two transactions notifying at once from both writing one.
    dsl = await _account_id("dsl.a@test.example")
    row = {"account": dsl, "kind": "refer_now", "link": "/x", "case_id": 4}
    await Notification.insert(Notification(**row))
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Notification.insert(Notification(**row))
    # notify's insert skips such a row rather than undo the caller's change.
    skipped = await (
        Notification.insert(Notification(**row))
        .on_conflict(action="DO NOTHING")
        .returning(Notification.id)
    )
    assert skipped == []
    assert await Notification.count() == 1


async def test_notify_must_run_inside_the_changes_transaction(world: World) -> None:
    with pytest.raises(notifications.NotifyOutsideTransaction):
        await notifications.notify(
            NoticeKind.REFER_NOW,
            la_id=world.la_id,
            school_id=world.school_a,
            roles={Role.DSL},
            link="/school/cases/1",
            case_id=1,
        )


@pytest.mark.parametrize("link", ["https://elsewhere.example/", "//elsewhere.example", "x"])
async def test_a_notice_links_only_inside_the_tracker(world: World, link: str) -> None:
    with pytest.raises(ValueError, match="page of the tracker"):
        await _notify(
            NoticeKind.REFER_NOW,
            la_id=world.la_id,
            school_id=world.school_a,
            roles={Role.DSL},
            link=link,
        )


async def _two_notices(world: World) -> None:
    for case_id in (1, 2):
        await _notify(
            NoticeKind.REFER_NOW,
            la_id=world.la_id,
            school_id=world.school_a,
            roles={Role.DSL},
            link=f"/school/cases/{case_id}",
            case_id=case_id,
        )


async def test_the_header_of_every_page_counts_unread_notices(
    client: httpx.AsyncClient, world: World
) -> None:
    await _two_notices(world)
    await sign_in(client, "dsl.a@test.example")
    for path in ("/school/today", "/school/pupils", "/no/such/page"):
        page = (await client.get(path)).text
        assert 'aria-label="Notifications: 2 unread">Notifications (2)</a>' in page, path

    client.cookies.clear()
    await sign_in(client, "ao.a@test.example")
    page = (await client.get("/school/today")).text
    assert 'aria-label="Notifications: none unread">Notifications</a>' in page


async def test_opening_a_notice_marks_it_read_and_goes_to_its_page(
    client: httpx.AsyncClient, world: World
) -> None:
    await _two_notices(world)
    await sign_in(client, "dsl.a@test.example")
    page = await client.get("/notifications")
    assert page.status_code == 200
    labels = re.findall(r'<button type="submit" class="link">([^<]+)</button>', page.text)
    words = NoticeKind.REFER_NOW.label.replace("'", "&#39;")
    assert labels[1:] == [f"{words} (case 2)", f"{words} (case 1)"]  # after "Sign out"
    assert page.text.count("<strong>Unread: </strong>") == 2
    # Newest first: case 2's notice is the first form.
    ids = [int(i) for i in re.findall(r'action="/notifications/(\d+)/open"', page.text)]
    assert ids == sorted(ids, reverse=True)

    opened = await client.post(
        f"/notifications/{ids[0]}/open", data={"_csrf_token": csrf_token(page.text)}
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == "/school/cases/2"
    page = await client.get("/notifications")
    assert page.text.count("<strong>Unread: </strong>") == 1
    assert "Notifications (1)" in page.text

    done = await client.post("/notifications/read-all", data={"_csrf_token": csrf_token(page.text)})
    assert done.status_code == 303
    page = await client.get("/notifications")
    assert "<strong>Unread: </strong>" not in page.text
    assert "Nothing unread of 2" in page.text
    assert "Mark all as read" not in page.text


async def test_another_persons_notice_is_not_found(client: httpx.AsyncClient, world: World) -> None:
    await _two_notices(world)
    theirs = (await Notification.select(Notification.id).first())["id"]  # type: ignore[index]
    await sign_in(client, "ao.a@test.example")
    page = await client.get("/notifications")
    assert "You have no notifications" in page.text
    answer = await client.post(
        f"/notifications/{theirs}/open", data={"_csrf_token": csrf_token(page.text)}
    )
    assert answer.status_code == 404
    assert await Notification.count().where(Notification.read_at.is_null()) == 2
    # Marking all read touches only one's own.
    await client.post("/notifications/read-all", data={"_csrf_token": csrf_token(page.text)})
    assert await Notification.count().where(Notification.read_at.is_null()) == 2


async def test_mark_read_refuses_someone_elses_notice_in_storage(world: World) -> None:
    await _two_notices(world)
    theirs = (await Notification.select(Notification.id).first())["id"]  # type: ignore[index]
    cme = await accounts.viewer_for_account(await _account_id("cme@test.example"))
    with pytest.raises(NotFound):
        await notifications.mark_read(cme, theirs)


async def test_an_la_administrator_has_an_empty_page(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    page = await client.get("/notifications")
    assert page.status_code == 200
    assert "You have no notifications" in page.text
    assert 'aria-current="page" aria-label="Notifications: none unread"' in page.text
    assert (await client.get("/notifications?page=2")).status_code == 400
    assert (await client.get("/notifications?page=x")).status_code == 400


async def test_signed_out_the_page_asks_to_sign_in(client: httpx.AsyncClient, world: World) -> None:
    answer = await client.get("/notifications")
    assert answer.status_code in (302, 303, 307)
    assert "/signin" in answer.headers["location"]
