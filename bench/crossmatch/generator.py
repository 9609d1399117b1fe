"""Synthetic pupils and police missing-from-home episodes whose true matches are known.

    pupils, episodes, truth, kinds = generate(pupils=20_000, episodes=5_000, seed=1)

Pupils live in families: siblings share a surname (unless half-siblings) and an address, and
twins share a date of birth too. About a quarter of the episodes are of children from other
areas (truth None). The rest are of pupils, teenagers mostly, some of them several times, and
carry the slips listed in ERROR_RATES, each drawn at that rate and recorded in `kinds`:
an episode with none of them is tagged "exact". Whatever the errors, a police record also
writes things its own way (capitals, "Rd", a postcode without its space, "Male"); that is not
counted as an error. The rates are guesses at what police records contain, not measured ones.
"""

from __future__ import annotations

import random
from dataclasses import replace

from bench.crossmatch.episodes import ERROR_RATES, EpisodeMaker
from bench.crossmatch.population import Child, Population
from cme.matching.records import Person

__all__ = ["ERROR_RATES", "generate"]


def generate(
    pupils: int, episodes: int, seed: int
) -> tuple[list[Person], list[Person], dict[str, str | None], dict[str, set[str]]]:
    """Pupils of one authority, police episodes, each episode's true pupil, and its slips."""
    rng = random.Random(seed)
    population = Population(rng, households=max(1, pupils * 10 // 19))
    children: list[Child] = []
    while len(children) < pupils:
        children.extend(population.family(len(children) + 1))
    del children[pupils:]
    children = _with_family_flags(children)

    maker = EpisodeMaker(rng, population, children)
    made = maker.make(episodes)
    rng.shuffle(made)
    episode_people: list[Person] = []
    truth: dict[str, str | None] = {}
    kinds: dict[str, set[str]] = {}
    for number, (person, pupil_id, tags) in enumerate(made, start=1):
        episode_id = f"E{number:06d}"
        episode_people.append(replace(person, id=episode_id))
        truth[episode_id] = pupil_id
        kinds[episode_id] = tags
    return [child.person for child in children], episode_people, truth, kinds


def _with_family_flags(children: list[Child]) -> list[Child]:
    """A family cut short by the pupil count may have lost the twin or sibling it had."""
    by_address: dict[tuple[str, str], list[int]] = {}
    for index, child in enumerate(children):
        key = (child.person.address, child.person.postcode)
        by_address.setdefault(key, []).append(index)
    fixed = list(children)
    for members in by_address.values():
        births = [children[i].person.date_of_birth for i in members]
        for i in members:
            born = children[i].person.date_of_birth
            twin = children[i].twin and births.count(born) > 1
            sibling = len(members) > 1 and any(b != born for b in births)
            if (twin, sibling) != (children[i].twin, children[i].sibling):
                fixed[i] = Child(children[i].person, children[i].background, twin, sibling)
    return fixed
