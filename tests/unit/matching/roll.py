"""A made-up roll for the matcher's tests: a few thousand invented pupils around the ones a
test is about, so that names and dates of birth are as common or rare as on a real roll."""

from __future__ import annotations

import random
from datetime import date, timedelta

from cme.matching import Model, Person, Proposal, match

FORENAMES = (
    "Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Logan Archie Theo "
    "Thomas James Joshua Henry William Max Lucas Ethan Arthur Mason Isaac Muhammad Adam "
    "Olivia Amelia Isla Ava Mia Isabella Sophia Grace Lily Freya Emily Ivy Ella Rosie Evie "
    "Florence Poppy Charlotte Willow Aria Sienna Ayesha Fatima Zara Maryam Priya Aisha"
).split()
SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan "
    "Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell "
    "Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb "
    "Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes"
).split()
STREETS = "Church Station Park Victoria Green Manor Mill School Queens Kings High Grange".split()
KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Gardens")


def background(count: int = 3000, seed: int = 7) -> list[Person]:
    rng = random.Random(seed)
    people = []
    for number in range(count):
        district = f"ZZ{rng.randrange(1, 30)}"
        people.append(
            Person(
                id=f"BG{number:05d}",
                forename=rng.choice(FORENAMES),
                surname=rng.choice(SURNAMES),
                date_of_birth=date(2009, 9, 1) + timedelta(days=rng.randrange(12 * 365)),
                gender=rng.choice("MF"),
                address=f"{rng.randrange(1, 200)} {rng.choice(STREETS)} {rng.choice(KINDS)}",
                postcode=f"{district} {rng.randrange(1, 10)}{rng.choice('ABDEFGH')}"
                f"{rng.choice('JLNPQRST')}",
            )
        )
    return people


BACKGROUND = background()


def proposals(pupils: list[Person], episode: Person) -> list[Proposal]:
    """The proposals for one episode against these pupils and the background roll, with the
    default model so that a test does not depend on what a small file would teach it."""
    return match([*pupils, *BACKGROUND], [episode], model=Model())


def found(pupils: list[Person], episode: Person) -> dict[str, Proposal]:
    return {p.pupil_id: p for p in proposals(pupils, episode)}
