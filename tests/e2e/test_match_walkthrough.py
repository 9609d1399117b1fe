"""A CME officer cross-matches a police episode with a pupil through the real pages (issue 11).

The officer opens a child's case, imports a police file about that child with both digits of
the day of birth mistyped (so the tracker cannot be sure and asks a person), opens the
proposed match, reads how each field compared, confirms it with one key, and finds the
episode on the child's case timeline and pupil page.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from cme.timeline import LONDON
from tests.e2e.test_case_walkthrough import sign_in_as

pytestmark = pytest.mark.e2e

HEADER = (
    "Force,Reference,Reported At,Missing From,Forename,Surname,DOB,Gender,Risk Level,Returned At"
)


async def test_a_cme_officer_confirms_a_proposed_match_and_sees_it_on_the_case(
    page: Page,
) -> None:
    await sign_in_as(page, "cme.officer@la.demo")
    # A child with an open case: the case's first row in the LA's caseload.
    await page.goto("/la/cases")
    await page.locator("table tbody tr a[href^='/la/cases/']").first.click()
    await expect(page).to_have_url(re.compile(r"/la/cases/\d+$"))
    case_url = page.url
    await page.locator("#pupil-link").click()
    name = (await page.get_by_role("heading", level=1).inner_text()).split("\n")[-1].strip()
    forename, surname = name.split(" ", 1)
    born_text = await page.locator("dt:text-is('Date of birth') + dd").inner_text()
    born = datetime.strptime(born_text.strip(), "%d/%m/%Y")
    # The police have both digits of the day of birth wrong: month and year agree, the day
    # does not (one digit out, or day and month swapped, would be linked without a person).
    mistyped = born.replace(day=born.day + 11 if born.day + 11 <= 28 else born.day - 11)
    reported = datetime.now(LONDON) - timedelta(days=1, hours=3)
    back = reported + timedelta(hours=9)
    content = (
        f"{HEADER}\nDemoshire Police,E2E-MATCH/1,{reported:%d/%m/%Y %H:%M},Home,{forename},"
        f"{surname},{mistyped:%d/%m/%Y},,Medium,{back:%d/%m/%Y %H:%M}\n"
    ).encode()

    await page.goto("/la/episodes/import")
    await page.get_by_label("Police episodes file").set_input_files(
        files=[{"name": "police.csv", "mimeType": "text/csv", "buffer": content}]
    )
    await page.get_by_role("button", name="Upload and import").click()
    await expect(page.locator("#import-added")).to_have_text("1")

    # Matching runs in the background after the import; the queue shows the proposal.
    await page.get_by_role("link", name="Matches", exact=True).click()
    row = page.locator("tr[data-match]", has_text=f"{forename} {surname}").filter(
        has_text=f"{mistyped:%d/%m/%Y}"
    )
    for _ in range(40):
        if await row.count():
            break
        await page.wait_for_timeout(250)
        await page.reload()
    await expect(row).to_have_count(1)
    await row.locator("a.open-match").click()

    # The explanation: both records side by side, field by field.
    await expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    comparison = page.locator("#comparison")
    dob = comparison.locator("tr", has=page.locator("th", has_text="Date of birth"))
    await expect(dob).to_contain_text(f"{born.day} {born:%b %Y}")
    await expect(dob).to_contain_text(f"{mistyped.day} {mistyped:%b %Y}")
    await expect(dob).to_contain_text("Two of day, month and year agree")
    forename_row = comparison.locator("tr", has=page.locator("th", has_text="Forename"))
    await expect(forename_row).to_contain_text("Exact")
    await expect(forename_row).to_contain_text("strongly for")

    # One key confirms it.
    await page.locator("body").press("c")
    await expect(page.locator(".alert, [role=status]").first).to_contain_text(
        "Confirmed: the episode is now on the pupil's record"
    )

    # The episode is on the child's case timeline and pupil page.
    await page.goto(case_url)
    missing = page.locator("#timeline li[data-kind='episode-missing']")
    await expect(missing).to_have_count(1)
    await expect(missing).to_contain_text("E2E-MATCH/1")
    await expect(missing).to_contain_text("Confirmed")
    await page.locator("#pupil-link").click()
    await expect(page.locator("#pupil-episodes")).to_contain_text("Confirmed as this pupil by")
