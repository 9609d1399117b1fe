"""A term of police episodes for the demo LA (issue 10, Demo): children missing from home or
care, as the police would send them, and what the CME officers then record. Plain data, no
I/O; the same `today` and `now` give the same episodes.

Most episodes are about demo pupils, written with the pupil's own name, date of birth, gender
and address, so that matching episodes to pupils (issue 11) has real matches; a few carry the
variations the police's records have (a nickname, a typo, the day and month swapped, a house
move); and a few are about children placed here by other LAs. The pupils' details are the ones
`cme.storage.demo` imports (`demo_details.demo_rows` with the same seeds and statuses).
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from cme import demo_episode_words as words
from cme.demo_data import SCHOOLS, school_pupils
from cme.demo_details import COUNTY, STREETS, TOWN, DemoChild, demo_rows
from cme.demo_registers import CP_PLAN, LOOKED_AFTER, stories, term_ending
from cme.episodes.interview import Interview
from cme.timeline import LONDON, academic_year

FORCE = "Demoshire Police"
HOME_LA = "Demoshire Council"
HEADER = (
    "Force|Reference|Reported At|Last Seen|Missing From|Forename|Surname|Other Names|DOB|Gender|"
    "Address|Postcode|Responsible LA|Looked After|Risk Level|Risk Scheme|Returned At|Where Found|"
    "Who With|Safe and Well|Circumstances|Exploitation Risk"
).split("|")
# How the police's record of a pupil may differ from the school's; "misspelt" is the one the
# police correct in a later file.
VARIATIONS = ("nickname", "typo", "dob_swapped", "moved", "misspelt")
NICKNAMES = dict(
    pair.split("=")
    for pair in "Callum=Cal Kacper=Kaz Oscar=Ozzy George=Georgie Isaac=Zac Alfie=Alf Violet=Vi "
    "Jordan=Jordy Alex=Lex Robin=Rob Priya=Pri Daisy=Dee Ethan=Eth Tilly=Tils Zara=Zee".split()
)
MISSPELT = dict(
    pair.split("=")
    for pair in "Callum=Calum Layla=Leila Zara=Zarah Isaac=Issac Freya=Freyja Yusuf=Yusef "
    "Kacper=Kasper Jade=Jayde Amara=Amarah Milo=Mylo Isla=Islah Umar=Omar".split()
)
# Children placed in (or visiting) the demo LA by other councils: no demo pupil's names.
OTHER_LA_CHILDREN = (
    ("Keira", "Blackwood", "F", "Northvale Council", "Children's home"),
    ("Tyler", "Harrowby", "M", "Westmoor Council", "Residential care"),
    ("Skye", "Penrose", "F", "Eastbrook Council", "Home"),
    ("Mason", "Cartwright", "M", "Southfield Council", "Foster placement"),
    ("Lacey", "Ormsby", "F", "Northvale Council", "Children's home"),
)


@dataclass(frozen=True)
class Who:
    """A demo pupil as their school's pupil-details file has them, or a child as the police
    record them."""

    forename: str
    surname: str
    date_of_birth: date
    gender: str
    address: tuple[str, ...]
    postcode: str
    looked_after: bool = False
    responsible_la: str = HOME_LA
    other_names: str = ""
    upn: str = ""  # the demo pupil they are, "" for another LA's child
    variation: str = ""  # how the police's record differs from the pupil's (`VARIATIONS`)
    year_group: int = 0
    work: str = ""  # how far their CME case goes (`demo_cases.WORK`); "" for no story


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


def pupils_with_details(today: date) -> list[Who]:
    """The demo's pupils with the details `cme demo` imports for them."""
    year = academic_year(term_ending(today)[0][-1])
    found: list[Who] = []
    for seed, school in enumerate(SCHOOLS):
        pupils = school_pupils(school, year)
        told = stories(school.urn, pupils)
        children = [
            DemoChild(
                p.upn, p.legal_forename, p.legal_surname, f"{p.date_of_birth:%d/%m/%Y}", p.gender
            )
            for p in sorted(pupils, key=lambda p: p.upn)
        ]
        status = {s: {u for u, t in told.items() if t.status == s} for s in (LOOKED_AFTER, CP_PLAN)}
        rows = demo_rows(children, seed, status[LOOKED_AFTER], status[CP_PLAN])
        by_upn = {p.upn: p for p in pupils}
        for row in rows[1:]:
            p = by_upn[row[0]]
            work = told[p.upn].work if p.upn in told else ""
            found.append(
                Who(
                    p.legal_forename,
                    p.legal_surname,
                    p.date_of_birth,
                    p.gender,
                    tuple(line for line in row[8:11] if line),
                    row[11],
                    looked_after=row[12] == "Y",
                    upn=p.upn,
                    year_group=int(p.year_group),
                    work=work,
                )
            )
    return found


