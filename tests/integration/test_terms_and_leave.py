"""Term dates (LA administrators) and leave of absence (school staff), on both engines."""

from __future__ import annotations

import html
import json
from datetime import date

import httpx
import pytest

from cme.access import Viewer
from cme.errors import Conflict, NotFound, Refused
from cme.leave import LeaveForm
from cme.storage import accounts, calendar_facts
from cme.storage.tables import Account, AuditEvent, LaTerm, LeaveOfAbsence
from cme.terms import TermForm, demo_terms
from tests.integration.helpers import World, csrf_token, post_form, sign_in

PAGE = "/la/admin/terms"


async def _viewer(email: str) -> Viewer:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return await accounts.viewer_for_account(row["id"])


async def _audit(action: str) -> list[dict[str, object]]:
    rows = await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id)
    return [{**r, "detail": json.loads(r["detail"])} for r in rows]


def _text(response: httpx.Response) -> str:
    return html.unescape(response.text)


# --- term dates ---


async def test_admin_adds_lists_and_removes_terms_with_a_confirmation(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    empty = await client.get(PAGE)
    assert empty.status_code == 200 and 'id="no-terms"' in empty.text
    for name, first, last in (
        ("Autumn 1", "2026-09-03", "2026-10-23"),
        ("Autumn 2", "02/11/2026", "18/12/2026"),
        ("Summer 2", "2026-06-01", "2026-07-22"),
    ):
        added = await post_form(
            client, PAGE, PAGE, {"name": name, "first_day": first, "last_day": last}
        )
        assert added.status_code == 303 and added.headers["location"] == f"{PAGE}?added=1"
    page = await client.get(f"{PAGE}?added=1")
    text = _text(page)
    assert "Term added." in text
    assert text.index("2025 to 2026") < text.index("Summer 2") < text.index("2026 to 2027")
    assert text.index("Autumn 1") < text.index("Autumn 2")
    assert "Thu 03/09/2026" in text and "Fri 18/12/2026" in text
    assert await calendar_facts.term_dates(world.la_id) == [
        (date(2026, 6, 1), date(2026, 7, 22)),
        (date(2026, 9, 3), date(2026, 10, 23)),
        (date(2026, 11, 2), date(2026, 12, 18)),
    ]

    term = await LaTerm.select(LaTerm.id).where(LaTerm.name == "Autumn 2").first()
    confirm = await client.get(f"{PAGE}/{term['id']}/remove")
    assert confirm.status_code == 200
    assert "Remove Autumn 2?" in confirm.text and "Yes, remove this term" in confirm.text
    assert await LaTerm.count() == 3, "opening the confirmation removes nothing"
    removed = await client.post(
        f"{PAGE}/{term['id']}/remove", data={"_csrf_token": csrf_token(confirm.text)}
    )
    assert removed.status_code == 303
    assert "Term removed." in (await client.get(removed.headers["location"])).text
    assert len(await calendar_facts.term_dates(world.la_id)) == 2

    admin = (await _viewer("admin@test.example")).user_id
    added_rows = await _audit("term.added")
    assert [r["detail"]["name"] for r in added_rows] == ["Autumn 1", "Autumn 2", "Summer 2"]
    assert all(r["account"] == admin and r["la"] == world.la_id for r in added_rows)
    (gone,) = await _audit("term.removed")
    assert gone["detail"] == {
        "term": term["id"],
        "name": "Autumn 2",
        "first_day": "2026-11-02",
        "last_day": "2026-12-18",
    }
    trail = _text(await client.get("/la/admin/audit"))
    assert "Term dates removed: Autumn 2 (02/11/2026 to 18/12/2026)" in trail


async def test_overlapping_or_backwards_terms_are_refused_in_words(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    form = {"name": "Autumn 1", "first_day": "2026-09-03", "last_day": "2026-10-23"}
    assert (await post_form(client, PAGE, PAGE, form)).status_code == 303

    clash = {"name": "Autumn 2", "first_day": "2026-10-23", "last_day": "2026-12-18"}
    refused = await post_form(client, PAGE, PAGE, clash)
    assert refused.status_code == 400
    text = _text(refused)
    assert "These dates overlap Autumn 1 (03/09/2026 to 23/10/2026)" in text
    assert 'value="Autumn 2"' in refused.text and 'value="2026-12-18"' in refused.text

    backwards = {"name": "Spring 1", "first_day": "2027-02-12", "last_day": "2027-01-04"}
    refused = await post_form(client, PAGE, PAGE, backwards)
    assert refused.status_code == 400
    assert "The last day (04/01/2027) is before the first day (12/02/2027)." in _text(refused)
    assert 'id="last_day-error"' in refused.text

    nonsense = {"name": "", "first_day": "soon", "last_day": ""}
    refused = await post_form(client, PAGE, PAGE, nonsense)
    assert refused.status_code == 400 and "is not a date" in _text(refused)

    assert await LaTerm.count() == 1
    assert len(await _audit("term.added")) == 1


async def test_another_las_term_is_not_found(client: httpx.AsyncClient, world: World) -> None:
    theirs = await LaTerm.insert(
        LaTerm(
            la=world.other_la_id,
            name="Their autumn",
            first_day=date(2026, 9, 3),
            last_day=date(2026, 10, 23),
        )
    ).returning(LaTerm.id)
    term_id = theirs[0]["id"]
    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE)
    assert "Their autumn" not in page.text
    assert (await client.get(f"{PAGE}/{term_id}/remove")).status_code == 404
    response = await client.post(
        f"{PAGE}/{term_id}/remove", data={"_csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 404
    assert await LaTerm.count() == 1
    admin = await _viewer("admin@test.example")
    with pytest.raises(NotFound):
        await calendar_facts.remove_term(admin, term_id)


@pytest.mark.parametrize("email", ["cme@test.example", "ao.a@test.example", "dsl.a@test.example"])
async def test_only_la_administrators_keep_term_dates(
    client: httpx.AsyncClient, world: World, email: str
) -> None:
    await LaTerm.insert(
        LaTerm(
            la=world.la_id, name="Autumn 1", first_day=date(2026, 9, 3), last_day=date(2026, 10, 23)
        )
    )
    term_id = (await LaTerm.select(LaTerm.id).first())["id"]
    await sign_in(client, email)
    assert (await client.get(PAGE)).status_code in (403, 404)
    assert (await client.get(f"{PAGE}/{term_id}/remove")).status_code in (403, 404)
    home = await client.get("/la" if email.startswith("cme") else "/school", follow_redirects=True)
    token = csrf_token(home.text)
    added = await client.post(
        PAGE,
        data={
            "name": "X",
            "first_day": "2027-01-04",
            "last_day": "2027-02-12",
            "_csrf_token": token,
        },
    )
    assert added.status_code in (403, 404)
    removed = await client.post(f"{PAGE}/{term_id}/remove", data={"_csrf_token": token})
    assert removed.status_code in (403, 404)
    assert await LaTerm.count() == 1
    with pytest.raises(Refused):
        await calendar_facts.add_term(
            await _viewer(email), TermForm("X", "2027-01-04", "2027-02-12")
        )


async def test_demo_terms_seed_once(world: World) -> None:
    assert await calendar_facts.seed_demo_terms(world.la_id, [2025, 2026]) == 12
    assert await calendar_facts.seed_demo_terms(world.la_id, [2025, 2026]) == 0
    dates = await calendar_facts.term_dates(world.la_id)
    assert dates == [(a, b) for y in (2025, 2026) for _, a, b in demo_terms(y)]
    assert await calendar_facts.term_dates(world.other_la_id) == []


# --- leave of absence ---

LEAVE = {"starts_on": "2026-11-02", "return_on": "2026-11-16", "reason": "Family funeral abroad"}


async def test_school_staff_record_leave_shown_on_the_pupil_page(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "ao.a@test.example")
    pupil_page = f"/school/pupils/{world.pupil_a}"
    before = await client.get(pupil_page)
    assert before.status_code == 200
    assert "Record leave of absence" in before.text and 'id="no-leave"' in before.text

    recorded = await post_form(client, pupil_page, f"{pupil_page}/leave", LEAVE)
    assert recorded.status_code == 303
    assert recorded.headers["location"] == f"{pupil_page}#leave"
    page = await client.get(recorded.headers["location"])
    text = _text(page)
    assert "02/11/2026" in text and "16/11/2026" in text and "Family funeral abroad" in text
    ao = await _viewer("ao.a@test.example")
    assert ao.display_name in text

    leaves = await calendar_facts.leaves_for(world.pupil_a)
    assert [(x.starts_on, x.return_on, x.reason) for x in leaves] == [
        (date(2026, 11, 2), date(2026, 11, 16), "Family funeral abroad")
    ]
    assert await calendar_facts.leaves_for_school(world.school_a) == {world.pupil_a: leaves}
    (row,) = await _audit("leave.recorded")
    assert row["account"] == ao.user_id and row["school"] == world.school_a
    assert row["detail"] == {
        "leave": leaves[0].id,
        "pupil_id": world.pupil_a,
        "upn": "A370200124000",
        "starts_on": "2026-11-02",
        "return_on": "2026-11-16",
    }, "the reason stays on the leave, out of the LA's audit trail"

    # The LA's CME officer sees it, without the form.
    await sign_in(client, "cme@test.example")
    la_view = await client.get(f"/la/pupils/{world.pupil_a}")
    assert la_view.status_code == 200
    assert "Family funeral abroad" in la_view.text
    assert "Record leave of absence" not in la_view.text


async def test_leave_mistakes_are_shown_beside_the_field_and_nothing_is_saved(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "dsl.a@test.example")
    pupil_page = f"/school/pupils/{world.pupil_a}"
    backwards = {**LEAVE, "return_on": "2026-10-30"}
    refused = await post_form(client, pupil_page, f"{pupil_page}/leave", backwards)
    assert refused.status_code == 400
    text = _text(refused)
    assert "The expected return date (30/10/2026) is before the leave starts (02/11/2026)." in text
    assert 'id="return_on-error"' in refused.text and "Family funeral abroad" in text
    no_reason = await post_form(client, pupil_page, f"{pupil_page}/leave", {**LEAVE, "reason": ""})
    assert no_reason.status_code == 400 and 'id="reason-error"' in no_reason.text

    assert (await post_form(client, pupil_page, f"{pupil_page}/leave", LEAVE)).status_code == 303
    again = await post_form(client, pupil_page, f"{pupil_page}/leave", LEAVE)
    assert again.status_code == 400
    assert "This child already has leave from 02/11/2026 to 16/11/2026." in _text(again)
    assert await LeaveOfAbsence.count() == 1
    assert len(await _audit("leave.recorded")) == 1


async def test_another_schools_pupil_or_leave_is_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    ao_b = await _viewer("ao.b@test.example")
    leave = await calendar_facts.record_leave(ao_b, world.pupil_b, LeaveForm(**LEAVE))
    await sign_in(client, "ao.a@test.example")
    own = f"/school/pupils/{world.pupil_a}"
    for pupil in (world.pupil_b, world.pupil_other_la):
        response = await post_form(client, own, f"/school/pupils/{pupil}/leave", LEAVE)
        assert response.status_code == 404
        assert (await client.get(f"/school/pupils/{pupil}/leave")).status_code == 404
    other = f"/school/pupils/{world.pupil_b}/leave/{leave.id}/withdraw"
    assert (await client.get(other)).status_code == 404
    assert (await post_form(client, own, other, {})).status_code == 404
    mixed = f"/school/pupils/{world.pupil_a}/leave/{leave.id}/withdraw"
    assert (await post_form(client, own, mixed, {})).status_code == 404
    assert await LeaveOfAbsence.count() == 1
    assert len(await calendar_facts.leaves_for(world.pupil_b)) == 1

    ao_a = await _viewer("ao.a@test.example")
    with pytest.raises(NotFound):
        await calendar_facts.record_leave(ao_a, world.pupil_b, LeaveForm(**LEAVE))
    with pytest.raises(NotFound):
        await calendar_facts.withdraw_leave(ao_a, leave.id)
    with pytest.raises(Refused):
        await calendar_facts.record_leave(
            await _viewer("cme@test.example"), world.pupil_a, LeaveForm(**LEAVE)
        )


async def test_withdrawing_leave_asks_first_and_is_audited(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "ao.a@test.example")
    pupil_page = f"/school/pupils/{world.pupil_a}"
    await post_form(client, pupil_page, f"{pupil_page}/leave", LEAVE)
    (leave,) = await calendar_facts.leaves_for(world.pupil_a)
    withdraw = f"{pupil_page}/leave/{leave.id}/withdraw"
    assert f'href="{withdraw}"' in (await client.get(pupil_page)).text
    confirm = await client.get(withdraw)
    assert confirm.status_code == 200 and "Yes, withdraw this leave" in confirm.text
    assert len(await calendar_facts.leaves_for(world.pupil_a)) == 1
    done = await client.post(withdraw, data={"_csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 303
    assert await calendar_facts.leaves_for(world.pupil_a) == []
    assert await calendar_facts.leaves_for_school(world.school_a) == {}
    assert await LeaveOfAbsence.count() == 1, "kept, marked withdrawn"
    assert "Family funeral abroad" not in (await client.get(pupil_page)).text
    (row,) = await _audit("leave.withdrawn")
    assert row["detail"]["leave"] == leave.id and row["detail"]["pupil_id"] == world.pupil_a
    assert (await client.get(withdraw)).status_code == 404, "already withdrawn"
    with pytest.raises(Conflict):
        await calendar_facts.withdraw_leave(await _viewer("ao.a@test.example"), leave.id)
