"""A CME officer works the LA's caseload through the real pages (issue 9).

A school's register shows a new child absent for weeks and the DSL hands the case to the LA,
so the case is overdue and with the LA. The CME officer filters the caseload to overdue cases,
ticks the child's case and assigns it to themself, finds it on their task list, records an LA
enquiry on it, and sees the caseload row name them as its officer with the enquiry as its last
activity.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from playwright.async_api import Page, expect

from bench.register_files import xlsx
from cme import demo_data
from cme.demo_registers import make_grid, term_ending, wide_rows
from cme.timeline import academic_year
from tests.e2e.test_case_walkthrough import open_form, sign_in_as, upload

pytestmark = pytest.mark.e2e

SCHOOL = demo_data.SCHOOLS[0]
PRESENT_DAYS = 3
ABSENT_DAYS = 12
OUTCOME = "No match for the child in the lost pupil database"


def overdue_register() -> tuple[bytes, demo_data.DemoPupil]:
    """A register for one new child of the demo primary school, present for three days and
    then absent with every session N up to the latest school day: a case whose first steps
    (contacting the parents, the DSL's screen) fell due weeks ago."""
    days, closed = term_ending(date.today())
    open_days = [d for d in days if d not in closed]
    window = open_days[-(PRESENT_DAYS + ABSENT_DAYS) :]
    covered = [d for d in days if d >= window[0]]
    year = academic_year(covered[-1])
    child = demo_data.DemoPupil(
        # Serial 91: the demo has eight pupils a year group, the case walkthrough uses 90.
        upn=demo_data.make_upn(demo_data.LA_CODE, SCHOOL.establishment, year - 5, 91),
        legal_forename="Oriel",
        legal_surname="Penhallow",
        date_of_birth=date(year - 10, 3, 2),
        gender="M",
        year_group="5",
        reg_group="5B",
    )
    grid = make_grid([child], covered, closed, seed=6, patterns=False)
    marks = grid.marks[child.upn]
    for n, day in enumerate(covered):
        if day in closed:
            continue
        present = day < window[PRESENT_DAYS]
        marks[2 * n], marks[2 * n + 1] = ("/", "\\") if present else ("N", "N")
    return xlsx(wide_rows(grid)), child


def minute(text: str, fmt: str) -> datetime:
    match = re.search(r"\d{2}[/ ]\w{2,3}[/ ]\d{4} \d{2}:\d{2}", text)
    assert match, f"no date and time in {text!r}"
    return datetime.strptime(match.group(0), fmt)


async def test_a_cme_officer_assigns_an_overdue_case_and_works_it_from_the_task_list(
    page: Page,
) -> None:
    content, child = overdue_register()
    name = f"{child.legal_forename} {child.legal_surname}"

    # The school: the register opens the case; the DSL hands it to the LA.
    await sign_in_as(page, "attendance@riverside.demo")
    await upload(page, content)
    await sign_in_as(page, "dsl@riverside.demo")
    await page.goto("/school/cases")
    await page.locator(f'tr[data-upn="{child.upn}"]').get_by_role("link").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    hand_off = await open_form(page, "form-hand_off")
    await hand_off.get_by_label("I confirm: hand this case to the LA").check()
    await hand_off.get_by_role("button", name="Hand the case to the LA").click()
    await expect(page.get_by_test_id("notice")).to_contain_text("Case handed to the LA")

    # The CME officer: the overdue cases of the caseload.
    await sign_in_as(page, "cme.officer@la.demo")
    officer = (await page.locator(".who-name").inner_text()).strip()
    await page.get_by_role("link", name="Cases", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Caseload")
    await page.get_by_label(re.compile(r"^Overdue only")).check()
    await page.get_by_role("button", name="Show", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/la/cases\?.*overdue=1"))
    await expect(page.locator("#summary")).to_contain_text("overdue")
    row = page.locator(f'tr[data-upn="{child.upn}"]')
    await expect(row.locator('td[data-label="Next deadline"]')).to_contain_text("Overdue:")
    await expect(row.locator('td[data-label="Officer"]')).to_have_text("Not assigned")
    case_id = await row.get_attribute("data-case")
    before = minute(
        await row.locator('td[data-label="Last activity"]').inner_text(), "%d/%m/%Y %H:%M"
    )

    # Tick the case and take it.
    await page.get_by_label(f"Tick {name}").check()
    await page.get_by_label("Assign the ticked cases to").select_option(label="Me")
    await page.get_by_role("button", name="Assign", exact=True).click()
    await expect(page.get_by_test_id("notice")).to_contain_text("Cases assigned.")
    await expect(page).to_have_url(re.compile(r"overdue=1"))
    await expect(row.locator('td[data-label="Officer"]')).to_have_text(officer)

    # The task list on the LA's home page leads to the case.
    await page.goto("/la")
    task = page.locator(f'#tasks li[data-case="{case_id}"]')
    await expect(task.first).to_contain_text("Start the LA's enquiries")
    await task.first.get_by_role("link").click()
    await expect(page).to_have_url(re.compile(rf"/la/cases/{case_id}$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    timeline = page.locator("#timeline")
    await expect(timeline).to_contain_text(f"Assigned to {officer}")

    # An LA enquiry, on the timeline.
    enquiry = await open_form(page, "form-la_enquiry")
    await enquiry.get_by_label("Enquiry").select_option(
        label="The DfE School to School lost pupil database"
    )
    await enquiry.get_by_label("Method").select_option(label="Records or database check")
    await enquiry.get_by_label("Outcome").fill(OUTCOME)
    await enquiry.get_by_role("button", name="Record enquiry").click()
    await expect(page.get_by_test_id("notice")).to_have_text("Enquiry recorded.")
    recorded = timeline.locator('li[data-kind="enquiry"]').filter(has_text=OUTCOME)
    await expect(recorded).to_have_count(1)
    when = minute(await recorded.locator(".muted").inner_text(), "%d %b %Y %H:%M")

    # The caseload: the officer's own case, its last activity the enquiry just recorded.
    await page.goto("/la/cases")
    await page.locator("#my-cases").click()
    row = page.locator(f'tr[data-upn="{child.upn}"]')
    await expect(row.locator('td[data-label="Officer"]')).to_have_text(officer)
    await expect(row.locator('td[data-label="Last activity"]')).to_have_text(
        when.strftime("%d/%m/%Y %H:%M")
    )
    assert when >= before
    await expect(row.locator('td[data-label="Stage"]')).to_contain_text("With the LA")
