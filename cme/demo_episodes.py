"""A term of police episodes for the demo LA (issue 10, Demo): children missing from home or
care, as the police would send them, and what the CME officers then record. Plain data, no
I/O; the same `today` and `now` give the same episodes.

Most episodes are about demo pupils, written with the pupil's own name, date of birth, gender
and address, so that matching episodes to pupils (issue 11) has real matches; some carry the
variations the police's records have, and a few are about children placed here by other LAs
(who each child is: `cme.demo_episode_children`). A few of the pupils also miss afternoons of
school on the days they go missing (`afternoons_missed`), which their registers show.
"""

from __future__ import annotations

import bisect
import csv
import io
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from cme import demo_episode_words as words
from cme.demo_episode_children import (
    HOME_LA,
    MATCHING_SPECS,
    OTHER_LA_CHILDREN,
    TERM_SPECS,
    Spec,
    Who,
    choose_children,
)
from cme.episodes.interview import Interview
from cme.matching_lists import SESSION_TIMES, missing_at, session_moment
from cme.timeline import LONDON, Session

FORCE = "Demoshire Police"
HEADER = (
    "Force|Reference|Reported At|Last Seen|Missing From|Forename|Surname|Other Names|DOB|Gender|"
    "Address|Postcode|Responsible LA|Looked After|Risk Level|Risk Scheme|Returned At|Where Found|"
    "Who With|Safe and Well|Circumstances|Exploitation Risk"
).split("|")
# Pupils who miss the afternoon of each school day they are reported missing on, before the
# police are called (issue 11: the partnership's list of part-day absences with episodes).
PART_DAY_CHILDREN = ("repeat_held", "single_6", "single_8")


@dataclass(frozen=True)
class DemoEpisode:
    reference: str
    who: Who
    child: str  # the demo's name for the child, e.g. "repeat_held"
    reported_at: datetime
    last_seen_at: datetime
    missing_from: str  # in the police's words
    risk: str
    risk_scheme: str
    returned_at: datetime | None
    where_found: str
    who_with: str
    safe_and_well_on: date | None
    circumstances: str
    exploitation_risk: bool
    kind: str  # `KINDS`
    interview: Interview | None


@dataclass(frozen=True)
class HeldMeeting:
    """The repeat trigger's meeting for the child of episode `reference`, recorded as held."""

    reference: str
    held_on: date
    agencies: str
    actions: str
    review_on: date


@dataclass(frozen=True)
class CalledMeeting:
    """A meeting called by hand for one high-risk episode."""

    reference: str
    reason: str


@dataclass(frozen=True)
class EpisodePlan:
    episodes: tuple[DemoEpisode, ...]  # the first file, oldest report first
    update: tuple[DemoEpisode, ...]  # the police's later file: two of them again, changed
    held: HeldMeeting
    called: CalledMeeting
    now: datetime
    # The year's episodes before the term's, in the police's earlier weekly files, oldest first
    # (`cme.demo_history_episodes`; `cme.storage.demo_episodes.plan_for` adds them).
    history: tuple[DemoEpisode, ...] = ()

    @property
    def every(self) -> tuple[DemoEpisode, ...]:
        """Every episode the demo has, the year's and the term's, oldest first."""
        return self.history + self.episodes


def afternoons_missed(plan: EpisodePlan, open_days: Sequence[date]) -> dict[str, tuple[date, ...]]:
    """The afternoons `PART_DAY_CHILDREN` miss, by UPN: for each of their episodes reported
    after the afternoon register, the last school day (of `open_days`) up to the day it was
    reported, if within the week before and the police did not have the child missing at
    either register that day. Never the register's last day, so the Today page's flags stay
    as they were."""
    school = sorted(open_days)[:-1]
    found: dict[str, set[date]] = {}
    for e in plan.episodes:
        reported = e.reported_at.astimezone(LONDON)
        if e.child not in PART_DAY_CHILDREN or reported.time() <= SESSION_TIMES[Session.PM]:
            continue
        before = bisect.bisect_right(school, reported.date()) - 1
        if before < 0:
            continue
        day = school[before]
        if reported.date() - day > timedelta(days=7):
            continue  # reported in the holidays: the last school day is too long before
        if not _missing_on(day, [x for x in plan.episodes if x.who.upn == e.who.upn]):
            found.setdefault(e.who.upn, set()).add(day)
    return {upn: tuple(sorted(days)) for upn, days in found.items()}


def _missing_on(day: date, episodes: Collection[DemoEpisode]) -> bool:
    return any(
        missing_at(e.reported_at, e.returned_at, session_moment(day, session))
        for e in episodes
        for session in Session
    )


def _clear(at: datetime) -> datetime:
    """A time the file's London clock shows once: an hour earlier than one in the hour repeated
    when the clocks go back, which the import would read as the first of the two."""
    local = at.astimezone(LONDON)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return (at - timedelta(hours=1)).astimezone(LONDON)
    return local