def _swappable(born: date) -> bool:
    """Whether the day could be read as the month, giving another date."""
    return born.day <= 12 and born.day != born.month


def _typo(surname: str) -> str:
    """A keying slip: a doubled letter typed once, or two letters swapped."""
    for i in range(1, len(surname)):
        if surname[i] == surname[i - 1]:
            return surname[:i] + surname[i + 1 :]
    i = len(surname) // 2
    return surname[: i - 1] + surname[i] + surname[i - 1] + surname[i + 1 :]


class _Spec(NamedTuple):
    child: str  # the demo's name for the child
    when: int  # days before today; negative: hours before now
    away: int | None  # hours until found; None while still missing
    missing_from: str  # in the police's words; blank: the other LA's child's placement
    risk: str
    scheme: str
    kind: str  # what the CME officers record (`KINDS`)


_SCHEMES = {"": "", "cop": "College of Policing 2021", "acpo": "ACPO 2013"}
# child | days before today (negative: hours before now) | hours away (blank: still missing) |
# missing from (blank: the other LA's child's placement) | risk | scheme | interview (`KINDS`)
_TABLE = """
repeat_held         |  78 |  9 | Home             | Medium           |      | in_time
repeat_held         |  55 | 20 | Home             | Medium           |      | declined
repeat_held         |  41 | 30 | Home             | High             |      | in_time
repeat_held         |  19 |  6 | Home             | Medium           |      | late
repeat_overdue      |  60 |  5 | Home             | Low              |      | in_time
repeat_overdue      |  33 | 14 | Home             | Medium           |      | late
repeat_overdue      |  12 | 18 | Home             | Medium           |      | none
repeat_looked_after |  66 | 11 | Foster placement | Medium           |      | in_time
repeat_looked_after |  29 | 26 | Foster placement | Medium           | cop  | in_time
repeat_looked_after | -56 |    | Foster placement | High             |      | open
high_risk           |   9 | 40 | Home             | High             |      | in_time
single_1            |  70 |  4 | Home             | Low              |      | in_time
single_2            |  63 |  3 | Family home      | no apparent risk |      | in_time
single_3            |  48 |  7 | Home             | Absent           | acpo | declined
corrected           |  44 | 16 | Home             | Medium           |      | in_time
single_5            |  36 |  5 | School           | Medium           |      | in_time
single_6            |  24 | 22 | Home             | MEDIUM RISK      |      | late
single_7            |  16 |  6 | Home             | Low              | cop  | none
single_8            |   7 | 12 | Home             | Medium           |      | offered
single_9            |   5 |  4 | Home             | no apparent risk |      | none
single_10           | -50 |  8 | Home             | Low              |      | none
single_11           | -40 | 13 | Home             | Medium           |      | none
primary_1           |   3 |  3 | Home             | Low              |      | in_time
primary_2           |  52 |  2 | Home             | Absent           |      | in_time
looked_after        |  21 |  9 | Care placement   | Medium           |      | in_time
open_short          |  -7 |    | Home             | Medium           |      | open
open_long           | -31 |    | Home             | High             |      | open
nickname            |  57 |  8 | Home             | Low              |      | in_time
typo                |  40 | 10 | Home             | Medium           |      | in_time
dob_swapped         |  27 | 15 | Home             | Medium           |      | late
moved               |  14 |  7 | Home             | Low              |      | in_time
renamed             |  30 |  9 | Home             | Medium           |      | in_time
other_la_1          |  50 | 20 |                  | Medium           |      | in_time
other_la_1          |  22 | 34 |                  | High             |      | in_time
other_la_2          |  34 | 10 |                  | Low              | cop  | in_time
other_la_3          |  18 |  5 |                  | Absent           | acpo | in_time
other_la_4          |   6 | 15 |                  | Medium           |      | in_time
other_la_5          | -10 |    |                  | Medium           |      | open
"""
SPECS = tuple(
    _Spec(c[0], int(c[1]), int(c[2]) if c[2] else None, c[3], c[4], _SCHEMES[c[5]], c[6])
    for line in _TABLE.strip().splitlines()
    if (c := [cell.strip() for cell in line.split("|")])
)


