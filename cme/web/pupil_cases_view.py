"""Values for the pupil page's cases section (`_pupil_cases.html`): the child's cases, newest
first, each linking to its case page."""

from __future__ import annotations

from typing import Any

from cme.access import Viewer
from cme.storage.case_views import cases_of_pupil
from cme.web.case_words import outcome_words


async def section(viewer: Viewer, pupil: dict[str, Any]) -> dict[str, Any]:
    cases = await cases_of_pupil(viewer, pupil["id"])
    return {
        "pupil_cases": [
            {
                "id": c.id,
                "day_one": c.day_one,
                "open": c.is_open,
                "on_cme_list": c.on_cme_list,
                "handed": c.handed_to_la_at is not None,
                "ended_on": c.removed_on or c.closed_on,
                "outcome": outcome_words(c.outcome),
            }
            for c in cases
        ]
    }
