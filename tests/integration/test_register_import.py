"""Import and flags on SQLite and PostgreSQL: merging, re-import, corrections, all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest

from cme.demo_registers import PATTERNS, long_rows, to_csv, wide_rows
from cme.errors import NotFound
from cme.storage import registers as registers_module
from cme.storage.accounts import viewer_for_account
from cme.storage.flags import flags_for_viewer, school_flags
from cme.storage.tables import Account, PupilYear, RegisterUpload
from cme.storage.uploads import create_upload, recent_uploads, run_import, upload_for_viewer
from tests.integration.helpers import World
from tests.integration.registers import LAST, grid, snapshot, subset


async def import_bytes(school_id: int, content: bytes, name: str = "register.csv") -> dict:  # type: ignore[type-arg]
    upload_id = await create_upload(school_id, name, content)
    return await run_import(upload_id)


def flag_kinds(report, upn: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.flag.kind.value for f in report.flags if f.upn == upn}


async def test_import_then_flags_on_the_last_day(world: World) -> None:
    g = grid()
    outcome = await import_bytes(world.school_a, to_csv(wide_rows(g)))
    assert outcome["status"] == "done", outcome["error"]
    summary = outcome["summary"]
    assert summary["pupils"] == len(g.pupils) == summary["new_pupils"]
    assert summary["sessions"] == len(g.pupils) * len(g.days) * 2
    assert (summary["first_day"], summary["last_day"]) == ("2025-01-06", "2025-01-24")
    assert summary["marks_changed"] == 0 and summary["marks_added"] > 0

    report = await school_flags(world.school_a)
    assert report.on == LAST
    assert date(2025, 1, 17) not in report.school_days
    assert len(report.school_days) == 14
    upn = [p.upn for p in g.pupils]
    # The patterns are cut to the 14 school days of this register.
    assert flag_kinds(report, upn[0]) == {"continuous_absence_10", "unexplained_absence"}
    kinds1 = flag_kinds(report, upn[1])
    assert kinds1 == {"continuous_absence_10", "unexplained_absence", "overdue_n"}
    run0 = next(f for f in report.flags if f.upn == upn[0]).flag
    assert (run0.run_school_days, run0.since) == (14, date(2025, 1, 6))
    assert flag_kinds(report, upn[2]) == {"unexplained_absence"}
    assert flag_kinds(report, upn[3]) == {"part_day_missing", "unexplained_absence"}
    assert flag_kinds(report, upn[5]) == {"missing_mark"}
    assert "overdue_n" in flag_kinds(report, upn[4])
    assert len(PATTERNS) == 7
    # The most urgent flags come first.
    urgencies = [f.flag.kind.urgency for f in report.flags]
    assert urgencies == sorted(urgencies)


async def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    content = to_csv(wide_rows(grid()))
    await import_bytes(world.school_a, content)
    before = await snapshot()
    again = await import_bytes(world.school_a, content)
    assert again["summary"]["marks_added"] == again["summary"]["marks_changed"] == 0
    assert again["summary"]["new_pupils"] == 0
    assert await snapshot() == before
    # The same marks in the long layout are the same register.
    long = await import_bytes(world.school_a, to_csv(long_rows(grid())))
    assert long["summary"]["marks_changed"] == 0
    assert (await snapshot())["years"] == before["years"]


async def test_later_export_replaces_overlapping_sessions(world: World) -> None:
    g = grid()
    await import_bytes(world.school_a, to_csv(wide_rows(g)))
    day_one_pupil = g.pupils[2].upn
    assert "unexplained_absence" in flag_kinds(await school_flags(world.school_a), day_one_pupil)
    # The school finds out: the N on the last day was illness.
    corrected = subset(g, date(2025, 1, 20), LAST)
    corrected.marks[day_one_pupil][-2:] = ["I", "I"]
    outcome = await import_bytes(world.school_a, to_csv(wide_rows(corrected)))
    assert outcome["summary"]["marks_changed"] == 2
    assert flag_kinds(await school_flags(world.school_a), day_one_pupil) == set()


async def test_summary_lists_the_changed_marks_with_the_pupil(world: World) -> None:
    g = grid()
    first = await import_bytes(world.school_a, to_csv(wide_rows(g)))
    assert first["summary"]["changes"] == []
    pupil = g.pupils[2]
    assert g.marks[pupil.upn][-2:] == ["N", "N"]
    corrected = subset(g, date(2025, 1, 20), LAST)
    corrected.marks[pupil.upn][-2:] = ["I", "I"]
    summary = (await import_bytes(world.school_a, to_csv(wide_rows(corrected))))["summary"]
    name = f"{pupil.legal_forename} {pupil.legal_surname}"
    assert summary["marks_changed"] == 2
    assert summary["changes"] == [
        {"upn": pupil.upn, "name": name, "day": "2025-01-24", "session": s, "old": "N", "new": "I"}
        for s in ("AM", "PM")
    ]


async def test_summary_lists_the_first_hundred_changes_in_order(world: World) -> None:
    g = grid(per_year=6)
    await import_bytes(world.school_a, to_csv(wide_rows(g)))
    # Everyone was on a trip the whole time, and one pupil's marks were left blank.
    trip = subset(g, g.days[0], LAST)
    for upn, marks in trip.marks.items():
        trip.marks[upn] = ["V" if m != "#" else m for m in marks]
    blank = g.pupils[0].upn
    trip.marks[blank] = ["" if m != "#" else m for m in trip.marks[blank]]
    expected = sum(
        1
        for upn in g.marks
        for old, new in zip(g.marks[upn], trip.marks[upn], strict=True)
        if old != new
    )
    summary = (await import_bytes(world.school_a, to_csv(wide_rows(trip))))["summary"]
    assert summary["marks_changed"] == expected > 100
    changes = summary["changes"]
    assert len(changes) == 100
    by_name = {
        p.upn: (p.legal_surname.casefold(), p.legal_forename.casefold(), p.upn) for p in g.pupils
    }
    keys = [(by_name[c["upn"]], c["day"], c["session"]) for c in changes]
    assert keys == sorted(keys)
    first = min(g.pupils, key=lambda p: by_name[p.upn])
    assert changes[0]["upn"] == first.upn
    assert all(c["new"] in ("V", "-") and c["old"] not in ("V", "#") for c in changes)
    assert any(c["new"] == "-" for c in changes) == (by_name[blank] <= by_name[changes[-1]["upn"]])


async def test_the_same_file_again_is_known_unchanged_without_reading_it(world: World) -> None:
    from cme.storage.engine import write_transaction
    from cme.storage.registers import unchanged_import

    async def unchanged(school_id: int, content: bytes):  # type: ignore[no-untyped-def]
        async with write_transaction():
            return await unchanged_import(school_id, content)

    g = grid()
    whole = to_csv(wide_rows(g))
    week = to_csv(wide_rows(subset(g, date(2025, 1, 20), LAST)))
    assert await unchanged(world.school_a, whole) is None  # nothing imported yet
    first = (await import_bytes(world.school_a, whole))["summary"]
    again = await unchanged(world.school_a, whole)
    assert again is not None
    assert again.as_json() == {
        **first,
        "new_pupils": 0,
        "marks_added": 0,
        "marks_changed": 0,
        "changes": [],
    }
    # Not for another school, another file, or once another file came after it.
    assert await unchanged(world.school_b, whole) is None
    assert await unchanged(world.school_a, week) is None
    await import_bytes(world.school_a, week)
    assert await unchanged(world.school_a, whole) is None
    # A refused file changes nothing, so the last imported file is still known unchanged.
    await import_bytes(world.school_a, b"UPN,Legal Surname\n")
    assert await unchanged(world.school_a, week) is not None


async def test_files_for_different_weeks_merge(world: World) -> None:
    g = grid()
    week1 = subset(g, date(2025, 1, 6), date(2025, 1, 10))
    week2 = subset(g, date(2025, 1, 13), LAST)
    await import_bytes(world.school_a, to_csv(wide_rows(week2)))
    await import_bytes(world.school_a, to_csv(long_rows(week1)))
    merged = await snapshot()
    # Same database state as importing the whole register at once (in a fresh school).
    await import_bytes(world.school_b, to_csv(wide_rows(g)))
    whole = await PupilYear.select(PupilYear.marks).where(PupilYear.school == world.school_b)
    assert sorted(r["marks"] for r in merged["years"]) == sorted(r["marks"] for r in whole)
    report = await school_flags(world.school_a)
    assert len(report.school_days) == 14


async def test_bad_file_is_rejected_and_nothing_is_stored(world: World) -> None:
    await import_bytes(world.school_a, to_csv(wide_rows(grid())))
    before = await snapshot()
    rows = wide_rows(grid())
    rows[1][8] = "Q9"
    outcome = await import_bytes(world.school_a, to_csv(rows))
    assert outcome["status"] == "failed"
    assert "'Q9' is not an attendance code" in outcome["error"]
    assert await snapshot() == before
    row = (
        await RegisterUpload.select(RegisterUpload.status, RegisterUpload.progress)
        .order_by(RegisterUpload.id, ascending=False)
        .first()
    )
    assert row == {"status": "failed", "progress": 100}


async def test_failure_halfway_leaves_the_database_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = grid()
    await import_bytes(
        world.school_a, to_csv(wide_rows(subset(g, date(2025, 1, 6), date(2025, 1, 10))))
    )
    before = await snapshot()

    async def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    # Pupils and marks have been written inside the transaction when the calendar fails.
    monkeypatch.setattr(registers_module, "_store_calendar", fail)
    upload_id = await create_upload(world.school_a, "r.csv", to_csv(wide_rows(g)))
    with pytest.raises(RuntimeError, match="disk full"):
        await run_import(upload_id)
    assert await snapshot() == before
    status = (
        await RegisterUpload.select(RegisterUpload.status, RegisterUpload.error)
        .where(RegisterUpload.id == upload_id)
        .first()
    )
    assert status["status"] == "failed"
    assert "nothing was changed" in status["error"]


async def test_flags_and_uploads_are_scoped_to_the_viewer(world: World) -> None:
    outcome_id = await create_upload(world.school_a, "r.csv", to_csv(wide_rows(grid())))
    await run_import(outcome_id)
    other = await Account.select(Account.id).where(Account.email == "ao.b@test.example").first()
    viewer_b = await viewer_for_account(other["id"])
    with pytest.raises(NotFound):
        await flags_for_viewer(viewer_b, world.school_a)
    with pytest.raises(NotFound):
        await upload_for_viewer(viewer_b, outcome_id)
    cme = await Account.select(Account.id).where(Account.email == "cme@test.example").first()
    la_viewer = await viewer_for_account(cme["id"])
    assert (await flags_for_viewer(la_viewer, world.school_a)).flags
    other_la = (
        await Account.select(Account.id).where(Account.email == "cme.other@test.example").first()
    )
    with pytest.raises(NotFound):
        await flags_for_viewer(await viewer_for_account(other_la["id"]), world.school_a)


async def test_upload_lists_are_scoped_to_the_viewer(world: World) -> None:
    await create_upload(world.school_a, "r.csv", b"x")
    viewers = {}
    for email in (
        "ao.a@test.example",
        "ao.b@test.example",
        "cme@test.example",
        "cme.other@test.example",
        "admin@test.example",
    ):
        row = await Account.select(Account.id).where(Account.email == email).first()
        viewers[email] = await viewer_for_account(row["id"])
    assert len(await recent_uploads(viewers["ao.a@test.example"], world.school_a)) == 1
    assert len(await recent_uploads(viewers["cme@test.example"], world.school_a)) == 1
    for email in ("ao.b@test.example", "cme.other@test.example", "admin@test.example"):
        with pytest.raises(NotFound):
            await recent_uploads(viewers[email], world.school_a)


async def test_two_imports_at_once_keep_both_files(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    g = grid()
    week1 = subset(g, date(2025, 1, 6), date(2025, 1, 10))
    week2 = subset(g, date(2025, 1, 13), LAST)
    original = registers_module._stored_marks

    async def slow(*args):  # type: ignore[no-untyped-def]
        marks = await original(*args)
        await asyncio.sleep(0.3)  # make the two imports overlap after reading old marks
        return marks

    monkeypatch.setattr(registers_module, "_stored_marks", slow)
    ids = [
        await create_upload(world.school_a, "w1.csv", to_csv(wide_rows(week1))),
        await create_upload(world.school_a, "w2.csv", to_csv(wide_rows(week2))),
    ]
    outcomes = await asyncio.gather(*(run_import(i) for i in ids))
    assert [o["status"] for o in outcomes] == ["done", "done"]
    await import_bytes(world.school_b, to_csv(wide_rows(g)))
    both = await PupilYear.select(PupilYear.marks).where(PupilYear.school == world.school_a)
    whole = await PupilYear.select(PupilYear.marks).where(PupilYear.school == world.school_b)
    assert sorted(r["marks"] for r in both) == sorted(r["marks"] for r in whole)


async def test_long_values_that_fit_are_stored_on_both_engines(world: World) -> None:
    rows = [
        ["UPN", "Surname", "Forename", "Gender", "Year", "Reg", "06/01/2025 AM"],
        [
            "A3702001240019",
            "Example",
            "Ash",
            "Not specified",
            "Reception Year",
            "Year 5 Mr Smith group",
            "N",
        ],
    ]
    outcome = await import_bytes(world.school_a, to_csv(rows))
    assert outcome["status"] == "done", outcome["error"]
    assert "fails the UPN format" in outcome["summary"]["warnings"][0]
