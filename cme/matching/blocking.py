"""Which pupils are worth comparing with an episode: indexed look-ups, never all pairs.

Pupils and episodes are filed under a handful of keys, and an episode is compared only with
the pupils that share a key with it (and pass that key's quick check). The keys are chosen
so that any one kind of mistake, and most pairs of mistakes, still leave a key in common:

- the date of birth, and the episode's date with day and month swapped, for a pupil who
  shares the first letter of some name (or a nickname group) with the episode;
- the sound of one name and the first letter of the other, with the year of birth (checked:
  same month or same day) or with the month and day: so a typing slip in one name and one
  slipped digit in the date still meet;
- the sounds of forename and surname together, for a date of birth missing on either side;
- the full postcode, for everyone at it if it is a household's worth of pupils, else for a
  pupil who shares a first letter or nickname group.

Keys of names do not care which name is the forename, so swapped names meet too. A key
shared by very many pupils (a postcode given to a whole estate) is skipped for that episode
rather than allowed to make it slow; the other keys still find the child.

Only keys some episode has are kept, so a roll of 200,000 pupils costs one look-up per key of
each pupil. Keys are integers, sums of hashes of their parts: two different keys could in
principle share a number, which only adds a candidate to compare, never loses one. Pupils are
prepared for comparison (addresses parsed and so on) only when first compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache

from cme.matching.prepared import NameSet, Prepared, name_set_of, swapped_day_month
from cme.matching.records import Person
from cme.matching.tidy import postcode

BLOCK_CAP = 2000

_YEAR, _MONTH_DAY = 1 << 20, 2 << 20
_HOUSEHOLDS = 10


@cache
def _postcode_key(text: str) -> int | None:
    full = postcode(text).full
    return hash(full) if full else None


def _keys(names: NameSet, born: date | None, place: int | None) -> list[int]:
    keys = list(names.pairs)
    if born is not None:
        keys.append(born.toordinal())
        year = _YEAR + born.year
        month_day = _MONTH_DAY + born.month * 32 + born.day
        for key in names.crossed:
            keys += (key + year, key + month_day)
    if place is not None:
        keys.append(place)
    return keys


def _episode_keys(episode: Prepared) -> list[int]:
    place = hash(episode.postcode.full) if episode.postcode.full else None
    keys = _keys(episode.names, episode.dob, place)
    if episode.dob is not None and (other := swapped_day_month(episode.dob)) is not None:
        keys.append(other.toordinal())
    return keys


class Roll:
    """The pupils, filed under the keys that the episodes have."""

    def __init__(
        self, pupils: Sequence[Person], episodes: Sequence[Prepared], cap: int = BLOCK_CAP
    ) -> None:
        self.people = pupils
        self.cap = cap
        self._prepared: list[Prepared | None] = [None] * len(pupils)
        index: dict[int, list[int]] = {}
        for episode in episodes:
            for key in _episode_keys(episode):
                index[key] = []
        self._index = index
        self.name_sets = [name_set_of(p) for p in pupils]
        wanted = index.get
        for number, (pupil, names) in enumerate(zip(pupils, self.name_sets, strict=True)):
            place = _postcode_key(pupil.postcode) if pupil.postcode else None
            for key in _keys(names, pupil.date_of_birth, place):
                block = wanted(key)
                if block is not None:
                    block.append(number)

    def __len__(self) -> int:
        return len(self.people)

    def __getitem__(self, number: int) -> Prepared:
        found = self._prepared[number]
        if found is None:
            found = self._prepared[number] = Prepared(self.people[number], self.name_sets[number])
        return found

    def _block(self, key: int) -> list[int]:
        block = self._index.get(key)
        return block if block is not None and len(block) <= self.cap else []

    def candidates(self, episode: Prepared) -> set[int]:
        found: set[int] = set()
        people, sets, block = self.people, self.name_sets, self._block
        names, born = episode.names, episode.dob
        marks = names.marks

        def alike(j: int) -> bool:
            return not marks or not sets[j].marks or not marks.isdisjoint(sets[j].marks)

        for key in names.pairs:
            if born is None:
                found.update(block(key))
            else:
                found.update(j for j in block(key) if people[j].date_of_birth is None)
        if born is not None:
            days = [born.toordinal()]
            if (other := swapped_day_month(born)) is not None:
                days.append(other.toordinal())
            for day in days:
                found.update(j for j in block(day) if alike(j))
            year = _YEAR + born.year
            month_day = _MONTH_DAY + born.month * 32 + born.day
            for key in names.crossed:
                found.update(block(key + month_day))
                for j in block(key + year):
                    pupil_born = people[j].date_of_birth
                    if pupil_born is not None and (
                        pupil_born.month == born.month or pupil_born.day == born.day
                    ):
                        found.add(j)
        if episode.postcode.full:
            # A small block is one household or a few: everyone in it is worth comparing.
            near = block(hash(episode.postcode.full))
            found.update(near if len(near) <= _HOUSEHOLDS else (j for j in near if alike(j)))
        return found

    def same_date_of_birth(self, episode: Prepared) -> list[int]:
        return self._block(episode.dob_ordinal) if episode.dob is not None else []

    def same_names(self, episode: Prepared) -> set[int]:
        found: set[int] = set()
        for key in episode.names.pairs:
            found.update(self._block(key))
        return found
