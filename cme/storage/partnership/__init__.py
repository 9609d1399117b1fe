"""The lists the partnership asks for (RULES.md §8, issue 11): police episodes set beside the
register, for the LA's CME officers only, each filtered, counted and paged in the database.

A pupil's episodes are the ones linked to them by `cme.storage.matching.LINKED_SQL`: a pair
waiting for review, or one a person rejected, links nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from cme.access import Viewer
from cme.storage.partnership.absences import hidden_missing, part_day_with_episodes, period
from cme.storage.partnership.caseload import caseload_with_episodes
from cme.storage.partnership.common import PAGE_SIZE, Filters, Hidden, Kind, Page, choices
from cme.storage.partnership.repeat import repeat_children
from cme.storage.partnership.sessions import session_counts, sessions_during_episodes

__all__ = [
    "PAGE_SIZE",
    "Filters",
    "Hidden",
    "Kind",
    "Overview",
    "Page",
    "caseload_with_episodes",
    "choices",
    "hidden_missing",
    "overview",
    "part_day_with_episodes",
    "period",
    "repeat_children",
    "session_counts",
    "sessions_during_episodes",
]


@dataclass(frozen=True)
class Overview:
    absent: int
    conflicts: int
    caseload: int
    repeat: int
    hidden: int
    part_day: int


async def overview(viewer: Viewer) -> Overview:
    """Each list's count as it first opens."""
    plain = Filters()
    sessions = await session_counts(viewer, plain)
    return Overview(
        absent=sessions[Kind.ABSENT],
        conflicts=sessions[Kind.CONFLICT],
        caseload=(await caseload_with_episodes(viewer, plain)).total,
        repeat=(await repeat_children(viewer, plain)).total,
        hidden=(await hidden_missing(viewer, plain)).total,
        part_day=(await part_day_with_episodes(viewer, plain)).total,
    )
