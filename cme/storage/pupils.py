"""Pupil records, always read through `scoped` (`cme.storage.scope.pupils_of`): a record
outside the viewer's scope is reported as not found, never as forbidden."""

from __future__ import annotations

from typing import Any, TypeVar

from piccolo.query import Select
from piccolo.query.functions.aggregate import Count

from cme.access import Viewer
from cme.errors import NotFound
from cme.storage.scope import pupils_of
from cme.storage.tables import Pupil

Q = TypeVar("Q", bound=Select[Any])

# A pupil's own details; PUPIL_COLUMNS adds their school.
PUPIL_DETAILS = (
    Pupil.id,
    Pupil.upn,
    Pupil.legal_forename,
    Pupil.legal_surname,
    Pupil.date_of_birth,
    Pupil.gender,
    Pupil.year_group,
    Pupil.reg_group,
)
PUPIL_COLUMNS = (
    *PUPIL_DETAILS,
    Pupil.school.id,
    Pupil.school.urn,
    Pupil.school.name,
)


def scoped(query: Q, viewer: Viewer) -> Q:
    return pupils_of(query, viewer, Pupil.school)


async def list_pupils(viewer: Viewer, school_id: int | None = None) -> list[dict[str, Any]]:
    query = scoped(Pupil.select(*PUPIL_COLUMNS), viewer).order_by(
        Pupil.legal_surname, Pupil.legal_forename
    )
    if school_id is not None:
        query = query.where(Pupil.school == school_id)
    rows: list[dict[str, Any]] = await query
    return rows


async def pupil_counts(viewer: Viewer) -> dict[int, int]:
    """Pupils on record per school the viewer may see, counted by the database."""
    rows = await scoped(Pupil.select(Pupil.school, Count()), viewer).group_by(Pupil.school)
    return {int(r["school"]): int(r["count"]) for r in rows}


async def get_pupil(viewer: Viewer, pupil_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await scoped(
        Pupil.select(*PUPIL_COLUMNS).where(Pupil.id == pupil_id), viewer
    ).first()
    if row is None:
        raise NotFound("no such pupil")
    return row
