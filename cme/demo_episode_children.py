"""Which children the demo's police episodes are about (issue 10 and 11, Demo): the demo's
pupils with the details `cme demo` imports for them, the table of episodes by child, and the
choice of a pupil for each child, with the slips the police's records make in their names,
birthdays and homes (`VARIATIONS`), and the children other councils placed here. Plain data,
no I/O; the same day and random numbers choose the same children.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from cme import demo_episode_words as words
from cme.demo_data import SCHOOLS, school_pupils
from cme.demo_details import COUNTY, STREETS, TOWN, DemoChild, demo_rows
from cme.demo_registers import CP_PLAN, LOOKED_AFTER, stories, term_ending
from cme.timeline import academic_year

HOME_LA = "Demoshire Council"
# How the police's record of a pupil may differ from the school's; "misspelt" is the one the
# police correct in a later file. The first five are the term's; the others are single episodes
# for cross-matching (issue 11).
VARIATIONS = tuple(
    "nickname typo dob_swapped moved misspelt short_form double_surname changed_surname "
    "names_swapped dob_slipped no_dob".split()
)
# The police also have these children's new home: two slips at once, which no matcher should
# link without a person, so the review queue has real pairs waiting.
MOVED_TOO = ("short_form", "names_swapped", "dob_slipped", "no_dob")
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
    date_of_birth: date | None  # None: the police's file leaves it blank
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
    former_surnames: str = ""  # in the pupil's details (the police's file has no such column)


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
                    former_surnames=row[5],
                )
            )
    return found


class Spec(NamedTuple):
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
# One episode each of pupils the police write as no other file does, and of one of a pair of
# twins, for cross-matching (issue 11): drawn from their own random numbers after the term's,
# so the term's episodes and references stay as they were. Each falls between two of the
# term's days, where its reference goes.
_MATCHING_TABLE = """
short_form          |  75 |  6 | Home             | Low              |      | in_time
double_surname      |  68 | 11 | Home             | Medium           |      | in_time
changed_surname     |  45 |  5 | Home             | Low              | cop  | declined
names_swapped       |  38 |  9 | Home             | Medium           |      | in_time
dob_slipped         |  26 |  4 | Home             | Low              |      | late
no_dob              |  11 |  7 | Home             | no apparent risk |      | in_time
twin                |   4 |  5 | Home             | Low              |      | in_time
"""


def _specs(table: str) -> tuple[Spec, ...]:
    return tuple(
        Spec(c[0], int(c[1]), int(c[2]) if c[2] else None, c[3], c[4], _SCHEMES[c[5]], c[6])
        for line in table.strip().splitlines()
        if (c := [cell.strip() for cell in line.split("|")])
    )


TERM_SPECS = _specs(_TABLE)
MATCHING_SPECS = _specs(_MATCHING_TABLE)
SPECS = TERM_SPECS + MATCHING_SPECS


def _teen(p: Who) -> bool:
    return p.year_group >= 8 and not p.looked_after


def _born(p: Who) -> date:
    assert p.date_of_birth is not None, "every demo pupil has a date of birth"
    return p.date_of_birth


def _home(p: Who) -> tuple[object, ...]:
    return (p.surname, p.date_of_birth, p.address, p.postcode)


def _moved(p: Who, rng: random.Random) -> Who:
    """The pupil at the new home the police know and the school does not yet."""
    street = next(s for s in STREETS if s not in p.address[0])
    address = (f"{rng.randint(1, 90)} {street}", TOWN, COUNTY)
    moved = f"DM{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLN')}Q"
    return replace(p, address=address, postcode=moved)


def _varied(variation: str, take: Callable[[Callable[[Who], bool]], Who]) -> Who:
    """A teenager as the police write them with one of the cross-matching variations."""

    teen = _teen
    if variation == "short_form":
        p = take(lambda p: teen(p) and p.forename in words.SHORT_FORMS)
        return replace(p, variation=variation, forename=words.SHORT_FORMS[p.forename])
    if variation == "double_surname":
        p = take(teen)
        return replace(p, variation=variation, surname=f"{p.surname}-{words.OTHER_HALF}")
    if variation == "changed_surname":  # the school has the new name, the police the old
        p = take(lambda p: teen(p) and p.former_surnames not in ("", p.surname))
        return replace(p, variation=variation, surname=p.former_surnames)
    if variation == "names_swapped":
        p = take(teen)
        return replace(p, variation=variation, forename=p.surname, surname=p.forename)
    if variation == "dob_slipped":
        p = take(lambda p: teen(p) and words.slipped(_born(p)) is not None)
        return replace(p, variation=variation, date_of_birth=words.slipped(_born(p)))
    if variation == "no_dob":
        return replace(take(teen), variation=variation, date_of_birth=None)
    raise ValueError(f"no demo child for the variation {variation!r}")


def choose_children(today: date, rng: random.Random) -> dict[str, Who]:
    """Who each child of `SPECS` is, by the demo's name for them: a pupil drawn with `rng`
    (as the police write them), or another council's child."""
    pupils = pupils_with_details(today)
    names = Counter((p.forename, p.surname) for p in pupils)
    # Only pupils whose name is theirs alone, so each episode has one pupil to match.
    pool = [p for p in pupils if names[(p.forename, p.surname)] == 1]
    rng.shuffle(pool)

    teen = _teen

    def take(test: Callable[[Who], bool]) -> Who:
        # Any teenager will do if the year's pupils have none that fits better.
        p = next((p for p in pool if test(p)), None) or next(p for p in pool if teen(p))
        pool.remove(p)
        return p

    # Twins: one surname, birthday and home (their forenames differ, as every name in the
    # pool is one pupil's).
    twins = Counter(_home(p) for p in pupils)
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
            p = take(lambda p: teen(p) and p.forename in words.NICKNAMES)
            found[child] = replace(p, variation=child, forename=words.NICKNAMES[p.forename])
        elif child == "renamed":
            p = take(lambda p: teen(p) and p.forename in words.MISSPELT)
            found[child] = replace(p, variation="misspelt", forename=words.MISSPELT[p.forename])
        elif child == "typo":
            p = take(teen)
            found[child] = replace(p, variation=child, surname=words.typo(p.surname))
        elif child == "dob_swapped":
            p = take(lambda p: teen(p) and words.swappable(_born(p)))
            born = _born(p)
            found[child] = replace(
                p, variation=child, date_of_birth=date(born.year, born.day, born.month)
            )
        elif child == "moved":
            found[child] = replace(_moved(take(teen), rng), variation=child)
        elif child == "twin":
            found[child] = take(lambda p: teen(p) and twins[_home(p)] > 1)
        elif child in MOVED_TOO:  # their own numbers, so the term's children stay the same
            p = _varied(child, take)
            found[child] = _moved(p, random.Random(p.upn))  # noqa: S311  (demo data)
        elif child in VARIATIONS:
            found[child] = _varied(child, take)
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
