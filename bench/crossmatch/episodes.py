"""The police side of the synthetic data: episodes of pupils, with slips, and of other children.

The rates are guesses at what police records contain, not measured ones; the benchmark keeps
a seed that nobody tuned the matcher on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from bench.crossmatch import errors
from bench.crossmatch.population import REFERENCE_DAY, Child, Population, feminine
from cme.matching.records import Person

# Share of the episodes about pupils that carry each slip (drawn independently).
ERROR_RATES: dict[str, float] = {
    "typo_forename": 0.05,
    "typo_surname": 0.06,
    "nickname": 0.07,
    "middle_name": 0.02,
    "surname_hyphen": 0.04,
    "surname_changed": 0.03,
    "name_swap": 0.02,
    "dob_swap": 0.03,
    "dob_digit": 0.03,
    "moved": 0.10,
    "blank_dob": 0.03,
    "blank_gender": 0.06,
    "blank_address": 0.05,
}
# Episodes deliberately about a twin or a child with a sibling on the roll, the near-misses;
# other episodes of such children are tagged too.
TWIN_SHARE = 0.03
SIBLING_SHARE = 0.10
OTHER_AREA_SHARE = 0.25
NAMESAKE_SHARE = 0.15  # of the other areas' children: a pupil's name, another child
FORMATTING_SHARE = 0.30
MOVED_AWAY_SHARE = 0.2  # of house moves: to another authority's area

Made = tuple[Person, str | None, set[str]]

# Slips that cannot both happen to one field: the first one drawn wins.
EXCLUSIVE = (
    ("dob_swap", "dob_digit", "blank_dob"),
    ("moved", "blank_address"),
    ("surname_hyphen", "surname_changed"),
    ("nickname", "middle_name"),
)


def age(born: date | None) -> int:
    if born is None:
        return 0
    years = REFERENCE_DAY.year - born.year
    return years - ((REFERENCE_DAY.month, REFERENCE_DAY.day) < (born.month, born.day))


class EpisodeMaker:
    def __init__(self, rng: random.Random, population: Population, children: list[Child]):
        self.rng = rng
        self.population = population
        self.children = children
        self.requirements: dict[str, Callable[[Child], bool]] = {
            "twin": lambda c: c.twin,
            "sibling": lambda c: c.sibling,
            "nickname": lambda c: errors.has_nickname(c.person.forename),
            "middle_name": lambda c: bool(c.person.other_names),
            "dob_swap": lambda c: (
                c.person.date_of_birth is not None
                and errors.can_swap_day_month(c.person.date_of_birth)
            ),
            "former_surname": lambda c: bool(c.person.former_surnames),
        }
        self._eligible: dict[str, list[int]] = {}

    def make(self, count: int) -> list[Made]:
        other = round(count * OTHER_AREA_SHARE) if self.children else count
        pool = self._missing_prone(count - other)
        made = [self._of_pupil(pool) for _ in range(count - other)]
        made += [self._of_other_child() for _ in range(other)]
        return made

    def _missing_prone(self, episodes: int) -> list[int]:
        """The pupils who go missing: teenagers mostly, some of them more than once."""
        if not self.children or episodes <= 0:
            return []
        weights = [5.0 if age(c.person.date_of_birth) >= 11 else 1.0 for c in self.children]
        size = min(len(self.children), max(1, round(episodes * 0.6)))
        return sorted(set(self.rng.choices(range(len(self.children)), weights, k=size)))

    def _draw_kinds(self) -> tuple[list[str], list[str]]:
        rng = self.rng
        drawn = [kind for kind, rate in ERROR_RATES.items() if rng.random() < rate]
        for group in EXCLUSIVE:
            present = [kind for kind in drawn if kind in group]
            for extra in present[1:]:
                drawn.remove(extra)
        needs = [kind for kind in drawn if kind in self.requirements]
        if "surname_changed" in drawn and rng.random() < 0.5:
            # Half the time the school knows the surname the police use, as a former one.
            needs.append("former_surname")
        roll = rng.random()
        if roll < TWIN_SHARE:
            needs.append("twin")
        elif roll < TWIN_SHARE + SIBLING_SHARE:
            needs.append("sibling")
        return drawn, needs

    def _choose(self, pool: list[int], needs: list[str]) -> tuple[Child, list[str]]:
        def fits(child: Child) -> bool:
            return all(self.requirements[need](child) for need in needs)

        for _ in range(200):
            child = self.children[self.rng.choice(pool)]
            if fits(child):
                return child, needs
        # Rare combinations: look across the whole roll, giving up needs that nobody meets.
        while needs:
            eligible = self._eligible_for(needs[0])
            matching = [i for i in eligible if fits(self.children[i])]
            if matching:
                return self.children[self.rng.choice(matching)], needs
            needs = needs[:-1]
        return self.children[self.rng.choice(pool)], needs

    def _eligible_for(self, need: str) -> list[int]:
        if need not in self._eligible:
            test = self.requirements[need]
            self._eligible[need] = [i for i, c in enumerate(self.children) if test(c)]
        return self._eligible[need]

    def _of_pupil(self, pool: list[int]) -> Made:
        rng = self.rng
        drawn, needs = self._draw_kinds()
        child, met = self._choose(pool, needs)
        unmet = set(needs) - set(met)
        drawn = [k for k in drawn if k not in unmet]
        pupil = child.person
        forename, surname = pupil.forename, pupil.surname
        born, gender = pupil.date_of_birth, pupil.gender
        address, postcode = pupil.address, pupil.postcode
        applied: set[str] = set()
        if "nickname" in drawn and errors.has_nickname(forename):
            forename = errors.nickname(forename, rng)
            applied.add("nickname")
        if "middle_name" in drawn and pupil.other_names:
            forename = pupil.other_names.split()[0]
            applied.add("middle_name")
        if "typo_forename" in drawn:
            forename = errors.typo(forename, rng)
            applied.add("typo_forename")
        if "surname_hyphen" in drawn:
            surname = errors.double_surname(surname, self._another_surname(child, surname), rng)
            applied.add("surname_hyphen")
        if "surname_changed" in drawn:
            if "former_surname" in met and pupil.former_surnames:
                surname = pupil.former_surnames.split()[0]
            else:
                surname = self._another_surname(child, surname)
            applied.add("surname_changed")
        if "typo_surname" in drawn:
            surname = errors.typo(surname, rng)
            applied.add("typo_surname")
        if "name_swap" in drawn:
            forename, surname = surname, forename
            applied.add("name_swap")
        if "dob_swap" in drawn and born is not None and errors.can_swap_day_month(born):
            born = errors.day_month_swapped(born)
            applied.add("dob_swap")
        if "dob_digit" in drawn and born is not None:
            born = errors.digit_slip(born, rng)
            applied.add("dob_digit")
        if "blank_dob" in drawn:
            born = None
            applied.add("blank_dob")
        if "blank_gender" in drawn:
            gender = ""
            applied.add("blank_gender")
        if "moved" in drawn:
            away = rng.random() < MOVED_AWAY_SHARE
            area = self.population.other_area if away else self.population.home_area
            address, postcode = area.home()
            applied.add("moved")
        if "blank_address" in drawn:
            address = ""
            if rng.random() < 0.7:
                postcode = ""
            applied.add("blank_address")
        tags = applied or {"exact"}
        if child.twin:
            tags.add("twin")
        if child.sibling:
            tags.add("sibling")
        episode = self._police_writes(
            replace(
                pupil,
                forename=forename,
                surname=surname,
                date_of_birth=born,
                gender=gender,
                address=address,
                postcode=postcode,
                other_names="",
                former_surnames="",
            )
        )
        return episode, pupil.id, tags

    def _another_surname(self, child: Child, surname: str) -> str:
        for _ in range(50):
            other = feminine(self.population.surname(child.background), child.person.gender)
            if other != surname:
                return other
        return surname + "son"

    def _of_other_child(self) -> Made:
        """A child from another authority's area, sometimes with a pupil's name."""
        rng = self.rng
        family = self.population.family(0, home_area=False)
        stranger = rng.choice(family).person
        while age(stranger.date_of_birth) < 11 and rng.random() < 0.8:
            stranger = replace(stranger, date_of_birth=self.population.birthday())
        tags = {"other_area"}
        if self.children and rng.random() < NAMESAKE_SHARE:
            pupil = self.children[rng.randrange(len(self.children))].person
            born = stranger.date_of_birth
            while born == pupil.date_of_birth:
                born = self.population.birthday()
            stranger = replace(
                stranger,
                forename=pupil.forename,
                surname=pupil.surname,
                gender=pupil.gender,
                date_of_birth=born,
            )
            tags.add("namesake")
        episode = replace(stranger, other_names="", former_surnames="")
        return self._police_writes(episode), None, tags

    def _police_writes(self, person: Person) -> Person:
        """Capitals, short street words, a postcode without its space: not errors."""
        rng = self.rng
        if rng.random() >= FORMATTING_SHARE:
            return person
        return replace(
            person,
            forename=person.forename.upper() if rng.random() < 0.5 else person.forename,
            surname=person.surname.upper() if rng.random() < 0.5 else person.surname,
            gender=errors.police_gender(person.gender, rng),
            address=errors.police_address(person.address, rng) if person.address else "",
            postcode=errors.police_postcode(person.postcode, rng) if person.postcode else "",
        )
