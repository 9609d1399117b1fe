"""The demo LA's police episodes of the year before this term's (issue 12, Demo): a few a week,
from about a year ago up to the twelve weeks of this term's (`cme.demo_episodes`), as the
police sent them each Monday, with what the CME officers then recorded. Plain data, no I/O.

The children are demo pupils written exactly as their school has them (so matching links
them with no one's help and the review queue stays this term's), none of them this term's
children, twins, or children whose names or homes another pupil shares. Most went missing
once; some a second time months later; a few are repeat children whose episodes called the
repeat trigger's meeting. Return interviews: most held within 72 hours, some late, some
declined.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from cme.demo_episode_children import Spec, Who, pupils_with_details
from cme.demo_episodes import DemoEpisode, EpisodePlan, draft
from cme.timeline import LONDON, academic_year, year_start

# Days before today of the newest episode: clear of this term's, whose oldest is 78 days back.
# The oldest is reported in the first week of the previous academic year.
NEWEST_DAYS = 84
SINGLES = 70
TWICE = 12
REPEAT_CHILDREN = 10
# What the CME officers record for the interviews (`cme.demo_episode_words.KINDS`).
_KINDS = ("in_time",) * 36 + ("late",) * 8 + ("declined",) * 6
_RISKS = ("Low", "Medium", "Medium", "Medium", "High", "no apparent risk", "Absent")
_IN_CARE = ("Foster placement", "Children's home", "Residential care")


@dataclass(frozen=True)
class PoliceFile:
    """One of the police's weekly files: when the CME officer imported it, and its episodes."""

    imported_at: datetime
    episodes: tuple[DemoEpisode, ...]


def _pool(today: date, term: EpisodePlan) -> list[Who]:
    """The pupils the year's episodes may be about."""
    pupils = pupils_with_details(today)
    names = Counter((p.forename, p.surname) for p in pupils)
    homes = Counter(p.postcode for p in pupils)
    surnames = Counter((p.surname, p.postcode) for p in pupils)
    this_term = {e.who.upn for e in term.episodes}
    return [
        p
        for p in pupils
        if p.upn not in this_term
        and not p.work
        and p.year_group >= 5
        and names[(p.forename, p.surname)] == 1
        and homes[p.postcode] == 1
        and surnames[(p.surname, p.postcode)] == 1
    ]


def past_episodes(today: date, term: EpisodePlan) -> tuple[DemoEpisode, ...]:
    """The episodes from the start of the previous academic year up to the term's, oldest
    report first, each with its reference (the police's numbers restart each calendar year
    and stay below this term's)."""
    rng = random.Random(370_12)  # noqa: S311  (repeatable demo data, not secrets)
    pool = _pool(today, term)
    rng.shuffle(pool)
    oldest = (today - year_start(academic_year(today) - 1)).days - 7
    span = oldest - NEWEST_DAYS
    specs: list[tuple[Spec, Who]] = []

    def add(child: str, who: Who, when: int) -> None:
        where = (
            rng.choice(_IN_CARE) if who.looked_after else rng.choice(("Home",) * 5 + ("School",))
        )
        away = rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 26, 34, 48))
        kind = rng.choice(_KINDS)
        specs.append((Spec(child, when, away, where, rng.choice(_RISKS), "", kind), who))

    n = 0
    for _ in range(REPEAT_CHILDREN):
        # Three to five episodes a week to three apart: the repeat trigger's meeting.
        who, when = pool.pop(0), NEWEST_DAYS + 80 + rng.randrange(span - 80)
        for _ in range(rng.randint(3, 5)):
            if when < NEWEST_DAYS:
                break
            add(f"past_repeat_{n}", who, when)
            when -= rng.randint(8, 24)
        n += 1
    for _ in range(TWICE):
        who = pool.pop(0)
        first = NEWEST_DAYS + rng.randrange(span - 120)
        add(f"past_twice_{n}", who, first)
        add(f"past_twice_{n}", who, min(first + rng.randint(110, 120), oldest))
        n += 1
    for _ in range(SINGLES):
        add(f"past_single_{n}", pool.pop(0), NEWEST_DAYS + rng.randrange(span))
        n += 1
    now = datetime.combine(today, time(18), LONDON)
    drafts = sorted(
        (draft(spec, who, today, now, rng) for spec, who in specs),
        key=lambda e: e.reported_at,
    )
    found: list[DemoEpisode] = []
    serial: dict[int, int] = {}
    for e in drafts:
        year = e.reported_at.year
        serial[year] = serial.get(year, rng.randint(40, 90)) + rng.randint(3, 6)
        found.append(replace(e, reference=f"MP-{e.reported_at:%y}-{serial[year]:05d}"))
    return tuple(found)


def police_files(episodes: tuple[DemoEpisode, ...]) -> list[PoliceFile]:
    """The weekly files: each episode in the file of the first Monday morning after the child
    came back (the police send closed episodes)."""
    by_monday: dict[datetime, list[DemoEpisode]] = {}
    for e in episodes:
        back = (e.returned_at or e.reported_at).astimezone(LONDON) + timedelta(hours=2)
        monday = back.date() + timedelta(days=7 - back.weekday())
        at = datetime.combine(monday, time(9), LONDON)
        by_monday.setdefault(at, []).append(e)
    return [PoliceFile(at, tuple(found)) for at, found in sorted(by_monday.items())]
