"""Families of children with names, birthdays and homes, for the synthetic cross-match data.

Siblings share an address and, unless half-siblings, a surname; twins share a birthday too.
Every family has an address of its own, so that children at one address are siblings.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from bench.crossmatch.names import (
    BACKGROUNDS,
    FEMININE_ENDINGS,
    FORENAMES,
    HOME_DISTRICTS,
    OTHER_DISTRICTS,
    POSTCODE_UNIT_LETTERS,
    STREET_NAMES,
    STREET_TYPES,
    SURNAMES,
    Weighted,
)
from cme.matching.records import Person

REFERENCE_DAY = date(2025, 10, 1)
OLDEST = date(2009, 9, 1)
YOUNGEST = date(2021, 8, 31)
FAMILY_SIZES = {"1": 45, "2": 35, "3": 14, "4": 6}  # school-age children in a family
TWINS_PER_FAMILY = 0.035
HALF_SIBLING = 0.08
DOUBLE_BARRELLED = 0.04
MIDDLE_NAME = 0.35
FORMER_SURNAME = 0.02
HOUSES_PER_POSTCODE = 15
# Sikh girls are Kaur and boys Singh; in Bangladeshi and Pakistani families Begum and Bibi
# are girls' names, their brothers carrying another.
GIRLS_SURNAMES = {"Singh": "Kaur"}
BOYS_SURNAMES = {"Kaur": "Singh", "Begum": "Uddin", "Bibi": "Khan"}


@dataclass(frozen=True)
class Street:
    name: str
    district: str
    sector: int
    units: tuple[str, ...]


@dataclass
class Area:
    """The streets of one set of postcode districts, made on first use."""

    districts: tuple[str, ...]
    street_count: int
    rng: random.Random
    streets: list[Street] = field(default_factory=list)
    taken: set[tuple[int, int, int]] = field(default_factory=set)
    named: set[tuple[str, str]] = field(default_factory=set)

    def home(self) -> tuple[str, str]:
        """An address no family here has yet, so that children at one address are siblings."""
        if not self.streets:
            self.streets = [self._street() for _ in range(self.street_count)]
        while True:
            which = self.rng.randrange(len(self.streets))
            street = self.streets[which]
            number = self.rng.randrange(1, HOUSES_PER_POSTCODE * len(street.units) + 1)
            flat = self.rng.randrange(1, 13) if self.rng.random() < 0.12 else 0
            if (which, number, flat) not in self.taken:
                self.taken.add((which, number, flat))
                break
        unit = street.units[(number - 1) // HOUSES_PER_POSTCODE]
        address = f"{number} {street.name}"
        if flat:
            address = f"Flat {flat}, {address}"
        return address, f"{street.district} {street.sector}{unit}"

    def _street(self) -> Street:
        rng = self.rng
        # Two Church Roads in one postcode district are rare, so avoid them while names last.
        for _ in range(20):
            kind = pick(rng, STREET_TYPES)
            name = f"{rng.choice(STREET_NAMES).replace('-', ' ')} {kind}"
            district = rng.choice(self.districts)
            if (name, district) not in self.named:
                break
        self.named.add((name, district))
        units = tuple(
            "".join(rng.choices(POSTCODE_UNIT_LETTERS, k=2)) for _ in range(rng.randrange(1, 6))
        )
        return Street(name, district, rng.randrange(1, 10), units)


@dataclass(frozen=True)
class Child:
    person: Person
    background: str
    twin: bool
    sibling: bool


def pick(rng: random.Random, table: Weighted) -> str:
    # random.choices does the same, several times slower, for a million pupils' names.
    return table.names[bisect(table.cumulative, rng.random() * table.cumulative[-1])]


def weighted_table(shares: Mapping[str, float]) -> Weighted:
    return Weighted(tuple(shares), tuple(accumulate(shares.values())))


def feminine(surname: str, gender: str) -> str:
    """The surname as a child of this gender carries it: Kowalska, Kaur, Begum for girls."""
    if gender == "F":
        for masculine, female in FEMININE_ENDINGS:
            if surname.endswith(masculine):
                return surname[: -len(masculine)] + female
        return GIRLS_SURNAMES.get(surname, surname)
    return BOYS_SURNAMES.get(surname, surname)


class Population:
    def __init__(self, rng: random.Random, households: int) -> None:
        self.rng = rng
        self.home_area = Area(HOME_DISTRICTS, max(40, households // 20), rng)
        self.other_area = Area(OTHER_DISTRICTS, max(40, households // 20), rng)
        self.backgrounds = weighted_table(BACKGROUNDS)
        self.family_sizes = weighted_table(FAMILY_SIZES)

    def background(self) -> str:
        return pick(self.rng, self.backgrounds)

    def surname(self, background: str) -> str:
        return pick(self.rng, SURNAMES[background])

    def forename(self, background: str, gender: str) -> str:
        boys, girls = FORENAMES[background]
        return pick(self.rng, boys if gender == "M" else girls)

    def birthday(self) -> date:
        return date.fromordinal(self.rng.randint(OLDEST.toordinal(), YOUNGEST.toordinal()))

    def family(self, first_id: int, home_area: bool = True) -> list[Child]:
        rng = self.rng
        background = self.background()
        surname = self.surname(background)
        if rng.random() < DOUBLE_BARRELLED:
            second = self.surname(background)
            if second != surname:
                surname = f"{surname}-{second}"
        address, postcode = (self.home_area if home_area else self.other_area).home()
        size = int(pick(rng, self.family_sizes))
        births = self.births(size)
        twins = size > 1 and rng.random() < TWINS_PER_FAMILY
        if twins:
            births[1] = births[0]
        children: list[Child] = []
        used: set[str] = set()
        for index, born in enumerate(births):
            gender = "M" if rng.random() < 0.51 else "F"
            forename = self.forename(background, gender)
            while forename in used:
                forename = self.forename(background, gender)
            used.add(forename)
            own_surname = surname
            if index > (1 if twins else 0) and rng.random() < HALF_SIBLING:
                own_surname = self.surname(background)
            middle = self.forename(background, gender) if rng.random() < MIDDLE_NAME else ""
            if middle == forename:
                middle = ""
            former = self.surname(background) if rng.random() < FORMER_SURNAME else ""
            if former == own_surname:
                former = ""
            person = Person(
                id=f"P{first_id + index:07d}",
                forename=forename,
                surname=feminine(own_surname, gender),
                date_of_birth=born,
                gender=gender,
                address=address,
                postcode=postcode,
                other_names=middle,
                former_surnames=feminine(former, gender) if former else "",
            )
            children.append(Child(person, background, twins and index < 2, size > 1))
        return children

    def births(self, size: int) -> list[date]:
        while True:
            first = self.birthday()
            births = [first]
            for _ in range(size - 1):
                births.append(births[-1] + timedelta(days=self.rng.randint(330, 1300)))
            if births[-1] <= YOUNGEST:
                return births
