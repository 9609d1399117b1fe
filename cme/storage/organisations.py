"""Local authorities and schools."""

from __future__ import annotations

from typing import Any

from cme import identifiers
from cme.access import Viewer
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.tables import LocalAuthority, School


class NotFound(LookupError):
    """The record does not exist, or the signed-in user may not see it (the two are not
    told apart, so that ids of other schools' records reveal nothing)."""


class Conflict(ValueError):
    pass


async def add_la(code: str, name: str) -> int:
    code = identifiers.la_code(code)
    name = identifiers.name(name, "LA name")
    async with write_transaction():
        if await LocalAuthority.exists().where(LocalAuthority.code == code):
            raise Conflict(f"an LA with code {code} already exists")
        rows = await LocalAuthority.insert(LocalAuthority(code=code, name=name)).returning(
            LocalAuthority.id
        )
    la_id = int(rows[0]["id"])
    await audit.record("la.added", la_id=la_id, code=code, name=name)
    return la_id


async def la_id_for_code(code: str) -> int:
    code = identifiers.la_code(code)
    row = await LocalAuthority.select(LocalAuthority.id).where(LocalAuthority.code == code).first()
    if row is None:
        raise NotFound(f"no LA with code {code}: add it first with `cme la add`")
    return int(row["id"])


async def add_school(urn: str, name: str, la_code: str, *, by: Viewer | None = None) -> int:
    urn = identifiers.urn(urn)
    name = identifiers.name(name, "school name")
    la_id = await la_id_for_code(la_code)
    if by is not None and by.la_id != la_id:
        raise NotFound(f"no LA with code {la_code}")
    async with write_transaction():
        if await School.exists().where(School.urn == urn):
            raise Conflict(f"a school with URN {urn} already exists")
        rows = await School.insert(School(urn=urn, name=name, la=la_id)).returning(School.id)
    school_id = int(rows[0]["id"])
    await audit.record(
        "school.added", viewer=by, la_id=la_id, school_id=school_id, urn=urn, name=name
    )
    return school_id


async def school_for_urn(urn: str) -> dict[str, Any]:
    urn = identifiers.urn(urn)
    row: dict[str, Any] | None = (
        await School.select(School.id, School.urn, School.name, School.la.id, School.la.code)
        .where(School.urn == urn)
        .first()
    )
    if row is None:
        raise NotFound(f"no school with URN {urn}: add it first with `cme school add`")
    return row


async def schools_visible_to(viewer: Viewer) -> list[dict[str, Any]]:
    query = School.select(School.id, School.urn, School.name).order_by(School.name)
    if viewer.school_id is not None:
        query = query.where(School.id == viewer.school_id)
    else:
        query = query.where(School.la == viewer.la_id)
    rows: list[dict[str, Any]] = await query
    return rows


async def school_visible_to(viewer: Viewer, school_id: int) -> dict[str, Any]:
    for school in await schools_visible_to(viewer):
        if school["id"] == school_id:
            return school
    raise NotFound("no such school")
