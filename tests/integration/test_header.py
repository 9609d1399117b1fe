"""The header: who is signed in, where they are, a 404 that keeps it, and sign-out said."""

from __future__ import annotations

import re

import httpx

from tests.integration.helpers import World, csrf_token, post_form, sign_in


def _nav(html: str) -> str:
    match = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert match, "page has no main navigation"
    return match.group(1)


async def test_navigation_marks_the_current_page(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "admin@test.example")
    nav = _nav((await client.get("/la/admin/users")).text)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == ["/la/admin/users"]
    nav = _nav((await client.get("/la/admin/schools")).text)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == ["/la/admin/schools"]

    client.cookies.clear()
    await sign_in(client, "ao.a@test.example")
    nav = _nav((await client.get("/school/pupils")).text)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == ["/school/pupils"]


async def test_header_says_who_role_and_organisation_once(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "dsl.a@test.example")
    page = (await client.get("/school/today")).text
    who = re.search(r'<div class="who" data-testid="who">(.*?)</div>', page, re.S)
    assert who
    text = re.sub(r"<[^>]+>", "", who.group(1))
    assert "Signed in as dsl.a" in " ".join(text.split())
    assert text.count("Designated safeguarding lead") == 1
    assert text.count("School A") == 1


async def test_an_unknown_address_keeps_the_header_and_navigation(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    page = await client.get("/no/such/page")
    assert page.status_code == 404
    assert "Not found" in page.text
    assert 'href="/la/admin/users"' in _nav(page.text)
    assert "LA administrator" in page.text
    # Its sign-out form works although no route (and so no CSRF middleware) ran.
    out = await client.post("/signout", data={"_csrf_token": csrf_token(page.text)})
    assert out.status_code == 303

    anonymous = await client.get("/no/such/page")
    assert anonymous.status_code == 404
    assert 'aria-label="Main"' not in anonymous.text


async def test_sign_out_is_confirmed_once(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "ao.a@test.example")
    out = await post_form(client, "/school/today", "/signout", {})
    assert out.status_code == 303
    assert out.headers["location"] == "/signin"
    page = await client.get("/signin")
    assert "You have signed out" in page.text
    assert "You have signed out" not in (await client.get("/signin")).text
