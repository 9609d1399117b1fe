"""What the episode page and a missing child's page show, read in one transaction with the
access-log row that records the look: these are children's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.episodes.interview import THEMES
from cme.episodes.triggers import RepeatRule
from cme.errors import NotFound
from cme.events import Action
from cme.policy import Policy
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.episode_list import views
from cme.storage.episodes import (
    EpisodeView,
    child_episode_rows,
    episode_row,
    interview_of,
    interview_row,
    meeting_rows,
    repeat_rule,
    times_missing,
    view_of,
)
from cme.storage.policies import policy_for_la
from cme.storage.scope import la_children_of
from cme.storage.tables import MissingChild
from cme.timeline import LONDON


@dataclass(frozen=True)
class EpisodePage:
    view: EpisodeView
    # The child's episodes, newest first, this one among them.
    episodes: list[EpisodeView]
    meetings: list[dict[str, Any]]
    # The themes the interview form offers: the fixed list, the LA's own, and any the
    # interview was given before the LA stopped offering it.
    themes: tuple[str, ...]
    policy: Policy


@dataclass(frozen=True)
class MissingChildPage:
    child: dict[str, Any]
    episodes: list[EpisodeView]  # newest first
    meetings: list[dict[str, Any]]  # oldest first
    rule: RepeatRule
    policy: Policy
    today: date


def themes_offered(policy: Policy, had: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*THEMES, *policy.extra_themes, *had)))


async def view_episode(viewer: Viewer, episode_id: int, now: datetime | None = None) -> EpisodePage:
    """The episode, if the viewer may see it (NotFound otherwise), with its child's other
    episodes and meetings; the look is recorded in the access log."""
    now = now or utcnow()
    async with write_transaction():
        row = await episode_row(viewer, episode_id)
        policy = await policy_for_la(viewer.la_id)
        siblings = await child_episode_rows(viewer, int(row["child"]))
        so_far = times_missing(row, siblings)
        view = view_of(row, await interview_row(episode_id), so_far, policy, now)
        others = await views([int(r["id"]) for r in reversed(siblings)], policy, now)
        meetings = await meeting_rows(viewer, int(row["child"]))
        await audit.record(
            Action.EPISODE_VIEWED,
            viewer=viewer,
            episode_id=episode_id,
            child_id=int(row["child"]),
            force=row["force"],
            reference=row["reference"],
        )
    had = view.interview.themes if view.interview else ()
    return EpisodePage(view, others, meetings, themes_offered(policy, had), policy)


async def view_missing_child(
    viewer: Viewer, child_id: int, now: datetime | None = None
) -> MissingChildPage:
    """A child's episodes and intervention meetings, if the viewer may see them; the look is
    recorded in the access log, naming every episode shown."""
    now = now or utcnow()
    async with write_transaction():
        child = await la_children_of(
            MissingChild.select().where(MissingChild.id == child_id), viewer, MissingChild.la
        ).first()
        if child is None:
            raise NotFound("There is no such child, or they are not one of your LA's.")
        policy = await policy_for_la(viewer.la_id)
        rows = await child_episode_rows(viewer, child_id)
        episodes = await views([int(r["id"]) for r in reversed(rows)], policy, now)
        meetings = await meeting_rows(viewer, child_id)
        await audit.record(
            Action.MISSING_CHILD_VIEWED,
            viewer=viewer,
            child_id=child_id,
            episode_ids=[v.id for v in episodes],
        )
    return MissingChildPage(
        dict(child),
        episodes,
        meetings,
        repeat_rule(policy),
        policy,
        now.astimezone(LONDON).date(),
    )


async def interview_themes(viewer: Viewer, episode_id: int) -> tuple[str, ...]:
    """The themes the episode's interview form may be given (NotFound if the viewer may not
    see the episode): checked before the interview is recorded."""
    await episode_row(viewer, episode_id)
    policy = await policy_for_la(viewer.la_id)
    had = interview_of(await interview_row(episode_id))
    return themes_offered(policy, had.themes if had else ())
