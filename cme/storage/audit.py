"""The audit trail: who changed what, and who looked at which child, when. Rows are only ever
added.

A change and its audit row commit together or not at all: `record` runs only inside the use
case's own transaction (`write_transaction()`), so a failure between the two cannot leave an
unaudited change, and a failed audit write undoes the change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from piccolo.query import Count, Select

from cme.access import Viewer
from cme.events import Action
from cme.storage.clock import utcnow
from cme.storage.engine import current_engine, write_transaction
from cme.storage.scope import schools_of
from cme.storage.tables import AuditEvent, Pupil
from cme.timeline import LONDON

Q = TypeVar("Q", Select[Any], Count)


class AuditOutsideTransaction(RuntimeError):
    """A bug: an audit row written apart from the change it records."""


async def record(
    action: Action,
    *,
    viewer: Viewer | None = None,
    account_id: int | None = None,
    la_id: int | None = None,
    school_id: int | None = None,
    **detail: Any,
) -> None:
    if not current_engine().transaction_exists():
        raise AuditOutsideTransaction(
            f"audit row {action.value!r} must be written inside the change's transaction"
        )
    if viewer is not None:
        account_id = account_id or viewer.user_id
        la_id = la_id or viewer.la_id
        school_id = school_id or viewer.school_id
    await AuditEvent.insert(
        AuditEvent(
            at=utcnow(),
            account=account_id,
            la=la_id,
            school=school_id,
            action=action.value,
            detail=json.dumps(detail, default=str, sort_keys=True),
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    """Which events of the viewer's LA to show; None means any."""

    account_id: int | None = None
    action: Action | None = None
    school_id: int | None = None
    # UK calendar days, inclusive.
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    action: Action | None
    action_value: str
    account_id: int | None
    email: str | None
    name: str | None
    school_id: int | None
    school: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), LONDON).astimezone(UTC)


def _where(query: Q, viewer: Viewer, chosen: AuditFilter) -> Q:
    # Only ever the viewer's own LA: another LA's events are never read, whatever is asked.
    query = query.where(AuditEvent.la == viewer.la_id)
    if chosen.account_id is not None:
        query = query.where(AuditEvent.account == chosen.account_id)
    if chosen.action is not None:
        query = query.where(AuditEvent.action == chosen.action.value)
    if chosen.school_id is not None:
        query = query.where(AuditEvent.school == chosen.school_id)
    if chosen.since is not None:
        query = query.where(AuditEvent.at >= _start_of(chosen.since))
    if chosen.until is not None:
        query = query.where(AuditEvent.at < _start_of(chosen.until + timedelta(days=1)))
    return query


def _row(r: dict[str, Any]) -> AuditRow:
    try:
        action: Action | None = Action(r["action"])
    except ValueError:
        action = None
    try:
        detail = json.loads(r["detail"] or "{}")
    except ValueError:
        detail = {"detail": r["detail"]}
    return AuditRow(
        id=r["id"],
        at=r["at"],
        action=action,
        action_value=r["action"],
        account_id=r["account"],
        email=r["account.email"],
        name=r["account.display_name"],
        school_id=r["school"],
        school=r["school.name"],
        detail=detail if isinstance(detail, dict) else {"detail": detail},
    )


async def _rows(viewer: Viewer, chosen: AuditFilter, limit: int, offset: int) -> list[AuditRow]:
    query = _where(
        AuditEvent.select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.detail,
            AuditEvent.account,
            AuditEvent.account.email,
            AuditEvent.account.display_name,
            AuditEvent.school,
            AuditEvent.school.name,
        ),
        viewer,
        chosen,
    )
    query = query.order_by(AuditEvent.at, AuditEvent.id, ascending=False)
    return [_row(r) for r in await query.limit(limit).offset(offset)]


async def events(
    viewer: Viewer, chosen: AuditFilter, *, limit: int = 50, offset: int = 0
) -> AuditPage:
    """One page of the LA's events, newest first, and how many match in all (both counted
    and cut by the database: the history is never loaded whole)."""
    total = await _where(AuditEvent.count(), viewer, chosen)
    return AuditPage(await _rows(viewer, chosen, limit, offset), int(total))


async def events_download(
    viewer: Viewer, chosen: AuditFilter, *, cap: int, filters: dict[str, str]
) -> tuple[list[AuditRow], int]:
    """The newest `cap` matching events and how many match in all, with the download itself
    recorded in the same transaction (after the read, so it is not among the rows).
    `filters` are the chosen filters in words, as the download's own audit row keeps them."""
    async with write_transaction():
        total = int(await _where(AuditEvent.count(), viewer, chosen))
        rows = await _rows(viewer, chosen, cap, 0)
        await record(
            Action.LIST_DOWNLOADED,
            viewer=viewer,
            list="audit",
            events=len(rows),
            matching=total,
            filters=filters or None,
        )
    return rows, total


async def people(viewer: Viewer) -> list[dict[str, Any]]:
    """The accounts that appear in the LA's events, for the "who" filter."""
    rows: list[dict[str, Any]] = await (
        AuditEvent.select(
            AuditEvent.account.as_alias("id"),
            AuditEvent.account.email.as_alias("email"),
            AuditEvent.account.display_name.as_alias("name"),
        )
        .where(AuditEvent.la == viewer.la_id)
        .where(AuditEvent.account.is_not_null())
        .distinct()
        .order_by(AuditEvent.account.email)
    )
    return rows


async def children_named(viewer: Viewer, pupil_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Name and UPN of the children an access log page mentions, within the viewer's LA.

    Deliberately `schools_of`, not `pupils_of`: an LA administrator reads no child's record,
    but the access log must say which child was looked at, and a name and UPN is all it shows.
    """
    if not pupil_ids:
        return {}
    query = schools_of(
        Pupil.select(Pupil.id, Pupil.upn, Pupil.legal_surname, Pupil.legal_forename).where(
            Pupil.id.is_in(sorted(pupil_ids))
        ),
        viewer,
        Pupil.school,
    )
    return {int(r["id"]): r for r in await query}
