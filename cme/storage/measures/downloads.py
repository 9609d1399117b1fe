"""What the figures pages read, and the same read for a download with its audit row in one
transaction, so that a table that leaves the tracker is always on the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cme.access import Viewer
from cme.events import Action
from cme.measures.figures import Dimension, Group
from cme.measures.periods import Grain, Period
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.measures.counts import at_once
from cme.storage.measures.dashboard import Dashboard, breakdown, dashboard, school_name
from cme.storage.measures.scope import scope_for
from cme.storage.tables import School


@dataclass
class Reading:
    board: Dashboard | None = None  # None when only a breakdown was asked for
    groups: list[Group] = field(default_factory=list)
    # The viewer's LA's schools (id, name), for a CME officer's choice of school.
    schools: list[tuple[int, str]] = field(default_factory=list)
    scope_name: str = ""  # the LA's name, or the one school's
    # False for a school's attendance officer: no figure about police episodes is shown.
    sees_episodes: bool = True


async def figures_for_page(
    viewer: Viewer,
    period: Period,
    grain: Grain,
    dimension: Dimension,
    school_id: int | None = None,
) -> Reading:
    """The dashboard and the chosen breakdown, in the viewer's scope (a school's staff their
    own school, whatever `school_id` says)."""
    board, groups = await at_once(
        dashboard(viewer, period, grain, school_id),
        breakdown(viewer, period, dimension, school_id),
    )
    schools: list[tuple[int, str]] = []
    if viewer.school_id is None:
        rows = await (
            School.select(School.id, School.name)
            .where(School.la == viewer.la_id)
            .order_by(School.name)
        )
        schools = [(int(r["id"]), str(r["name"])) for r in rows]
    return Reading(board, groups, schools, board.scope_name, board.sees_episodes)


async def figures_download(
    viewer: Viewer,
    period: Period,
    grain: Grain,
    dimension: Dimension | None,
    school_id: int | None,
    *,
    table: str,
    shared: bool,
) -> Reading:
    """The figures one downloaded table is made of (a breakdown's groups when `dimension` is
    given, else the dashboard), read with the download's audit row."""
    async with write_transaction():
        scope = await scope_for(viewer, school_id)
        name = viewer.la_name if scope.school_id is None else await school_name(scope.school_id)
        reading = Reading(scope_name=name, sees_episodes=scope.episodes)
        if dimension is None:
            reading.board = await dashboard(viewer, period, grain, school_id)
        else:
            reading.groups = await breakdown(viewer, period, dimension, school_id)
        detail: dict[str, Any] = {
            "table": table,
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "shared": shared,
        }
        if scope.school_id is not None and viewer.school_id is None:
            detail["school"] = scope.school_id
        await audit.record(Action.FIGURES_DOWNLOADED, viewer=viewer, **detail)
    return reading
