"""Police episodes stored: import and re-import (updated by force and reference, never
duplicated), identity changes held for a person, the repeat trigger's meetings, the return
interview, the list's filters, tasks, and scoping — on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cme.episodes.interview import Interview, InterviewState
from cme.errors import InvalidField, NotFound
from cme.events import Action
from cme.storage.episode_actions import (
    call_meeting,
    edit_episode,
    record_interview,
    record_meeting,
    settle_identity,
)
from cme.storage.episode_import import import_file
from cme.storage.episode_list import Attention, Filters, State, episode_list
from cme.storage.episode_tasks import CHECK_IDENTITY, HOLD_INTERVIEW, HOLD_MEETING, episode_tasks
from cme.storage.episodes import episode_of, episode_row
from cme.storage.tables import AuditEvent, InterventionMeeting, MissingChild, MissingEpisode
from imports.episodes import EpisodesError
from tests.integration.helpers import World
from tests.integration.test_case_actions import viewer

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HEADER = (
    "Force,Reference,Reported At,Last Seen,Missing From,Forename,Surname,DOB,Gender,"
    "Looked After,Risk Level,Returned At\n"
)
ROWS = [
    "Hampshire Constabulary,HC/1,01/11/2026 20:00,01/11/2026 18:00,Home,Amy,Smith,02/03/2012,F,"
    "N,Medium,02/11/2026 09:00",
    "Hampshire Constabulary,HC/2,10/11/2026 20:00,,Care placement,Amy,Smith,02/03/2012,F,Y,High,",
    "Hampshire Constabulary,HC/3,15/11/2026 20:00,,Home,Amy,Smith,02/03/2012,F,N,Low,"
    "16/11/2026 08:00",
    "Thames Valley Police,TV9,23/11/2026 09:00,,Home,Bob,Jones,,M,N,no apparent risk,",
]


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


async def load(world: World, content: bytes | None = None):  # type: ignore[no-untyped-def]
    return await import_file(None, world.la_id, content or csv(*ROWS), "episodes.csv", 10**7)


async def stored() -> list[dict]:  # type: ignore[type-arg]
    return [dict(r) for r in await MissingEpisode.select().order_by(MissingEpisode.id)]


async def test_a_reimport_updates_by_force_and_reference_and_never_duplicates(
    world: World,
) -> None:
    first = await load(world)
    assert (first.episodes, first.added, first.updated, first.unchanged) == (4, 4, 0, 0)
    again = await load(world)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    returned = ROWS[1].rstrip(",") + ",11/11/2026 07:30"
    # The force written in another case is the same force.
    moved = ROWS[3].replace("Thames Valley Police", "THAMES VALLEY POLICE")
    third = await load(world, csv(ROWS[0], returned, ROWS[2], moved))
    assert (third.added, third.updated, third.unchanged) == (0, 1, 3)
    rows = await stored()
    assert len(rows) == 4
    hc2 = next(r for r in rows if r["reference"] == "HC/2")
    assert hc2["returned_at"] == datetime(2026, 11, 11, 7, 30, tzinfo=UTC)  # GMT in November
    assert await MissingChild.count() == 2  # Amy's three episodes are one child


async def test_a_changed_identity_waits_for_a_person(world: World) -> None:
    await load(world)
    officer = await viewer("cme@test.example")
    renamed = ROWS[0].replace("Amy,Smith,02/03/2012", "Amie,Smith,03/02/2012")
    result = await load(world, csv(renamed, *ROWS[1:]))
    assert result.updated == 1
    [change] = result.identity_changes
    assert change.reference == "HC/1"
    assert change.changes == {
        "Forename": ("Amy", "Amie"),
        "Date of birth": ("02/03/2012", "03/02/2012"),
    }
    row = next(r for r in await stored() if r["reference"] == "HC/1")
    assert (row["forename"], row["date_of_birth"]) == ("Amy", date(2012, 3, 2))  # not applied
    # Importing the same file again changes nothing more and still asks.
    same = await load(world, csv(renamed, *ROWS[1:]))
    assert same.unchanged == 4 and len(same.identity_changes) == 1
    # Turned down: cleared, the child keeps the details it had.
    await settle_identity(officer, row["id"], accept=False)
    row = await episode_row(officer, row["id"])
    assert row["pending_identity"] == "" and row["forename"] == "Amy"
    # Asked again by the next import, then accepted: the episode moves to the child it names.
    await load(world, csv(renamed, *ROWS[1:]))
    await settle_identity(officer, row["id"], accept=True)
    row = await episode_row(officer, row["id"])
    assert (row["forename"], row["date_of_birth"], row["pending_identity"]) == (
        "Amie",
        date(2012, 2, 3),
        "",
    )
    assert await MissingChild.count() == 3
    actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action)]
    assert Action.EPISODE_IDENTITY_KEPT.value in actions
    assert Action.EPISODE_IDENTITY_CONFIRMED.value in actions
    with pytest.raises(Exception, match="no change"):
        await settle_identity(officer, row["id"], accept=True)


async def test_a_file_with_a_mistake_changes_nothing(world: World) -> None:
    await load(world)
    before = await stored()
    bad = ROWS[1].rstrip(",") + ",not a date"
    with pytest.raises(EpisodesError) as refused:
        await load(world, csv(ROWS[0].replace("02/11/2026 09:00", "03/11/2026 09:00"), bad))
    assert refused.value.problems[0].row == 3
    assert await stored() == before


async def test_the_repeat_trigger_calls_one_meeting_and_a_held_meeting_resets_it(
    world: World,
) -> None:
    result = await load(world)
    assert result.meetings_raised == 1
    [meeting] = await InterventionMeeting.select()
    assert (meeting["triggered_on"], meeting["due_on"]) == (date(2026, 11, 15), date(2026, 11, 22))
    officer = await viewer("cme@test.example")
    more = "Hampshire Constabulary,HC/4,20/11/2026 20:00,,Home,Amy,Smith,02/03/2012,F,N,Low,"
    assert (await load(world, csv(*ROWS, more))).meetings_raised == 0  # still the same trigger
    with pytest.raises(NotFound):  # another child's meeting, by its id
        await record_meeting(officer, 999, meeting["id"], date(2026, 11, 20), "Police", "", None)
    await record_meeting(
        officer,
        meeting["child"],
        meeting["id"],
        date(2026, 11, 20),
        "Police, social care, school",
        "Plan",
        None,
    )
    later = [
        f"Hampshire Constabulary,HC/{n},{d}/11/2026 20:00,,Home,Amy,Smith,02/03/2012,F,N,Low,"
        for n, d in ((5, 21), (6, 22))
    ]
    # HC/4 was on the meeting's day, so the meeting had it: only HC/5 and HC/6 count after
    # it, two of three.
    assert (await load(world, csv(*ROWS, more, *later))).meetings_raised == 0
    final = "Hampshire Constabulary,HC/7,23/11/2026 08:00,,Home,Amy,Smith,02/03/2012,F,N,Low,"
    assert (await load(world, csv(*ROWS, more, *later, final))).meetings_raised == 1
    with pytest.raises(InvalidField):
        await record_meeting(
            officer, meeting["child"], meeting["id"], date(2099, 1, 1), "Police", "", None
        )
    hand = await call_meeting(officer, int(meeting["child"]), "Single very high-risk episode")
    assert hand and await InterventionMeeting.count() == 3


async def test_return_interviews_and_the_list_and_tasks(world: World) -> None:
    await load(world)
    officer = await viewer("cme@test.example")
    listed = await episode_list(officer, Filters(), NOW)
    assert [r.view.episode.reference for r in listed.rows] == ["TV9", "HC/2", "HC/3", "HC/1"]
    assert (listed.total, listed.open) == (4, 2)
    assert all(r.repeat for r in listed.rows if r.view.episode.reference.startswith("HC"))
    hc3 = next(r.view for r in listed.rows if r.view.episode.reference == "HC/3")
    assert hc3.state is InterviewState.OVERDUE
    assert hc3.due_at == datetime(2026, 11, 19, 8, 0, tzinfo=UTC)
    counts = {a: (await episode_list(officer, Filters(attention=a), NOW)).total for a in Attention}
    assert counts == {
        Attention.INTERVIEW_OVERDUE: 2,
        Attention.INTERVIEW_WAITING: 2,
        Attention.ESCALATED: 1,  # HC/2: over 24 hours; TV9 reported 3 hours ago
        Attention.REPEAT: 3,
        Attention.IDENTITY: 0,
    }
    assert (await episode_list(officer, Filters(state=State.OPEN), NOW)).total == 2
    assert (await episode_list(officer, Filters(looked_after=True), NOW)).total == 1
    period = Filters(since=date(2026, 11, 10), until=date(2026, 11, 15))
    assert {r.view.episode.reference for r in (await episode_list(officer, period, NOW)).rows} == {
        "HC/2",
        "HC/3",
    }
    tasks = await episode_tasks(officer, NOW)
    assert sum(t.what == HOLD_INTERVIEW for t in tasks) == 2
    assert sum(t.what == HOLD_MEETING for t in tasks) == 1
    earlier = await episode_tasks(officer, datetime(2026, 11, 16, 12, tzinfo=UTC))
    assert f"{HOLD_MEETING} (due by 22/11/2026)" in [t.what for t in earlier]
    assert not any(t.what == CHECK_IDENTITY for t in tasks)
    await record_interview(
        officer,
        hc3.id,
        Interview(
            done_at=datetime(2026, 11, 18, 10, tzinfo=UTC), done_by="R. Patel", themes=("Peer",)
        ),
    )
    hc3_after = next(
        r.view for r in (await episode_list(officer, Filters(), NOW)).rows if r.view.id == hc3.id
    )
    assert hc3_after.state is InterviewState.DONE_IN_TIME
    assert sum(t.what == HOLD_INTERVIEW for t in await episode_tasks(officer, NOW)) == 1
    with pytest.raises(InvalidField):
        await record_interview(
            officer, hc3.id, Interview(done_at=datetime(2026, 11, 1, tzinfo=UTC))
        )


async def test_a_hand_edit_changes_identity_at_once(world: World) -> None:
    await load(world)
    officer = await viewer("cme@test.example")
    row = next(r for r in await stored() if r["reference"] == "TV9")
    episode = episode_of(row)
    from dataclasses import replace

    changed = replace(episode, child=replace(episode.child, date_of_birth=date(2013, 1, 5)))
    assert await edit_episode(officer, row["id"], changed)
    assert not await edit_episode(officer, row["id"], changed)
    assert (await episode_row(officer, row["id"]))["date_of_birth"] == date(2013, 1, 5)


@pytest.mark.parametrize(
    "email", ["cme.other@test.example", "admin@test.example", "dsl.a@test.example"]
)
async def test_nobody_outside_the_las_cme_officers_sees_its_episodes(
    world: World, email: str
) -> None:
    await load(world)
    outsider = await viewer(email)
    episode_id = (await stored())[0]["id"]
    with pytest.raises(NotFound):
        await episode_row(outsider, episode_id)
    assert (await episode_list(outsider, Filters(), NOW)).total == 0
    assert await episode_tasks(outsider, NOW) == []
    with pytest.raises(NotFound):
        await record_interview(outsider, episode_id, Interview())
    with pytest.raises(NotFound):
        await import_file(outsider, world.la_id, csv(*ROWS), "e.csv", 10**7)


async def test_a_blank_cell_in_a_later_file_leaves_what_is_stored(world: World) -> None:
    await load(world)
    # The same episodes again, found time and where from left blank (a partial export).
    blanked = [
        ",".join("" if n in (4, 11) else c for n, c in enumerate(r.split(","))) for r in ROWS
    ]
    result = await load(world, csv(*blanked))
    assert (result.updated, result.unchanged) == (0, 4)
    hc1 = next(r for r in await stored() if r["reference"] == "HC/1")
    assert hc1["returned_at"] == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    hc2 = next(r for r in await stored() if r["reference"] == "HC/2")
    assert hc2["missing_from"] == "care" and hc2["looked_after"]


async def test_two_imports_at_once_add_each_episode_once(world: World) -> None:
    import asyncio

    shouted = csv(*(r.replace("Hampshire Constabulary", "HAMPSHIRE CONSTABULARY") for r in ROWS))
    first, second = await asyncio.gather(load(world), load(world, shouted))
    assert first.added + second.added == 4
    assert len(await stored()) == 4
    assert await InterventionMeeting.count() == 1


async def test_an_older_episode_arriving_late_calls_no_second_meeting(world: World) -> None:
    await load(world)
    older = "Hampshire Constabulary,HC/0,20/10/2026 20:00,,Home,Amy,Smith,02/03/2012,F,N,Low,"
    assert (await load(world, csv(older, *ROWS))).meetings_raised == 0
    assert await InterventionMeeting.count() == 1


async def test_a_new_repeat_rule_applies_to_children_already_recorded(world: World) -> None:
    from dataclasses import replace as changed

    from cme.policy import Policy
    from cme.storage.policies import set_policy

    two = "Thames Valley Police,TV8,22/11/2026 09:00,,Home,Bob,Jones,,M,N,Low,22/11/2026 18:00"
    await load(world, csv(*ROWS, two))
    assert await InterventionMeeting.count() == 1  # Amy's three; Bob has two
    admin = await viewer("admin@test.example")
    await set_policy(admin, changed(Policy(), repeat_episodes=2), only=["repeat_episodes"])
    meetings = await InterventionMeeting.select(InterventionMeeting.child)
    assert len(meetings) == 2


async def test_saving_the_form_as_shown_is_no_change_and_a_meeting_is_recorded_once(
    world: World,
) -> None:
    from dataclasses import replace

    seconds = ROWS[3].replace("23/11/2026 09:00", "2026-11-23T09:00:37Z")
    await load(world, csv(*ROWS[:3], seconds))
    officer = await viewer("cme@test.example")
    row = next(r for r in await stored() if r["reference"] == "TV9")
    episode = episode_of(row)
    shown = replace(episode, reported_at=episode.reported_at.replace(second=0))
    assert not await edit_episode(officer, row["id"], shown)
    [meeting] = await InterventionMeeting.select()
    await record_meeting(
        officer, meeting["child"], meeting["id"], date(2026, 11, 20), "Police", "", None
    )
    with pytest.raises(Exception, match="recorded already"):
        await record_meeting(
            officer, meeting["child"], meeting["id"], date(2026, 11, 21), "Police", "", None
        )


def test_a_date_past_any_episode_in_the_address_is_ignored() -> None:
    assert Filters.parse({"to": "9999-12-31", "from": "0001-01-01"}) == Filters()
