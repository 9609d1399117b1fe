"""An attendance officer uploads a register, watches it import, and follows up an N today."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.async_api import Page, expect

from bench.register_files import xlsx
from cme import demo_data
from cme.demo_registers import make_grid, term_ending, to_csv, wide_rows
from tests.e2e.test_signin_and_admin import sign_in

pytestmark = pytest.mark.e2e


def todays_register() -> tuple[bytes, demo_data.DemoPupil, date]:
    """The last week of the demo school's register again, with one more child coded N today."""
    school = demo_data.SCHOOLS[0]
    pupils = demo_data.demo_pupils(school.establishment, school.year_groups, per_year=8, seed=0)
    days, closed = term_ending(date.today())
    last_week = [d for d in days if d not in closed][-5:]
    grid = make_grid(pupils, last_week, set(), seed=42, patterns=False)
    child = pupils[20]
    grid.marks[child.upn][-2:] = ["N", "N"]
    return xlsx(wide_rows(grid)), child, last_week[-1]


async def test_upload_register_then_follow_up_a_child_coded_n_today(page: Page) -> None:
    content, child, today = todays_register()
    await sign_in(page, "attendance@riverside.demo")
    await page.get_by_role("link", name="Upload register").click()
    await page.get_by_label("Register file").set_input_files(
        files=[
            {
                "name": "register-this-week.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": content,
            }
        ]
    )
    await page.get_by_role("button", name="Upload and import").click()

    await expect(page).to_have_url(re.compile(r"/school/registers/\d+$"))
    progress = page.locator("#import-progress")
    await expect(progress).to_be_visible()
    await expect(progress).to_have_attribute("value", "100")
    await expect(page.locator("#import-summary")).to_contain_text("Imported")

    await page.get_by_role("link", name="See today's list").click()
    row = page.get_by_role("row").filter(has_text=child.upn)
    await expect(row).to_contain_text("Unexplained absence")
    await expect(row).to_contain_text("Day one")

    await row.get_by_role("link", name=f"{child.legal_surname}, {child.legal_forename}").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{child.legal_forename} {child.legal_surname}"
    )
    cell = page.locator(f'td[data-date="{today.isoformat()}"]')
    await expect(cell.locator(".mark")).to_have_text(["AM N", "PM N"])
    await expect(
        page.get_by_role("table").filter(has_text=today.strftime("%B %Y")).first
    ).to_be_visible()


async def test_a_refused_file_shows_what_to_fix_and_the_fixed_file_goes_in_from_there(
    page: Page,
) -> None:
    content, child, _ = todays_register()
    await sign_in(page, "attendance@riverside.demo")
    await page.goto("/school/registers")
    rows = [["UPN", "Legal Surname", "Legal Forename", "20/01/2025 AM"], [child.upn, "A", "B", "7"]]
    await page.get_by_label("Register file").set_input_files(
        files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": to_csv(rows)}]
    )
    await page.get_by_role("button", name="Upload and import").click()
    await expect(page.locator("#import-error")).to_contain_text("The register was not imported")
    problems = page.locator("#import-problems")
    await expect(problems).to_be_visible()
    await expect(problems).to_contain_text("7")
    # Never a bar for a refused file, full or otherwise.
    await expect(page.locator("progress")).to_have_count(0)

    # The form is right there: upload the fixed file without going back.
    await page.get_by_label("Register file").set_input_files(
        files=[
            {
                "name": "register-fixed.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": content,
            }
        ]
    )
    await page.get_by_role("button", name="Upload and import").click()
    await expect(page.locator("#import-summary")).to_contain_text("Imported")
    await expect(page.locator("#import-progress")).to_have_attribute("value", "100")
