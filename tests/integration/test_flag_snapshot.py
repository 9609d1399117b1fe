"""Stored flags (issue 9), on both engines: what the pages read is exactly what `school_flags`
works out, after an import, a re-import with corrections and a change of thresholds; the
import stores them in its own transaction, the first page stores them when they are missing,
and flags worked out under other thresholds are never used."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import httpx
import pytest

from cme.access import Viewer
from cme.demo_registers import Grid, to_csv, wide_rows
from cme.errors import NotFound
from cme.policy import Policy
from cme.storage.accounts import viewer_for_account
from cme.storage.case_views import case_ids_on
from cme.storage.flags import SchoolFlags, flags_for_viewer, school_flags
from cme.storage.policies import set_policy
from cme.storage.tables import Account, Case, FlagSnapshot, LocalAuthority
from cme.storage.uploads import create_upload, run_import
from tests.integration.helpers import World, sign_in
from tests.integration.registers import LAST, grid, subset
from tests.integration.test_today_and_pupils import child_row


async def viewer(email: str) -> Viewer:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return await viewer_for_account(row["id"])


async def import_grid(school_id: int, g: Grid) -> dict[str, Any]:
    outcome = await run_import(await create_upload(school_id, "r.csv", to_csv(wide_rows(g))))
    assert outcome["status"] == "done", outcome
    return outcome


async def stored_rows(school_id: int) -> list[dict[str, Any]]:
    return list(await FlagSnapshot.select().where(FlagSnapshot.school == school_id))


def register() -> Grid:
    """The test register, with a pupil ill three mornings only: a count of 1.5 school days,
    which must come back from storage as 1.5, not 1 or "1.5"."""
    g = grid()
    half = g.pupils[8].upn
    for day in range(3):
        g.marks[half][2 * day : 2 * day + 2] = ["I", "/"]
    return g


async def same_as_worked_out(seen: SchoolFlags, on: date | None = None) -> SchoolFlags:
    worked_out = await school_flags(seen.school_id, on)
    assert seen == worked_out
    return worked_out


async def test_pages_read_exactly_what_school_flags_works_out(world: World) -> None:
    ao = await viewer("ao.a@test.example")
    g = register()
    await import_grid(world.school_a, g)
    rows = await stored_rows(world.school_a)
    assert [r["day"] for r in rows] == [LAST], "the import stored the latest day's flags"

    first = await same_as_worked_out(await flags_for_viewer(ao, world.school_a))
    assert first.on == LAST and len(first.flags) >= 7
    kinds = {f.flag.kind.value for f in first.flags}
    assert {"continuous_absence_10", "part_day_missing", "missing_mark", "overdue_n"} <= kinds
    # The latest day asked for by its date is the stored one too; another day is worked out.
    await same_as_worked_out(await flags_for_viewer(ao, world.school_a, LAST))
    earlier = date(2025, 1, 21)
    await same_as_worked_out(await flags_for_viewer(ao, world.school_a, earlier), earlier)
    cme = await viewer("cme@test.example")
    await same_as_worked_out(await flags_for_viewer(cme, world.school_a))

    # The same file again writes nothing, the stored flags included.
    await import_grid(world.school_a, g)
    assert await stored_rows(world.school_a) == rows

    # A corrected export: the day-one child was ill; the import stores the flags again.
    day_one = g.pupils[2].upn
    assert any(f.upn == day_one for f in first.flags)
    corrected = subset(g, date(2025, 1, 20), LAST)
    corrected.marks[day_one][-2:] = ["I", "I"]
    assert (await import_grid(world.school_a, corrected))["summary"]["marks_changed"] == 2
    after = await same_as_worked_out(await flags_for_viewer(ao, world.school_a))
    assert not any(f.upn == day_one for f in after.flags)
    assert after.flags != first.flags

    # New thresholds: the LA's schools' stored flags go with the old ones.
    admin = await viewer("admin@test.example")
    await flags_for_viewer(await viewer("ao.b@test.example"), world.school_b)
    assert await FlagSnapshot.count() == 1, "school B has no register: nothing to store"
    await set_policy(admin, Policy(sickness_school_days=1, n_code_deadline_school_days=2))
    assert await FlagSnapshot.count() == 0
    changed = await same_as_worked_out(await flags_for_viewer(ao, world.school_a))
    assert changed.policy.sickness_school_days == 1
    ill = [f.flag.count for f in changed.flags if f.flag.kind.value == "sickness_15"]
    assert 1.5 in ill and all(isinstance(c, int | float) for c in ill)
    assert changed.flags != after.flags
    assert [r["day"] for r in await stored_rows(world.school_a)] == [LAST]
    # And read back from storage, the half day is still a half day.
    assert await flags_for_viewer(ao, world.school_a) == changed


async def test_the_pages_read_the_stored_flags_not_the_register(world: World) -> None:
    ao = await viewer("ao.a@test.example")
    await import_grid(world.school_a, register())
    worked_out = await school_flags(world.school_a)
    # Keep only the first flag in storage: what is read is what was stored.
    rows = await stored_rows(world.school_a)
    kept = json.dumps(json.loads(rows[0]["flags"])[:1])
    await FlagSnapshot.update({FlagSnapshot.flags: kept}).where(
        FlagSnapshot.school == world.school_a
    )
    seen = await flags_for_viewer(ao, world.school_a)
    assert seen.flags == worked_out.flags[:1]
    assert await school_flags(world.school_a) == worked_out


async def test_flags_stored_under_other_thresholds_are_worked_out_again(world: World) -> None:
    ao = await viewer("ao.a@test.example")
    await import_grid(world.school_a, register())
    before = await flags_for_viewer(ao, world.school_a)
    # The thresholds change without the stored flags being deleted (as when a page stores
    # flags worked out just before a change of thresholds commits).
    await LocalAuthority.update(
        {LocalAuthority.policy: Policy(n_code_deadline_school_days=1).to_json()}
    ).where(LocalAuthority.id == world.la_id)
    seen = await same_as_worked_out(await flags_for_viewer(ao, world.school_a))
    assert seen.policy.n_code_deadline_school_days == 1 and seen.flags != before.flags
    assert (await stored_rows(world.school_a))[0]["policy"] == Policy(
        n_code_deadline_school_days=1
    ).to_json()


async def test_the_first_page_stores_missing_flags(world: World) -> None:
    ao = await viewer("ao.a@test.example")
    await import_grid(world.school_a, register())
    await FlagSnapshot.delete().where(FlagSnapshot.school == world.school_a)
    await same_as_worked_out(await flags_for_viewer(ao, world.school_a, LAST))
    assert [r["day"] for r in await stored_rows(world.school_a)] == [LAST]
    # Another day does not store anything.
    await FlagSnapshot.delete().where(FlagSnapshot.school == world.school_a)
    await flags_for_viewer(ao, world.school_a, date(2025, 1, 20))
    assert await stored_rows(world.school_a) == []


async def test_stored_flags_are_scoped_to_the_viewer(world: World) -> None:
    await import_grid(world.school_a, register())
    assert await stored_rows(world.school_a)
    for email in ("ao.b@test.example", "cme.other@test.example", "admin@test.example"):
        with pytest.raises(NotFound):
            await flags_for_viewer(await viewer(email), world.school_a)
        with pytest.raises(NotFound):
            await flags_for_viewer(await viewer(email), world.school_a, LAST)


async def test_case_links_are_read_for_the_children_asked_for(world: World) -> None:
    ao = await viewer("ao.a@test.example")
    await import_grid(world.school_a, register())
    every = await case_ids_on(ao, world.school_a, date.today())
    assert len(every) >= 2, "the import's case sync opened cases"
    pupils = sorted(every)
    assert await case_ids_on(ao, world.school_a, date.today(), pupils[:1]) == {
        pupils[0]: every[pupils[0]]
    }
    assert await case_ids_on(ao, world.school_a, date.today(), []) == {}
    assert await case_ids_on(ao, world.school_a, date.today(), [*pupils, world.pupil_a]) == every
    other = await viewer("ao.b@test.example")
    assert await case_ids_on(other, world.school_a, date.today(), pupils) == {}
    assert await Case.count() == len(every)


async def test_today_shows_the_stored_flags_for_the_default_and_the_latest_day(
    client: httpx.AsyncClient, world: World
) -> None:
    await import_grid(world.school_a, register())
    report = await school_flags(world.school_a)
    await sign_in(client, "ao.a@test.example")
    default = await client.get("/school/today")
    latest = await client.get(f"/school/today?on={LAST.isoformat()}")
    assert default.status_code == latest.status_code == 200
    assert default.text == latest.text
    for group in report.by_child():
        row = child_row(default.text, group[0].upn)
        assert [f'data-flag="{f.flag.kind.value}"' in row for f in group] == [True] * len(group)
    pupils = (await client.get("/school/pupils")).text
    assert pupils.count('class="badge') == len(report.flags)
    await sign_in(client, "cme@test.example")
    school = (await client.get(f"/la/schools/{world.school_a}")).text
    assert school.count('class="badge') == len(report.flags)


def test_a_report_compares_every_field() -> None:
    # The comparisons above mean something only if SchoolFlags equality sees the policy too.
    report = SchoolFlags(1, LAST, [LAST], [], Policy())
    assert report != replace(report, policy=Policy(sickness_school_days=2))
