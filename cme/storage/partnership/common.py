"""What the five cross-check lists share: who may read them, their filters, a calendar of
weekdays written into the statement, and the SQL pieces for marks and linked pupils.

Marks are kept as one string per pupil and academic year (`cme.timeline`), so a session's
mark is `SUBSTR(py.marks, position, 1)`; the calendar gives each weekday of a period its
year, its two positions and its moments (registration times, week bounds) as typed literals
the engine compares with the episodes' timestamps. It spans only the academic years some
register of the LA holds, so a period typed as "since 1900" costs no more than the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from cme.access import Viewer
from cme.errors import Refused
from cme.matching_lists import session_moment, week_of
from cme.roles import Role
from cme.storage.engine import is_sqlite
from cme.storage.matching import LINKED_SQL
from cme.storage.tables import Pupil
from cme.storage.values import day_from_text
from cme.timeline import Session, academic_year, position, year_start

PAGE_SIZE = 50


class Kind(StrEnum):
    """List 1: absent while missing, or marked present while missing (a conflict)."""

    ABSENT = "absent"
    CONFLICT = "present"


class Hidden(StrEnum):
    """List 4: an unexplained absence run, or a part-day absence."""

    RUN = "run"
    PART_DAY = "part_day"


def choice(kind: type[StrEnum], value: str | None) -> Any:
    return next((k for k in kind if k.value == value), None)


def _number(value: str | None, most: int = 100_000) -> int | None:
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        return None
    return min(int(text), most)


@dataclass(frozen=True)
class Filters:
    """Every list's choices (each list reads the ones it offers); unknown means "any"."""

    kind: Kind | None = None
    hidden: Hidden | None = None
    school: int | None = None
    year_group: str | None = None
    since: date | None = None
    until: date | None = None
    closed: bool = False  # list 2: closed cases too
    missing_now: bool = False  # list 2
    below: int | None = None  # list 3: attendance below this percentage
    run_days: int | None = None  # list 4: shortest run counted; None: the LA's threshold
    page: int = 1

    @classmethod
    def parse(cls, query: dict[str, str | None]) -> Filters:
        year = (query.get("year") or "").strip()[:20]
        run = _number(query.get("run_days"), 200)
        below = _number(query.get("below"), 100)
        return cls(
            kind=choice(Kind, query.get("kind")),
            hidden=choice(Hidden, query.get("hidden")),
            school=_number(query.get("school")),
            year_group=year or None,
            since=day_from_text(query.get("from")),
            until=day_from_text(query.get("to")),
            closed=query.get("closed") == "1",
            missing_now=query.get("missing_now") == "1",
            below=below if below else None,
            run_days=run if run else None,
            page=max(1, _number(query.get("page")) or 1),
        )

    def query(self, **changes: Any) -> dict[str, str | None]:
        """The address's query with `changes`; a new filter starts again at page one."""
        f = replace(self, **changes)
        if "page" not in changes:
            f = replace(f, page=1)
        return {
            "kind": f.kind.value if f.kind else None,
            "hidden": f.hidden.value if f.hidden else None,
            "school": str(f.school) if f.school else None,
            "year": f.year_group,
            "from": f.since.isoformat() if f.since else None,
            "to": f.until.isoformat() if f.until else None,
            "closed": "1" if f.closed else None,
            "missing_now": "1" if f.missing_now else None,
            "below": str(f.below) if f.below else None,
            "run_days": str(f.run_days) if f.run_days else None,
            "page": str(f.page) if f.page > 1 else None,
        }

    @property
    def any(self) -> bool:
        return any(v for k, v in self.query().items() if k != "page")


@dataclass(frozen=True)
class Page:
    """One page of a list (or, for the download, all of it), with the total in the database."""

    rows: list[Any]
    total: int
    page: int
    pages: int
    since: date | None = None  # the period read, where the list has one
    until: date | None = None
    run_days: int | None = None


def check(viewer: Viewer) -> None:
    """The lists are the LA's CME officers' alone: never a school's, never an administrator's."""
    if viewer.role is not Role.CME_OFFICER or viewer.school_id is not None:
        raise Refused("These lists are for the LA's CME officers.")


