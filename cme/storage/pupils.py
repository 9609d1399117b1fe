"""Pupil records, always read through `scoped` (`cme.storage.scope.pupils_of`): a record
outside the viewer's scope is reported as not found, never as forbidden."""

from __future__ import annotations

from typing import Any, TypeVar

from piccolo.columns import Column
from piccolo.columns.combination import Where
from piccolo.query import Select
from piccolo.query.functions.aggregate import Count

from cme.access import Viewer
from cme.errors import NotFound
from cme.storage.engine import is_sqlite
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


async def list_pupils(
    viewer: Viewer, school_id: int | None = None, search: str = ""
) -> list[dict[str, Any]]:
    """The pupils the viewer may see; `search` keeps those whose forename, surname or UPN
    contains every word of it (any case), so "ava smi" finds Ava Smith."""
    query = scoped(Pupil.select(*PUPIL_COLUMNS), viewer).order_by(
        Pupil.legal_surname, Pupil.legal_forename
    )
    if school_id is not None:
        query = query.where(Pupil.school == school_id)
    for word in _words(search):
        query = query.where(
            _contains(Pupil.legal_forename, word)
            | _contains(Pupil.legal_surname, word)
            | _contains(Pupil.upn, word)
        )
    rows: list[dict[str, Any]] = await query
    return rows


def _words(search: str) -> list[str]:
    # LIKE's own wildcards are dropped rather than escaped: no name or UPN needs them.
    cleaned = search.translate({ord(c): " " for c in "%_\\"})
    return cleaned.split()[:5]


def _contains(column: Column, word: str) -> Where:
    pattern = f"%{word}%"
    # SQLite's LIKE ignores case already; Postgres needs ILIKE.
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


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
