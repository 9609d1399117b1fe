"""`cme demo` has a term of police episodes (issue 10, Demo), imported as a CME officer's file
is and worked through the real actions: the LA's list has open and returned episodes,
interviews done, late, declined and missing, repeat children with their meetings, a
looked-after child missing over 48 hours and a change of identity to confirm.

The demo is seeded once per engine for the whole module; the tests only read it, and the
module empties the tables afterwards as the `db` fixture does.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from cme.access import Viewer
from cme.demo_data import CME_OFFICERS
from cme.demo_episode_children import HOME_LA
from cme.demo_history_episodes import police_files
from cme.episodes.interview import InterviewState
from cme.events import Action
from cme.storage.accounts import viewer_for_account
from cme.storage.clock import today, utcnow
from cme.storage.demo import seed_demo
from cme.storage.demo_episodes import plan_for, seed_demo_episodes
from cme.storage.episode_children import HAND, REPEAT
from cme.storage.episode_list import Attention, EpisodeList, Filters, State, episode_list
from cme.storage.episodes import pending_identity
from cme.storage.tables import (
    Account,
    AuditEvent,
    InterventionMeeting,
    LocalAuthority,
    MissingEpisode,
    PupilDetailVersion,
    PupilStatusVersion,
    ReturnInterview,
)
from cme.timeline import LONDON


async def _officer(n: int = 0) -> Viewer:
    row = await Account.select(Account.id).where(Account.email == CME_OFFICERS[n][0]).first()
    assert row is not None
    return await viewer_for_account(int(row["id"]))


async def _list(**filters: object) -> EpisodeList:
    return await episode_list(await _officer(), Filters(**filters), every_page=True)  # type: ignore[arg-type]


def _term_start() -> date:
    """The day this term's episodes begin: the year's before it are older."""
    return min(e.reported_at for e in plan_for(today()).episodes).astimezone(LONDON).date()


async def test_the_list_has_open_and_returned_episodes(demo: object) -> None:
    plan = plan_for(today())
    every = await _list()
    assert every.total == len(plan.every) == len(every.rows)
    term = await _list(since=_term_start())
    assert term.total == len(plan.episodes) and 35 <= term.total <= 50
    opened = [e for e in plan.episodes if e.returned_at is None]
    assert every.open == len(opened) >= 3
    # Open ones first.
    assert all(r.view.episode.returned_at is None for r in every.rows[: every.open])
    assert (await _list(state=State.OPEN)).total == len(opened)
    assert (await _list(state=State.RETURNED)).total == every.total - len(opened)

    states = Counter(r.view.state for r in every.rows)
    assert states[InterviewState.DONE_IN_TIME] >= 10
    for state in (InterviewState.DONE_LATE, InterviewState.DECLINED, InterviewState.DUE):
        assert states[state] >= 2, state
    assert states[InterviewState.OVERDUE] >= 3
    overdue = await _list(attention=Attention.INTERVIEW_OVERDUE)
    assert overdue.total == states[InterviewState.OVERDUE]
    waiting = await _list(attention=Attention.INTERVIEW_WAITING)
    assert waiting.total == states[InterviewState.OVERDUE] + states[InterviewState.DUE]


async def test_escalations_and_a_looked_after_child_missing_over_48_hours(demo: object) -> None:
    every = await _list()
    hours = [
        (utcnow() - r.view.episode.missing_since).total_seconds() / 3600
        for r in every.rows
        if r.view.episode.returned_at is None
    ]
    assert any(h < 24 for h in hours) and any(h > 24 for h in hours)
    escalated = await _list(attention=Attention.ESCALATED)
    assert escalated.total == len([h for h in hours if h > 24]) >= 2
    in_care = [
        r
        for r in escalated.rows
        if any(w.startswith("Looked-after child missing over 48") for w in r.view.escalations)
    ]
    assert len(in_care) == 1 and in_care[0].view.episode.looked_after
    assert in_care[0].view.episode.missing_from.value == "care"
    assert (await _list(looked_after=True)).total >= 4


async def test_repeat_children_and_their_meetings(demo: object) -> None:
    repeat = await _list(attention=Attention.REPEAT)
    children = Counter(r.view.child_id for r in repeat.rows)
    assert len(children) >= 2 and all(n >= 3 for n in children.values())
    assert all(r.repeat for r in repeat.rows)
    meetings = await InterventionMeeting.select().order_by(InterventionMeeting.id)
    raised = [m for m in meetings if m["trigger"] == REPEAT]
    assert {int(m["child"]) for m in raised} == set(children)
    # Last year's repeat children's meetings were all held; of this term's, one is.
    assert all(m["held_on"] for m in raised if m["triggered_on"] < _term_start())
    held = [m for m in raised if m["held_on"] is not None and m["triggered_on"] >= _term_start()]
    assert len(held) == 1 and held[0]["agencies"] and held[0]["actions"] and held[0]["review_on"]
    assert held[0]["held_on"] >= held[0]["triggered_on"]
    assert [m for m in raised if m["held_on"] is None and m["due_on"] < today()], "overdue"
    by_hand = [m for m in meetings if m["trigger"] == HAND]
    assert len(by_hand) == 1 and by_hand[0]["reason"]
    episode = (
        await MissingEpisode.select().where(MissingEpisode.id == by_hand[0]["episode"]).first()
    )
    assert episode is not None and episode["risk_level"] == "high"
    assert await MissingEpisode.count().where(MissingEpisode.child == episode["child"]) == 1


async def test_worked_through_the_real_actions(demo: object) -> None:
    plan = plan_for(today())
    done = [e for e in plan.every if e.interview is not None]
    assert await ReturnInterview.count() == len(done)
    recorders = {int(r["recorded_by"]) for r in await ReturnInterview.select()}
    assert recorders == {(await _officer(n)).user_id for n in range(len(CME_OFFICERS))}
    actions = Counter(r["action"] for r in await AuditEvent.select(AuditEvent.action))
    # The police's weekly files of the year before the term, the term's file and its update.
    assert actions[Action.EPISODES_IMPORTED.value] == len(police_files(plan.history)) + 2
    assert actions[Action.RETURN_INTERVIEW_RECORDED.value] == len(done)
    assert actions[Action.MEETING_RAISED.value] >= 3
    held = await InterventionMeeting.count().where(InterventionMeeting.held_on.is_not_null())
    assert actions[Action.MEETING_RECORDED.value] == held >= 2


async def test_an_identity_change_waits_and_a_time_was_corrected(demo: object) -> None:
    waiting = await _list(attention=Attention.IDENTITY)
    assert waiting.total == 1
    view = waiting.rows[0].view
    assert view.pending is not None
    assert view.pending.forename != view.episode.child.forename
    assert view.pending.surname == view.episode.child.surname
    # The name the police now give is the pupil's name at school.
    row = await MissingEpisode.select().where(MissingEpisode.id == view.id).first()
    assert row is not None and pending_identity(row) == view.pending
    pupils = await PupilDetailVersion.select().where(
        PupilDetailVersion.valid_to.is_null(),
        PupilDetailVersion.legal_surname == view.pending.surname,
        PupilDetailVersion.date_of_birth == view.pending.date_of_birth,
    )
    assert [p["legal_forename"] for p in pupils] == [view.pending.forename]
    updated = await MissingEpisode.select().where(
        MissingEpisode.updated_at > MissingEpisode.created_at
    )
    assert len(updated) == 2


async def test_most_episodes_are_pupils_as_their_school_has_them(demo: object) -> None:
    details = {
        (
            p["legal_forename"],
            p["legal_surname"],
            p["date_of_birth"],
            p["gender"],
            p["address"],
            p["postcode"],
        ): int(p["pupil"])
        for p in await PupilDetailVersion.select().where(PupilDetailVersion.valid_to.is_null())
    }
    episodes = await MissingEpisode.select()
    matched = {
        int(e["id"]): details.get(
            (
                e["forename"],
                e["surname"],
                e["date_of_birth"],
                e["gender"],
                e["address"],
                e["postcode"],
            )
        )
        for e in episodes
        if e["responsible_la"] == HOME_LA
    }
    assert len([p for p in matched.values() if p]) > 0.6 * len(episodes)
    assert [p for p in matched.values() if p is None], "the police's slips: no exact match"
    others = [e for e in episodes if e["responsible_la"] != HOME_LA]
    assert 4 <= len({e["child"] for e in others}) <= 6
    # One child's date of birth the police left blank.
    (blank,) = [e for e in episodes if e["date_of_birth"] is None]
    assert blank["responsible_la"] == HOME_LA and blank["forename"] and blank["surname"]
    # A looked-after pupil is missing from their placement.
    in_care = {
        int(s["pupil"])
        for s in await PupilStatusVersion.select().where(
            PupilStatusVersion.status == "looked_after",
            PupilStatusVersion.value.eq(True),
            PupilStatusVersion.valid_to.is_null(),
        )
    }
    cared = [e for e in episodes if matched.get(int(e["id"])) in in_care]
    assert cared and all(e["missing_from"] == "care" and e["looked_after"] for e in cared)


async def test_seeding_again_changes_nothing(demo: object) -> None:
    before = await MissingEpisode.select().order_by(MissingEpisode.id)
    meetings = await InterventionMeeting.count()
    assert not await seed_demo(today())
    la = await LocalAuthority.select(LocalAuthority.id).first()
    assert la is not None
    assert await seed_demo_episodes(int(la["id"]), today()) == {}
    assert await MissingEpisode.select().order_by(MissingEpisode.id) == before
    assert await InterventionMeeting.count() == meetings
