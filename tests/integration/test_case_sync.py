"""Cases follow the register on both engines: opened by an import, corrected, closed; the
sweep back-dates what a missed day would have opened; `cme sweep` twice changes nothing;
`cme cases --json` keeps its contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from cme import demo_data
from cme.demo_registers import Grid, to_csv, weekdays, wide_rows
from cme.storage import cases as case_store
from cme.storage.registers import apply_register
from cme.storage.tables import AuditEvent, Case, CaseEvent, Pupil
from imports.register import parse_register
from tests.integration.helpers import World

# Autumn 2024 from Mon 7 Oct to Fri 8 Nov; half term 28 Oct - 1 Nov.
HALF_TERM = set(weekdays(date(2024, 10, 28), date(2024, 11, 1)))
DAYS = [d for d in weekdays(date(2024, 10, 7), date(2024, 11, 8)) if d not in HALF_TERM]
CME = str(Path(sys.executable).parent / "cme")


def grid(stories: dict[int, dict[date, str]], pupils: int = 3) -> Grid:
    """`stories[i]` maps a day to the i-th pupil's two session codes ("NN", "/O")."""
    kids = demo_data.demo_pupils("2001", range(5, 6), per_year=pupils, seed=3)[:pupils]
    marks = {}
    for i, p in enumerate(kids):
        codes = []
        for d in DAYS:
            pair = stories.get(i, {}).get(d, "/\\")
            codes += [pair[0], pair[1]]
        marks[p.upn] = codes
    return Grid(kids, DAYS, marks)


def until(g: Grid, last: date) -> Grid:
    keep = [i for i, d in enumerate(g.days) if d <= last]
    return Grid(
        g.pupils,
        [g.days[i] for i in keep],
        {u: [m for i in keep for m in row[2 * i : 2 * i + 2]] for u, row in g.marks.items()},
    )


async def load(school_id: int, g: Grid) -> None:
    register = parse_register(to_csv(wide_rows(g)), "register.csv", 10_000_000)
    await apply_register(school_id, register)


async def cases_of(upn: str) -> list[dict]:
    pupil = await Pupil.select(Pupil.id).where(Pupil.upn == upn).first()
    return await Case.select().where(Case.pupil == pupil["id"]).order_by(Case.id)


def absent(first: date, last: date, code: str = "NN") -> dict[date, str]:
    return {d: code for d in DAYS if first <= d <= last}


async def test_an_import_opens_a_case_on_day_one_and_a_return_closes_it(world: World) -> None:
    g = grid({0: absent(date(2024, 10, 9), date(2024, 10, 10)) | {date(2024, 10, 11): "/\\"}})
    await load(world.school_a, until(g, date(2024, 10, 10)))
    [opened] = await cases_of(g.pupils[0].upn)
    assert (opened["status"], opened["day_one"], opened["reason"]) == (
        "open",
        date(2024, 10, 9),
        "unexplained",
    )
    await load(world.school_a, until(g, date(2024, 10, 11)))
    [closed] = await cases_of(g.pupils[0].upn)
    assert (closed["status"], closed["outcome"], closed["closed_on"]) == (
        "closed",
        "returned",
        date(2024, 10, 11),
    )
    kinds = [e["kind"] for e in await CaseEvent.select().where(CaseEvent.case == closed["id"])]
    # Steps fell overdue in between: the import ran on today's date, long after 2024.
    assert kinds[0] == "opened" and kinds[-1] == "closed"
    actions = {a["action"] for a in await AuditEvent.select(AuditEvent.action)}
    assert {"case.opened", "case.closed_by_register"} <= actions
    assert await cases_of(g.pupils[1].upn) == []


async def test_a_correction_that_clears_day_one_closes_the_case(world: World) -> None:
    g = grid({0: absent(date(2024, 10, 9), date(2024, 10, 10))})
    await load(world.school_a, until(g, date(2024, 10, 10)))
    assert [c["status"] for c in await cases_of(g.pupils[0].upn)] == ["open"]
    corrected = replace(g, marks={**g.marks})
    first = g.days.index(date(2024, 10, 9))
    row = list(g.marks[g.pupils[0].upn])
    row[2 * first : 2 * first + 2] = ["I", "I"]
    corrected.marks[g.pupils[0].upn] = row
    await load(world.school_a, until(corrected, date(2024, 10, 10)))
    # Day one was illness after all; the next day is still unexplained: a new, linked case.
    old, new = await cases_of(g.pupils[0].upn)
    assert (old["status"], old["outcome"], old["closed_on"]) == (
        "closed",
        "absence_explained",
        date(2024, 10, 9),
    )
    assert (new["status"], new["day_one"], new["previous"]) == (
        "open",
        date(2024, 10, 10),
        old["id"],
    )


