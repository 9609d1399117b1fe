"""The LA's caseload (issue 9), on both engines: each filter, their counts, every sort both
ways, paging, scope from outside, assigning cases through the form, the Excel download, the
stored summary kept right by each action, and each role's task list."""

from __future__ import annotations

import html
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from cme.access import Viewer
from cme.cases.case import Stage
from cme.cases.enquiries import Side
from cme.errors import NotFound
from cme.events import Action
from cme.storage import accounts, tasks
from cme.storage import case_actions as act
from cme.storage import case_actions_end as end
from cme.storage.case_summary import refresh_case
from cme.storage.caseload import PAGE_SIZE, Filters, Sort, caseload, caseload_rows
from cme.storage.cases import sync_school
from cme.storage.clock import today
from cme.storage.engine import write_transaction
from cme.storage.tables import (
    Account,
    AuditEvent,
    Case,
    CaseEvent,
    Notification,
    Pupil,
    PupilStatusVersion,
)
from la_portal.case_export import HEADERS
from tests.integration.helpers import PASSWORD, World, csrf_token, sign_in
from tests.integration.test_case_actions import DAY_ONE, viewer

ON = date(2025, 10, 1)
_upns = itertools.count(1)


def at(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 10, 0, tzinfo=UTC)


async def add_pupil(school: int, surname: str, forename: str) -> int:
    rows = await Pupil.insert(
        Pupil(
            school=school,
            upn=f"T{next(_upns):012d}",
            legal_forename=forename,
            legal_surname=surname,
            gender="F",
            year_group="6",
            reg_group="6A",
        )
    ).returning(Pupil.id)
    return int(rows[0]["id"])


async def add_case(
    school: int, la: int, surname: str, forename: str = "Amy", **columns: Any
) -> int:
    pupil = await add_pupil(school, surname, forename)
    case = Case(
        pupil=pupil,
        school=school,
        la=la,
        reason="unexplained",
        day_one=DAY_ONE,
        clock_start=DAY_ONE,
        opened_at=at(9, 1),
    )
    for name, value in columns.items():
        setattr(case, name, value)
    rows = await Case.insert(case).returning(Case.id)
    return int(rows[0]["id"])


async def refresh(case_id: int, on: date) -> None:
    async with write_transaction():
        await refresh_case(case_id, on)


async def pupil_of(case_id: int) -> int:
    return int((await Case.select(Case.pupil).where(Case.id == case_id).first())["pupil"])


