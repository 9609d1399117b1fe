"""Cases as people and scripts read them: scoped, evaluated on a day (what is due, may the
child be removed), and, for a child's case page, recorded in the access log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cme.access import Viewer
from cme.cases.case import Case, Status
from cme.events import Action
from cme.storage import audit
from cme.storage.case_context import (
    CASE_COLUMNS,
    CaseState,
    case_of,
    evaluate,
    school_context,
    with_events,
)
from cme.storage.cases import case_for
from cme.storage.clock import today
from cme.storage.engine import write_transaction
from cme.storage.pupil_episodes import PupilEpisode, during, linked_episodes
from cme.storage.pupils import get_pupil
from cme.storage.scope import pupils_of, pupils_sql
from cme.storage.tables import Case as CaseTable
from cme.storage.tables import CaseDocument, Pupil


@dataclass(frozen=True)
class CasePage:
    state: CaseState
    pupil: dict[str, Any]
    earlier: list[Case]
    documents: list[dict[str, Any]] = field(default_factory=list)
    # The child's police episodes over the case's days, for those who may see them.
    episodes: list[PupilEpisode] = field(default_factory=list)
    episodes_shown: bool = False

    @property
    def case(self) -> Case:
        return self.state.case


def _ended_on(case: Case) -> date | None:
    """The last day of the case, None while it runs (the LA still looks for a child removed
    from roll)."""
    if case.is_open or case.on_cme_list:
        return None
    return case.la_closed_on or case.closed_on or case.removed_on


async def case_page(viewer: Viewer, case_id: int, on: date | None = None) -> CasePage:
    """A child's case, if the viewer may see it; looking is recorded in the access log."""
    on = on or today()
    async with write_transaction():
        case = await case_for(viewer, case_id)
        pupil = await get_pupil(viewer, case.pupil_id)
        context = await school_context(case.school_id, on, {case.pupil_id})
        earlier_rows = (
            await CaseTable.select(*CASE_COLUMNS)
            .where(CaseTable.pupil == case.pupil_id, CaseTable.id != case.id)
            .order_by(CaseTable.day_one, ascending=False)
        )
        documents = (
            await CaseDocument.select(
                CaseDocument.id, CaseDocument.kind, CaseDocument.filename, CaseDocument.created_at
            )
            .where(CaseDocument.case == case.id)
            .order_by(CaseDocument.id)
        )
        linked = await linked_episodes(viewer, case.pupil_id)
        episodes = during(linked.episodes, case.day_one, _ended_on(case))
        shown: dict[str, Any] = {"episode_ids": [e.id for e in episodes]} if episodes else {}
        await audit.record(
            Action.CASE_VIEWED,
            viewer=viewer,
            school_id=case.school_id,
            case_id=case.id,
            pupil_id=case.pupil_id,
            upn=pupil["upn"],
            **shown,
        )
    return CasePage(
        evaluate(case, context, on),
        pupil,
        await with_events(earlier_rows),
        list(documents),
        episodes,
        linked.allowed,
    )


@dataclass(frozen=True)
class CaseListRow:
    state: CaseState
    pupil: dict[str, Any]

    @property
    def case(self) -> Case:
        return self.state.case


_PUPIL = (
    Pupil.id,
    Pupil.upn,
    Pupil.legal_forename,
    Pupil.legal_surname,
    Pupil.year_group,
    Pupil.date_of_birth,
    Pupil.school.name,
    Pupil.school.urn,
)


async def _rows(cases: Sequence[Case], on: date) -> list[CaseListRow]:
    by_school: dict[int, list[Case]] = {}
    for c in cases:
        by_school.setdefault(c.school_id, []).append(c)
    pupil_ids = list({c.pupil_id for c in cases}) or [-1]
    pupils = {int(p["id"]): p for p in await Pupil.select(*_PUPIL).where(Pupil.id.is_in(pupil_ids))}
    found: list[CaseListRow] = []
    for school_id, school_cases in by_school.items():
        context = await school_context(school_id, on, {c.pupil_id for c in school_cases})
        found.extend(
            CaseListRow(evaluate(c, context, on), pupils[c.pupil_id]) for c in school_cases
        )
    found.sort(
        key=lambda r: (
            not r.case.must_refer_pending,
            -len(r.state.overdue),
            r.case.day_one,
            r.pupil["legal_surname"],
        )
    )
    return found


async def cases_for_school(
    viewer: Viewer, school_id: int, on: date | None = None, include_closed: bool = False
) -> list[CaseListRow]:
    """The school's cases open on `on` (default today), or all of them."""
    on = on or today()
    query = pupils_of(
        CaseTable.select(*CASE_COLUMNS).where(CaseTable.school == school_id),
        viewer,
        CaseTable.school,
    )
    if not include_closed:
        query = query.where(CaseTable.day_one <= on)
    cases = await with_events(await query)
    if not include_closed:
        cases = [c for c in cases if c.open_on(on)]
    return await _rows(cases, on)


def case_json(row: CaseListRow) -> dict[str, Any]:
    """One case in the `cme cases --json` shape."""
    state = row.state
    return {
        "id": state.case.id,
        "upn": row.pupil["upn"],
        "status": state.status_on(),
        "day_one": state.case.day_one.isoformat(),
        "school_days_missing": state.days_missing,
        "stage": state.stage.value,
        "outcome": state.case.outcome if state.status_on() != Status.OPEN.value else None,
        "reason": state.case.reason.value,
        "due": [
            {
                "action": d.step.value,
                "due_on": d.due_on.isoformat(),
                "done": d.done,
                "overdue": d.overdue,
            }
            for d in state.due
        ],
        "removal": {"allowed": state.removal.allowed, "blocked_by": state.removal.blocked_by},
    }


async def case_ids_on(
    viewer: Viewer, school_id: int, on: date, pupil_ids: Collection[int] | None = None
) -> dict[int, tuple[int, str]]:
    """pupil id -> (case id, "open" | "removed" | "closed") of each child's latest case begun
    by `on`, as it stood on `on`: for linking a list of children to their cases. With
    `pupil_ids`, only those children's cases are read (a page's few, not a year's hundreds)."""
    if pupil_ids is not None and not pupil_ids:
        return {}
    # A plain statement: this is on every Today page, and building the query cost more than
    # running it.
    scope, args = pupils_sql(viewer, "school")
    only = ""
    if pupil_ids is not None:
        ids = sorted(set(pupil_ids))
        only = f" AND pupil IN ({', '.join('{}' for _ in ids)})"
        args.extend(ids)
    columns = ", ".join(c._meta.db_column_name for c in CASE_COLUMNS)
    rows = await CaseTable.raw(
        f"SELECT {columns} FROM cme_case WHERE school = {{}} AND day_one <= {{}} AND {scope}"
        f"{only} ORDER BY day_one, id",
        school_id,
        on,
        *args,
    )
    cases = [case_of(r) for r in rows]
    return {c.pupil_id: (c.id, c.status_on(on).value) for c in cases}


async def cases_of_pupil(viewer: Viewer, pupil_id: int) -> list[Case]:
    """The child's cases, newest first (without their timelines)."""
    rows = await pupils_of(
        CaseTable.select(*CASE_COLUMNS).where(CaseTable.pupil == pupil_id),
        viewer,
        CaseTable.school,
    ).order_by(CaseTable.day_one, ascending=False)
    return [case_of(r) for r in rows]
