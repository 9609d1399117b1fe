"""Reading the LA's police episodes of children missing from home or care: one episode, a
child's episodes, and the rows a page or a use case works on. Scoped by `la_children_of`:
only the LA's own CME officers see them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.access import Viewer
from cme.episodes.episode import Child, Episode, MissingFrom
from cme.episodes.interview import (
    Interview,
    InterviewCriteria,
    InterviewState,
    especially_needed,
    interview_due,
    interview_state,
)
from cme.episodes.triggers import EscalationRule, RepeatRule, WindowUnit, escalations
from cme.errors import NotFound
from cme.policy import Policy
from cme.storage.scope import la_children_of
from cme.storage.tables import InterventionMeeting, MissingEpisode, ReturnInterview

CHILD_FIELDS = ("forename", "surname", "other_names", "date_of_birth", "gender")


def episode_of(row: dict[str, Any]) -> Episode:
    """The domain episode of a stored row (keys as `MissingEpisode.select()` gives them)."""
    return Episode(
        force=row["force"],
        reference=row["reference"],
        reported_at=row["reported_at"],
        child=Child(**{k: row[k] for k in CHILD_FIELDS}),
        missing_from=MissingFrom(row["missing_from"]),
        last_seen_at=row["last_seen_at"],
        address=row["address"],
        postcode=row["postcode"],
        responsible_la=row["responsible_la"],
        looked_after=row["looked_after"],
        risk_raw=row["risk_raw"],
        risk_scheme=row["risk_scheme"],
        returned_at=row["returned_at"],
        where_found=row["where_found"],
        who_with=row["who_with"],
        safe_and_well_on=row["safe_and_well_on"],
        circumstances=row["circumstances"],
        harmed=row["harmed"],
        exploitation_risk=row["exploitation_risk"],
        risky_contacts=row["risky_contacts"],
        crime_while_away=row["crime_while_away"],
        mental_health=row["mental_health"],
    )


def interview_of(row: dict[str, Any] | None) -> Interview | None:
    if row is None:
        return None
    return Interview(
        offered_at=row["offered_at"],
        offered_by=row["offered_by"],
        done_at=row["done_at"],
        done_by=row["done_by"],
        done_where=row["done_where"],
        declined_at=row["declined_at"],
        themes=tuple(json.loads(row["themes"] or "[]")),
        notes=row["notes"],
    )


def repeat_rule(policy: Policy) -> RepeatRule:
    return RepeatRule(
        episodes=policy.repeat_episodes,
        length=policy.repeat_window_length,
        unit=WindowUnit(policy.repeat_window_unit),
        meeting_within_days=policy.repeat_meeting_days,
    )


def escalation_rule(policy: Policy) -> EscalationRule:
    return EscalationRule(policy.missing_escalation_hours, policy.looked_after_escalation_hours)


def interview_criteria(policy: Policy) -> InterviewCriteria:
    return InterviewCriteria(hampshire=policy.hampshire_interview_criteria)


def pending_identity(row: dict[str, Any]) -> Child | None:
    """The identity an import would give the episode's child, waiting for a person."""
    if not row.get("pending_identity"):
        return None
    data = json.loads(row["pending_identity"])
    born = data.get("date_of_birth")
    data["date_of_birth"] = date.fromisoformat(born) if born else None
    return Child(**{k: data[k] for k in CHILD_FIELDS})


def times_missing(row: dict[str, Any], episodes: list[dict[str, Any]]) -> int:
    """How many times the child had gone missing by this episode (`episodes` are all the
    child's, with their ids and report times): later episodes do not count."""
    mark = (row["reported_at"], int(row["id"]))
    return sum(1 for e in episodes if (e["reported_at"], int(e["id"])) <= mark)


@dataclass(frozen=True)
class EpisodeView:
    """An episode with what follows from it, as of `now`, for pages and task lists."""

    id: int
    child_id: int
    episode: Episode
    interview: Interview | None
    state: InterviewState
    due_at: datetime | None
    especially: list[str]
    escalations: list[str]
    episodes_of_child: int
    pending: Child | None
    source: str
    updated_at: datetime


def view_of(
    row: dict[str, Any],
    interview_row: dict[str, Any] | None,
    episodes_of_child: int,
    policy: Policy,
    now: datetime,
) -> EpisodeView:
    episode = episode_of(row)
    interview = interview_of(interview_row)
    hours = policy.return_interview_hours
    return EpisodeView(
        id=int(row["id"]),
        child_id=int(row["child"]),
        episode=episode,
        interview=interview,
        state=interview_state(episode.returned_at, interview, now, hours),
        due_at=interview_due(episode.returned_at, hours) if episode.returned_at else None,
        especially=especially_needed(episode, episodes_of_child, interview_criteria(policy)),
        escalations=[
            words
            for _, words in escalations(
                episode.missing_since,
                episode.returned_at,
                episode.looked_after,
                now,
                escalation_rule(policy),
            )
        ],
        episodes_of_child=episodes_of_child,
        pending=pending_identity(row),
        source=row["source"],
        updated_at=row["updated_at"],
    )


async def episode_row(viewer: Viewer, episode_id: int) -> dict[str, Any]:
    """The stored episode, if the viewer may see it; NotFound otherwise."""
    row = await la_children_of(
        MissingEpisode.select().where(MissingEpisode.id == episode_id),
        viewer,
        MissingEpisode.la,
    ).first()
    if row is None:
        raise NotFound("There is no such episode, or it is not one of your LA's.")
    return dict(row)


async def child_episode_rows(viewer: Viewer, child_id: int) -> list[dict[str, Any]]:
    """A child's episodes, oldest first."""
    rows = await la_children_of(
        MissingEpisode.select().where(MissingEpisode.child == child_id),
        viewer,
        MissingEpisode.la,
    ).order_by(MissingEpisode.reported_at)
    return [dict(r) for r in rows]


async def interview_row(episode_id: int) -> dict[str, Any] | None:
    row = await ReturnInterview.select().where(ReturnInterview.episode == episode_id).first()
    return dict(row) if row else None


async def meeting_rows(viewer: Viewer, child_id: int) -> list[dict[str, Any]]:
    """The intervention meetings called for the child, oldest first."""
    rows = await la_children_of(
        InterventionMeeting.select(
            *InterventionMeeting.all_columns(),
            InterventionMeeting.episode.reference.as_alias("episode_reference"),
        ).where(InterventionMeeting.child == child_id),
        viewer,
        InterventionMeeting.la,
    ).order_by(InterventionMeeting.triggered_on)
    return [dict(r) for r in rows]
