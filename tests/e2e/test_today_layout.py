"""The Today list reads on a laptop and a tablet without sideways scrolling. Real browser,
demo data."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from cme.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

# Neither the page nor any box inside it (a table wrapper with overflow-x: auto would hide a
# too-wide table from the page's own measure) scrolls sideways.
NO_SIDEWAYS_SCROLL = """() => {
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) return false;
  return [...document.querySelectorAll("main *")].every((e) => {
    const overflow = getComputedStyle(e).overflowX;
    return !["auto", "scroll"].includes(overflow) || e.scrollWidth <= e.clientWidth;
  });
}"""


@pytest.mark.parametrize("width", [820, 1366])
async def test_today_has_no_horizontal_scroll(browser: Browser, server: str, width: int) -> None:
    context = await browser.new_context(base_url=server, viewport={"width": width, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(15_000)
    try:
        await page.goto("/signin")
        await page.get_by_label("Email address").fill("attendance@riverside.demo")
        await page.get_by_label("Password").fill(DEMO_PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/school/today")
        rows = page.locator("table.today tbody tr")
        assert await rows.count() >= 5, "the demo should flag several children"
        assert await page.evaluate(NO_SIDEWAYS_SCROLL)
        # Each flag is its own line with its own count.
        first = page.locator(".flag-line").first
        await expect(first.locator(".flag-count")).not_to_be_empty()

        # The filters work from the keyboard alone, and the heading names the chosen day.
        await page.get_by_label("Flag").focus()
        await page.keyboard.press("End")  # the last flag kind
        await page.get_by_label("Flag").press("Tab")
        await page.keyboard.press("Tab")
        await page.keyboard.press("Enter")
        await page.wait_for_url("**flag=**")
        assert await page.evaluate(NO_SIDEWAYS_SCROLL)
        await page.get_by_role("link", name="Previous school day").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Children to follow up on"
        )
        assert await page.evaluate(NO_SIDEWAYS_SCROLL)
    finally:
        await context.close()
