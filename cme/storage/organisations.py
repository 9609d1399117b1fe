"""Local authorities and schools."""

from __future__ import annotations

from typing import Any

from cme import identifiers
from cme.access import Viewer
from cme.errors import Conflict, NotFound
from cme.events import Action
from cme.storage import audit
from cme.storage.case_version import new_cases_version
from cme.storage.engine import is_sqlite, write_transaction
from cme.storage.scope import schools_of
from cme.storage.tables import LocalAuthority, School


async def add_la(code: str, name: str) -> int:
    code = identifiers.la_code(code)
    name = identifiers.name(name, "LA name")
    async with write_transaction():
        if await LocalAuthority.exists().where(LocalAuthority.code == code):
            raise Conflict(f"There is already an LA with code {code}.")
        rows = await LocalAuthority.insert(
            LocalAuthority(code=code, name=name, cases_version=new_cases_version())
        ).returning(LocalAuthority.id)
        la_id = int(rows[0]["id"])
        await audit.record(Action.LA_ADDED, la_id=la_id, code=code, name=name)
    return la_id


async def lock_la(la_id: int) -> None:
    """Writers that check the LA's rows before they change them (overlapping terms, a police
    reference already recorded, a meeting already called, two policy saves) queue on the LA's
    row, so that two at once cannot both pass the check. SQLite's IMMEDIATE transaction already
    runs them one at a time. Lock order: cases first, then the LA row."""
    if not is_sqlite():
        await LocalAuthority.select(LocalAuthority.id).where(LocalAuthority.id == la_id).lock_rows()


async def la_id_for_code(code: str) -> int:
    code = identifiers.la_code(code)
    row = await LocalAuthority.select(LocalAuthority.id).where(LocalAuthority.code == code).first()
    if row is None:
        raise NotFound(f"There is no LA with code {code}: add it first with `cme la add`.")
    return int(row["id"])


async def add_school(urn: str, name: str, la_code: str, *, by: Viewer | None = None) -> int:
    urn = identifiers.urn(urn)
    name = identifiers.name(name, "school name")
    la_id = await la_id_for_code(la_code)
    if by is not None and by.la_id != la_id:
        raise NotFound(f"There is no LA with code {la_code}.")
    async with write_transaction():
        if await School.exists().where(School.urn == urn):
            raise Conflict(f"There is already a school with URN {urn}.")
        rows = await School.insert(School(urn=urn, name=name, la=la_id)).returning(School.id)
        school_id = int(rows[0]["id"])
        await audit.record(
            Action.SCHOOL_ADDED, viewer=by, la_id=la_id, school_id=school_id, urn=urn, name=name
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
        raise NotFound(f"There is no school with URN {urn}: add it first with `cme school add`.")
    return row


SCHOOL_COLUMNS = (School.id, School.urn, School.name)


async def schools_visible_to(viewer: Viewer) -> list[dict[str, Any]]:
    query = schools_of(School.select(*SCHOOL_COLUMNS), viewer, School.id).order_by(School.name)
    rows: list[dict[str, Any]] = await query
    return rows


async def school_visible_to(viewer: Viewer, school_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await schools_of(
        School.select(*SCHOOL_COLUMNS).where(School.id == school_id), viewer, School.id
    ).first()
    if row is None:
        raise NotFound("no such school")
    return row
