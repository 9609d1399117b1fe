"""The LA's caseload: every case of the LA's schools, filtered, sorted, counted and paged in
the database from each case's stored summary (`case_summary.py`), never by loading the LA's
cases into Python."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cme.access import Viewer
from cme.cases.case import Stage, Status
from cme.errors import NotFound
from cme.storage.case_summary import DueStep, stored_due
from cme.storage.clock import today
from cme.storage.engine import current_engine
from cme.storage.scope import pupils_sql
from cme.storage.tables import Case as CaseRow
from cme.storage.tables import LocalAuthority

PAGE_SIZE = 50


class State(StrEnum):
    OPEN = "open"
    # Removed from roll with whereabouts unknown: the LA's list of children missing education.
    MISSING = "missing"
    CLOSED = "closed"
    ALL = "all"


class Holder(StrEnum):
    LA = "la"
    SCHOOL = "school"


class Risk(StrEnum):
    ANY = "any"
    MUST_REFER = "must_refer"
    LOOKED_AFTER = "looked_after"
    CP_PLAN = "cp_plan"


class Sort(StrEnum):
    DUE = "due"
    SCHOOL = "school"
    PUPIL = "pupil"
    STAGE = "stage"
    DAYS = "days"
    DAY_ONE = "day_one"
    RISK = "risk"
    OFFICER = "officer"
    ACTIVITY = "activity"


def _status_of(table: str, pupil: str, key: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM pupil_status {table} WHERE {table}.pupil = {pupil} AND "
        f"{table}.status = '{key}' AND {table}.value = TRUE AND {table}.valid_to IS NULL)"
    )


_LOOKED_AFTER = _status_of("st1", "c.pupil", "looked_after")
_CP_PLAN = _status_of("st2", "c.pupil", "child_protection_plan")
_RISKS = {
    Risk.MUST_REFER: "c.must_refer = TRUE",
    Risk.LOOKED_AFTER: _LOOKED_AFTER,
    Risk.CP_PLAN: _CP_PLAN,
}
_RISKS[Risk.ANY] = "(" + " OR ".join(_RISKS.values()) + ")"
_MISSING = f"(c.status = '{Status.REMOVED.value}' AND c.la_closed_on IS NULL)"
_STATES = {
    State.OPEN: f"c.status = '{Status.OPEN.value}'",
    State.MISSING: _MISSING,
    State.CLOSED: f"(c.status <> '{Status.OPEN.value}' AND NOT {_MISSING})",
    State.ALL: "1 = 1",
}
# A case not yet summarised sorts after the rest, alike on both engines.
_STAGE_ORDER = (
    "CASE c.stage "
    + " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(Stage))
    + f" ELSE {len(Stage)}"
)
_RISK_SCORE = (
    f"((CASE WHEN c.must_refer = TRUE THEN 4 ELSE 0 END) + (CASE WHEN {_CP_PLAN} THEN 2 ELSE 0 "
    f"END) + (CASE WHEN {_LOOKED_AFTER} THEN 1 ELSE 0 END))"
)
_SORTS = {
    Sort.DUE: ["c.next_due_on {dir} NULLS LAST"],
    Sort.SCHOOL: ["s.name {dir}"],
    Sort.PUPIL: ["p.legal_surname {dir}", "p.legal_forename {dir}"],
    Sort.STAGE: [_STAGE_ORDER + " END {dir}"],
    Sort.DAYS: ["c.days_missing {dir}"],
    Sort.DAY_ONE: ["c.day_one {dir}"],
    Sort.RISK: [_RISK_SCORE + " {dir}"],
    Sort.OFFICER: ["a.display_name {dir} NULLS FIRST"],
    Sort.ACTIVITY: ["c.last_activity_at {dir} NULLS LAST"],
}
# The way each column reads most usefully first: the most urgent, longest, riskiest, latest.
DESCENDING_FIRST = {Sort.DAYS, Sort.RISK, Sort.ACTIVITY}


def _choice(kind: type[StrEnum], value: str | None) -> Any:
    return next((k for k in kind if k.value == value), None)


@dataclass(frozen=True)
class Filters:
    """The caseload's choices; anything unknown in an address means "any"."""

    school: int | None = None
    stage: Stage | None = None
    overdue: bool = False
    # "me", "none" (not assigned) or an officer's account id.
    officer: str | None = None
    risk: Risk | None = None
    holder: Holder | None = None
    state: State = State.OPEN
    sort: Sort = Sort.DUE
    descending: bool = False
    page: int = 1

    @classmethod
    def parse(cls, query: dict[str, str | None]) -> Filters:
        def number(name: str) -> int | None:
            value = (query.get(name) or "").strip()
            ascii_digits = value.isascii() and value.isdigit()
            return int(value) if ascii_digits and len(value) < 10 else None

        officer = (query.get("officer") or "").strip()
        if officer not in ("me", "none") and number("officer") is None:
            officer = ""
        sort = _choice(Sort, query.get("sort")) or Sort.DUE
        return cls(
            school=number("school"),
            stage=_choice(Stage, query.get("stage")),
            overdue=query.get("overdue") == "1",
            officer=officer or None,
            risk=_choice(Risk, query.get("risk")),
            holder=_choice(Holder, query.get("holder")),
            state=_choice(State, query.get("state")) or State.OPEN,
            sort=sort,
            descending=query.get("dir") == "desc",
            page=max(1, min(number("page") or 1, 100_000)),
        )

    def query(self, **changes: Any) -> dict[str, str | None]:
        """The address's query for these filters with `changes` (a new filter starts again
        at page one)."""
        f = replace(self, **changes)
        if "page" not in changes:
            f = replace(f, page=1)
        return {
            "state": f.state.value if f.state is not State.OPEN else None,
            "school": str(f.school) if f.school else None,
            "stage": f.stage.value if f.stage else None,
            "overdue": "1" if f.overdue else None,
            "officer": f.officer,
            "risk": f.risk.value if f.risk else None,
            "holder": f.holder.value if f.holder else None,
            "sort": f.sort.value if f.sort is not Sort.DUE else None,
            "dir": "desc" if f.descending else None,
            "page": str(f.page) if f.page > 1 else None,
        }

    def sorted_by(self, sort: Sort) -> dict[str, str | None]:
        """The query for sorting by `sort`: the other way round if it is already sorted so."""
        if sort is self.sort:
            return self.query(descending=not self.descending)
        return self.query(sort=sort, descending=sort in DESCENDING_FIRST)


