"""What CME officers do to the LA's episodes: enter and correct them by hand, accept or turn
down an import's change to a child's identity, record the return interview, and call and
record intervention meetings. Each is one transaction with its audit row."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.columns import Column

from cme.access import Viewer
from cme.episodes.episode import Child, Episode, force_key
from cme.episodes.interview import Interview
from cme.errors import Conflict, InvalidField, NotFound
from cme.events import Action
from cme.storage import audit
from cme.storage.clock import today as london_today
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.episode_children import HAND, child_for, raise_repeat_meetings
from cme.storage.episode_import import episode_columns
from cme.storage.episodes import CHILD_FIELDS, episode_row, pending_identity
from cme.storage.matching import rematch_wanted
from cme.storage.organisations import lock_la
from cme.storage.policies import policy_for_la
from cme.storage.scope import la_children_of
from cme.storage.tables import InterventionMeeting, MissingChild, MissingEpisode, ReturnInterview
from cme.timeline import LONDON

BY_HAND = "hand"


def _detail(row: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"episode_id": int(row["id"]), "force": row["force"], "reference": row["reference"]}


async def _same_reference(la_id: int, episode: Episode, not_id: int | None = None) -> None:
    for r in await MissingEpisode.select(MissingEpisode.id, MissingEpisode.force).where(
        MissingEpisode.la == la_id,
        MissingEpisode.reference == episode.reference,
        MissingEpisode.force_key == force_key(episode.force),
    ):
        if r["id"] != not_id:
            raise Conflict(
                f"{r['force']} reference {episode.reference} is already recorded: open that "
                "episode to change it."
            )


async def add_episode(viewer: Viewer, episode: Episode) -> int:
    """Record an episode the police told of outside a file (a phone call, an email)."""
    _may_act(viewer)
    async with write_transaction():
        await lock_la(viewer.la_id)
        await _same_reference(viewer.la_id, episode)
        policy = await policy_for_la(viewer.la_id)
        child_id = await child_for(viewer.la_id, episode.child)
        now = utcnow()
        added = await MissingEpisode.insert(
            MissingEpisode(
                la=viewer.la_id,
                child=child_id,
                pending_identity="",
                source=BY_HAND,
                created_at=now,
                updated_at=now,
                updated_by=viewer.user_id,
                **episode_columns(episode),
            )
        ).returning(MissingEpisode.id)
        episode_id = int(added[0]["id"])
        await raise_repeat_meetings(viewer.la_id, [child_id], policy, viewer)
        await rematch_wanted(viewer.la_id)
        await audit.record(
            Action.EPISODE_ADDED,
            viewer=viewer,
            episode_id=episode_id,
            force=episode.force,
            reference=episode.reference,
        )
    return episode_id


async def edit_episode(viewer: Viewer, episode_id: int, episode: Episode) -> bool:
    """Correct an episode; a person changing the child's identity needs no confirmation, and
    any change an import left waiting is settled by it. Returns whether anything changed."""
    async with write_transaction():
        await lock_la(viewer.la_id)
        row = await episode_row(viewer, episode_id)
        await _same_reference(viewer.la_id, episode, not_id=episode_id)
        values = episode_columns(episode)
        changes = {k: v for k, v in values.items() if not _same(row[k], v)}
        changed = sorted(changes)
        if row["pending_identity"]:
            changes["pending_identity"] = ""
        if not changes:
            return False
        await _save(viewer, row, changes)
        await audit.record(Action.EPISODE_EDITED, viewer=viewer, changed=changed, **_detail(row))
    return True


def _same(stored: Any, typed: Any) -> bool:
    """The form shows times to the minute: a time saved back as shown is not a change."""
    if isinstance(stored, datetime) and isinstance(typed, datetime):
        return typed == stored or (
            typed.second == typed.microsecond == 0
            and typed == stored.replace(second=0, microsecond=0)
        )
    return bool(stored == typed)


async def _save(viewer: Viewer, row: dict[str, Any], changes: dict[str, Any]) -> None:
    """Write the changes; if the child's identity changed, the episode moves to the record
    of the child it now names, and both children's triggers are looked at again."""
    children = {int(row["child"])}
    if any(k in changes for k in CHILD_FIELDS):
        child = Child(**{k: changes.get(k, row[k]) for k in CHILD_FIELDS})
        changes["child"] = await child_for(viewer.la_id, child)
        children.add(int(changes["child"]))
    changes |= {"updated_at": utcnow(), "updated_by": viewer.user_id, "source": BY_HAND}
    await MissingEpisode.update({getattr(MissingEpisode, k): v for k, v in changes.items()}).where(
        MissingEpisode.id == row["id"]
    )
    policy = await policy_for_la(viewer.la_id)
    await raise_repeat_meetings(viewer.la_id, children, policy, viewer)
    await rematch_wanted(viewer.la_id)


