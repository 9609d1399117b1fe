"""Writes each pupil-year's absence days (`cme.measures.absence_days`) with its marks: the
register import calls this in its own transaction, so the figures never count marks that are
no longer there."""

from __future__ import annotations

from collections.abc import Mapping

from cme.measures.absence_days import absence_days
from cme.storage.bulk import Connection

CHUNK = 500
COLUMNS = (
    "pupil",
    "school",
    "academic_year",
    "day",
    "week",
    "sessions",
    "part_day",
    "run_start",
    "run_end",
    "run_length",
)


async def store_absence_days(
    db: Connection, school_id: int, written: Mapping[tuple[int, int], str], weeks: bool = True
) -> None:
    """Replace the absence days of every (pupil, academic year) in `written` by those of its
    marks as now written."""
    by_year: dict[int, list[int]] = {}
    for pupil, year in written:
        by_year.setdefault(year, []).append(pupil)
    for year, pupils in by_year.items():
        pupils.sort()
        for start in range(0, len(pupils), CHUNK):
            chunk = pupils[start : start + CHUNK]
            await db.fetch(
                f"DELETE FROM absence_day WHERE academic_year = ? AND pupil IN "
                f"({', '.join('?' * len(chunk))})",
                year,
                *chunk,
            )
    rows = [
        (
            pupil,
            school_id,
            year,
            d.day,
            d.week,
            d.sessions,
            d.part_day,
            d.run_start,
            d.run_end,
            d.run_length,
        )
        for (pupil, year), marks in sorted(written.items())
        for d in absence_days(year, marks)
    ]
    await db.insert("absence_day", COLUMNS, rows)
    # The school's weeks of those years added up again, from the days as now stored (not by
    # the migrations that ran before the weeks were kept).
    for year in sorted(by_year) if weeks else []:
        await db.fetch(
            "DELETE FROM absence_week WHERE school = ? AND academic_year = ?", school_id, year
        )
        await db.fetch(
            "INSERT INTO absence_week (school, academic_year, week, sessions, children) "
            "SELECT school, academic_year, week, SUM(sessions), COUNT(DISTINCT pupil) "
            "FROM absence_day WHERE school = ? AND academic_year = ? "
            "GROUP BY school, academic_year, week",
            school_id,
            year,
        )