async def page_of(
    sql: str, args: list[Any], rows_from: str, order: str, filters: Filters, every_page: bool
) -> tuple[list[dict[str, Any]], int, int, int]:
    """(rows, total, page shown, pages) of `SELECT * {rows_from} ORDER BY {order}` after the
    WITH part `sql`: the page and the total in one statement (the WITH part is most of the
    cost); a page past the end shows the last."""
    if every_page:
        rows = [
            dict(r) for r in await Pupil.raw(f"{sql} SELECT * {rows_from} ORDER BY {order}", *args)
        ]
        return rows, len(rows), 1, max(1, -(-len(rows) // PAGE_SIZE))
    page = filters.page
    while True:
        rows = [
            dict(r)
            for r in await Pupil.raw(
                f"{sql} SELECT *, COUNT(*) OVER () AS total_rows {rows_from} ORDER BY {order} "
                f"LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}",
                *args,
            )
        ]
        if rows or page == 1:
            total = int(rows[0]["total_rows"]) if rows else 0
            return rows, total, page, max(1, -(-total // PAGE_SIZE))
        counted = await Pupil.raw(f"{sql} SELECT COUNT(*) AS n {rows_from}", *args)
        page = max(1, -(-int(counted[0]["n"] or 0) // PAGE_SIZE))


def symbols(chosen: Iterable[str]) -> str:
    """A set of mark symbols as an SQL list: `'N', 'O'`."""
    found = sorted(chosen)
    assert all(s != "'" for s in found)
    return ", ".join(f"'{s}'" for s in found)


def linked(la_id: int, episode: str = "e", pupil: str = "p.id") -> str:
    """The LA's episodes linked to the pupil `pupil`, as FROM and WHERE text for EXISTS or a
    count: the one condition of `LINKED_SQL`, on the match `m`."""
    return (
        f"FROM episode_match m JOIN missing_episode {episode} ON {episode}.id = m.episode "
        f"WHERE m.pupil = {pupil} AND m.la = {int(la_id)} AND {episode}.la = {int(la_id)} "
        f"AND {LINKED_SQL}"
    )


def pupil_filters(viewer: Viewer, f: Filters, pupil: str = "p") -> tuple[str, list[Any]]:
    """The viewer's LA's pupils (through their school), and the school and year filters."""
    parts = [f"{pupil}.school IN (SELECT id FROM school WHERE la = {{}})"]
    args: list[Any] = [viewer.la_id]
    if f.school:
        parts.append(f"{pupil}.school = {{}}")
        args.append(f.school)
    if f.year_group:
        parts.append(f"{pupil}.year_group = {{}}")
        args.append(f.year_group)
    return " AND ".join(parts), args


def _day_literal(day: date, sqlite: bool) -> str:
    return f"'{day.isoformat()}'" if sqlite else f"DATE '{day.isoformat()}'"


def _moment_literal(at: datetime, sqlite: bool) -> str:
    # The text SQLite keeps timestamps as (Piccolo's adapter): UTC, "YYYY-MM-DD HH:MM:SS+00:00".
    text = str(at.astimezone(UTC))
    return f"'{text}'" if sqlite else f"TIMESTAMPTZ '{text}'"


CALENDAR_COLUMNS = "day, yr, am, pm, am_at, pm_at, week_from, week_to"


async def data_years(la_id: int) -> tuple[int, int] | None:
    rows = await Pupil.raw(
        "SELECT MIN(py.academic_year) AS first, MAX(py.academic_year) AS last "
        "FROM pupil_year py WHERE py.school IN (SELECT id FROM school WHERE la = {})",
        la_id,
    )
    if not rows or rows[0]["first"] is None:
        return None
    return int(rows[0]["first"]), int(rows[0]["last"])


async def calendar(la_id: int, first: date | None, last: date) -> str:
    """`cal(CALENDAR_COLUMNS)` for the weekdays from `first` (None: the first register) to
    `last`, within the academic years the LA's registers hold; `am` and `pm` are 1-based
    positions in the year's mark string."""
    years = await data_years(la_id)
    sqlite = is_sqlite()
    rows: list[str] = []
    if years is not None:
        start = max(first or date.min, year_start(years[0]))
        end = min(last, year_start(years[1] + 1) - timedelta(days=1))
        day = start
        while day <= end:
            if day.weekday() < 5:
                at = position(day, Session.AM) + 1
                week = week_of(day)
                rows.append(
                    "("
                    + ", ".join(
                        [
                            _day_literal(day, sqlite),
                            str(academic_year(day)),
                            str(at),
                            str(at + 1),
                            _moment_literal(session_moment(day, Session.AM), sqlite),
                            _moment_literal(session_moment(day, Session.PM), sqlite),
                            _moment_literal(week[0], sqlite),
                            _moment_literal(week[1], sqlite),
                        ]
                    )
                    + ")"
                )
            day += timedelta(days=1)
    if not rows:
        # No weekday to read: one row no register joins, so the statement keeps its shape.
        never = datetime(2000, 1, 3, tzinfo=UTC)
        rows.append(
            f"({_day_literal(never.date(), sqlite)}, -1, 1, 2, "
            + ", ".join([_moment_literal(never, sqlite)] * 4)
            + ")"
        )
    return f"cal({CALENDAR_COLUMNS}) AS (VALUES {', '.join(rows)})"


async def choices(viewer: Viewer) -> tuple[list[tuple[int, str]], list[str]]:
    """The LA's schools and its pupils' year groups, for the filters."""
    check(viewer)
    schools = await Pupil.raw(
        "SELECT id, name FROM school WHERE la = {} ORDER BY name, id", viewer.la_id
    )
    years = await Pupil.raw(
        "SELECT DISTINCT p.year_group FROM pupil p WHERE p.school IN "
        "(SELECT id FROM school WHERE la = {}) AND p.year_group <> ''",
        viewer.la_id,
    )
    groups = sorted((str(r["year_group"]) for r in years), key=lambda y: (len(y), y))
    return [(int(r["id"]), str(r["name"])) for r in schools], groups