@dataclass(frozen=True)
class CaseloadRow:
    id: int
    pupil_id: int
    upn: str
    forename: str
    surname: str
    year_group: str
    school_id: int
    school: str
    status: Status
    stage: Stage | None
    days_missing: int
    day_one: date
    handed_to_la: bool
    on_cme_list: bool
    must_refer: bool
    looked_after: bool
    cp_plan: bool
    officer: str | None
    officer_id: int | None
    last_activity_at: datetime | None
    due: list[DueStep] = field(default_factory=list)

    @property
    def next_due(self) -> DueStep | None:
        return self.due[0] if self.due else None

    @property
    def overdue(self) -> list[DueStep]:
        return [d for d in self.due if d.overdue]

    @property
    def risks(self) -> list[str]:
        return [
            words
            for flag, words in (
                (self.must_refer, "Must refer"),
                (self.looked_after, "Looked after"),
                (self.cp_plan, "CP plan"),
            )
            if flag
        ]


@dataclass(frozen=True)
class Caseload:
    filters: Filters
    on: date
    rows: list[CaseloadRow]
    total: int
    # filter -> option -> how many cases the filter would show with the other filters kept.
    counts: dict[str, dict[str, int]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


class _Where:
    """The WHERE clause of the viewer's scope and the filters, kept by filter so that each
    filter's counts can leave that filter out."""

    def __init__(self, viewer: Viewer, f: Filters, on: date) -> None:
        scope, scope_args = pupils_sql(viewer, "c.school", "c.la")
        self.parts: dict[str, tuple[str, list[Any]]] = {"scope": (scope, scope_args)}
        self.parts["state"] = (_STATES[f.state], [])
        if f.school:
            self.parts["school"] = ("c.school = {}", [f.school])
        if f.stage:
            self.parts["stage"] = ("c.stage = {}", [f.stage.value])
        if f.overdue:
            self.parts["overdue"] = ("c.next_due_on < {}", [on])
        if f.officer == "me":
            self.parts["officer"] = ("c.assigned_to = {}", [viewer.user_id])
        elif f.officer == "none":
            self.parts["officer"] = ("c.assigned_to IS NULL", [])
        elif f.officer:
            self.parts["officer"] = ("c.assigned_to = {}", [int(f.officer)])
        if f.risk:
            self.parts["risk"] = (_RISKS[f.risk], [])
        if f.holder is Holder.LA:
            self.parts["holder"] = ("c.handed_to_la_at IS NOT NULL", [])
        elif f.holder is Holder.SCHOOL:
            self.parts["holder"] = ("c.handed_to_la_at IS NULL", [])

    def sql(self, without: str | None = None) -> tuple[str, list[Any]]:
        kept = [part for name, part in self.parts.items() if name != without]
        return " AND ".join(f"({sql})" for sql, _ in kept), [a for _, args in kept for a in args]


_FROM = (
    "FROM cme_case c JOIN pupil p ON p.id = c.pupil JOIN school s ON s.id = c.school "
    "LEFT JOIN account a ON a.id = c.assigned_to"
)
# Counting needs no names: the filters read the case row alone (and the pupil's statuses).
_COUNT_FROM = "FROM cme_case c"
_COLUMNS = (
    "c.id, c.pupil, c.school, c.status, c.stage, c.days_missing, c.day_one, c.due_steps, "
    "c.must_refer, c.handed_to_la_at, c.la_closed_on, c.last_activity_at, c.assigned_to, "
    "p.upn, p.legal_forename, p.legal_surname, p.year_group, s.name AS school_name, "
    f"a.display_name AS officer, {_LOOKED_AFTER} AS looked_after, {_CP_PLAN} AS cp_plan"
)


def _from_for(sort: Sort) -> str:
    joins = {
        Sort.PUPIL: " JOIN pupil p ON p.id = c.pupil",
        Sort.SCHOOL: " JOIN school s ON s.id = c.school",
        Sort.OFFICER: " LEFT JOIN account a ON a.id = c.assigned_to",
    }
    return _COUNT_FROM + joins.get(sort, "")


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _row(r: dict[str, Any], on: date) -> CaseloadRow:
    due = stored_due(r["due_steps"], on)
    status = Status(r["status"])
    return CaseloadRow(
        id=int(r["id"]),
        pupil_id=int(r["pupil"]),
        upn=r["upn"],
        forename=r["legal_forename"],
        surname=r["legal_surname"],
        year_group=r["year_group"],
        school_id=int(r["school"]),
        school=r["school_name"],
        status=status,
        stage=_choice(Stage, r["stage"]),
        days_missing=int(r["days_missing"]),
        day_one=_day(r["day_one"]),
        handed_to_la=r["handed_to_la_at"] is not None,
        on_cme_list=status is Status.REMOVED and r["la_closed_on"] is None,
        must_refer=bool(r["must_refer"]),
        looked_after=bool(r["looked_after"]),
        cp_plan=bool(r["cp_plan"]),
        officer=r["officer"],
        officer_id=r["assigned_to"],
        last_activity_at=_moment(r["last_activity_at"]),
        due=due,
    )


# The counts cost more than the page itself (a grouped count per filter) and change only when
# a case does; every process keeps the latest few, each under the version it was worked out at.
_COUNTS: OrderedDict[tuple[Any, ...], tuple[int, dict[str, dict[str, int]]]] = OrderedDict()
_COUNTS_KEPT = 256


async def _counts_now(
    viewer: Viewer, filters: Filters, where: _Where, on: date
) -> dict[str, dict[str, int]]:
    row = (
        await LocalAuthority.select(LocalAuthority.cases_version)
        .where(LocalAuthority.id == viewer.la_id)
        .first()
    )
    version = int(row["cases_version"]) if row else -1
    chosen = tuple(sorted(filters.query(sort=Sort.DUE, descending=False).items()))
    # The engine too: tests (and tools) open several databases in one process.
    key = (id(current_engine()), viewer.la_id, viewer.user_id, on, chosen)
    kept = _COUNTS.get(key)
    if kept is not None and kept[0] == version:
        _COUNTS.move_to_end(key)
        return kept[1]
    counts = await _counts(where, on)
    _COUNTS[key] = (version, counts)
    while len(_COUNTS) > _COUNTS_KEPT:
        _COUNTS.popitem(last=False)
    return counts


def _check(viewer: Viewer) -> None:
    if not viewer.sees_pupils or viewer.role.works_in_school:
        raise NotFound("no such list")


def _order(f: Filters) -> str:
    direction = "DESC" if f.descending else "ASC"
    terms = [t.format(dir=direction) for t in _SORTS[f.sort]]
    return ", ".join([*terms, "c.id ASC"])


async def caseload(viewer: Viewer, filters: Filters, on: date | None = None) -> Caseload:
    """One page of the LA's caseload with the total and each filter's counts."""
    _check(viewer)
    on = on or today()
    where = _Where(viewer, filters, on)
    sql, args = where.sql()
    counts = await _counts_now(viewer, filters, where, on)
    # The chosen state's count (with every other filter) is the total; "all" is the sum.
    total = counts["state"].get(filters.state.value, 0)
    page = min(filters.page, max(1, -(-total // PAGE_SIZE)))
    filters = replace(filters, page=page)
    # The page's cases are chosen first, joining only what the order needs; the names are
    # joined onto those fifty alone.
    order = _order(filters)
    rows = await CaseRow.raw(
        f"SELECT {_COLUMNS} {_FROM} WHERE c.id IN (SELECT c.id {_from_for(filters.sort)} "
        f"WHERE {sql} ORDER BY {order} LIMIT {{}} OFFSET {{}}) ORDER BY {order}",
        *args,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
    )
    return Caseload(filters, on, [_row(r, on) for r in rows], total, counts)


async def caseload_rows(
    viewer: Viewer, filters: Filters, on: date | None = None
) -> list[CaseloadRow]:
    """Every case the filters select (all pages), in the page's order: for the download."""
    _check(viewer)
    on = on or today()
    sql, args = _Where(viewer, filters, on).sql()
    rows = await CaseRow.raw(
        f"SELECT {_COLUMNS} {_FROM} WHERE {sql} ORDER BY {_order(filters)}", *args
    )
    return [_row(r, on) for r in rows]


async def _counts(where: _Where, on: date) -> dict[str, dict[str, int]]:
    """For each filter, how many cases each of its options would show with the other filters
    as they are: a grouped count per filter in one statement, and the risks in another."""
    parts: list[str] = []
    args: list[Any] = []

    def grouped(name: str, key: str, key_args: tuple[Any, ...] = ()) -> None:
        sql, a = where.sql(without=name)
        parts.append(
            f"SELECT '{name}' AS filter, k AS option, COUNT(*) AS n FROM (SELECT "
            f"CAST({key} AS VARCHAR(40)) AS k {_COUNT_FROM} WHERE {sql}) AS {name}_counts "
            "GROUP BY k"
        )
        args.extend([*key_args, *a])

    states = " ".join(f"WHEN {_STATES[s]} THEN '{s.value}'" for s in (State.OPEN, State.MISSING))
    grouped("state", f"CASE {states} ELSE '{State.CLOSED.value}' END")
    grouped("school", "c.school")
    grouped("stage", "c.stage")
    grouped("overdue", "CASE WHEN c.next_due_on < {} THEN '1' ELSE '0' END", (on,))
    grouped("officer", "COALESCE(c.assigned_to, 0)")
    grouped("holder", "CASE WHEN c.handed_to_la_at IS NULL THEN 'school' ELSE 'la' END")
    rows = await CaseRow.raw(" UNION ALL ".join(parts), *args)
    # An empty caseload has no group to count, yet the page reads every filter's counts.
    counts: dict[str, dict[str, int]] = {
        name: {} for name in ("state", "school", "stage", "overdue", "officer", "holder", "risk")
    }
    for r in rows:
        counts.setdefault(r["filter"], {})[str(r["option"])] = int(r["n"])
    counts["state"][State.ALL.value] = sum(counts["state"].values())
    # The risks overlap (a child may be looked after and have a plan): one pass works out
    # each case's statuses once and counts every risk from them.
    sql, a = where.sql(without="risk")
    risky = await CaseRow.raw(
        "SELECT SUM(CASE WHEN r.must_refer THEN 1 ELSE 0 END) AS must_refer, "
        "SUM(CASE WHEN r.looked_after THEN 1 ELSE 0 END) AS looked_after, "
        "SUM(CASE WHEN r.cp_plan THEN 1 ELSE 0 END) AS cp_plan, "
        "SUM(CASE WHEN r.must_refer OR r.looked_after OR r.cp_plan THEN 1 ELSE 0 END) AS any_risk "
        f"FROM (SELECT c.must_refer = TRUE AS must_refer, {_LOOKED_AFTER} AS looked_after, "
        f"{_CP_PLAN} AS cp_plan {_COUNT_FROM} WHERE {sql}) AS r",
        *a,
    )
    names = {risk: "any_risk" if risk is Risk.ANY else risk.value for risk in Risk}
    counts["risk"] = {risk.value: int(risky[0][names[risk]] or 0) for risk in Risk}
    return counts
