"""A pupil's police episodes in words, for the pupil page's section (`_pupil_episodes.html`)
and the case timeline: when the child went missing and came back, from where, the risk the
police graded, the return interview, and how the episode was linked to the pupil. Times are
London's, as people read them."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cme.access import Viewer
from cme.episodes.episode import MissingFrom
from cme.episodes.interview import InterviewState
from cme.storage.pupil_episodes import PupilEpisode, pupil_episodes
from cme.timeline import LONDON
from cme.web.episode_display import STATE_CLASS, when

STILL_MISSING = "Still missing"
WENT_MISSING = {
    MissingFrom.HOME: "Went missing from home",
    MissingFrom.CARE: "Went missing from a care placement",
    MissingFrom.SCHOOL: "Went missing from school",
    MissingFrom.OTHER: "Went missing",
}


def risk_words(e: PupilEpisode) -> str:
    level = e.view.episode.risk
    return level.label if level is not None else "Not graded"


def interview_words(e: PupilEpisode) -> str:
    v = e.view
    words = v.state.label
    if v.state in (InterviewState.DONE_IN_TIME, InterviewState.DONE_LATE) and v.interview:
        words += f", held {when(v.interview.done_at)}"
    elif v.state.waiting and v.due_at is not None:
        words += f", by {when(v.due_at)}"
    return words


def link_words(e: PupilEpisode) -> str:
    if not e.link.confirmed:
        return "Matched to this pupil by the LA's cross-match"
    by = f" by {e.link.by}" if e.link.by else ""
    on = f" on {e.link.at.astimezone(LONDON):%d/%m/%Y}" if e.link.at else ""
    return f"Confirmed as this pupil{by}{on}"


def episode_words(e: PupilEpisode) -> dict[str, Any]:
    """One episode as the pupil page lists it; `details` are for those who cannot open the
    LA's episode page (a DSL)."""
    ep = e.view.episode
    details: list[tuple[str, str]] = []
    if e.page is None:
        details = [
            (label, value)
            for label, value in (
                ("Police force", ep.force),
                ("Police reference", ep.reference),
                ("Last seen", when(ep.last_seen_at)),
                ("Looked after", "Yes" if ep.looked_after else ""),
                ("Where found", ep.where_found),
                # Not the police's count of the child's episodes: it may take in episodes
                # linked to another pupil, or still waiting for review.
                ("Who with", ep.who_with),
            )
            if value
        ]
    return {
        "id": e.id,
        "reported": when(ep.reported_at),
        "returned": when(ep.returned_at) or STILL_MISSING,
        "open": ep.returned_at is None,
        "missing_from": ep.missing_from.label,
        "risk": risk_words(e),
        "interview": interview_words(e),
        "state": e.view.state.value,
        "state_class": STATE_CLASS.get(e.view.state, ""),
        "link": link_words(e),
        "page": e.page,
        "details": details,
    }


async def section(viewer: Viewer, pupil: dict[str, Any]) -> dict[str, Any]:
    """The pupil has already been read through the viewer's scope."""
    found = await pupil_episodes(viewer, int(pupil["id"]), int(pupil["school.id"]))
    return {
        "episodes_shown": found.allowed,
        # Newest first, as the LA's own lists show a child's episodes.
        "pupil_episodes": [episode_words(e) for e in reversed(found.episodes)],
    }


@dataclass(frozen=True)
class EpisodeLine:
    """An episode's moment on a case timeline, shaped as `case_words.Line` is."""

    id: str
    at: datetime
    who: str
    what: str
    facts: list[tuple[str, str]]
    kind: str
    page: str | None


def timeline_lines(episodes: Iterable[PupilEpisode]) -> list[EpisodeLine]:
    """Each episode's going missing and, if it has come, return."""
    lines: list[EpisodeLine] = []
    for e in episodes:
        ep = e.view.episode
        who = f"{ep.force} (police)" if ep.force else "Police"
        lines.append(
            EpisodeLine(
                f"episode-{e.id}-missing",
                ep.reported_at,
                who,
                f"{WENT_MISSING[ep.missing_from]} (reported to the police)",
                [
                    (k, v)
                    for k, v in (
                        ("Risk", risk_words(e)),
                        ("Last seen", when(ep.last_seen_at)),
                        ("Police reference", ep.reference),
                        ("Linked", link_words(e)),
                    )
                    if v
                ],
                "episode-missing",
                e.page,
            )
        )
        if ep.returned_at is not None:
            lines.append(
                EpisodeLine(
                    f"episode-{e.id}-returned",
                    ep.returned_at,
                    who,
                    "Returned after going missing",
                    [
                        (k, v)
                        for k, v in (
                            ("Where found", ep.where_found),
                            ("Return interview", interview_words(e)),
                        )
                        if v
                    ],
                    "episode-returned",
                    e.page,
                )
            )
    return lines


def merged(events: Sequence[Any], lines: Sequence[EpisodeLine]) -> list[Any]:
    """The case's own timeline (kept in its recorded order) with the episodes' moments put
    among it by time; at the same moment the case's entry comes first."""
    return list(heapq.merge(events, sorted(lines, key=_at), key=_at))


def _at(item: Any) -> datetime:
    at: datetime = item.at
    return at