def rows_of(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-case="(\d+)"', page)]


# --- A caseload with every filter's options, its summaries stored as given -------------------


@dataclass(frozen=True)
class Spec:
    key: str
    school: str  # A, B (LA 370) or C (LA 380)
    surname: str
    forename: str
    state: str  # open, missing, closed (by the school), la_closed (found by the LA)
    stage: Stage
    handed: bool
    officer: str | None  # me, bea, other (LA 380's officer) or not assigned
    due: date | None
    must_refer: bool
    statuses: tuple[str, ...]
    days: int
    day_one: date
    activity: datetime | None


S = Stage
SPECS = [
    Spec("a1", "A", "Adams", "Amy", "open", S.DAY_ONE, False, None, date(2025, 9, 8), False,
         (), 15, date(2025, 9, 8), None),
    Spec("a2", "A", "Baker", "Ben", "open", S.REFER_NOW, False, None, ON, True,
         (), 4, date(2025, 9, 25), at(9, 26)),
    Spec("a3", "A", "Clark", "Cai", "open", S.WITH_LA, True, "me", date(2025, 9, 20), False,
         ("looked_after",), 15, date(2025, 9, 8), at(9, 30)),
    Spec("b1", "B", "Davies", "Dee", "open", S.WITH_LA, True, "bea", date(2025, 10, 10), False,
         ("child_protection_plan",), 10, date(2025, 9, 15), at(9, 30)),
    Spec("b2", "B", "Adams", "Amy", "open", S.REMOVAL_MAY_BE_CONSIDERED, True, None, None,
         False, ("looked_after", "child_protection_plan"), 21, date(2025, 9, 1), at(9, 20)),
    Spec("b3", "B", "Fisher", "Fay", "missing", S.MISSING_EDUCATION, True, "me", None, False,
         (), 21, date(2025, 9, 1), None),
    Spec("a4", "A", "Green", "Gus", "closed", S.CLOSED, False, None, None, False,
         (), 2, date(2025, 9, 22), at(9, 24)),
    Spec("b4", "B", "Hughes", "Hal", "la_closed", S.CLOSED, True, "bea", date(2025, 9, 20),
         False, (), 21, date(2025, 9, 1), at(9, 28)),
    Spec("c1", "C", "Irwin", "Ivy", "open", S.WITH_LA, True, "other", date(2025, 9, 10), True,
         ("looked_after",), 12, date(2025, 9, 10), at(9, 29)),
]  # fmt: skip


@dataclass
class Load:
    world: World
    me: Viewer
    bea: int
    other: Viewer
    ids: dict[str, int]
    specs: dict[int, Spec]

    def of(self, *keys: str) -> set[int]:
        return {self.ids[k] for k in keys}

    def school(self, letter: str) -> int:
        w = self.world
        return {"A": w.school_a, "B": w.school_b, "C": w.school_other_la}[letter]


async def add_officer(email: str, name: str, la_code: str = "370") -> int:
    return await accounts.add_account(
        email=email, password=PASSWORD, role="cme_officer",
        display_name=name, la_code=la_code,
    )  # fmt: skip


async def store(load: Load, spec: Spec) -> int:
    w = load.world
    officers = {"me": load.me.user_id, "bea": load.bea, "other": load.other.user_id}
    status = {"open": "open", "closed": "closed"}.get(spec.state, "removed")
    case_id = await add_case(
        load.school(spec.school),
        w.other_la_id if spec.school == "C" else w.la_id,
        spec.surname,
        spec.forename,
        status=status,
        day_one=spec.day_one,
        handed_to_la_at=at(9, 15) if spec.handed else None,
        removed_on=ON if status == "removed" else None,
        la_closed_on=ON if spec.state == "la_closed" else None,
        assigned_to=officers.get(spec.officer or ""),
    )
    due = [["contact_parents", spec.due.isoformat()]] if spec.due else []
    await Case.update(
        {
            Case.stage: spec.stage.value,
            Case.days_missing: spec.days,
            Case.next_due_on: spec.due,
            Case.due_steps: json.dumps(due),
            Case.must_refer: spec.must_refer,
            Case.last_activity_at: spec.activity,
            Case.summary_on: ON,
        }
    ).where(Case.id == case_id)
    pupil = await pupil_of(case_id)
    for status_key in spec.statuses:
        await PupilStatusVersion.insert(
            PupilStatusVersion(
                pupil=pupil, status=status_key, value=True, valid_from=at(9, 1), source="import"
            )
        )
    return case_id


@pytest.fixture
async def load(world: World) -> Load:
    me = await viewer("cme@test.example")
    bea = await add_officer("bea@test.example", "Bea Second")
    loaded = Load(world, me, bea, await viewer("cme.other@test.example"), {}, {})
    # Made in another order than listed, so that ids do not follow any sort by chance.
    for spec in reversed(SPECS):
        case_id = await store(loaded, spec)
        loaded.ids[spec.key] = case_id
        loaded.specs[case_id] = spec
    # A looked-after status that has ended, and one recorded as "no", count for nothing.
    a1, a2 = [await pupil_of(loaded.ids[k]) for k in ("a1", "a2")]
    await PupilStatusVersion.insert(
        PupilStatusVersion(pupil=a1, status="looked_after", value=True, valid_from=at(9, 1),
                           valid_to=at(9, 5), source="import"),
        PupilStatusVersion(pupil=a2, status="looked_after", value=False, valid_from=at(9, 1),
                           source="import"),
    )  # fmt: skip
    return loaded


async def shown(load: Load, who: Viewer | None = None, **query: str) -> set[int]:
    found = await caseload(who or load.me, Filters.parse(dict(query)), ON)
    assert found.total == len(found.rows)
    return {r.id for r in found.rows}


async def test_each_filter_narrows_the_caseload(load: Load) -> None:
    a, b, c = (str(load.school(x)) for x in "ABC")
    assert await shown(load) == load.of("a1", "a2", "a3", "b1", "b2")
    assert await shown(load, school=a) == load.of("a1", "a2", "a3")
    assert await shown(load, school=b) == load.of("b1", "b2")
    assert await shown(load, school=c) == set()
    assert await shown(load, stage="with_la") == load.of("a3", "b1")
    assert await shown(load, stage="refer_now") == load.of("a2")
    assert await shown(load, stage="closed", state="all") == load.of("a4", "b4")
    # Overdue is "due before the day asked about": a step due that very day is not late yet.
    assert await shown(load, overdue="1") == load.of("a1", "a3")
    assert await shown(load, officer="me") == load.of("a3")
    assert await shown(load, officer="none") == load.of("a1", "a2", "b2")
    assert await shown(load, officer=str(load.bea)) == load.of("b1")
    assert await shown(load, officer=str(load.other.user_id)) == set()
    assert await shown(load, risk="must_refer") == load.of("a2")
    assert await shown(load, risk="looked_after") == load.of("a3", "b2")
    assert await shown(load, risk="cp_plan") == load.of("b1", "b2")
    assert await shown(load, risk="any") == load.of("a2", "a3", "b1", "b2")
    assert await shown(load, holder="la") == load.of("a3", "b1", "b2")
    assert await shown(load, holder="school") == load.of("a1", "a2")
    assert await shown(load, state="open") == load.of("a1", "a2", "a3", "b1", "b2")
    assert await shown(load, state="missing") == load.of("b3")
    assert await shown(load, state="closed") == load.of("a4", "b4")
    assert await shown(load, state="all") == load.of("a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4")
    # Combined, and anything unknown in an address means "any".
    assert await shown(load, school=b, holder="la", officer="none") == load.of("b2")
    assert await shown(load, state="all", officer="me") == load.of("a3", "b3")
    assert await shown(load, overdue="1", risk="any") == load.of("a3")
    assert await shown(load, state="all", holder="la", school=b, risk="cp_plan") == load.of(
        "b1", "b2"
    )
    assert await shown(load, stage="nonsense", risk="x", officer="someone", state="?") == (
        await shown(load)
    )


OPTIONS: dict[str, Callable[[Load], dict[str, str]]] = {
    # filter -> {option in the address: its key in the counts}
    "state": lambda ld: {s: s for s in ("open", "missing", "closed", "all")},
    "school": lambda ld: {str(ld.school(x)): str(ld.school(x)) for x in "AB"},
    "stage": lambda ld: {s.value: s.value for s in Stage},
    "overdue": lambda ld: {"1": "1"},
    "officer": lambda ld: {
        "me": str(ld.me.user_id),
        "none": "0",
        str(ld.bea): str(ld.bea),
    },
    "risk": lambda ld: {r: r for r in ("any", "must_refer", "looked_after", "cp_plan")},
    "holder": lambda ld: {"la": "la", "school": "school"},
}


BASES = [{}, {"school": "A"}, {"overdue": "1", "state": "all"}, {"holder": "la", "risk": "any"}]


async def test_each_count_is_what_choosing_that_option_would_show(load: Load) -> None:
    for given in BASES:
        base = {k: str(load.school(v)) if k == "school" else v for k, v in given.items()}
        found = await caseload(load.me, Filters.parse(dict(base)), ON)
        checked = 0
        for name, options in OPTIONS.items():
            for option, key in options(load).items():
                choosing = await caseload(load.me, Filters.parse({**base, name: option}), ON)
                got = found.counts[name].get(key, 0)
                assert got == choosing.total, (base, name, option, got, choosing.total)
                checked += choosing.total
        assert checked > 0
    found = await caseload(load.me, Filters(), ON)
    assert found.counts["state"] == {"open": 5, "missing": 1, "closed": 2, "all": 8}
    assert found.counts["officer"] == {str(load.me.user_id): 1, "0": 3, str(load.bea): 1}
    assert found.counts["risk"] == {"any": 4, "must_refer": 1, "looked_after": 2, "cp_plan": 2}
    assert found.counts["overdue"] == {"1": 2, "0": 3}


def _expected_order(load: Load, sort: Sort, descending: bool) -> list[int]:
    """The documented order: by the column, ties by id ascending either way; not assigned
    first and no deadline or activity last, whichever the direction."""
    officers = {"me": load.me.display_name, "bea": "Bea Second"}
    stages = list(Stage)
    keys: dict[Sort, Callable[[Spec], Any]] = {
        Sort.DUE: lambda s: s.due,
        Sort.SCHOOL: lambda s: s.school,
        Sort.PUPIL: lambda s: (s.surname, s.forename),
        Sort.STAGE: lambda s: stages.index(s.stage),
        Sort.DAYS: lambda s: s.days,
        Sort.DAY_ONE: lambda s: s.day_one,
        Sort.RISK: lambda s: 4 * s.must_refer + 2 * ("child_protection_plan" in s.statuses)
                             + ("looked_after" in s.statuses),
        Sort.OFFICER: lambda s: officers[s.officer] if s.officer else None,
        Sort.ACTIVITY: lambda s: s.activity,
    }  # fmt: skip
    ids = sorted(i for i, s in load.specs.items() if s.school != "C")
    valued = [i for i in ids if keys[sort](load.specs[i]) is not None]
    empty = [i for i in ids if keys[sort](load.specs[i]) is None]
    ordered = sorted(valued, key=lambda i: keys[sort](load.specs[i]), reverse=descending)
    return empty + ordered if sort is Sort.OFFICER else ordered + empty


async def test_every_sort_both_ways_with_ties_by_id(load: Load) -> None:
    for sort in Sort:
        for descending in (False, True):
            query = {"state": "all", "sort": sort.value, "dir": "desc" if descending else ""}
            found = await caseload(load.me, Filters.parse(query), ON)
            expected = _expected_order(load, sort, descending)
            assert [r.id for r in found.rows] == expected, query
            everything = await caseload_rows(load.me, Filters.parse(query), ON)
            assert [r.id for r in everything] == expected, query


async def test_sort_headings_link_to_each_order(client: httpx.AsyncClient, load: Load) -> None:
    await sign_in(client, "cme@test.example")
    page = await client.get("/la/cases", params={"sort": "days", "dir": "desc", "state": "all"})
    assert page.status_code == 200
    assert rows_of(page.text) == _expected_order(load, Sort.DAYS, True)
    assert 'aria-sort="descending"' in page.text
    # The current column's heading reverses it; another column starts its most useful way.
    assert 'href="/la/cases?state=all&amp;sort=days"' in page.text
    assert 'href="/la/cases?state=all&amp;sort=risk&amp;dir=desc"' in page.text
    assert 'href="/la/cases?state=all&amp;sort=pupil"' in page.text


async def test_the_page_shows_the_filtered_rows_and_each_options_count(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, "cme@test.example")
    page = await client.get("/la/cases", params={"holder": "la", "risk": "any"})
    assert set(rows_of(page.text)) == load.of("a3", "b1", "b2")
    assert "with the la" in page.text and "risk: any of these" in page.text
    assert f'<option value="{load.school("A")}" >School A (1)</option>' in page.text
    assert "Not assigned (1)" in page.text and "Bea Second (1)" in page.text
    assert 'id="my-cases">My cases <span class="count">1</span>' in page.text
    assert '>Open cases <span class="count">3</span>' in page.text
    # The other LA's case is nowhere, not even in a count.
    assert "Irwin" not in page.text and "School C" not in page.text


async def test_an_la_with_no_cases_shows_an_empty_caseload(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "cme@test.example")
    for query in ({}, {"state": "all", "overdue": "1"}, {"officer": "me", "risk": "any"}):
        page = await client.get("/la/cases", params=query)
        assert page.status_code == 200, page.text
        assert "No cases:" in page.text and rows_of(page.text) == []
    found = await caseload(await viewer("cme@test.example"), Filters(), ON)
    assert (found.total, found.pages, found.rows) == (0, 1, [])
    assert found.counts["state"]["all"] == 0


# --- Paging ------------------------------------------------------------------------------------


async def test_pages_of_fifty_and_a_page_past_the_end_shows_the_last(
    client: httpx.AsyncClient, world: World
) -> None:
    total = PAGE_SIZE + 3
    pupils = await Pupil.insert(
        *(
            Pupil(school=world.school_a, upn=f"P{n:012d}", legal_forename="Kit",
                  legal_surname=f"Pupil{n:03d}", gender="M", year_group="3", reg_group="3B")
            for n in range(total, 0, -1)
        )
    ).returning(Pupil.id)  # fmt: skip
    await Case.insert(
        *(
            Case(pupil=p["id"], school=world.school_a, la=world.la_id, reason="unexplained",
                 day_one=DAY_ONE, clock_start=DAY_ONE, opened_at=at(9, 8))
            for p in pupils
        )
    )  # fmt: skip
    # The sync stores every new case's summary, as after an import.
    await sync_school(world.school_a, ON)
    me = await viewer("cme@test.example")
    first = await caseload(me, Filters.parse({"sort": "pupil"}), ON)
    second = await caseload(me, Filters.parse({"sort": "pupil", "page": "2"}), ON)
    beyond = await caseload(me, Filters.parse({"sort": "pupil", "page": "9"}), ON)
    assert (first.total, first.pages, len(first.rows)) == (total, 2, PAGE_SIZE)
    assert len(second.rows) == 3 and second.filters.page == 2
    assert beyond.filters.page == 2 and beyond.rows == second.rows
    names = [r.surname for r in first.rows + second.rows]
    assert names == [f"Pupil{n:03d}" for n in range(1, total + 1)]
    assert {r.stage for r in first.rows + second.rows} == {Stage.DAY_ONE}
    assert all(r.overdue for r in first.rows)

    await sign_in(client, "cme@test.example")
    page = await client.get("/la/cases", params={"sort": "pupil", "page": "9"})
    assert "Showing <strong>51\u201353</strong> of <strong>53</strong>" in page.text
    assert "Page 2 of 2" in page.text and 'rel="prev"' in page.text
    assert rows_of(page.text) == [r.id for r in second.rows]
    download = await client.get("/la/cases.xlsx", params={"sort": "pupil"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    surnames = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert surnames == names


# --- Scope from outside ------------------------------------------------------------------------


async def test_another_las_officer_sees_none_of_these_cases(
    client: httpx.AsyncClient, load: Load
) -> None:
    everything = await caseload(load.other, Filters.parse({"state": "all"}), ON)
    assert [r.id for r in everything.rows] == [load.ids["c1"]]
    assert everything.counts["school"] == {str(load.school("C")): 1}
    assert str(load.me.user_id) not in everything.counts["officer"]
    assert await shown(load, load.other, school=str(load.school("A")), state="all") == set()
    await sign_in(client, "cme.other@test.example")
    page = await client.get("/la/cases", params={"state": "all"})
    assert rows_of(page.text) == [load.ids["c1"]]
    download = await client.get("/la/cases.xlsx", params={"state": "all"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["Irwin"]


@pytest.mark.parametrize("email", ["admin@test.example", "ao.a@test.example", "dsl.a@test.example"])
async def test_only_cme_officers_open_the_caseload(
    client: httpx.AsyncClient, load: Load, email: str
) -> None:
    await sign_in(client, email)
    for path in ("/la/cases", "/la/cases.xlsx", f"/la/cases/{load.ids['a1']}"):
        assert (await client.get(path)).status_code in (403, 404), path
    who = await viewer(email)
    with pytest.raises(NotFound):
        await caseload(who, Filters(), ON)
    with pytest.raises(NotFound):
        await caseload_rows(who, Filters(), ON)
    downloads = await AuditEvent.count().where(AuditEvent.action == Action.LIST_DOWNLOADED.value)
    assert downloads == 0


# --- Assigning cases through the form ----------------------------------------------------------


async def assign(
    client: httpx.AsyncClient, cases: list[int], officer: str, back: str = "/la/cases"
) -> httpx.Response:
    page = await client.get("/la/cases", params={"state": "all"})
    return await client.post(
        "/la/cases/assign",
        data={
            "case": [str(c) for c in cases],
            "officer": officer,
            "back": back,
            "_csrf_token": csrf_token(page.text),
        },
    )


async def assigned(*case_ids: int) -> list[int | None]:
    rows = await Case.select(Case.id, Case.assigned_to).where(Case.id.is_in(list(case_ids)))
    by_id = {r["id"]: r["assigned_to"] for r in rows}
    return [by_id[c] for c in case_ids]


async def assignments(case_id: int) -> list[dict[str, Any]]:
    rows = (
        await CaseEvent.select(CaseEvent.detail, CaseEvent.actor.email)
        .where(CaseEvent.case == case_id, CaseEvent.kind == "assigned")
        .order_by(CaseEvent.id)
    )
    return [{**json.loads(r["detail"]), "by": r["actor.email"]} for r in rows]


async def assign_audits() -> Counter[tuple[int, tuple[Any, ...]]]:
    rows = await AuditEvent.select(AuditEvent.detail, AuditEvent.account.email).where(
        AuditEvent.action == Action.CASE_ASSIGNED.value
    )
    assert all(r["account.email"] == "cme@test.example" for r in rows)
    details = [json.loads(r["detail"]) for r in rows]
    return Counter((d["case_id"], tuple(d["changes"]["assigned_to"])) for d in details)


async def notices_to(email: str) -> list[tuple[str, str, int | None]]:
    rows = await Notification.select(
        Notification.kind, Notification.link, Notification.case_id
    ).where(Notification.account.email == email, Notification.kind == "case_assigned")
    return [(r["kind"], r["link"], r["case_id"]) for r in rows]


async def test_assigning_one_and_several_reassigning_and_unassigning(
    client: httpx.AsyncClient, load: Load
) -> None:
    me, bea = load.me.user_id, load.bea
    a1, a2, b2 = (load.ids[k] for k in ("a1", "a2", "b2"))
    await sign_in(client, "cme@test.example")
    back = f"/la/cases?school={load.school('A')}&sort=pupil"

    # One case to oneself: on the timeline and audited, but no notice to oneself.
    done = await assign(client, [a1], "me", back)
    assert (done.status_code, done.headers["location"]) == (303, back)
    assert await assigned(a1, a2) == [me, None]
    name = load.me.display_name
    assert await assignments(a1) == [{"to": name, "from": None, "by": "cme@test.example"}]
    assert await notices_to("cme@test.example") == []
    after = await client.get(back)
    assert "Cases assigned." in after.text
    assert set(rows_of((await client.get("/la/cases?officer=me")).text)) == load.of("a1", "a3")

    # Several at once to a colleague, one of them taken from me: one notice to her.
    done = await assign(client, [a1, a2, b2], str(bea))
    assert done.status_code == 303
    assert await assigned(a1, a2, b2) == [bea, bea, bea]
    assert (await assignments(a1))[-1] == {"to": "Bea Second", "from": name, "by": load.me.email}
    assert await notices_to("bea@test.example") == [
        ("case_assigned", "/la/cases/?officer=me", None)
    ]
    # The notice's link opens her own cases.
    await sign_in(client, "bea@test.example")
    mine = await client.get("/la/cases/?officer=me")
    assert mine.status_code == 200
    assert set(rows_of(mine.text)) == load.of("a1", "a2", "b1", "b2")

    # Assigning the same way again changes nothing and says so.
    await sign_in(client, "cme@test.example")
    again = await assign(client, [a2], str(bea))
    assert "Nothing changed" in (await client.get(again.headers["location"])).text
    assert len(await assignments(a2)) == 1

    # One case back to her alone: the notice links to that case.
    await Notification.delete(force=True)
    await assign(client, [a1], "none")
    await assign(client, [a1], str(bea))
    assert await notices_to("bea@test.example") == [("case_assigned", f"/la/cases/{a1}", a1)]

    # Unassigning.
    done = await assign(client, [a1, a2], "none")
    assert await assigned(a1, a2, b2) == [None, None, bea]
    assert (await assignments(a2))[-1] == {"to": None, "from": "Bea Second", "by": load.me.email}
    assert "no longer assigned to anyone" in (await client.get(done.headers["location"])).text
    assert await assign_audits() == Counter(
        [
            (a1, (None, me)), (a1, (me, bea)), (a2, (None, bea)), (b2, (None, bea)),
            (a1, (bea, None)), (a1, (None, bea)), (a1, (bea, None)), (a2, (bea, None)),
        ]
    )  # fmt: skip
    # The timeline says it in words.
    case_page = await client.get(f"/la/cases/{a2}")
    assert "No longer assigned to an officer" in case_page.text
    assert "Assigned to Bea Second" in case_page.text


async def test_a_wrong_officer_or_no_case_is_refused_in_words(
    client: httpx.AsyncClient, load: Load
) -> None:
    a1 = load.ids["a1"]
    dsl = await Account.select(Account.id).where(Account.email == "dsl.a@test.example").first()
    await sign_in(client, "cme@test.example")
    for officer, words in (
        (str(load.other.user_id), "Choose one of your LA's CME officers."),
        (str(dsl["id"]), "Choose one of your LA's CME officers."),
        ("", "Choose whom to assign the cases to."),
        ("someone", "Choose whom to assign the cases to."),
    ):
        refused = await assign(client, [a1], officer, back="/la/cases?state=all")
        assert refused.status_code == 400, officer
        assert words in html.unescape(refused.text), officer
        # The page is shown again as it was asked for.
        assert set(rows_of(refused.text)) == set(load.ids.values()) - load.of("c1")
    refused = await assign(client, [], "me")
    assert refused.status_code == 400 and "Choose at least one case to assign." in refused.text
    assert await assigned(a1) == [None]
    assert await CaseEvent.count() == 0 and not await assign_audits()


async def test_assigning_another_las_case_is_not_found_and_changes_nothing(
    client: httpx.AsyncClient, load: Load
) -> None:
    a1, c1 = load.ids["a1"], load.ids["c1"]
    await sign_in(client, "cme@test.example")
    for cases in ([c1], [a1, c1]):
        assert (await assign(client, cases, "me")).status_code == 404
    assert await assigned(a1, c1) == [None, load.other.user_id]
    assert await CaseEvent.count() == 0 and not await assign_audits()
    # A page to return to outside the caseload is not followed.
    done = await assign(client, [a1], "me", back="https://elsewhere.example/la/cases")
    assert done.headers["location"] == "/la/cases"


# --- The download ------------------------------------------------------------------------------


async def test_the_download_holds_exactly_the_filtered_cases_as_text(
    client: httpx.AsyncClient, load: Load
) -> None:
    hyperlink = '=HYPERLINK("http://evil.example/","Click")'
    await Pupil.update({Pupil.legal_surname: hyperlink}).where(
        Pupil.id == await pupil_of(load.ids["b2"])
    )
    await sign_in(client, "cme@test.example")
    query = {"holder": "la", "state": "all", "sort": "pupil", "dir": "desc"}
    page = await client.get("/la/cases", params=query)
    got = await client.get("/la/cases.xlsx", params=query)
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="caseload-370.xlsx"'
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert "5 cases" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == HEADERS
    rows = list(sheet.iter_rows(min_row=3))
    upns = {
        r["id"]: r["pupil.upn"]
        for r in await Case.select(Case.id, Case.pupil.upn).where(
            Case.id.is_in(list(load.ids.values()))
        )
    }
    assert [r[0].value for r in rows] == [upns[i] for i in rows_of(page.text)]
    assert {r[0].value for r in rows} == {upns[i] for i in load.of("a3", "b1", "b2", "b3", "b4")}
    formula = [c for r in rows for c in r if c.value == hyperlink]
    assert formula and all(c.data_type == "s" for c in formula)
    officer = next(r for r in rows if r[0].value == upns[load.ids["b2"]])
    assert officer[HEADERS.index("Officer")].value == "Not assigned"
    assert officer[HEADERS.index("Risk")].value == "Looked after, CP plan"
    assert officer[HEADERS.index("With")].value == "LA"

    logged = await AuditEvent.select(AuditEvent.detail, AuditEvent.account.email).where(
        AuditEvent.action == Action.LIST_DOWNLOADED.value
    )
    assert len(logged) == 1 and logged[0]["account.email"] == "cme@test.example"
    detail = json.loads(logged[0]["detail"])
    assert detail["list"] == "la_caseload"
    assert detail["filters"] == {"holder": "la", "state": "all", "sort": "pupil", "dir": "desc"}
    assert detail["children"] == 5


# --- The stored summary follows every action --------------------------------------------------


async def latest_activity(case_id: int) -> datetime:
    rows = await CaseEvent.select(CaseEvent.at).where(
        CaseEvent.case == case_id, CaseEvent.actor.is_not_null()
    )
    return max(r["at"] for r in rows)


async def test_each_action_changes_the_caseload_row_without_a_sweep(world: World) -> None:
    case_id = await add_case(world.school_a, world.la_id, "Orme", "Ola")
    await refresh(case_id, today())  # as the import's sync stores a new case's summary
    ao, dsl, cme = [await viewer(f"{w}@test.example") for w in ("ao.a", "dsl.a", "cme")]

    async def row(**query: str) -> Any:
        found = await caseload_rows(cme, Filters.parse({"state": "all", **query}))
        return next((r for r in found if r.id == case_id), None)

    before = await row(holder="school")
    assert before is not None and await row(holder="la") is None
    assert (before.stage, before.handed_to_la, before.last_activity_at) == (
        Stage.DAY_ONE,
        False,
        None,
    )
    await act.record_enquiry(
        ao, case_id, side=Side.SCHOOL, enquiry="staff", made_on=today(), who="AO",
        method="in_person", outcome="Nobody knows",
    )  # fmt: skip
    enquired = await row()
    assert enquired.stage is Stage.SCHOOL_ENQUIRIES
    assert enquired.last_activity_at == await latest_activity(case_id)
    stored = await Case.select(Case.school_enquiries).where(Case.id == case_id).first()
    assert stored["school_enquiries"] == 1

    await end.hand_off(dsl, case_id)
    handed = await row(holder="la")
    assert handed is not None and await row(holder="school") is None
    assert handed.stage is Stage.WITH_LA and handed.handed_to_la
    assert handed.last_activity_at == await latest_activity(case_id)
    assert handed.last_activity_at > enquired.last_activity_at
    assert await row(officer="none") is not None

    await act.record_enquiry(
        cme, case_id, side=Side.LA, enquiry="la_records", made_on=today(), who="CME",
        method="records", outcome="No trace",
    )  # fmt: skip
    la_enquired = await row()
    assert la_enquired.last_activity_at == await latest_activity(case_id)
    assert la_enquired.last_activity_at > handed.last_activity_at
    stored = await Case.select(Case.la_enquiries).where(Case.id == case_id).first()
    assert stored["la_enquiries"] == 1

    await act.record_screen(dsl, case_id, answers=["victim_of_crime"], judgement={})
    referring = await row(risk="must_refer")
    assert referring is not None and referring.stage is Stage.REFER_NOW

    await end.close_case(dsl, case_id, outcome="returned", notes="Back in class")
    assert await row(state="open") is None
    closed = await row(state="closed")
    assert closed is not None and closed.stage is Stage.CLOSED and not closed.due


# --- Task lists --------------------------------------------------------------------------------


def what(found: tasks.TaskList) -> set[tuple[int, str]]:
    return {(t.case_id, t.what) for t in found.tasks}


async def test_each_role_sees_its_own_tasks(client: httpx.AsyncClient, world: World) -> None:
    bea = await add_officer("bea@test.example", "Bea Second")
    me = await viewer("cme@test.example")
    handed = {"handed_to_la_at": at(9, 15)}
    at_school = await add_case(world.school_a, world.la_id, "Quinn", "Quin")
    new = await add_case(world.school_b, world.la_id, "Rowe", "Ros", **handed)
    mine = await add_case(world.school_b, world.la_id, "Shaw", "Sol", assigned_to=me.user_id,
                          **handed)  # fmt: skip
    hers = await add_case(world.school_a, world.la_id, "Toms", "Tia", assigned_to=bea, **handed)
    elsewhere = await add_case(world.school_other_la, world.other_la_id, "Udal", "Uma", **handed)
    for case_id in (at_school, new, mine, hers, elsewhere):
        await refresh(case_id, ON)
    contact, screen = "Contact the parents or carers", "DSL's vulnerability screen"
    notify, refer = "Tell the LA if not resolved", "Refer to the LA's CME officer"
    review = "Joint review by the school's DSL and the CME officer"

    ao = await tasks.tasks_for(await viewer("ao.a@test.example"), ON)
    assert what(ao) == {(at_school, tasks.SCHOOL_ENQUIRIES), (at_school, contact), (hers, contact)}
    dsl = await tasks.tasks_for(await viewer("dsl.a@test.example"), ON)
    assert what(dsl) == {(at_school, screen), (at_school, notify), (at_school, refer),
                         (hers, screen), (hers, review)}  # fmt: skip
    assert all(t.overdue for t in dsl.tasks) and dsl.overdue == 5
    ao_b = await tasks.tasks_for(await viewer("ao.b@test.example"), ON)
    assert what(ao_b) == {(new, contact), (mine, contact)}

    # The CME officer: the hand-off nobody has taken, and their own cases, not a colleague's.
    officer = await tasks.tasks_for(me, ON)
    assert what(officer) == {
        (new, tasks.NEW_HAND_OFF), (new, review),
        (mine, tasks.LA_ENQUIRIES), (mine, review),
    }  # fmt: skip
    # Overdue first, then by the date due.
    assert [t.overdue for t in officer.tasks] == sorted(
        (t.overdue for t in officer.tasks), reverse=True
    )
    colleague = await tasks.tasks_for(await accounts.viewer_for_account(bea), ON)
    assert what(colleague) == {
        (new, tasks.NEW_HAND_OFF), (new, review),
        (hers, tasks.LA_ENQUIRIES), (hers, review),
    }  # fmt: skip
    other = await tasks.tasks_for(await viewer("cme.other@test.example"), ON)
    assert {t.case_id for t in other.tasks} == {elsewhere}
    assert await tasks.tasks_for(await viewer("admin@test.example"), ON) == tasks.TaskList(
        [], False
    )

    # A must-refer screen puts "refer now" on the DSL's list.
    dsl_viewer = await viewer("dsl.a@test.example")
    await act.record_screen(dsl_viewer, at_school, answers=["victim_of_crime"], judgement={})
    assert (at_school, tasks.REFER_NOW) in what(await tasks.tasks_for(dsl_viewer, ON))

    # The CME officer's home page lists them, each linking to its case.
    await sign_in(client, "cme@test.example")
    home = await client.get("/la")
    assert home.status_code == 200
    listed = set(re.findall(r'<li data-case="(\d+)"><a href="/la/cases/(\d+)"', home.text))
    assert {int(a) for a, b in listed if a == b} >= {new, mine}
    assert str(hers) not in {a for a, _ in listed} and str(at_school) not in {a for a, _ in listed}
