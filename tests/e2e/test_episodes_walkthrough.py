"""A CME officer works police episodes through the real pages (issue 10).

The officer imports the police's file of three episodes for one child within two months,
sees the import call an intervention meeting, finds the child flagged as a repeat missing
child on the list, records the return interview of the latest episode as held within 72
hours, and finds the meeting on the child's page.
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


def police_file(now: datetime) -> tuple[bytes, datetime]:
    """Three episodes of one invented child, 40, 20 and 2 days ago, each back the next
    morning; and when the latest came back."""
    rows, back = [HEADER], now
    for n, days in enumerate((40, 20, 2), start=1):
        reported = (now - timedelta(days=days)).replace(hour=21, minute=15)
        back = reported + timedelta(hours=12)
        rows.append(
            f"Demoshire Police,E2E/{n},{reported:%d/%m/%Y %H:%M},Home,Tamsin,Quarrie,"
            f"14/02/2011,F,Medium,{back:%d/%m/%Y %H:%M}"
        )
    return ("\n".join(rows) + "\n").encode(), back


async def test_a_cme_officer_imports_episodes_records_an_interview_and_sees_a_repeat_child(
    page: Page,
) -> None:
    now = datetime.now(LONDON)
    content, back = police_file(now)
    await sign_in_as(page, "cme.officer@la.demo")
    await page.get_by_role("link", name="Missing episodes").first.click()
    await expect(page).to_have_url(re.compile(r"/la/episodes$"))
    await page.goto("/la/episodes/import")
    await page.get_by_label("Police episodes file").set_input_files(
        files=[{"name": "police.csv", "mimeType": "text/csv", "buffer": content}]
    )
    await page.get_by_role("button", name="Upload and import").click()
    await expect(page.locator("#import-added")).to_have_text("3")
    await expect(page.locator("#import-meetings")).to_contain_text("1")

    # The list: the child is flagged as a repeat missing child.
    await page.goto("/la/episodes?attention=repeat")
    row = page.locator("tr[data-episode]", has_text="E2E/3")
    await expect(row.locator(".badge-repeat")).to_have_text("Repeat")
    await expect(row.locator("[data-state]")).to_have_attribute(
        "data-state", re.compile("due|overdue")
    )
    await row.get_by_role("link").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Tamsin")

    # The return interview, held the morning after the return.
    held = min(back + timedelta(hours=20), now - timedelta(minutes=5))
    form = page.locator("form[action$='/interview']")
    await form.get_by_label("Date held").fill(f"{held:%Y-%m-%d}")
    await form.get_by_label("Time held").fill(f"{held:%H:%M}")
    await form.get_by_label("Held by").fill("R. Okafor, return interview service")
    await form.get_by_label("Peer influence").check()
    await page.get_by_role("button", name="Save the return interview").click()
    await expect(page.locator("#interview-state-label")).to_have_text("Done in time")

    # The child's page: the repeat trigger fired and called a meeting.
    await page.get_by_role("link", name=re.compile("Tamsin")).first.click()
    await expect(page.locator("#repeat-fired")).to_contain_text("Fired 1 time")
    await expect(page.locator("article.meeting[data-trigger='repeat']")).to_have_count(1)
