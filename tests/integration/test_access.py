"""Role guards and row-level scoping, tested from the outside, on both engines."""

from __future__ import annotations

import httpx
import pytest

from cme.errors import NotFound
from cme.storage import pupils
from cme.storage.accounts import viewer_for_account
from cme.storage.tables import Account
from tests.integration.helpers import World, sign_in


@pytest.mark.parametrize(
    ("email", "path", "status"),
    [
        ("ao.a@test.example", "/la", 403),
        ("dsl.a@test.example", "/la/admin/users", 403),
        ("cme@test.example", "/school", 403),
        ("cme@test.example", "/la/admin/users", 403),
        ("admin@test.example", "/school", 403),
        ("admin@test.example", "/la/admin/users", 200),
        ("cme@test.example", "/la", 200),
    ],
)
async def test_role_guards(
    client: httpx.AsyncClient, world: World, email: str, path: str, status: int
) -> None:
    await sign_in(client, email)
    response = await client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "You do not have access" in response.text


async def test_school_user_sees_own_pupil_not_another_schools(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "ao.a@test.example")
    own = await client.get(f"/school/pupils/{world.pupil_a}")
    assert own.status_code == 200
    assert "Testchild0" in own.text
    for other in (world.pupil_b, world.pupil_other_la, 999_999):
        response = await client.get(f"/school/pupils/{other}")
        assert response.status_code == 404
        assert "Testchild" not in response.text
    listing = await client.get("/school/pupils")
    assert "Testchild0" in listing.text
    assert "Testchild1" not in listing.text


async def test_cme_officer_sees_own_la_only(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, "cme@test.example")
    assert (await client.get(f"/la/pupils/{world.pupil_a}")).status_code == 200
    assert (await client.get(f"/la/pupils/{world.pupil_b}")).status_code == 200
    assert (await client.get(f"/la/pupils/{world.pupil_other_la}")).status_code == 404
    assert (await client.get(f"/la/schools/{world.school_other_la}")).status_code == 404


async def test_la_admin_is_not_shown_childrens_records(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    assert (await client.get(f"/la/pupils/{world.pupil_a}")).status_code == 403
    overview = await client.get("/la")
    assert "School A" in overview.text


async def _viewer(email: str):  # type: ignore[no-untyped-def]
    row = await Account.select(Account.id).where(Account.email == email).first()
    return await viewer_for_account(row["id"])


async def test_data_layer_scopes_pupil_queries(world: World) -> None:
    school_viewer = await _viewer("ao.b@test.example")
    assert [p["id"] for p in await pupils.list_pupils(school_viewer)] == [world.pupil_b]
    with pytest.raises(NotFound):
        await pupils.get_pupil(school_viewer, world.pupil_a)

    la_viewer = await _viewer("cme@test.example")
    assert {p["id"] for p in await pupils.list_pupils(la_viewer)} == {world.pupil_a, world.pupil_b}
    with pytest.raises(NotFound):
        await pupils.get_pupil(la_viewer, world.pupil_other_la)

    admin = await _viewer("admin@test.example")
    assert await pupils.list_pupils(admin) == []


async def test_pupil_counts_are_scoped(world: World) -> None:
    school_viewer = await _viewer("ao.b@test.example")
    assert await pupils.pupil_counts(school_viewer) == {world.school_b: 1}
    la_viewer = await _viewer("cme@test.example")
    assert await pupils.pupil_counts(la_viewer) == {world.school_a: 1, world.school_b: 1}
    assert await pupils.pupil_counts(await _viewer("admin@test.example")) == {}
