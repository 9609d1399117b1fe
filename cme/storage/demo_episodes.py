"""The demo LA's term of police episodes (issue 10, Demo), brought in as a CME officer's file
is and worked through the same actions people use: the return interviews recorded, a repeat
child's meeting held, a meeting called by hand, and the police's later file whose change to a
child's name waits for an officer to confirm it. Then the episodes are matched with the pupils
(issue 11) and the CME officers decide a few of the proposals, so the review queue has pairs
waiting, linked and decided."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time

from cme.access import Viewer
from cme.demo_episodes import EpisodePlan, demo_episodes, to_csv
from cme.demo_history_episodes import past_episodes
from cme.matching.match import Band
from cme.roles import Role
from cme.storage import clock
from cme.storage.accounts import viewer_for_account
from cme.storage.episode_actions import call_meeting, record_interview, record_meeting
from cme.storage.episode_children import REPEAT
from cme.storage.episode_import import import_file
from cme.storage.match_decisions import decide
from cme.storage.matching import LINKED_SQL, rematch
from cme.storage.tables import Account, EpisodeMatch, InterventionMeeting, MissingEpisode
from cme.timeline import LONDON

FIRST_FILE = "demo-police-episodes.csv"
LATER_FILE = "demo-police-episodes-update.csv"
MAX_BYTES = 10 * 1024 * 1024
# The proposals the officers confirm first (when the matcher leaves them for review): a
# birthday a digit out and a new home, which the rest of the record explains. The others
# wait for the demo's user.
CONFIRMED_FIRST = ("dob_slipped", "changed_surname")
CONFIRMS = 2
LEFT_WAITING = 3
_REVIEW = f"""
SELECT m.id, m.episode, e.reference, p.upn
FROM episode_match m
JOIN missing_episode e ON e.id = m.episode
JOIN pupil p ON p.id = m.pupil
WHERE m.la = {{}} AND m.decision = '' AND m.band = '{Band.REVIEW.value}'
ORDER BY e.reference, p.upn
"""
_LINKED = (
    f"SELECT COUNT(DISTINCT m.episode) AS n FROM episode_match m WHERE m.la = {{}} AND {LINKED_SQL}"
)


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
    """The plan as seeded on `today`, with the year's episodes before the term's: nothing
    after the present moment (the import and the actions refuse times in the future),
    counted back from it when `today` is today."""
    today = min(today, clock.today())
    now = min(clock.utcnow(), datetime.combine(today, time(23, 59), LONDON))
    term = demo_episodes(today, now)
    return replace(term, history=past_episodes(today, term))


async def seed_demo_episodes(la_id: int, today: date) -> dict[str, int]:
    """Seed the LA's term of demo episodes once, after the demo's CME officers exist and the
    year before it (`cme.storage.demo_history`); returns what was done (empty if the LA has
    episodes of its own already or no CME officer)."""
    officers = await _officers(la_id)
    plan = plan_for(today)
    past = [e.reference for e in plan.history] or [""]
    if not officers or await MissingEpisode.exists().where(
        MissingEpisode.la == la_id, MissingEpisode.reference.not_in(past)
    ):
        return {}
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
        **await _match(la_id, plan, officers),
    }


async def _match(la_id: int, plan: EpisodePlan, officers: Sequence[Viewer]) -> dict[str, int]:
    """Match once, then decide as the officers would, knowing who each child is: reject one
    wrong proposal (the other twin's, if the matcher made it), confirm up to `CONFIRMS` right
    ones, and leave at least `LEFT_WAITING` waiting."""
    await rematch(la_id)
    child = {e.reference: e.child for e in plan.every}
    upn = {e.reference: e.who.upn for e in plan.every}
    waiting = [dict(r) for r in await EpisodeMatch.raw(_REVIEW, la_id)]
    wrong = sorted(
        (r for r in waiting if r["upn"] != upn[r["reference"]]),
        key=lambda r: child[r["reference"]] != "twin",
    )
    rejected = 0
    if wrong and len(waiting) > LEFT_WAITING:
        await decide(officers[-1], int(wrong[0]["id"]), confirm=False)
        waiting.remove(wrong[0])
        rejected = 1
    right = sorted(
        (r for r in waiting if r["upn"] == upn[r["reference"]]),
        key=lambda r: (_rank(child[r["reference"]]), r["reference"]),
    )
    confirmed = 0
    for r in right:
        # Confirming takes the episode's other proposals out of the queue with it.
        rest = [w for w in waiting if w["episode"] != r["episode"]]
        if confirmed == CONFIRMS:
            break
        if len(rest) < LEFT_WAITING:
            continue
        await decide(officers[confirmed % len(officers)], int(r["id"]), confirm=True)
        waiting, confirmed = rest, confirmed + 1
    linked = await EpisodeMatch.raw(_LINKED, la_id)
    return {
        "matches_linked": int(linked[0]["n"]),
        "matches_waiting": await EpisodeMatch.count().where(
            EpisodeMatch.la == la_id,
            EpisodeMatch.decision == "",
            EpisodeMatch.band == Band.REVIEW.value,
        ),
        "matches_confirmed": confirmed,
        "matches_rejected": rejected,
    }


def _rank(child: str) -> int:
    return CONFIRMED_FIRST.index(child) if child in CONFIRMED_FIRST else len(CONFIRMED_FIRST)