def _children(today: date, rng: random.Random) -> dict[str, Who]:
    pupils = pupils_with_details(today)
    names = Counter((p.forename, p.surname) for p in pupils)
    # Only pupils whose name is theirs alone, so each episode has one pupil to match.
    pool = [p for p in pupils if names[(p.forename, p.surname)] == 1]
    rng.shuffle(pool)

    def teen(p: Who) -> bool:
        return p.year_group >= 8 and not p.looked_after

    def take(test: Callable[[Who], bool]) -> Who:
        # Any teenager will do if the year's pupils have none that fits better.
        p = next((p for p in pool if test(p)), None) or next(p for p in pool if teen(p))
        pool.remove(p)
        return p

    found: dict[str, Who] = {}
    for child in dict.fromkeys(s.child for s in SPECS):
        if child.startswith("other_la"):
            continue
        if child in ("repeat_looked_after", "looked_after"):
            found[child] = take(lambda p: p.year_group >= 7 and p.looked_after)
        elif child.startswith("primary"):
            found[child] = take(lambda p: p.year_group == 6 and not p.looked_after)
        elif child == "repeat_overdue":  # also missing education: a case with the LA
            found[child] = take(lambda p: teen(p) and p.work in ("with_la", "la_enquiries"))
        elif child == "nickname":
            p = take(lambda p: teen(p) and p.forename in NICKNAMES)
            found[child] = replace(p, variation=child, forename=NICKNAMES[p.forename])
        elif child == "renamed":
            p = take(lambda p: teen(p) and p.forename in MISSPELT)
            found[child] = replace(p, variation="misspelt", forename=MISSPELT[p.forename])
        elif child == "typo":
            p = take(teen)
            found[child] = replace(p, variation=child, surname=_typo(p.surname))
        elif child == "dob_swapped":
            p = take(lambda p: teen(p) and _swappable(p.date_of_birth))
            born = p.date_of_birth
            found[child] = replace(
                p, variation=child, date_of_birth=date(born.year, born.day, born.month)
            )
        elif child == "moved":
            p = take(teen)
            street = next(s for s in STREETS if s not in p.address[0])
            address = (f"{rng.randint(1, 90)} {street}", TOWN, COUNTY)
            moved = f"DM{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLN')}Q"
            found[child] = replace(p, variation=child, address=address, postcode=moved)
        else:
            found[child] = take(teen)
    for n, (forename, surname, gender, council, _) in enumerate(OTHER_LA_CHILDREN, start=1):
        home = "Westmoor" if council.startswith("Westmoor") else TOWN
        found[f"other_la_{n}"] = Who(
            forename,
            surname,
            date(today.year - 14 - n % 3, rng.randint(1, 12), rng.randint(1, 28)),
            gender,
            (f"{rng.randint(1, 60)} {rng.choice(STREETS)}", home, COUNTY),
            f"DM{rng.randint(10, 14)} {rng.randint(1, 9)}{rng.choice('RSTUWXY')}T",
            looked_after=OTHER_LA_CHILDREN[n - 1][4] != "Home",
            responsible_la=council,
            other_names="Known as Kee" if forename == "Keira" else "",
        )
    return found


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
    children = _children(today, rng)
    places = {f"other_la_{n}": c[4] for n, c in enumerate(OTHER_LA_CHILDREN, start=1)}
    drafts: list[DemoEpisode] = []
    for child, when, away, where, risk, scheme, kind in SPECS:
        who = children[child]
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
        drafts.append(
            DemoEpisode(
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
        )
    drafts.sort(key=lambda e: e.reported_at)
    serial = rng.randint(1000, 3000)
    episodes = []
    for e in drafts:
        serial += rng.randint(3, 40)
        episodes.append(replace(e, reference=f"MP-{e.reported_at:%y}-{serial:05d}"))
    return EpisodePlan(tuple(episodes), _update(episodes), _held(episodes), _called(episodes), now)


def _of(episodes: list[DemoEpisode], child: str) -> list[DemoEpisode]:
    return [e for e in episodes if e.child == child]


def _update(episodes: list[DemoEpisode]) -> tuple[DemoEpisode, ...]:
    """The police's later file: a corrected time found, and a child's name spelt as the
    school has it (which waits for a CME officer to confirm it is the same child)."""
    corrected = _of(episodes, "corrected")[0]
    assert corrected.returned_at is not None
    renamed = _of(episodes, "renamed")[0]
    spelt = {wrong: right for right, wrong in MISSPELT.items()}[renamed.who.forename]
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
        child = [w.forename, w.surname, w.other_names, f"{w.date_of_birth:%d/%m/%Y}", w.gender]
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
