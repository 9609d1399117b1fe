"""Facts the statutory clock counts with besides the register: the LA's term dates and the
leave of absence schools record.

`term_dates`, `leaves_for` and `leaves_for_school` are unscoped reads for the case engine,
whose caller has already checked scope; everything a person asks for goes through the
viewer's scope, and anything outside it is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.errors import Conflict, NotFound, Refused
from cme.events import Action
from cme.leave import Leave, LeaveForm, check_leave, overlapping_leave
from cme.roles import Role
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import is_sqlite, write_transaction
from cme.storage.organisations import lock_la
from cme.storage.scope import pupils_of
from cme.storage.tables import LaTerm, LeaveOfAbsence, Pupil
from cme.terms import Term, TermForm, check_term, demo_terms, overlapping, typed_date

# --- term dates ---


async def term_dates(la_id: int) -> list[tuple[date, date]]:
    """The LA's terms as (first day, last day), in date order."""
    rows = await (
        LaTerm.select(LaTerm.first_day, LaTerm.last_day)
        .where(LaTerm.la == la_id)
        .order_by(LaTerm.first_day)
    )
    return [(r["first_day"], r["last_day"]) for r in rows]


def _term(row: dict[str, Any]) -> Term:
    return Term(row["id"], row["name"], row["first_day"], row["last_day"])


async def _terms_of(la_id: int) -> list[Term]:
    rows = await (
        LaTerm.select(LaTerm.id, LaTerm.name, LaTerm.first_day, LaTerm.last_day)
        .where(LaTerm.la == la_id)
        .order_by(LaTerm.first_day)
    )
    return [_term(r) for r in rows]


def _admin_only(viewer: Viewer) -> None:
    if viewer.role is not Role.LA_ADMIN:
        raise Refused("Term dates are kept by the LA\u2019s administrators.")


async def list_terms(viewer: Viewer) -> list[Term]:
    _admin_only(viewer)
    return await _terms_of(viewer.la_id)


async def _insert_term(la_id: int, name: str, first_day: date, last_day: date) -> Term:
    clash = overlapping(first_day, last_day, await _terms_of(la_id))
    if clash is not None:
        raise Conflict(
            f"These dates overlap {clash.name} ({clash.first_day:%d/%m/%Y} to "
            f"{clash.last_day:%d/%m/%Y}). Terms must not share any day: change the dates, "
            "or remove that term first."
        )
    rows = await LaTerm.insert(
        LaTerm(la=la_id, name=name, first_day=first_day, last_day=last_day)
    ).returning(LaTerm.id)
    return Term(rows[0]["id"], name, first_day, last_day)


async def add_term(viewer: Viewer, form: TermForm) -> Term:
    _admin_only(viewer)
    first_day = typed_date(form.first_day, "First day")
    last_day = typed_date(form.last_day, "Last day")
    name = check_term(form.name, first_day, last_day)
    async with write_transaction():
        await lock_la(viewer.la_id)
        term = await _insert_term(viewer.la_id, name, first_day, last_day)
        await audit.record(
            Action.TERM_ADDED,
            viewer=viewer,
            term=term.id,
            name=name,
            first_day=first_day.isoformat(),
            last_day=last_day.isoformat(),
        )
    return term


async def term_of(viewer: Viewer, term_id: int) -> Term:
    """One of the viewer's LA's terms; another LA's is not found."""
    _admin_only(viewer)
    row = await (
        LaTerm.select(LaTerm.id, LaTerm.name, LaTerm.first_day, LaTerm.last_day)
        .where(LaTerm.id == term_id, LaTerm.la == viewer.la_id)
        .first()
    )
    if row is None:
        raise NotFound("no such term")
    return _term(row)


