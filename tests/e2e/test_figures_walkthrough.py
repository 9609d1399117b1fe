"""A CME officer reads the partnership's figures through the real pages (issue 12).

On the demo LA the officer opens the figures, chooses the latest term (the one the termly
packs list first) and a breakdown by year group, checks that the cases opened on the card
are the year groups' cases opened added up, then downloads that term's pack as a workbook
and finds in it the page's number of unexplained absence sessions.
"""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from tests.e2e.test_case_walkthrough import sign_in_as

pytestmark = pytest.mark.e2e

SESSIONS = "Unexplained absence sessions (N or O)"
CHILDREN = "Children with unexplained absence"


def number(text: str) -> int:
    return int(text.strip().replace(",", ""))


async def test_a_cme_officer_chooses_a_term_and_a_breakdown_and_takes_the_pack(
    page: Page,
) -> None:
    await sign_in_as(page, "cme.officer@la.demo")
    await page.get_by_role("link", name="Figures", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Figures")
    await expect(page.locator("#showing")).to_contain_text("so far")

    # The latest term, broken down by year group, chosen with the form.
    newest = page.locator("#termly-pack li[data-term]").first
    term = str(await newest.get_attribute("data-term"))
    name = (await newest.locator(".pack-term").inner_text()).strip()
    await page.get_by_label("Choose a period").select_option(term)
    await page.get_by_label("Break down by").select_option(label="Year group")
    await page.get_by_role("button", name="Show figures").click()
    await expect(page).to_have_url(re.compile(rf"period={term}.*by=year_group"))
    await expect(page.locator("#showing")).to_contain_text(name)
    await expect(page.get_by_role("heading", name="By year group")).to_be_visible()

    # The card's cases opened are the year groups' cases opened, added up.
    opened = number(await page.locator('[data-card="CME cases opened"]').inner_text())
    assert opened > 0, "the demo opens cases every term"
    by_year = page.locator('table[data-table="by-year-group"]')
    headings = [h.strip() for h in await by_year.locator("thead th").all_inner_texts()]
    at = headings.index("Cases opened")
    column = await by_year.locator(f"tbody tr td:nth-child({at + 1})").all_inner_texts()
    assert sum(number(c) for c in column) == opened

    # The full headline table, and the termly pack for the same term.
    headline = page.locator('table[data-table="headline"]')
    row = headline.locator("tbody tr", has=page.locator("th", has_text=SESSIONS))
    sessions = number(await row.locator("td").first.inner_text())
    # The sessions are hidden in the pack when fewer than five children had them.
    absent = headline.locator("tbody tr", has=page.locator("th", has_text=CHILDREN))
    children = number(await absent.locator("td").first.inner_text())
    assert children >= 5, "more than a handful of children: the pack would hide the sessions"
    pack = page.locator(f'#termly-pack li[data-term="{term}"]')
    async with page.expect_download() as info:
        await pack.get_by_role("link", name=re.compile("Workbook")).click()
    download = await info.value
    assert download.suggested_filename.endswith(f"{term}.xlsx")
    data = await asyncio.to_thread(Path(await download.path()).read_bytes)
    sheet = load_workbook(io.BytesIO(data))["Headline"]
    found = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == SESSIONS]
    assert found, "the pack's headline sheet has the unexplained sessions"
    assert found[0][1] == sessions
