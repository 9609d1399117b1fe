"""The case pages over HTTP, on both engines: each role sees the page and only its own forms,
forms carry CSRF tokens and post back to the page with a notice, a refused form is shown again
with its message, lists and their download, and scoping (404) and role guards (403)."""

from __future__ import annotations

import html
import io
import re

import httpx
from openpyxl import load_workbook

from cme.storage.tables import Case, CaseEvent, Pupil, PupilStatusVersion
from tests.integration.helpers import World, csrf_token, sign_in
from tests.integration.test_case_actions import DAY_ONE, open_case

CASE_FORMS = re.compile(r'<form method="post" action="/(?:school|la)/cases/\d+/([a-z-]+)"')


def forms_on(page: str) -> set[str]:
    return set(CASE_FORMS.findall(page))


def text_of(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


async def post(
    client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, str | list[str]]
) -> httpx.Response:
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**data, "_csrf_token": csrf_token(page.text)})


async def test_each_role_sees_the_case_and_only_its_own_forms(
    client: httpx.AsyncClient, world: World
) -> None:
    case_id = await open_case(world.pupil_a, world.school_a, world.la_id)
    url = f"/school/cases/{case_id}"
    await sign_in(client, "ao.a@test.example")
    page = await client.get(url)
    assert page.status_code == 200, page.text
    assert "Testchild0 Example" in page.text
    assert f'href="/school/pupils/{world.pupil_a}"' in page.text
    assert 'name="_csrf_token"' in page.text
    assert forms_on(page.text) == {"contact", "school-enquiry", "note"}
    body = text_of(page.text)
    assert "Contact the parents or carers" in body  # the clock, in words
    assert "contact_parents" not in body
    assert "No reasonable enquiries by the school are recorded." in body

    await client.post("/signout", data={"_csrf_token": csrf_token(page.text)})
    await sign_in(client, "dsl.a@test.example")
    page = await client.get(url)
    assert forms_on(page.text) == {
        "contact",
        "screen",
        "referral",
        "school-enquiry",
        "no-sickness",
        "hand-off",
        "note",
        "close",
        "remove",
    }


