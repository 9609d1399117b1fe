"""A pupil's episodes in words and on a case timeline: which episodes a case's days take in,
and the order of the merged timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from cme.episodes.episode import Child, Episode
from cme.episodes.interview import InterviewState
from cme.storage.episodes import EpisodeView
from cme.storage.pupil_episodes import Link, PupilEpisode, during
from cme.timeline import LONDON
from cme.web.pupil_episodes_view import (
    STILL_MISSING,
    episode_words,
    link_words,
    merged,
    timeline_lines,
)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


def linked(
    n: int,
    reported: datetime,
    returned: datetime | None = None,
    confirmed_by: str | None = None,
    page: str | None = None,
) -> PupilEpisode:
    episode = Episode(
        force="Testshire Police",
        reference=f"R/{n}",
        reported_at=reported,
        child=Child("Amy", "Example"),
        returned_at=returned,
        risk_raw="Medium",
        where_found="Bus station",
    )
    view = EpisodeView(
        id=n,
        child_id=1,
        episode=episode,
        interview=None,
        state=InterviewState.DUE if returned else InterviewState.NOT_RETURNED,
        due_at=None,
        especially=[],
        escalations=[],
        episodes_of_child=n,
        pending=None,
        source="import",
        updated_at=reported,
    )
    link = Link(confirmed_by is not None, confirmed_by or "", at(date(2025, 12, 1)))
    return PupilEpisode(view, link, page)


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime


def test_a_case_takes_in_episodes_from_four_weeks_before_day_one_to_its_end() -> None:
    day_one = date(2025, 9, 8)
    before = linked(1, at(date(2025, 7, 1)), at(date(2025, 7, 2)))  # back long before
    lead_in = linked(2, at(date(2025, 8, 20)), at(date(2025, 8, 21)))
    still_out = linked(3, at(date(2025, 6, 1)))  # missing since before, not back
    after_end = linked(4, at(date(2025, 10, 2)), at(date(2025, 10, 3)))
    last_day = linked(5, at(date(2025, 10, 1), 23))
    every = [before, lead_in, still_out, after_end, last_day]
    assert [e.id for e in during(every, day_one, date(2025, 10, 1))] == [2, 3, 5]
    assert [e.id for e in during(every, day_one, None)] == [2, 3, 4, 5]


def test_the_timeline_keeps_the_cases_order_and_puts_episodes_by_time() -> None:
    # The case's entries as recorded (ids in order), one of them dated back.
    events = [
        Event(1, at(date(2025, 9, 8), 9)),
        Event(2, at(date(2025, 9, 10), 9)),
        Event(3, at(date(2025, 9, 9), 9)),
        Event(4, at(date(2025, 9, 12), 9)),
    ]
    lines = timeline_lines(
        [
            linked(7, at(date(2025, 9, 11), 20), at(date(2025, 9, 12), 9)),
            linked(6, at(date(2025, 9, 1), 20)),
        ]
    )
    order = [x.id for x in merged(events, lines)]
    assert order == [
        "episode-6-missing",
        1,
        2,
        3,
        "episode-7-missing",
        4,  # the same moment as the return: the case's own entry first
        "episode-7-returned",
    ]


def test_words_for_people() -> None:
    out = linked(1, datetime(2025, 10, 25, 9, 0, tzinfo=UTC))
    words = episode_words(out)
    assert words["reported"] == "Sat 25 Oct 2025, 10:00"  # British Summer Time
    assert words["returned"] == STILL_MISSING and words["open"]
    assert words["risk"] == "Medium"
    assert ("Where found", "Bus station") in words["details"]  # no LA page: shown here
    assert (
        episode_words(linked(1, out.view.episode.reported_at, page="/la/episodes/1"))["details"]
        == []
    )
    assert link_words(out) == "Matched to this pupil by the LA's cross-match"
    confirmed = linked(1, out.view.episode.reported_at, confirmed_by="Cara Officer")
    assert link_words(confirmed) == "Confirmed as this pupil by Cara Officer on 01/12/2025"
