"""One child, from the day-one flag to removal from roll, through the real pages (issue 8).

The attendance officer uploads a register in which a new child has been coded N for more than
20 school days, finds the day-one flag and the case it opened, records a contact attempt and
the school's enquiries; the DSL screens the child, records the referral the screen calls for,
finds removal refused (with every missing condition named) and hands the case to the LA; the
CME officer records the LA's enquiries and a joint review that finds they failed; the DSL
declares no reason to believe the absence is sickness, removes the child, and downloads the
deletion return, which names the child.
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Locator, Page, expect

from bench.register_files import xlsx
from cme import demo_data
from cme.demo_registers import make_grid, term_ending, wide_rows
from cme.timeline import LONDON, academic_year
from tests.e2e.test_signin_and_admin import sign_in

pytestmark = pytest.mark.e2e

SCHOOL = demo_data.SCHOOLS[0]
PRESENT_DAYS = 3
ABSENT_DAYS = 22  # every session N: more than the 20 school days removal needs
PARENT = "Morven Vellacott"
PARENT_PHONE = "07700 900321"


def walkthrough_register() -> tuple[bytes, demo_data.DemoPupil, date]:
    """A register for one new child of the demo primary school: present, then absent with
    every session N up to the latest school day. Returns (file, child, day one)."""
    days, closed = term_ending(date.today())
    open_days = [d for d in days if d not in closed]
    window = open_days[-(PRESENT_DAYS + ABSENT_DAYS) :]
    covered = [d for d in days if d >= window[0]]
    year = academic_year(covered[-1])
    child = demo_data.DemoPupil(
        # Serial 90 is free: the demo gives each year group of this school thirty pupils.
        upn=demo_data.make_upn(demo_data.LA_CODE, SCHOOL.establishment, year - 5, 90),
        legal_forename="Tamsin",
        legal_surname="Vellacott",
        date_of_birth=date(year - 10, 11, 14),
        gender="F",
        year_group="5",
        reg_group="5A",
    )
    grid = make_grid([child], covered, closed, seed=5, patterns=False)
    marks = grid.marks[child.upn]
    for n, day in enumerate(covered):
        if day in closed:
            continue
        present = day < window[PRESENT_DAYS]
        marks[2 * n], marks[2 * n + 1] = ("/", "\\") if present else ("N", "N")
    return xlsx(wide_rows(grid)), child, window[PRESENT_DAYS]


async def sign_in_as(page: Page, email: str) -> None:
    if await page.get_by_role("button", name="Sign out").count():
        await page.get_by_role("button", name="Sign out").click()
        await expect(page).to_have_url(re.compile(r"/signin$"))
    await sign_in(page, email)
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def upload(page: Page, content: bytes) -> None:
    await page.goto("/school/registers")
    await page.get_by_label("Register file").set_input_files(
        files=[{"name": "register.xlsx", "mimeType": "application/octet-stream", "buffer": content}]
    )
    await page.get_by_role("button", name="Upload and import").click()
    await expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    await expect(page.locator("#import-summary")).to_contain_text("Imported")


async def open_form(page: Page, form_id: str) -> Locator:
    """The case page keeps each form folded away under its summary: unfold one."""
    form = page.locator(f"#{form_id}")
    if await form.get_attribute("open") is None:
        await form.locator("summary").click()
    return form


async def removal_refused(page: Page, *missing: str) -> Locator:
    """Ask to remove the child; the tracker refuses and names each missing condition."""
    form = await open_form(page, "form-remove")
    await form.get_by_label(re.compile("^I confirm: remove")).check()
    await form.get_by_role("button", name="Remove from roll").click()
    await expect(page.get_by_role("alert")).to_contain_text("cannot be removed from roll yet")
    reasons = page.get_by_test_id("refusal-reasons")
    for words in missing:
        await expect(reasons).to_contain_text(words)
    await expect(page.get_by_test_id("case-status")).to_have_text("Open")
    return reasons


async def test_one_child_from_the_day_one_flag_to_removal_and_the_deletion_return(
    page: Page,
) -> None:
    content, child, day_one = walkthrough_register()
    name = f"{child.legal_forename} {child.legal_surname}"
    timeline = page.locator("#timeline")

    # Attendance officer: the register goes in and the day-one flag leads to the case.
    await sign_in_as(page, "attendance@riverside.demo")
    await upload(page, content)
    await page.goto(f"/school/today?on={day_one.isoformat()}")
    row = page.get_by_role("row").filter(has_text=child.upn)
    await expect(row).to_contain_text("Day one")
    await row.get_by_role("link", name=f"Open case for {name}").click()
    await expect(page).to_have_url(re.compile(r"/school/cases/\d+$"))
    case_path = re.sub(r"^https?://[^/]+", "", page.url)
    case_id = case_path.rsplit("/", 1)[1]
    await expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    await expect(page.get_by_test_id("case-status")).to_have_text("Open")
    await expect(page.get_by_test_id("case-stage")).to_contain_text("Day one")

    # A parent the school knows of, added by hand on the pupil page.
    await page.get_by_role("link", name=f"Pupil record for {name}").click()
    await page.locator("#add-contact summary").click()
    add = page.get_by_role("form", name="Add a parent or carer")
    await add.get_by_label("Name", exact=True).fill(PARENT)
    await add.get_by_label("Relationship to the pupil").fill("Mother")
    await add.get_by_label("Lives with the pupil").check()
    await add.get_by_label("Phone numbers").fill(PARENT_PHONE)
    await add.get_by_role("button", name="Add contact").click()
    await expect(page.get_by_role("link", name=f"Call {PARENT_PHONE} ({PARENT})")).to_be_visible()

    # Day one: a contact attempt, then the school's reasonable enquiries.
    await page.goto(case_path)
    contact = await open_form(page, "form-contact")
    await contact.get_by_label("Who", exact=True).fill(f"{PARENT} (Mother)")
    await contact.get_by_label("Number, address or email used").fill(PARENT_PHONE)
    await contact.get_by_label("Method").select_option(label="Phone call")
    await contact.get_by_label("Outcome").fill("No answer; voicemail left")
    await contact.get_by_role("button", name="Record contact attempt").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Contact attempt recorded.")
    await expect(timeline).to_contain_text("No answer; voicemail left")

    for enquiry, method, outcome in (
        ("Phoned every number on record", "Phone call", "No reply on any number"),
        ("Home visit by school staff", "Home visit", "Nobody home; neighbours have not seen them"),
    ):
        form = await open_form(page, "form-school_enquiry")
        await form.get_by_label("Enquiry").select_option(label=enquiry)
        await form.get_by_label("Method").select_option(label=method)
        await form.get_by_label("Outcome").fill(outcome)
        await form.get_by_role("button", name="Record enquiry").click()
        await expect(page.get_by_test_id("notice")).to_have_text("Enquiry recorded.")
        await expect(timeline).to_contain_text(outcome)
    checklist = page.locator('table[data-side="school"]')
    await expect(checklist.locator('tr[data-enquiry="phoned_all"]')).to_contain_text("Made")
    await expect(checklist.locator('tr[data-enquiry="letter"]')).to_contain_text("Not yet")
    await expect(page.get_by_test_id("case-stage")).to_contain_text("School enquiries")

    # DSL: the vulnerability screen; a must-refer answer calls for a referral now.
    await sign_in_as(page, "dsl@riverside.demo")
    await page.goto(case_path)
    screen = await open_form(page, "form-screen")
    await screen.get_by_label("There are serious attendance issues").check()
    await screen.get_by_role("button", name="Record the screen").click()
    await expect(page.get_by_test_id("refer-now")).to_contain_text(
        "Refer to police and children's social care now"
    )
    referral = await open_form(page, "form-referral")
    await referral.get_by_label("Referred to").select_option(
        label="Police and children's social care"
    )
    await referral.get_by_label("Reference").fill("MASH-2026-0042")
    await referral.get_by_role("button", name="Record referral").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Referral recorded.")
    await expect(timeline).to_contain_text("MASH-2026-0042")
    await expect(page.get_by_test_id("refer-now")).to_have_count(0)

    # Removal is refused while the LA has done nothing, and the page says why before asking.
    await expect(page.get_by_test_id("removal-blocked")).to_contain_text("handed to the LA")
    await removal_refused(
        page,
        "has not been handed to the LA",
        "No reasonable enquiries by the LA",
        "No joint review",
        "no reason to believe the absence is due to sickness",
    )

    hand_off = await open_form(page, "form-hand_off")
    await hand_off.get_by_label("I confirm: hand this case to the LA").check()
    await hand_off.get_by_role("button", name="Hand the case to the LA").click()
    await expect(page.get_by_test_id("notice")).to_contain_text("Case handed to the LA")

    # CME officer: the case is on the LA's list; the LA's enquiries and a joint review.
    await sign_in_as(page, "cme.officer@la.demo")
    # Cases held by the LA, the latest worked on first.
    await page.goto("/la/cases?holder=la&sort=activity&dir=desc")
    handed = page.get_by_role("table", name="Open cases")
    await handed.get_by_role("link", name=f"{child.legal_surname}, {child.legal_forename}").click()
    await expect(page).to_have_url(re.compile(rf"/la/cases/{case_id}$"))
    await expect(timeline).to_contain_text("No answer; voicemail left")
    la_enquiry = await open_form(page, "form-la_enquiry")
    await la_enquiry.get_by_label("Enquiry").select_option(
        label="The DfE School to School lost pupil database"
    )
    await la_enquiry.get_by_label("Method").select_option(label="Records or database check")
    await la_enquiry.get_by_label("Outcome").fill("No match in the lost pupil database")
    await la_enquiry.get_by_role("button", name="Record enquiry").click()
    await expect(timeline).to_contain_text("No match in the lost pupil database")

    review = await open_form(page, "form-joint_review")
    await review.get_by_label("School DSL").fill("Ruth Ellison")
    await review.get_by_label("Decision").select_option(
        label="The enquiries have failed to find the child"
    )
    await review.get_by_role("button", name="Record joint review").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Joint review recorded.")

    # DSL: one condition is still missing, then the child is removed from roll.
    await sign_in_as(page, "dsl@riverside.demo")
    await page.goto(case_path)
    reasons = await removal_refused(page, "no reason to believe the absence is due to sickness")
    await expect(reasons.get_by_role("listitem")).to_have_count(1)
    declaration = await open_form(page, "form-no_sickness")
    await declaration.get_by_label("Confirmed: there are no such grounds").check()
    await declaration.get_by_role("button", name="Record declaration").click()
    await expect(page.get_by_test_id("removal-allowed")).to_be_visible()

    remove = await open_form(page, "form-remove")
    await remove.get_by_label(re.compile("^I confirm: remove")).check()
    await remove.get_by_role("button", name="Remove from roll").click()
    await expect(page.get_by_test_id("notice")).to_contain_text("Removed from roll")
    # Recorded today, never earlier.
    await expect(page.get_by_test_id("case-status")).to_contain_text(
        f"Removed from roll on {datetime.now(LONDON):%d/%m/%Y}"
    )

    async with page.expect_download() as info:
        await page.get_by_test_id("deletion-return").click()
    download = await info.value
    assert download.suggested_filename.startswith(f"deletion-return-{SCHOOL.urn}-{child.upn}-")
    data = await asyncio.to_thread(Path(await download.path()).read_bytes)
    sheet = load_workbook(io.BytesIO(data))["Deletion return"]
    text = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None}
    assert name in text
    assert child.upn in text
    assert f"{PARENT} (Mother)" in text
    assert PARENT_PHONE in text

    # The LA carries on looking: the child is on its list of children missing education.
    await sign_in_as(page, "cme.officer@la.demo")
    await page.goto("/la/cases?state=missing")
    missing = page.get_by_role("table", name="Children missing education")
    await expect(missing.locator(f'tr[data-upn="{child.upn}"]')).to_be_visible()
    await page.goto("/la/cases?holder=la&sort=activity&dir=desc")
    handed = page.get_by_role("table", name="Open cases")
    await expect(handed.locator(f'tr[data-upn="{child.upn}"]')).to_have_count(0)