async def test_forms_post_back_to_the_case_with_a_notice(
    client: httpx.AsyncClient, world: World
) -> None:
    case_id = await open_case(world.pupil_a, world.school_a, world.la_id)
    url = f"/school/cases/{case_id}"
    await sign_in(client, "dsl.a@test.example")
    done = await post(
        client,
        url,
        f"{url}/contact",
        {
            "contact-who": "Ann Example (mother)",
            "contact-via": "07700 900123",
            "contact-method": "phone",
            "contact-outcome": "No answer, message left",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == url
    page = await client.get(url)
    assert "Contact attempt recorded." in page.text
    timeline = text_of(page.text.split('id="timeline"')[1])
    assert "Contact attempt with parents or carers" in timeline
    assert "Ann Example (mother)" in timeline and "Phone call" in timeline

    done = await post(
        client,
        url,
        f"{url}/screen",
        {"screen-must_refer": ["risk_person", "serious_attendance"], "screen-j_sudden": "yes"},
    )
    assert done.status_code == 303
    page = await client.get(url)
    assert "Refer to police and children's social care now" in html.unescape(page.text)
    assert 'data-testid="refer-now"' in page.text
    done = await post(
        client,
        url,
        f"{url}/referral",
        {
            "referral-agency": "both",
            "referral-made_on": DAY_ONE.isoformat(),
            "referral-made_by": "The DSL",
        },
    )
    assert done.status_code == 303
    page = await client.get(url)
    assert 'data-testid="refer-now"' not in page.text
    assert "Referral recorded." in page.text


async def test_a_refused_form_is_shown_again_with_its_message(
    client: httpx.AsyncClient, world: World
) -> None:
    case_id = await open_case(world.pupil_a, world.school_a, world.la_id)
    url = f"/school/cases/{case_id}"
    await sign_in(client, "dsl.a@test.example")
    page = await post(
        client,
        url,
        f"{url}/contact",
        {"contact-who": "", "contact-method": "phone", "contact-outcome": "kept text"},
    )
    assert page.status_code == 400
    assert "Say who you tried to contact." in page.text
    assert 'id="contact-who" name="contact-who"' in page.text
    assert "kept text" in page.text
    assert re.search(r'<details id="form-contact" open>', page.text)

    page = await post(client, url, f"{url}/remove", {"remove-confirm": "yes"})
    assert page.status_code == 400
    reasons = page.text.split('data-testid="refusal-reasons"')[1].split("</ul>")[0]
    assert reasons.count("<li>") == 6
    assert await Case.select(Case.status).where(Case.id == case_id).first() == {"status": "open"}
    assert await CaseEvent.count().where(CaseEvent.case == case_id) == 0


async def test_the_screen_shows_answers_from_the_pupils_record(
    client: httpx.AsyncClient, world: World
) -> None:
    from cme.storage.clock import utcnow

    await PupilStatusVersion.insert(
        PupilStatusVersion(
            pupil=world.pupil_a,
            status="child_protection_plan",
            value=True,
            valid_from=utcnow(),
            source="import",
        )
    )
    case_id = await open_case(world.pupil_a, world.school_a, world.la_id)
    await sign_in(client, "dsl.a@test.example")
    page = (await client.get(f"/school/cases/{case_id}")).text
    box = re.search(r'<input type="checkbox" id="screen-mr-child_protection_plan"[^>]*>', page)
    assert box and "checked" in box.group(0) and "disabled" in box.group(0)
    assert "From the pupil's record: Child protection plan" in html.unescape(page)


async def test_the_la_sees_handed_over_cases_and_records_its_side(
    client: httpx.AsyncClient, world: World
) -> None:
    case_id = await open_case(world.pupil_a, world.school_a, world.la_id)
    await sign_in(client, "dsl.a@test.example")
    school_url = f"/school/cases/{case_id}"
    done = await post(client, school_url, f"{school_url}/hand-off", {"hand_off-confirm": "yes"})
    assert done.status_code == 303
    page = await client.get(school_url)
    assert "hand-off" not in forms_on(page.text)
    await client.post("/signout", data={"_csrf_token": csrf_token(page.text)})

    await sign_in(client, "cme@test.example")
    listing = await client.get("/la/cases")
    assert listing.status_code == 200
    assert f'href="/la/cases/{case_id}"' in listing.text
    url = f"/la/cases/{case_id}"
    page = await client.get(url)
    assert page.status_code == 200
    assert forms_on(page.text) == {"la-enquiry", "joint-review", "note", "close"}
    done = await post(
        client,
        url,
        f"{url}/la-enquiry",
        {
            "la_enquiry-enquiry": "police",
            "la_enquiry-made_on": DAY_ONE.isoformat(),
            "la_enquiry-who": "CME officer",
            "la_enquiry-method": "phone",
            "la_enquiry-outcome": "Not known to police",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == url
    page = await client.get(url)
    assert "Enquiry recorded." in page.text
    row = page.text.split('data-enquiry="police"')[1].split("</tr>")[0]
    assert "Made" in row
    # The school's form addresses are not the LA's.
    refused = await post(client, url, f"{url}/contact", {"contact-who": "x"})
    assert refused.status_code == 404


async def test_scope_and_roles_guard_the_pages(client: httpx.AsyncClient, world: World) -> None:
    case_a = await open_case(world.pupil_a, world.school_a, world.la_id)
    await sign_in(client, "ao.b@test.example")
    assert (await client.get(f"/school/cases/{case_a}")).status_code == 404
    page = await client.get("/school/cases")
    refused = await client.post(
        f"/school/cases/{case_a}/note",
        data={"note-text": "x", "_csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 404
    assert (await client.get("/la/cases")).status_code == 403
    no_token = await client.post(f"/school/cases/{case_a}/note", data={"note-text": "x"})
    assert no_token.status_code == 403
    await client.post("/signout", data={"_csrf_token": csrf_token(page.text)})

    await sign_in(client, "admin@test.example")
    assert (await client.get("/la/cases")).status_code == 403
    assert (await client.get(f"/la/cases/{case_a}")).status_code == 403
    page = await client.get("/la")
    await client.post("/signout", data={"_csrf_token": csrf_token(page.text)})

    await sign_in(client, "cme.other@test.example")
    assert (await client.get(f"/la/cases/{case_a}")).status_code == 404


async def test_the_school_list_its_download_and_the_pupil_page_link(
    client: httpx.AsyncClient, world: World
) -> None:
    case_id = await open_case(world.pupil_a, world.school_a, world.la_id)
    await sign_in(client, "ao.a@test.example")
    listing = await client.get("/school/cases")
    assert listing.status_code == 200
    assert f'href="/school/cases/{case_id}"' in listing.text
    download = await client.get("/school/cases.xlsx")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    upn = (await Pupil.select(Pupil.upn).where(Pupil.id == world.pupil_a).first())["upn"]
    assert [r[0] for r in rows[2:]] == [upn]
    closed = await client.get("/school/cases?closed=1")
    assert closed.status_code == 200 and "Show open cases only" in closed.text
    pupil_page = await client.get(f"/school/pupils/{world.pupil_a}")
    assert f'href="/school/cases/{case_id}"' in pupil_page.text


async def test_removal_over_http_keeps_a_downloadable_return_and_lists_the_child(
    client: httpx.AsyncClient, world: World
) -> None:
    from datetime import date

    from cme.cases.case import ENQUIRIES_FAILED
    from cme.cases.enquiries import Side
    from cme.storage import case_actions as act
    from cme.storage import case_actions_end as end
    from cme.storage.clock import today
    from tests.integration.test_case_actions import load_register, the_case, viewer

    upn = await load_register(world, date(2025, 10, 10))
    case_id = await the_case(upn)
    dsl = await viewer("dsl.a@test.example")
    cme = await viewer("cme@test.example")
    enquiry = {"made_on": today(), "who": "x", "method": "phone", "outcome": "nothing"}
    await act.record_enquiry(dsl, case_id, side=Side.SCHOOL, enquiry="staff", **enquiry)
    await end.hand_off(dsl, case_id)
    await act.record_enquiry(cme, case_id, side=Side.LA, enquiry="police", **enquiry)
    await end.record_joint_review(
        cme, case_id, held_on=today(), school_dsl="a", cme_officer="b", decision=ENQUIRIES_FAILED
    )
    await act.record_no_sickness_reason(dsl, case_id, confirmed=True)

    await sign_in(client, "dsl.a@test.example")
    url = f"/school/cases/{case_id}"
    page = await client.get(url)
    assert 'data-testid="removal-allowed"' in page.text
    unconfirmed = await post(client, url, f"{url}/remove", {})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.text
    done = await post(client, url, f"{url}/remove", {"remove-confirm": "yes"})
    assert done.status_code == 303
    page = await client.get(url)
    assert "Removed from roll. The deletion return is ready" in page.text
    link = re.search(
        r'href="(/school/cases/\d+/documents/\d+)" data-testid="deletion-return"', page.text
    )
    assert link
    download = await client.get(link.group(1))
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(download.content)).active
    pupil = await Pupil.select().where(Pupil.upn == upn).first()
    assert pupil["legal_surname"] in str(sheet["A1"].value)
    same = await client.get(f"{url}/deletion-return.xlsx")
    assert same.content == download.content
    await client.post("/signout", data={"_csrf_token": csrf_token(page.text)})

    await sign_in(client, "cme@test.example")
    # The LA's list of children missing education holds the child; its open cases do not.
    missing = (await client.get("/la/cases?state=missing")).text
    assert f'href="/la/cases/{case_id}"' in missing
    assert f'href="/la/cases/{case_id}"' not in (await client.get("/la/cases")).text
    la_url = f"/la/cases/{case_id}"
    assert forms_on((await client.get(la_url)).text) == {"la-enquiry", "note", "found"}
    done = await post(client, la_url, f"{la_url}/found", {"found-outcome": "new_school_abroad"})
    assert done.status_code == 303
    listing = (await client.get("/la/cases")).text
    assert f'href="/la/cases/{case_id}"' not in listing
