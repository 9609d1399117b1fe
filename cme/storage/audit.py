"""The audit trail: who changed what, and who looked at which child, when. Rows are only ever
added.

A change and its audit row commit together or not at all: `record` runs only inside the use
case's own transaction (`write_transaction()`), so a failure between the two cannot leave an
unaudited change, and a failed audit write undoes the change.
"""

from __future__ import annotations

import json
from typing import Any

from cme.access import Viewer
from cme.events import Action
from cme.storage.clock import utcnow
from cme.storage.engine import current_engine
from cme.storage.tables import AuditEvent


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


async def recent(la_id: int, limit: int = 50) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await (
        AuditEvent.select(
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.detail,
            AuditEvent.account.email,
            AuditEvent.school.name,
        )
        .where(AuditEvent.la == la_id)
        .order_by(AuditEvent.id, ascending=False)
        .limit(limit)
    )
    return rows