async def remove_term(viewer: Viewer, term_id: int) -> Term:
    async with write_transaction():
        term = await term_of(viewer, term_id)
        await LaTerm.delete().where(LaTerm.id == term.id, LaTerm.la == viewer.la_id)
        await audit.record(
            Action.TERM_REMOVED,
            viewer=viewer,
            term=term.id,
            name=term.name,
            first_day=term.first_day.isoformat(),
            last_day=term.last_day.isoformat(),
        )
    return term


async def seed_demo_terms(la_id: int, years: list[int]) -> int:
    """Plausible terms for each academic year, for the demo; terms that would overlap ones
    already entered are left out, so running it again adds nothing. Returns how many."""
    added = 0
    async with write_transaction():
        await lock_la(la_id)
        existing = await _terms_of(la_id)
        for year in years:
            for name, first_day, last_day in demo_terms(year):
                if overlapping(first_day, last_day, existing) is None:
                    existing.append(await _insert_term(la_id, name, first_day, last_day))
                    added += 1
    return added


# --- leave of absence ---


@dataclass(frozen=True)
class LeaveRow:
    """A leave as the pupil page shows it: who recorded it and when."""

    leave: Leave
    recorded_by: str | None
    recorded_at: datetime


_LEAVE_COLUMNS = (
    LeaveOfAbsence.id,
    LeaveOfAbsence.starts_on,
    LeaveOfAbsence.return_on,
    LeaveOfAbsence.reason,
)


def _leave(row: dict[str, Any]) -> Leave:
    return Leave(row["id"], row["starts_on"], row["return_on"], row["reason"])


async def leaves_for(pupil_id: int) -> list[Leave]:
    """The pupil's current (not withdrawn) leave, in date order."""
    rows = await (
        LeaveOfAbsence.select(*_LEAVE_COLUMNS)
        .where(LeaveOfAbsence.pupil == pupil_id, LeaveOfAbsence.withdrawn_at.is_null())
        .order_by(LeaveOfAbsence.starts_on)
    )
    return [_leave(r) for r in rows]


async def leaves_for_school(school_id: int) -> dict[int, list[Leave]]:
    """Current leave of every pupil of the school who has any, by pupil id."""
    rows = await (
        LeaveOfAbsence.select(*_LEAVE_COLUMNS, LeaveOfAbsence.pupil)
        .where(LeaveOfAbsence.school == school_id, LeaveOfAbsence.withdrawn_at.is_null())
        .order_by(LeaveOfAbsence.pupil, LeaveOfAbsence.starts_on)
    )
    found: dict[int, list[Leave]] = {}
    for r in rows:
        found.setdefault(int(r["pupil"]), []).append(_leave(r))
    return found


async def leave_rows(viewer: Viewer, pupil_id: int) -> list[LeaveRow]:
    """The pupil's current leave for the pupil page, within the viewer's scope."""
    query = pupils_of(
        LeaveOfAbsence.select(
            *_LEAVE_COLUMNS,
            LeaveOfAbsence.recorded_by.display_name.as_alias("by"),
            LeaveOfAbsence.recorded_at,
        ).where(LeaveOfAbsence.pupil == pupil_id, LeaveOfAbsence.withdrawn_at.is_null()),
        viewer,
        LeaveOfAbsence.school,
    ).order_by(LeaveOfAbsence.starts_on)
    return [LeaveRow(_leave(r), r["by"], r["recorded_at"]) for r in await query]


async def leave_of(viewer: Viewer, pupil_id: int, leave_id: int) -> LeaveRow:
    """One current leave of the pupil; another child's, or a withdrawn one, is not found."""
    for row in await leave_rows(viewer, pupil_id):
        if row.leave.id == leave_id:
            return row
    raise NotFound("no such leave")


def _school_staff_only(viewer: Viewer) -> None:
    if not viewer.role.works_in_school:
        raise Refused("Leave of absence is recorded by the child\u2019s school.")


