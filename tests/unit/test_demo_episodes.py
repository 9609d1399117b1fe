"""The demo's term of police episodes (issue 10, Demo) has every kind of episode the LA's
list, task list and triggers show, about the demo's own pupils (with the police's usual slips)
and some other LAs' children, in a file the real episode import reads as written."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest

from cme.demo_data import FORENAMES, SURNAMES
from cme.demo_episode_children import (
    HOME_LA,
    MOVED_TOO,
    OTHER_LA_CHILDREN,
    VARIATIONS,
    Who,
    pupils_with_details,
)
from cme.demo_episode_words import KINDS
from cme.demo_episodes import (
    PART_DAY_CHILDREN,
    DemoEpisode,
    EpisodePlan,
    afternoons_missed,
    demo_episodes,
    to_csv,
)
from cme.demo_registers import term_ending
from cme.episodes.episode import Child, RiskLevel, risk_level
from cme.episodes.interview import THEMES, InterviewState, interview_state
from cme.episodes.triggers import (
    Escalation,
    EscalationRule,
    RepeatRule,
    escalations,
    repeat_triggers,
)
from cme.matching_lists import missing_at, session_moment
from cme.timeline import LONDON, Session
from imports.episodes import parse_episodes

# A Monday in term, the week after the clocks went back, early in the autumn term (the
# registers reach back into the summer), after Christmas, the day after the clocks went
# forward, and a date in the summer holidays.
TODAYS = [
    date(2026, 11, 23),
    date(2026, 11, 2),
    date(2026, 9, 10),
    date(2027, 1, 6),
    date(2027, 3, 29),
    date(2026, 8, 12),
]


def _plan(today: date) -> EpisodePlan:
    return demo_episodes(today)


def _state(e: DemoEpisode, now: datetime) -> InterviewState:
    return interview_state(e.returned_at, e.interview, now)


def _child(who: Who) -> Child:
    return Child(who.forename, who.surname, who.other_names, who.date_of_birth, who.gender)


def _key(who: Who) -> tuple[object, ...]:
    return (who.forename, who.surname, who.date_of_birth, who.gender, who.address, who.postcode)


def test_the_same_day_gives_the_same_episodes_and_another_day_others() -> None:
    today = TODAYS[0]
    assert demo_episodes(today) == demo_episodes(today)
    now = datetime.combine(today, time(9, 30), LONDON)
    assert demo_episodes(today, now) == demo_episodes(today, now)
    later = demo_episodes(today + timedelta(days=7))
    assert later.episodes[0].reported_at != demo_episodes(today).episodes[0].reported_at


@pytest.mark.parametrize("today", TODAYS)
def test_a_term_of_episodes_open_and_returned(today: date) -> None:
    plan = _plan(today)
    now = plan.now
    episodes = plan.episodes
    assert 35 <= len(episodes) <= 50
    assert len({e.reference for e in episodes}) == len(episodes)
    assert [e.reported_at for e in episodes] == sorted(e.reported_at for e in episodes)
    # The references rise with the report, as a force's do.
    assert [e.reference for e in episodes] == sorted(e.reference for e in episodes)
    # About twelve weeks, ending now.
    assert now - timedelta(weeks=13) < episodes[0].reported_at
    for e in episodes:
        assert e.last_seen_at <= e.reported_at <= now, e
        if e.returned_at is not None:
            assert e.last_seen_at <= e.returned_at <= now, e
            assert e.safe_and_well_on == e.returned_at.astimezone(LONDON).date()
        assert e.kind in KINDS
        assert "{" not in e.circumstances and e.who.forename in e.circumstances

    rule = EscalationRule()
    open_ = [e for e in episodes if e.returned_at is None]
    hours = [(now - e.last_seen_at).total_seconds() / 3600 for e in open_]
    assert any(h < 24 for h in hours), "an open episode under 24 hours"
    assert any(h > 24 for h in hours), "an open episode over 24 hours"
    long_in_care = [
        e
        for e in open_
        if Escalation.LOOKED_AFTER_LONG
        in {k for k, _ in escalations(e.last_seen_at, None, e.who.looked_after, now, rule)}
    ]
    assert long_in_care and all(
        e.missing_from in ("Foster placement", "Care placement") for e in long_in_care
    )


@pytest.mark.parametrize("today", TODAYS)
def test_return_interviews_in_every_state(today: date) -> None:
    plan = _plan(today)
    states = defaultdict(list)
    for e in plan.episodes:
        states[_state(e, plan.now)].append(e)
    assert len(states[InterviewState.DONE_IN_TIME]) >= 10
    for state in (InterviewState.DONE_LATE, InterviewState.DECLINED, InterviewState.DUE):
        assert len(states[state]) >= 2, state
    assert len(states[InterviewState.OVERDUE]) >= 3
    # One overdue was offered but not held.
    assert any(e.interview and e.interview.offered_at for e in states[InterviewState.OVERDUE])
    for e in plan.episodes:
        i = e.interview
        if i is None:
            continue
        assert e.returned_at is not None
        for at in (i.offered_at, i.done_at, i.declined_at):
            assert at is None or e.returned_at <= at <= plan.now, e
        assert set(i.themes) <= set(THEMES)
        assert bool(i.themes) == (i.done_at is not None), e
        assert i.done_by if i.done_at else not i.done_by


@pytest.mark.parametrize("today", TODAYS)
def test_repeat_children_one_meeting_held_one_overdue(today: date) -> None:
    plan = _plan(today)
    rule = RepeatRule()
    by_child: dict[str, list[DemoEpisode]] = defaultdict(list)
    for e in plan.episodes:
        by_child[_child(e.who).key].append(e)
    fired = {}
    for key, mine in by_child.items():
        days = [e.reported_at.astimezone(LONDON).date() for e in mine]
        if triggers := repeat_triggers(days, [], rule):
            fired[key] = (triggers[0], mine)
    assert len(fired) >= 2
    held = next(e for e in plan.episodes if e.reference == plan.held.reference)
    trigger, _ = fired[_child(held.who).key]
    assert trigger.on <= plan.held.held_on <= today
    assert plan.held.review_on > plan.held.held_on and plan.held.agencies
    waiting = [t for k, (t, _) in fired.items() if k != _child(held.who).key]
    assert any(t.meeting_due < today for t in waiting), "a meeting overdue"
    # The hand-called meeting is for a single high-risk episode.
    called = next(e for e in plan.episodes if e.reference == plan.called.reference)
    assert len(by_child[_child(called.who).key]) == 1
    assert risk_level(called.risk) is RiskLevel.HIGH and plan.called.reason


@pytest.mark.parametrize("today", TODAYS)
def test_risks_in_several_schemes_words(today: date) -> None:
    episodes = _plan(today).episodes
    levels = {risk_level(e.risk) for e in episodes}
    assert {
        RiskLevel.ABSENT,
        RiskLevel.NO_APPARENT_RISK,
        RiskLevel.LOW,
        RiskLevel.MEDIUM,
        RiskLevel.HIGH,
    } <= levels
    assert len({e.risk_scheme for e in episodes if e.risk_scheme}) >= 2


@pytest.mark.parametrize("today", TODAYS)
def test_most_are_demo_pupils_as_their_school_has_them(today: date) -> None:
    episodes = _plan(today).episodes
    pupils = {p.upn: p for p in pupils_with_details(today)}
    exact = {_key(p) for p in pupils.values()}
    ours = [e for e in episodes if e.who.responsible_la == HOME_LA]
    assert all(e.who.upn in pupils for e in ours)
    same = [e for e in ours if _key(e.who) in exact]
    assert len(same) > 0.6 * len(episodes)
    assert all(not e.who.variation for e in same)
    # The looked-after pupils go missing from care, the others from home or school.
    for e in ours:
        assert e.who.looked_after == pupils[e.who.upn].looked_after
        assert e.who.looked_after == (e.missing_from in ("Foster placement", "Care placement"))

    varied = {e.who.variation: (e.who, pupils[e.who.upn]) for e in ours if e.who.variation}
    assert set(varied) == set(VARIATIONS)
    assert len([e for e in ours if e.who.variation]) == len(VARIATIONS)
    for variation, (who, pupil) in varied.items():
        assert _key(who) not in exact, variation
        differs = {
            f
            for f in ("forename", "surname", "date_of_birth", "address", "postcode")
            if getattr(who, f) != getattr(pupil, f)
        }
        moved = {"address", "postcode"} if variation in MOVED_TOO else set()
        assert (
            differs - moved
            == {
                "nickname": {"forename"},
                "misspelt": {"forename"},
                "typo": {"surname"},
                "dob_swapped": {"date_of_birth"},
                "moved": {"address", "postcode"},
                "short_form": {"forename"},
                "double_surname": {"surname"},
                "changed_surname": {"surname"},
                "names_swapped": {"forename", "surname"},
                "dob_slipped": {"date_of_birth"},
                "no_dob": {"date_of_birth"},
            }[variation]
        ), variation
        assert moved <= differs, "two slips at once: a person must look at these"
    assert set(MOVED_TOO) < set(VARIATIONS)
    _the_variations_are_as_named(varied)


def _the_variations_are_as_named(varied: dict[str, tuple[Who, Who]]) -> None:
    police, school = varied["dob_swapped"]
    assert police.date_of_birth and school.date_of_birth
    assert (police.date_of_birth.day, police.date_of_birth.month) == (
        school.date_of_birth.month,
        school.date_of_birth.day,
    )
    police, school = varied["dob_slipped"]
    assert police.date_of_birth and school.date_of_birth
    assert police.date_of_birth - school.date_of_birth == timedelta(days=1)
    keyed = f"{police.date_of_birth:%d%m%Y}"
    slipped = [a != b for a, b in zip(keyed, f"{school.date_of_birth:%d%m%Y}", strict=True)]
    assert sum(slipped) == 1, "one digit keyed wrong"
    assert varied["no_dob"][0].date_of_birth is None
    police, school = varied["short_form"]
    assert (school.forename, police.forename) == ("Yusuf", "Yus")
    police, school = varied["double_surname"]
    assert police.surname.startswith(f"{school.surname}-") and police.surname.count("-") == 1
    assert police.surname.split("-")[1] not in SURNAMES, "the other half is no demo family's"
    police, school = varied["changed_surname"]
    assert police.surname == school.former_surnames != school.surname
    police, school = varied["names_swapped"]
    assert (police.forename, police.surname) == (school.surname, school.forename)


@pytest.mark.parametrize("today", TODAYS)
def test_one_of_a_pair_of_twins_goes_missing(today: date) -> None:
    """Twins (one surname, birthday and home, their own forenames) are the pair matching must
    never mix up: an episode about one of them, as their school has them."""
    pupils = pupils_with_details(today)
    (twin,) = [e for e in _plan(today).episodes if e.child == "twin"]
    assert not twin.who.variation and twin.who.responsible_la == HOME_LA
    assert _key(twin.who) in {_key(p) for p in pupils}
    others = [
        p
        for p in pupils
        if (p.surname, p.date_of_birth, p.address, p.postcode)
        == (twin.who.surname, twin.who.date_of_birth, twin.who.address, twin.who.postcode)
        and p.upn != twin.who.upn
    ]
    assert len(others) == 1 and others[0].forename != twin.who.forename
    # Their family is one family.
    assert others[0].looked_after == twin.who.looked_after is False


@pytest.mark.parametrize("today", TODAYS)
def test_some_children_are_other_las(today: date) -> None:
    episodes = _plan(today).episodes
    others = {e.who.forename: e.who for e in episodes if e.who.responsible_la != HOME_LA}
    assert 4 <= len(others) <= 6
    assert len({w.responsible_la for w in others.values()}) >= 3
    for who in others.values():
        assert who.forename not in FORENAMES and who.surname not in SURNAMES
        assert not who.upn
    assert len(OTHER_LA_CHILDREN) == len(others)


@pytest.mark.parametrize("today", TODAYS)
def test_the_police_file_imports_as_written(today: date) -> None:
    plan = _plan(today)
    parsed = parse_episodes(to_csv(plan.episodes), "demo.csv", 10**7, now=plan.now)
    assert parsed.warnings == []
    assert len(parsed.episodes) == len(plan.episodes)
    for read, e in zip(parsed.episodes, plan.episodes, strict=True):
        got = read.episode
        assert got.reference == e.reference
        assert got.reported_at == e.reported_at.astimezone(UTC)
        assert got.returned_at == (e.returned_at.astimezone(UTC) if e.returned_at else None)
        assert got.child == _child(e.who)
        assert got.address == "\n".join(e.who.address) and got.postcode == e.who.postcode
        assert got.looked_after == e.who.looked_after
        assert got.exploitation_risk == e.exploitation_risk


@pytest.mark.parametrize("today", TODAYS)
def test_the_later_file_corrects_a_time_and_a_name(today: date) -> None:
    plan = _plan(today)
    first = {e.reference: e for e in plan.episodes}
    assert len(plan.update) == 2
    timed, renamed = plan.update
    before = first[timed.reference]
    assert timed.who == before.who and timed.returned_at and before.returned_at
    assert timed.returned_at < before.returned_at
    # Corrected to a time the interview was still within 72 hours of.
    assert _state(timed, plan.now) is _state(before, plan.now)
    was = first[renamed.reference].who
    assert was.variation == "misspelt" and renamed.who.forename != was.forename
    pupil = next(p for p in pupils_with_details(today) if p.upn == was.upn)
    assert _key(renamed.who) == _key(pupil)
    parsed = parse_episodes(to_csv(plan.update), "later.csv", 10**7, now=plan.now)
    assert [p.episode.reference for p in parsed.episodes] == [timed.reference, renamed.reference]


@pytest.mark.parametrize("today", TODAYS)
def test_a_few_children_miss_the_afternoon_before_they_go_missing(today: date) -> None:
    """For the partnership's list of part-day absences with episodes (issue 11): the school
    day each is reported missing on (or the last in the week before), never while the police
    have them missing and never on the register's last day."""
    plan = _plan(today)
    days, closed = term_ending(today)
    open_days = [d for d in days if d not in closed]
    missed = afternoons_missed(plan, open_days)
    theirs = {
        e.who.upn: [x for x in plan.episodes if x.who.upn == e.who.upn]
        for e in plan.episodes
        if e.child in PART_DAY_CHILDREN
    }
    assert 2 <= len(missed) <= len(PART_DAY_CHILDREN) and set(missed) <= set(theirs)
    assert all(
        not e.who.variation and e.who.responsible_la == HOME_LA
        for e in plan.episodes
        if e.who.upn in missed
    )
    for upn, on in missed.items():
        reported = [e.reported_at.astimezone(LONDON).date() for e in theirs[upn]]
        for day in on:
            assert day in open_days[:-1]
            assert any(day <= r <= day + timedelta(days=7) for r in reported), day
            for e, session in ((e, s) for e in theirs[upn] for s in Session):
                assert not missing_at(e.reported_at, e.returned_at, session_moment(day, session))
