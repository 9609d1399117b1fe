"""A pupil's police episodes of going missing from home or care: those the cross-match has
linked to the pupil (`cme.storage.matching.LINKED_SQL`), for the pupil page and the case
timeline.

Who sees them is decided here, in the query: the LA's CME officers, and in schools only the
designated safeguarding lead of the pupil's school. Attendance officers, LA administrators,
other schools and other LAs get nothing, and are told nothing about whether there is anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cme.access import Viewer
from cme.events import Action
from cme.roles import Role
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.episode_list import views
from cme.storage.episodes import EpisodeView
from cme.storage.matching import CONFIRMED, LINKED_SQL
from cme.storage.policies import policy_for_la
from cme.storage.scope import pupils_sql
from cme.storage.tables import EpisodeMatch
from cme.timeline import LONDON

# A case's timeline shows the episodes from this long before its day one: a child going
# missing from home in the weeks before they stop coming to school is part of the story.
LEAD_IN = timedelta(days=28)

# The roles that may see a child's episodes. In schools the police's information on a child
# going missing is safeguarding information: it goes to the DSL, not to everyone who keeps the
# register.
EPISODE_ROLES = frozenset({Role.CME_OFFICER, Role.DSL})


def sees_episodes(viewer: Viewer) -> bool:
    """Whether the viewer's role may see any child's episodes (which children: the query)."""
    return viewer.role in EPISODE_ROLES and viewer.sees_pupils


@dataclass(frozen=True)
class Link:
    """How the episode came to be linked to the pupil."""

    confirmed: bool  # by a person; otherwise the matcher linked it with confidence
    by: str  # who confirmed it, "" for the matcher or a removed account
    at: datetime | None


@dataclass(frozen=True)
class PupilEpisode:
    view: EpisodeView
    link: Link
    # The LA's episode page, for those who may open it (CME officers); None for the DSL, who
    # is shown the episode's details where it is listed instead.
    page: str | None

    @property
    def id(self) -> int:
        return self.view.id


@dataclass(frozen=True)
class PupilEpisodes:
    allowed: bool  # the viewer may see episodes at all: the page shows the section
    episodes: list[PupilEpisode]  # oldest first


_LINKED = """
SELECT e.id AS episode, m.decision, m.decided_at, a.display_name AS decided_by
FROM episode_match m
JOIN missing_episode e ON e.id = m.episode
JOIN pupil p ON p.id = m.pupil
JOIN school s ON s.id = p.school
LEFT JOIN account a ON a.id = m.decided_by
WHERE m.pupil = {{}} AND m.la = s.la AND e.la = s.la AND {linked} AND {scope}
ORDER BY e.reported_at, e.id
"""


def _moment(value: Any) -> datetime | None:
    # Raw statements give SQLite's timestamps back as text; stored times are UTC.
    if value is None:
        return None
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def linked_episodes(
    viewer: Viewer, pupil_id: int, now: datetime | None = None
) -> PupilEpisodes:
    """The pupil's linked episodes the viewer may see, oldest first; run inside the caller's
    transaction, whose audit row must say they were shown."""
    if not sees_episodes(viewer):
        return PupilEpisodes(False, [])
    now = now or utcnow()
    scope, args = pupils_sql(viewer, "p.school")
    rows = await EpisodeMatch.raw(_LINKED.format(linked=LINKED_SQL, scope=scope), pupil_id, *args)
    links: dict[int, Link] = {}
    for r in rows:
        confirmed = r["decision"] == CONFIRMED
        links.setdefault(
            int(r["episode"]),
            Link(
                confirmed,
                (r["decided_by"] or "") if confirmed else "",
                _moment(r["decided_at"]) if confirmed else None,
            ),
        )
    if not links:
        return PupilEpisodes(True, [])
    found = await views(list(links), await policy_for_la(viewer.la_id), now)
    officer = viewer.role is Role.CME_OFFICER
    return PupilEpisodes(
        True,
        [PupilEpisode(v, links[v.id], f"/la/episodes/{v.id}" if officer else None) for v in found],
    )


async def pupil_episodes(
    viewer: Viewer, pupil_id: int, school_id: int, now: datetime | None = None
) -> PupilEpisodes:
    """The pupil's linked episodes for the pupil page (the pupil already read through the
    viewer's scope). Showing any is recorded in the access log with the episodes named, in the
    same transaction as the read; an empty section records nothing."""
    if not sees_episodes(viewer):
        return PupilEpisodes(False, [])
    async with write_transaction():
        found = await linked_episodes(viewer, pupil_id, now)
        if found.episodes:
            await audit.record(
                Action.MISSING_CHILD_VIEWED,
                viewer=viewer,
                school_id=school_id,
                pupil_id=pupil_id,
                episode_ids=[e.id for e in found.episodes],
                shown_on="pupil page",
            )
    return found


def during(episodes: Iterable[PupilEpisode], since: date, until: date | None) -> list[PupilEpisode]:
    """The episodes the child was missing in at some time from `LEAD_IN` before `since` to
    the end of `until` (None: to now), for a case that ran over those days."""
    start = datetime.combine(since - LEAD_IN, time(0), LONDON)
    end = datetime.combine(until + timedelta(days=1), time(0), LONDON) if until else None
    return [
        e
        for e in episodes
        if (e.view.episode.returned_at is None or e.view.episode.returned_at >= start)
        and (end is None or e.view.episode.reported_at < end)
    ]
