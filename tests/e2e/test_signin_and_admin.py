"""Sign in and out as school staff; sign in as an LA admin and add a user. Real browser."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from cme.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


async def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    await page.goto("/signin")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def test_attendance_officer_signs_in_sees_school_and_signs_out(page: Page) -> None:
    await sign_in(page, "attendance@riverside.demo")
    await expect(page).to_have_url(re.compile(r"/school/today$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Riverside Primary School (demo)"
    )
    await expect(page.get_by_test_id("who")).to_contain_text("Attendance officer")
    await expect(page).to_have_title(re.compile("Riverside Primary School"))

    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(re.compile(r"/signin$"))
    await page.goto("/school")
    await expect(page).to_have_url(re.compile(r"/signin\?next=/school$"))


async def test_wrong_password_is_explained(page: Page) -> None:
    await sign_in(page, "attendance@riverside.demo", "not-the-password")
    await expect(page.get_by_role("alert")).to_contain_text("do not match an account")


async def test_la_admin_adds_a_user_who_chooses_their_own_password(page: Page) -> None:
    await sign_in(page, "admin@la.demo")
    await page.get_by_role("link", name="Manage users").click()
    await expect(page.get_by_role("link", name="Manage users")).to_have_attribute(
        "aria-current", "page"
    )
    await page.get_by_label("Email address").fill("new.dsl@hillcrest.demo")
    await page.get_by_label("Full name").fill("Sam Newby")
    await page.get_by_label("Role").select_option("dsl")
    await page.get_by_label("School", exact=True).select_option("900002")
    await page.get_by_role("button", name="Add user").click()

    await expect(page.get_by_role("status")).to_contain_text("new.dsl@hillcrest.demo")
    link = await page.get_by_label("Password link").input_value()
    assert "/password/" in link

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("status")).to_contain_text("You have signed out")
    await page.goto(link)
    await page.get_by_label("New password", exact=True).fill("a brand new password")
    await page.get_by_label("Type the new password again").fill("a brand new password")
    await page.get_by_role("button", name="Set password and sign in").click()
    await expect(page.get_by_test_id("who")).to_contain_text("Designated safeguarding lead")
    await expect(page.get_by_test_id("organisation")).to_have_text("Hillcrest Academy (demo)")

    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, "new.dsl@hillcrest.demo", "a brand new password")
    await expect(page.get_by_test_id("who")).to_contain_text("Designated safeguarding lead")