async def test_the_sweep_back_dates_and_a_second_sweep_changes_nothing(world: World) -> None:
    g = grid({1: absent(date(2024, 10, 14), date(2024, 11, 8))})
    # The import's own sync runs on today's date; the sweep is asked about 8 Nov 2024.
    await load(world.school_a, g)
    await Case.delete(force=True)
    first = await case_store.sweep(date(2024, 11, 8))
    assert first.opened == 1 and first.overdue > 0
    [case] = await cases_of(g.pupils[1].upn)
    assert case["day_one"] == date(2024, 10, 14)
    events_before = await CaseEvent.count()
    audit_before = await AuditEvent.count()
    again = await case_store.sweep(date(2024, 11, 8))
    assert not again.changed
    assert await CaseEvent.count() == events_before
    assert await AuditEvent.count() == audit_before


def test_cme_cases_and_sweep_on_the_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "CME_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite"}
    env.pop("CME_REDIS_URL", None)

    def cme(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [CME, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    cme("migrate")
    cme("la", "add", "--code", "370", "--name", "Example Council")
    cme("school", "add", "--urn", "123456", "--name", "Example School", "--la", "370")
    g = grid({2: absent(date(2024, 10, 21), date(2024, 11, 8))})
    (tmp_path / "register.csv").write_bytes(to_csv(wide_rows(g)))
    cme("import-register", str(tmp_path / "register.csv"), "--school", "123456")
    first = json.loads(cme("sweep", "--on", "2024-11-08", "--json").stdout)
    second = json.loads(cme("sweep", "--on", "2024-11-08", "--json").stdout)
    assert second == {"on": "2024-11-08", "opened": 0, "updated": 0, "closed": 0, "overdue": 0}
    assert first["on"] == "2024-11-08"
    out = json.loads(cme("cases", "--school", "123456", "--on", "2024-11-08", "--json").stdout)
    assert out["school"] == "123456" and out["on"] == "2024-11-08"
    [case] = out["cases"]
    assert case["upn"] == g.pupils[2].upn
    assert case["status"] == "open" and case["day_one"] == "2024-10-21"
    # 21 Oct to 8 Nov with half term between: 10 school days absent.
    assert case["school_days_missing"] == 10
    due = {d["action"]: d for d in case["due"]}
    assert set(due) >= {"contact_parents", "vulnerability_screen", "notify_la", "cme_referral"}
    assert due["notify_la"]["due_on"] == "2024-10-23" and due["notify_la"]["overdue"]
    assert case["removal"]["allowed"] is False and case["removal"]["blocked_by"]
    assert case["outcome"] is None
    earlier = json.loads(cme("cases", "--school", "123456", "--on", "2024-10-18", "--json").stdout)
    assert earlier["cases"] == []
    bad = cme("cases", "--school", "123456", "--on", "8/11/2024", ok=False)
    assert bad.returncode != 0 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr


async def test_an_absence_over_between_two_imports_still_gets_its_case(world: World) -> None:
    # Weekly imports: away on Tue 15 Oct, back on Wed; the first look was up to Fri 11 Oct.
    g = grid({0: absent(date(2024, 10, 15), date(2024, 10, 15))})
    await load(world.school_a, until(g, date(2024, 10, 11)))
    assert await cases_of(g.pupils[0].upn) == []
    await load(world.school_a, until(g, date(2024, 10, 18)))
    [case] = await cases_of(g.pupils[0].upn)
    assert (case["day_one"], case["status"], case["outcome"], case["closed_on"]) == (
        date(2024, 10, 15),
        "closed",
        "returned",
        date(2024, 10, 16),
    )
    again = await case_store.sync_school(world.school_a, date(2024, 10, 18))
    assert not again.changed


async def test_a_case_closed_by_a_mistaken_present_mark_opens_again(world: World) -> None:
    g = grid({0: absent(date(2024, 10, 14), date(2024, 10, 18))})
    wrong = replace(g, marks={**g.marks})
    row = list(g.marks[g.pupils[0].upn])
    tue = g.days.index(date(2024, 10, 15))
    row[2 * tue : 2 * tue + 2] = ["/", "\\"]
    wrong.marks[g.pupils[0].upn] = row
    await load(world.school_a, until(g, date(2024, 10, 14)))
    await load(world.school_a, until(wrong, date(2024, 10, 15)))
    [closed] = await cases_of(g.pupils[0].upn)
    assert closed["status"] == "closed"
    await load(world.school_a, until(g, date(2024, 10, 18)))
    [case] = await cases_of(g.pupils[0].upn)
    assert (case["id"], case["status"], case["closed_on"]) == (closed["id"], "open", None)
    kinds = [e["kind"] for e in await CaseEvent.select().where(CaseEvent.case == case["id"])]
    assert "reopened" in kinds
