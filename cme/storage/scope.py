"""Who may see what, applied inside every query: the one place the scoping rule is written.

A school user sees their own school; an LA user the schools of their LA. Children's records
are further limited to roles that may see them (`Viewer.sees_pupils`: not LA administrators).
Anything outside scope is simply not returned, and callers report it as not found, so ids of
other schools' records reveal nothing.

Every table that holds a school's data reaches the school through a foreign key; pass that
column (`Pupil.school`, `RegisterUpload.school`, `School.id` for the school table itself).
"""

from __future__ import annotations

from typing import Any, TypeVar

from piccolo.columns import Column, ForeignKey
from piccolo.query import Select

from cme.access import Viewer
from cme.storage.tables import School

Q = TypeVar("Q", bound=Select[Any])


def _la_of(school: Column) -> Column:
    # School.id has no `.la`; its own row carries the LA.
    if school is School._meta.primary_key:
        return School.la
    assert isinstance(school, ForeignKey)
    la: Column = school.la
    return la


def schools_of(query: Q, viewer: Viewer, school: Column) -> Q:
    """Rows of the schools the viewer works in or for: administration, not children."""
    if viewer.school_id is not None:
        return query.where(school == viewer.school_id)
    return query.where(_la_of(school) == viewer.la_id)


def pupils_of(query: Q, viewer: Viewer, school: Column) -> Q:
    """Rows about children, for viewers whose role may see children's records at all."""
    if not viewer.sees_pupils:
        # No role-less fallthrough: an impossible condition returns nothing at all.
        return query.where(school == -1)
    return schools_of(query, viewer, school)


def la_children_of(query: Q, viewer: Viewer, la: Column) -> Q:
    """Rows of children the LA itself holds (police episodes of missing children), for LA
    staff who may see children: not school staff, not LA administrators."""
    if not viewer.sees_la_children:
        return query.where(la == -1)
    return query.where(la == viewer.la_id)


def pupils_sql(
    viewer: Viewer, school_column: str, la_column: str | None = None
) -> tuple[str, list[Any]]:
    """`pupils_of` for a raw statement: a condition on `school_column` (e.g. "c.school"), with
    its arguments for `{}` placeholders. A table that records its school's LA on each row
    (`la_column`, e.g. "c.la") is scoped for LA staff by that column, which its indexes lead
    with."""
    if not viewer.sees_pupils:
        return "1 = 0", []
    if viewer.school_id is not None:
        return f"{school_column} = {{}}", [viewer.school_id]
    if la_column is not None:
        return f"{la_column} = {{}}", [viewer.la_id]
    return f"{school_column} IN (SELECT id FROM school WHERE la = {{}})", [viewer.la_id]
