"""The audit trail: who changed what, when. Rows are only ever added."""

from __future__ import annotations

import json
from typing import Any

from cme.access import Viewer
from cme.storage.clock import utcnow
from cme.storage.tables import AuditEvent


async def record(
    action: str,
    *,
    viewer: Viewer | None = None,
    account_id: int | None = None,
    la_id: int | None = None,
    school_id: int | None = None,
    **detail: Any,
) -> None:
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
            action=action,
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
