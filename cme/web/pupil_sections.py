"""The pupil page's sections beyond flags and the calendar: each is read by its own module,
so that the details, leave and cases can change without touching one another."""

from __future__ import annotations

from typing import Any

from cme.access import Viewer
from cme.web import pupil_cases_view, pupil_details_view, pupil_episodes_view, pupil_leave_view


async def pupil_sections(viewer: Viewer, pupil: dict[str, Any], portal: str) -> dict[str, Any]:
    """Template values for `_pupil_cases.html`, `_pupil_details.html`, `_pupil_leave.html` and
    `_pupil_episodes.html`. The pupil has already been read through the viewer's scope."""
    found: dict[str, Any] = {"portal": portal}
    for view in (pupil_cases_view, pupil_details_view, pupil_leave_view, pupil_episodes_view):
        found.update(await view.section(viewer, pupil))
    return found