async def settle_identity(viewer: Viewer, episode_id: int, accept: bool) -> None:
    """Accept an import's change to who the child is, or turn it down (the episode keeps the
    child it had; the next import of the same change asks again)."""
    async with write_transaction():
        await lock_la(viewer.la_id)
        row = await episode_row(viewer, episode_id)
        proposed = pending_identity(row)
        if proposed is None:
            raise Conflict("There is no change to the child's details waiting on this episode.")
        changes: dict[str, Any] = {"pending_identity": ""}
        if accept:
            changes |= {k: getattr(proposed, k) for k in CHILD_FIELDS}
            await _save(viewer, row, changes)
        else:
            await MissingEpisode.update({MissingEpisode.pending_identity: ""}).where(
                MissingEpisode.id == episode_id
            )
        await audit.record(
            Action.EPISODE_IDENTITY_CONFIRMED if accept else Action.EPISODE_IDENTITY_KEPT,
            viewer=viewer,
            **_detail(row),
        )


async def record_interview(viewer: Viewer, episode_id: int, interview: Interview) -> None:
    """Record (or correct) the episode's return interview: offered, held or declined."""
    if interview.done_at is not None and interview.declined_at is not None:
        raise InvalidField(
            "Declined", "An interview cannot be both held and declined: clear one of them."
        )
    async with write_transaction():
        row = await episode_row(viewer, episode_id)
        if row["returned_at"] is None and (interview.done_at or interview.declined_at):
            raise InvalidField(
                "Returned at",
                "Record when the child returned or was found first: the interview follows it.",
            )
        for when, words in (
            (interview.offered_at, "offered"),
            (interview.done_at, "held"),
            (interview.declined_at, "declined"),
        ):
            if when is not None and row["returned_at"] is not None and when < row["returned_at"]:
                raise InvalidField(
                    words.capitalize(),
                    f"The interview cannot have been {words} before the child returned "
                    f"({row['returned_at'].astimezone(LONDON):%d/%m/%Y %H:%M}): check the date "
                    "and time.",
                )
            if when is not None and when > utcnow():
                raise InvalidField(
                    words.capitalize(), f"The time the interview was {words} is in the future."
                )
        values: dict[str, Any] = {
            "offered_at": interview.offered_at,
            "offered_by": interview.offered_by,
            "done_at": interview.done_at,
            "done_by": interview.done_by,
            "done_where": interview.done_where,
            "declined_at": interview.declined_at,
            "themes": json.dumps(list(interview.themes)),
            "notes": interview.notes,
            "recorded_by": viewer.user_id,
            "recorded_at": utcnow(),
        }
        if await ReturnInterview.exists().where(ReturnInterview.episode == episode_id):
            columns: dict[Column | str, Any] = {
                getattr(ReturnInterview, k): v for k, v in values.items()
            }
            await ReturnInterview.update(columns).where(ReturnInterview.episode == episode_id)
        else:
            await ReturnInterview.insert(ReturnInterview(episode=episode_id, **values))
        await audit.record(Action.RETURN_INTERVIEW_RECORDED, viewer=viewer, **_detail(row))


