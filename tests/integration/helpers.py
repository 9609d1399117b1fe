"""Building blocks for integration tests: a small LA world and a signed-in HTTP client."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from cme.storage import accounts, organisations
from cme.storage.tables import Pupil

PASSWORD = "correct horse battery"


@dataclass
class World:
    la_id: int
    other_la_id: int
    school_a: int
    school_b: int
    school_other_la: int
    pupil_a: int
    pupil_b: int
    pupil_other_la: int


async def build_world() -> World:
    """Two LAs; LA 370 has schools A and B, LA 380 has one school; one pupil in each school,
    and in LA 370 one account per role."""
    la = await organisations.add_la("370", "First LA")
    other = await organisations.add_la("380", "Second LA")
    a = await organisations.add_school("100001", "School A", "370")
    b = await organisations.add_school("100002", "School B", "370")
    c = await organisations.add_school("200001", "School C", "380")
    pupil_ids = []
    for n, school in enumerate((a, b, c)):
        rows = await Pupil.insert(
            Pupil(
                school=school,
                upn=f"A37020012400{n}",
                legal_forename=f"Testchild{n}",
                legal_surname="Example",
                gender="F",
                year_group="5",
                reg_group="5A",
            )
        ).returning(Pupil.id)
        pupil_ids.append(rows[0]["id"])
    for email, role, urn, code in (
        ("ao.a@test.example", "attendance_officer", "100001", None),
        ("dsl.a@test.example", "dsl", "100001", None),
        ("ao.b@test.example", "attendance_officer", "100002", None),
        ("cme@test.example", "cme_officer", None, "370"),
        ("admin@test.example", "la_admin", None, "370"),
        ("cme.other@test.example", "cme_officer", None, "380"),
    ):
        await accounts.add_account(
            email=email, password=PASSWORD, role=role, school_urn=urn, la_code=code
        )
    return World(la, other, a, b, c, *pupil_ids)


def csrf_token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, form_page: str, action: str, data: dict[str, str]
) -> httpx.Response:
    """Open the page holding the form (for its CSRF token), then submit it."""
    page = await client.get(form_page)
    return await client.post(action, data={**data, "_csrf_token": csrf_token(page.text)})


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> httpx.Response:
    return await post_form(client, "/signin", "/signin", {"email": email, "password": password})


def password_link(html: str) -> str:
    """The path of the one-time password link a page shows an administrator."""
    match = re.search(r'value="https?://[^/"]+(/password/[^"]+)"', html)
    assert match, "page shows no password link"
    return match.group(1)