async def _pupil_in_scope(viewer: Viewer, pupil_id: int) -> dict[str, Any]:
    query = pupils_of(
        Pupil.select(Pupil.id, Pupil.school, Pupil.upn).where(Pupil.id == pupil_id),
        viewer,
        Pupil.school,
    )
    if not is_sqlite():
        # Two people recording leave for one child at once must not both pass the overlap
        # check.
        query = query.lock_rows()
    row: dict[str, Any] | None = await query.first()
    if row is None:
        raise NotFound("no such pupil")
    return row


async def _sync(pupil_id: int) -> None:
    # Imported here, not at the top: the case engine imports this module for its facts.
    from cme.storage.cases import sync_pupil

    await sync_pupil(pupil_id)


async def record_leave(viewer: Viewer, pupil_id: int, form: LeaveForm) -> Leave:
    """Record authorised leave for a pupil of the viewer's school, then bring the pupil's
    cases up to date (a child not back by the return date has a case from that day)."""
    _school_staff_only(viewer)
    starts_on = typed_date(form.starts_on, "Start date")
    return_on = typed_date(form.return_on, "Expected return date")
    reason = check_leave(starts_on, return_on, form.reason)
    async with write_transaction():
        pupil = await _pupil_in_scope(viewer, pupil_id)
        clash = overlapping_leave(starts_on, return_on, await leaves_for(pupil_id))
        if clash is not None:
            raise Conflict(
                f"This child already has leave from {clash.starts_on:%d/%m/%Y} to "
                f"{clash.return_on:%d/%m/%Y}. Withdraw that leave first if the dates "
                "have changed."
            )
        rows = await LeaveOfAbsence.insert(
            LeaveOfAbsence(
                pupil=pupil_id,
                school=pupil["school"],
                starts_on=starts_on,
                return_on=return_on,
                reason=reason,
                recorded_by=viewer.user_id,
                recorded_at=utcnow(),
            )
        ).returning(LeaveOfAbsence.id)
        leave = Leave(rows[0]["id"], starts_on, return_on, reason)
        # The reason stays on the leave's own row: the audit trail, which LA administrators
        # read, names the child and the dates but not why the family is away.
        await audit.record(
            Action.LEAVE_RECORDED,
            viewer=viewer,
            school_id=pupil["school"],
            leave=leave.id,
            pupil_id=pupil_id,
            upn=pupil["upn"],
            starts_on=starts_on.isoformat(),
            return_on=return_on.isoformat(),
        )
    await _sync(pupil_id)
    return leave


async def withdraw_leave(viewer: Viewer, leave_id: int, *, pupil_id: int | None = None) -> int:
    """Withdraw leave recorded in error (or cancelled); returns the pupil's id. With
    `pupil_id`, the leave must be that pupil's: an address mixing two children is not found."""
    _school_staff_only(viewer)
    async with write_transaction():
        row = await pupils_of(
            LeaveOfAbsence.select(
                *_LEAVE_COLUMNS,
                LeaveOfAbsence.pupil,
                LeaveOfAbsence.school,
                LeaveOfAbsence.pupil.upn.as_alias("upn"),
                LeaveOfAbsence.withdrawn_at,
            ).where(LeaveOfAbsence.id == leave_id),
            viewer,
            LeaveOfAbsence.school,
        ).first()
        if row is None or (pupil_id is not None and row["pupil"] != pupil_id):
            raise NotFound("no such leave")
        if row["withdrawn_at"] is not None:
            raise Conflict("This leave was already withdrawn.")
        await LeaveOfAbsence.update({LeaveOfAbsence.withdrawn_at: utcnow()}).where(
            LeaveOfAbsence.id == leave_id
        )
        await audit.record(
            Action.LEAVE_WITHDRAWN,
            viewer=viewer,
            school_id=row["school"],
            leave=leave_id,
            pupil_id=row["pupil"],
            upn=row["upn"],
            starts_on=row["starts_on"].isoformat(),
            return_on=row["return_on"].isoformat(),
        )
    await _sync(int(row["pupil"]))
    return int(row["pupil"])
