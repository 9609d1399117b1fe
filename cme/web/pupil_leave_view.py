"""Values for the pupil page's leave section (`_pupil_leave.html`). The names are prefixed
`leave_`: every section's values share the page's one template context."""

from __future__ import annotations

from typing import Any

from cme.access import Viewer
from cme.leave import REASON_LIMIT, LeaveForm
from cme.storage.calendar_facts import leave_rows


async def section(viewer: Viewer, pupil: dict[str, Any]) -> dict[str, Any]:
    return {
        "leave_rows": await leave_rows(viewer, int(pupil["id"])),
        # Leave is the school's to record; LA staff see it but have no form.
        "leave_can_record": viewer.role.works_in_school,
        "leave_form": LeaveForm(),
        "leave_reason_limit": REASON_LIMIT,
    }
