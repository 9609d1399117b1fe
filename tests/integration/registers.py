"""Registers for integration tests, and a snapshot of everything an import may touch."""

from __future__ import annotations

from datetime import date
from typing import Any

from cme import demo_data
from cme.demo_registers import Grid, make_grid, weekdays
from cme.storage.tables import AuditEvent, Pupil, PupilYear, RegisterUpload, SchoolYear, SessionNote

# Three weeks of spring term 2025: Mon 6 Jan to Fri 24 Jan, Friday 17th an INSET day.
DAYS = weekdays(date(2025, 1, 6), date(2025, 1, 24))
CLOSED = {date(2025, 1, 17)}
LAST = date(2025, 1, 24)


def grid(seed: int = 7, per_year: int = 4) -> Grid:
    pupils = demo_data.demo_pupils("2001", range(1, 4), per_year=per_year, seed=seed)
    return make_grid(pupils, DAYS, CLOSED, seed=seed)


def subset(g: Grid, first: date, last: date) -> Grid:
    keep = [i for i, d in enumerate(g.days) if first <= d <= last]
    marks = {upn: [m for i in keep for m in row[2 * i : 2 * i + 2]] for upn, row in g.marks.items()}
    return Grid(g.pupils, [g.days[i] for i in keep], marks)


async def snapshot() -> dict[str, Any]:
    """Everything a register import writes, except the upload's own row and audit events."""
    return {
        "pupils": await Pupil.select().order_by(Pupil.id),
        "years": await PupilYear.select().order_by(PupilYear.id),
        "calendars": await SchoolYear.select().order_by(SchoolYear.id),
        "notes": await SessionNote.select().order_by(SessionNote.id),
    }


__all__ = ["AuditEvent", "RegisterUpload", "grid", "snapshot", "subset"]