async def _child(viewer: Viewer, child_id: int) -> dict[str, Any]:
    row = await la_children_of(
        MissingChild.select().where(MissingChild.id == child_id), viewer, MissingChild.la
    ).first()
    if row is None:
        raise NotFound("There is no such child, or they are not one of your LA's.")
    return dict(row)


async def call_meeting(
    viewer: Viewer, child_id: int, reason: str, episode_id: int | None = None
) -> int:
    """Call an intervention meeting by hand: a single very high-risk episode, or any
    agency's serious concern (RULES.md §7). Due within the LA's meeting days."""
    reason = " ".join(reason.replace("\x00", " ").split())
    if not reason:
        raise InvalidField("Reason", "Say why the meeting is needed.")
    if len(reason) > 1000:
        raise InvalidField("Reason", "Keep the reason under 1,000 characters.")
    async with write_transaction():
        await lock_la(viewer.la_id)
        await _child(viewer, child_id)
        if episode_id is not None:
            row = await episode_row(viewer, episode_id)
            if int(row["child"]) != child_id:
                raise NotFound("That episode is not this child's.")
        policy = await policy_for_la(viewer.la_id)
        today = london_today()
        added = await InterventionMeeting.insert(
            InterventionMeeting(
                la=viewer.la_id,
                child=child_id,
                episode=episode_id,
                trigger=HAND,
                reason=reason,
                triggered_on=today,
                due_on=today + timedelta(days=policy.repeat_meeting_days),
                agencies="",
                actions="",
                raised_by=viewer.user_id,
                created_at=utcnow(),
            )
        ).returning(InterventionMeeting.id)
        await audit.record(Action.MEETING_RAISED, viewer=viewer, child_id=child_id, trigger=HAND)
    return int(added[0]["id"])


async def record_meeting(
    viewer: Viewer,
    child_id: int,
    meeting_id: int,
    held_on: date,
    agencies: str,
    actions: str,
    review_on: date | None,
) -> None:
    """Record the meeting as held: when, which agencies, the actions agreed, the review."""
    if held_on > london_today():
        raise InvalidField("Held on", "The meeting's date is in the future: record it once held.")
    if review_on is not None and review_on < held_on:
        raise InvalidField("Review date", "The review date must be on or after the meeting.")
    if not agencies.strip():
        raise InvalidField("Agencies", "Name the agencies that took part.")
    async with write_transaction():
        await lock_la(viewer.la_id)
        meeting = await la_children_of(
            InterventionMeeting.select().where(
                InterventionMeeting.id == meeting_id, InterventionMeeting.child == child_id
            ),
            viewer,
            InterventionMeeting.la,
        ).first()
        if meeting is None:
            raise NotFound("There is no such meeting, or it is not one of your LA's.")
        if meeting["held_on"] is not None:
            raise Conflict(
                f"This meeting is recorded already, as held on {meeting['held_on']:%d/%m/%Y}."
            )
        if held_on < meeting["triggered_on"]:
            raise InvalidField(
                "Held on",
                f"The meeting was called on {meeting['triggered_on']:%d/%m/%Y}: it cannot have "
                "been held before that.",
            )
        await InterventionMeeting.update(
            {
                InterventionMeeting.held_on: held_on,
                InterventionMeeting.agencies: agencies.strip(),
                InterventionMeeting.actions: actions.strip(),
                InterventionMeeting.review_on: review_on,
                InterventionMeeting.recorded_by: viewer.user_id,
            }
        ).where(InterventionMeeting.id == meeting_id)
        await audit.record(Action.MEETING_RECORDED, viewer=viewer, child_id=int(meeting["child"]))


def _may_act(viewer: Viewer) -> None:
    if not viewer.sees_la_children:
        raise NotFound("Only the LA's CME officers record missing episodes.")
