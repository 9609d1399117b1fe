"""The demo LA's term of police episodes (issue 10, Demo), brought in as a CME officer's file
is and worked through the same actions people use: the return interviews recorded, a repeat
child's meeting held, a meeting called by hand, and the police's later file whose change to a
child's name waits for an officer to confirm it."""

from __future__ import annotations

from datetime import date, datetime, time

from cme.access import Viewer
from cme.demo_episodes import EpisodePlan, demo_episodes, to_csv
from cme.roles import Role
from cme.storage import clock
from cme.storage.accounts import viewer_for_account
from cme.storage.episode_actions import call_meeting, record_interview, record_meeting
from cme.storage.episode_children import REPEAT
from cme.storage.episode_import import import_file
from cme.storage.tables import Account, InterventionMeeting, MissingEpisode
from cme.timeline import LONDON

FIRST_FILE = "demo-police-episodes.csv"
LATER_FILE = "demo-police-episodes-update.csv"
MAX_BYTES = 10 * 1024 * 1024


async def _officers(la_id: int) -> list[Viewer]:
    rows = (
        await Account.select(Account.id)
        .where(
            Account.role == Role.CME_OFFICER.value,
            Account.la == la_id,
            Account.school.is_null(),
            Account.active.eq(True),
        )
        .order_by(Account.id)
    )
    return [await viewer_for_account(int(r["id"])) for r in rows]


def plan_for(today: date) -> EpisodePlan:
    """The plan as seeded on `today`: nothing after the present moment (the import and the
    actions refuse times in the future), counted back from it when `today` is today."""
    today = min(today, clock.today())
    now = min(clock.utcnow(), datetime.combine(today, time(23, 59), LONDON))
    return demo_episodes(today, now)


async def seed_demo_episodes(la_id: int, today: date) -> dict[str, int]:
    """Seed the LA's demo episodes once, after the demo's CME officers exist; returns what
    was done (empty if the LA has episodes already or no CME officer)."""
    officers = await _officers(la_id)
    if not officers or await MissingEpisode.exists().where(MissingEpisode.la == la_id):
        return {}
    plan = plan_for(today)
    first = await import_file(None, la_id, to_csv(plan.episodes), FIRST_FILE, MAX_BYTES)
    stored = {
        r["reference"]: (int(r["id"]), int(r["child"]))
        for r in await MissingEpisode.select(
            MissingEpisode.id, MissingEpisode.reference, MissingEpisode.child
        ).where(MissingEpisode.la == la_id)
    }
    interviews = 0
    for n, episode in enumerate(plan.episodes):
        if episode.interview is not None:
            officer = officers[n % len(officers)]
            await record_interview(officer, stored[episode.reference][0], episode.interview)
            interviews += 1
    held = plan.held
    meeting = (
        await InterventionMeeting.select(InterventionMeeting.id, InterventionMeeting.child)
        .where(
            InterventionMeeting.child == stored[held.reference][1],
            InterventionMeeting.trigger == REPEAT,
        )
        .order_by(InterventionMeeting.id)
        .first()
    )
    if meeting is None:
        raise RuntimeError("the demo's repeat child was not flagged for a meeting")
    await record_meeting(
        officers[0],
        int(meeting["child"]),
        int(meeting["id"]),
        held.held_on,
        held.agencies,
        held.actions,
        held.review_on,
    )
    episode_id, child_id = stored[plan.called.reference]
    await call_meeting(officers[0], child_id, plan.called.reason, episode_id)
    later = await import_file(None, la_id, to_csv(plan.update), LATER_FILE, MAX_BYTES)
    return {
        "episodes": first.added,
        "meetings_raised": first.meetings_raised,
        "interviews": interviews,
        "updated": later.updated,
        "identity_changes": len(later.identity_changes),
    }
