"""A CME officer's tasks from the LA's police episodes: return interviews due or late,
children missing past the escalation times, intervention meetings to hold, and changes to a
child's identity waiting for a person. Episodes are the LA's, not one officer's, so every
CME officer of the LA sees them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from cme.access import Viewer
from cme.episodes.triggers import Escalation, escalations
from cme.storage.clock import utcnow
from cme.storage.episode_list import WAITING_FOR_INTERVIEW
from cme.storage.episodes import escalation_rule
from cme.storage.policies import policy_for_la
from cme.storage.tables import EpisodeMatch, InterventionMeeting, MissingEpisode
from cme.storage.tasks import Task
from cme.timeline import LONDON

MOST_READ = 200

HOLD_INTERVIEW = "Hold the return interview"
ESCALATE = {
    Escalation.MISSING_LONG: "Missing over {h} hours: review the risk with the police",
    Escalation.LOOKED_AFTER_LONG: "Looked after and missing over {h} hours: the social worker "
    "tells a senior manager",
}
HOLD_MEETING = "Hold the multi-agency intervention meeting"
CHECK_IDENTITY = "Check the police's change to the child's details"
REVIEW_MATCHES = "Review the possible matches of police episodes with pupils"


def _child(r: dict[str, Any]) -> str:
    name = ", ".join(p for p in (r["surname"], r["forename"]) if p)
    return name or "(no name given)"


async def episode_tasks(viewer: Viewer, now: datetime | None = None) -> list[Task]:
    if not viewer.sees_la_children:
        return []
    now = now or utcnow()
    on = now.astimezone(LONDON).date()
    policy = await policy_for_la(viewer.la_id)
    end_of_today = datetime.combine(on + timedelta(days=1), time(0), LONDON)
    hours = policy.return_interview_hours
    columns = (
        "e.id, e.forename, e.surname, e.force, e.reference, e.reported_at, e.last_seen_at, "
        "e.returned_at, e.looked_after, e.pending_identity"
    )
    tasks: list[Task] = []

    def add(r: dict[str, Any], what: str, due: datetime | None, overdue: bool) -> None:
        due_on = due.astimezone(LONDON).date() if due is not None else None
        tasks.append(
            Task(
                0,
                what,
                due_on,
                overdue,
                _child(r),
                f"police reference {r['reference']}",
                href=f"/la/episodes/{r['id']}",
            )
        )

    # Interviews due by the end of today and not held or declined.
    for r in await MissingEpisode.raw(
        f"SELECT {columns} FROM missing_episode e WHERE e.la = {{}} AND {WAITING_FOR_INTERVIEW} "
        f"AND e.returned_at < {{}} ORDER BY e.returned_at LIMIT {MOST_READ}",
        viewer.la_id,
        end_of_today - timedelta(hours=hours),
    ):
        due = _aware(r["returned_at"]) + timedelta(hours=hours)
        add(r, HOLD_INTERVIEW, due, now > due)
    rule = escalation_rule(policy)
    for r in await MissingEpisode.raw(
        f"SELECT {columns} FROM missing_episode e WHERE e.la = {{}} AND e.returned_at IS NULL "
        "AND COALESCE(e.last_seen_at, e.reported_at) < {} "
        f"ORDER BY e.reported_at LIMIT {MOST_READ}",
        viewer.la_id,
        now - timedelta(hours=min(rule.missing_hours, rule.looked_after_hours)),
    ):
        since = _aware(r["last_seen_at"] or r["reported_at"])
        for kind, _ in escalations(since, None, bool(r["looked_after"]), now, rule):
            h = (
                rule.looked_after_hours
                if kind is Escalation.LOOKED_AFTER_LONG
                else rule.missing_hours
            )
            add(r, ESCALATE[kind].format(h=h), since + timedelta(hours=h), True)
    for r in await MissingEpisode.raw(
        f"SELECT {columns} FROM missing_episode e WHERE e.la = {{}} AND e.pending_identity <> '' "
        f"ORDER BY e.updated_at LIMIT {MOST_READ}",
        viewer.la_id,
    ):
        add(r, CHECK_IDENTITY, None, False)
    for m in (
        await InterventionMeeting.select(
            InterventionMeeting.child,
            InterventionMeeting.due_on,
            InterventionMeeting.child.forename.as_alias("forename"),
            InterventionMeeting.child.surname.as_alias("surname"),
        )
        .where(InterventionMeeting.la == viewer.la_id, InterventionMeeting.held_on.is_null())
        .order_by(InterventionMeeting.due_on)
        .limit(MOST_READ)
    ):
        # A meeting due later is to arrange now; the list's "due" means today or late.
        later = m["due_on"] > on
        tasks.append(
            Task(
                0,
                f"{HOLD_MEETING} (due by {m['due_on']:%d/%m/%Y})" if later else HOLD_MEETING,
                None if later else m["due_on"],
                on > m["due_on"],
                _child(m),
                "repeat or high-risk missing",
                href=f"/la/missing-children/{m['child']}",
            )
        )
    waiting = await EpisodeMatch.count().where(
        EpisodeMatch.la == viewer.la_id, EpisodeMatch.decision == "", EpisodeMatch.band == "review"
    )
    if waiting:
        # One task for the queue, not one per pair: the queue orders them, most likely first.
        what = f"{waiting} possible match{'es' if waiting > 1 else ''} waiting for review"
        tasks.append(Task(0, REVIEW_MATCHES, None, False, what, "police episodes", "/la/matches"))
    return tasks


def _aware(value: Any) -> datetime:
    """Raw SQLite rows give timestamps as text; PostgreSQL as aware datetimes."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at if at.tzinfo else at.replace(tzinfo=UTC)