def demo_episodes(today: date, now: datetime | None = None) -> EpisodePlan:
    """The demo's episodes over the twelve weeks to `today`. Recent ones are counted back
    from `now` (default 18:00 on `today`), which must not be before `today` began in London."""
    now = (now or datetime.combine(today, time(18), LONDON)).astimezone(LONDON)
    now = now.replace(second=0, microsecond=0)
    rng = random.Random(370_10)  # noqa: S311  (repeatable demo data, not secrets)
    extra = random.Random(370_11)  # noqa: S311  (for the cross-matching children)
    children = choose_children(today, rng)
    drafts = [draft(spec, children[spec.child], today, now, rng) for spec in TERM_SPECS]
    matching = [draft(spec, children[spec.child], today, now, extra) for spec in MATCHING_SPECS]
    # The term's references as they were; each cross-matching episode numbered next after the
    # one before it (the term's steps are at least 3).
    serial = last = rng.randint(1000, 3000)
    episodes = []
    both = [(e, True) for e in drafts] + [(e, False) for e in matching]
    for e, in_term in sorted(both, key=lambda pair: pair[0].reported_at):
        if in_term:
            serial += rng.randint(3, 40)
            last = max(serial, last + 1)
        else:
            last += 1
        episodes.append(replace(e, reference=f"MP-{e.reported_at:%y}-{last:05d}"))
    return EpisodePlan(tuple(episodes), _update(episodes), _held(episodes), _called(episodes), now)


def draft(spec: Spec, who: Who, today: date, now: datetime, rng: random.Random) -> DemoEpisode:
    """One episode, without its reference."""
    child, when, away, where, risk, scheme, kind = spec
    places = {f"other_la_{n}": c[4] for n, c in enumerate(OTHER_LA_CHILDREN, start=1)}
    where = where or places[child]
    if when >= 0:
        day = today - timedelta(days=when)
        clock = time(rng.randint(14, 22), rng.randrange(0, 60, 5))
        reported = datetime.combine(day, clock, LONDON)
    else:
        reported = now + timedelta(hours=when)
    reported = _clear(reported)
    last = _clear(reported - timedelta(minutes=rng.randrange(45, 240, 5)))
    returned = None
    if away is not None:
        back = reported + timedelta(hours=away, minutes=rng.randrange(0, 60, 5))
        returned = _clear(min(back, now - timedelta(hours=1)))
    other = who.responsible_la if who.responsible_la != HOME_LA else ""
    found, with_ = words.found(child, where, returned, rng)
    return DemoEpisode(
        reference="",
        who=who,
        child=child,
        reported_at=reported,
        last_seen_at=last,
        missing_from=where,
        risk=risk,
        risk_scheme=scheme,
        returned_at=returned,
        where_found=found,
        who_with=with_,
        safe_and_well_on=returned.date() if returned else None,
        circumstances=words.circumstances(
            child, who.forename, who.gender, who.looked_after, where, last, rng
        ),
        exploitation_risk=risk == "High" and child in ("high_risk", "repeat_held"),
        kind=kind,
        interview=words.interview(
            kind, child, who.forename, who.looked_after, other, returned, now, rng
        ),
    )


def _of(episodes: list[DemoEpisode], child: str) -> list[DemoEpisode]:
    return [e for e in episodes if e.child == child]


def _update(episodes: list[DemoEpisode]) -> tuple[DemoEpisode, ...]:
    """The police's later file: a corrected time found, and a child's name spelt as the
    school has it (which waits for a CME officer to confirm it is the same child)."""
    corrected = _of(episodes, "corrected")[0]
    assert corrected.returned_at is not None
    renamed = _of(episodes, "renamed")[0]
    spelt = {wrong: right for right, wrong in words.MISSPELT.items()}[renamed.who.forename]
    return (
        replace(corrected, returned_at=corrected.returned_at - timedelta(minutes=45)),
        replace(renamed, who=replace(renamed.who, forename=spelt, variation="")),
    )


def _held(episodes: list[DemoEpisode]) -> HeldMeeting:
    third = _of(episodes, "repeat_held")[2]
    held = third.reported_at.date() + timedelta(days=5)
    review = held + timedelta(days=42)
    return HeldMeeting(third.reference, held, words.AGENCIES, words.ACTIONS, review)


def _called(episodes: list[DemoEpisode]) -> CalledMeeting:
    return CalledMeeting(_of(episodes, "high_risk")[0].reference, words.CALLED_BECAUSE)


def _when(at: datetime | None) -> str:
    return f"{at.astimezone(LONDON):%d/%m/%Y %H:%M}" if at else ""


def rows(episodes: tuple[DemoEpisode, ...]) -> list[list[str]]:
    """The police's file: the header and a row per episode."""
    found = [HEADER]
    for e in episodes:
        w = e.who
        seen = [FORCE, e.reference, _when(e.reported_at), _when(e.last_seen_at), e.missing_from]
        born = f"{w.date_of_birth:%d/%m/%Y}" if w.date_of_birth else ""
        child = [w.forename, w.surname, w.other_names, born, w.gender]
        lives = ["\n".join(w.address), w.postcode, w.responsible_la]
        risk = ["Yes" if w.looked_after else "No", e.risk, e.risk_scheme]
        safe = f"{e.safe_and_well_on:%d/%m/%Y}" if e.safe_and_well_on else ""
        back = [_when(e.returned_at), e.where_found, e.who_with, safe, e.circumstances]
        found.append([*seen, *child, *lives, *risk, *back, "Y" if e.exploitation_risk else ""])
    return found


def to_csv(episodes: tuple[DemoEpisode, ...]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows(episodes))
    return out.getvalue().encode()
