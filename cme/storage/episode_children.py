"""The children behind the LA's episodes: finding a child's record by its key, and raising
the intervention meetings the repeat trigger calls for. Both run inside the caller's
transaction, so an import or an edit and the meetings it raises commit together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from cme.access import Viewer
from cme.episodes.episode import Child
from cme.episodes.triggers import repeat_triggers
from cme.events import Action
from cme.policy import Policy
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.episodes import repeat_rule
from cme.storage.tables import InterventionMeeting, MissingChild, MissingEpisode
from cme.timeline import LONDON

REPEAT = "repeat"
HAND = "hand"


async def child_for(la_id: int, child: Child) -> int:
    """The id of the LA's record of this child, added if there is none yet."""
    key = child.key
    row = await (
        MissingChild.select(MissingChild.id)
        .where(MissingChild.la == la_id, MissingChild.key == key)
        .first()
    )
    if row is not None:
        await MissingChild.update(
            {
                MissingChild.forename: child.forename,
                MissingChild.surname: child.surname,
                MissingChild.date_of_birth: child.date_of_birth,
            }
        ).where(MissingChild.id == row["id"])
        return int(row["id"])
    added = await MissingChild.insert(
        MissingChild(
            la=la_id,
            key=key,
            forename=child.forename,
            surname=child.surname,
            date_of_birth=child.date_of_birth,
            created_at=utcnow(),
        )
    ).returning(MissingChild.id)
    return int(added[0]["id"])


def _day(at: object) -> date:
    assert hasattr(at, "astimezone")
    return at.astimezone(LONDON).date()  # type: ignore[no-any-return]


async def raise_repeat_meetings(
    la_id: int, child_ids: Iterable[int], policy: Policy, viewer: Viewer | None
) -> int:
    """Call a meeting for every point at which a child's episodes reach the repeat trigger
    and none is called yet; returns how many were called. A meeting a person has recorded
    is never touched."""
    ids = sorted(set(child_ids))
    if not ids:
        return 0
    rule = repeat_rule(policy)
    episodes: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for r in (
        await MissingEpisode.select(
            MissingEpisode.id, MissingEpisode.child, MissingEpisode.reported_at
        )
        .where(MissingEpisode.child.is_in(ids))
        .order_by(MissingEpisode.reported_at)
        .order_by(MissingEpisode.id)
    ):
        episodes[int(r["child"])].append((int(r["id"]), _day(r["reported_at"])))
    held: dict[int, list[date]] = defaultdict(list)
    raised: dict[int, set[int]] = defaultdict(set)
    for m in await InterventionMeeting.select(
        InterventionMeeting.child,
        InterventionMeeting.held_on,
        InterventionMeeting.episode,
        InterventionMeeting.trigger,
    ).where(InterventionMeeting.child.is_in(ids)):
        if m["held_on"] is not None:
            held[int(m["child"])].append(m["held_on"])
        if m["trigger"] == REPEAT and m["episode"] is not None:
            raised[int(m["child"])].add(int(m["episode"]))
    count = 0
    now = utcnow()
    for child_id in ids:
        days = [d for _, d in episodes[child_id]]
        called = [i for i, (e, _) in enumerate(episodes[child_id]) if e in raised[child_id]]
        for trigger in repeat_triggers(days, held[child_id], rule, called):
            episode_id = episodes[child_id][trigger.index][0]
            await InterventionMeeting.insert(
                InterventionMeeting(
                    la=la_id,
                    child=child_id,
                    episode=episode_id,
                    trigger=REPEAT,
                    reason=f"{trigger.counted} episodes within {rule.words.split(' in ', 1)[1]}",
                    triggered_on=trigger.on,
                    due_on=trigger.meeting_due,
                    agencies="",
                    actions="",
                    raised_by=viewer.user_id if viewer else None,
                    created_at=now,
                )
            )
            await audit.record(
                Action.MEETING_RAISED,
                viewer=viewer,
                la_id=la_id,
                child_id=child_id,
                trigger=REPEAT,
                due_on=trigger.meeting_due.isoformat(),
            )
            count += 1
    return count
