"""The quick ways the matcher does its common cases give what the plain ways give."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cme.matching import Model, Person, match
from cme.matching.names import Name, name
from cme.matching.prepared import NameSet, written_names
from tests.unit.matching.roll import BACKGROUND


def _plain_keys(names: NameSet) -> tuple[set[int], set[int], set[str]]:
    """Blocking keys and marks worked out the plain way, over every name of the set."""
    firsts = {k for n in names.forenames for k in n.code_keys}
    lasts = {k for n in names.surnames for k in n.code_keys}
    first_initials = {hash(p[0]) for n in names.forenames for p in n.parts}
    last_initials = {hash(p[0]) for n in names.surnames for p in n.parts}
    pairs = {f + s for f in firsts for s in lasts}
    crossed = {c + i for c in firsts for i in last_initials} | {
        c + i for c in lasts for i in first_initials
    }
    marks = {m for n in (*names.forenames, *names.surnames) for m in n.marks}
    return pairs, crossed, marks


@pytest.mark.parametrize(
    "written",
    [
        ("Jacob", "Farnfield", "", ""),
        ("Thomas", "Thomas", "", ""),  # the same name twice: its keys only once
        ("Mary Jane", "Smith-Khan", "", ""),  # several parts, several sounds
        ("Anna Ann", "O'Brien", "", ""),  # two parts with one first letter
        ("", "Okoro", "", ""),
        ("Jo", "", "", ""),
        ("", "", "", ""),
        ("Jacob", "Farnfield", "Jake", ""),
        ("Jacob", "Farnfield", "Jay; Jayden Smith", "Brown"),
        ("", "Farnfield", "Jake", "Brown / Green"),
    ],
)
def test_a_set_of_names_has_the_keys_of_all_its_names(written: tuple[str, str, str, str]) -> None:
    names = written_names(*written)
    pairs, crossed, marks = _plain_keys(names)
    assert sorted(names.pairs) == sorted(pairs)
    assert sorted(names.crossed) == sorted(crossed)
    assert names.marks == marks
    assert names.reach == (marks or {""})
    assert all(isinstance(n, Name) for n in (*names.forenames, *names.surnames))
    assert (name(written[0]) in names.forenames) == bool(written[0].strip())


def test_episodes_with_the_same_details_have_the_same_proposals() -> None:
    child = BACKGROUND[10]
    first = replace(child, id="E1", forename=child.forename.upper())
    episodes = [first, replace(first, id="E2"), replace(first, id="E3", gender="")]
    proposals = match(BACKGROUND, episodes, model=Model())
    by_episode = {e.id: [p for p in proposals if p.episode_id == e.id] for e in episodes}
    assert by_episode["E1"]
    assert [replace(p, episode_id="E1") for p in by_episode["E2"]] == by_episode["E1"]
    # Other details (no gender) are worked out for themselves.
    assert by_episode["E3"][0].reasons != by_episode["E1"][0].reasons


def test_an_episode_alone_gets_what_it_gets_among_repeats() -> None:
    child = BACKGROUND[20]
    episode = replace(child, id="E1", surname=child.surname + "e")
    alone = match(BACKGROUND, [episode], model=Model())
    repeated = match(BACKGROUND, [episode, replace(episode, id="E2")], model=Model())
    assert [p for p in repeated if p.episode_id == "E1"] == alone


def test_people_are_the_details_they_were_given() -> None:
    person = Person("P1", "Ada", "Lovelace")
    assert replace(person, id="") == replace(Person("P2", "Ada", "Lovelace"), id="")
