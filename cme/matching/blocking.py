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

Only keys some episode has are kept, so a roll of 200,000 pupils costs a few look-ups per
pupil: names are worked out once per distinct combination written, and a pupil's key of a
sound and a first letter is looked up with their year or day of birth only if some dated
episode has that sound and letter. Keys are integers, sums of hashes of their parts: two
different keys could in principle share a number, which only adds a candidate to compare,
never loses one. Pupils are prepared for comparison (addresses parsed and so on) only when
first compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache, cached_property

from cme.matching.prepared import ANYONE, NameSet, Prepared, swapped_day_month, written_names
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
        # Each pupil made ready to compare when first compared (see __getitem__).
        self.ready: list[Prepared | None] = [None] * len(pupils)
        index: dict[int, list[int]] = {}
        crossed: set[int] = set()  # the episodes' keys of a sound and a first letter
        for episode in episodes:
            for key in _episode_keys(episode):
                index[key] = []
            if episode.dob is not None:
                crossed.update(episode.names.crossed)
        self._index = index
        filed = set(index)
        # The pupils without a date of birth in each block, in the same order: what a key of
        # names offers an episode that has a date (dated pupils meet it by their dates).
        undated: dict[int, list[int]] = {}
        self._undated = undated
        self.name_sets: list[NameSet] = []
        keep = self.name_sets.append
        # Per distinct set of names written: its NameSet, its keys of names that episodes
        # have, and its crossed keys that dated episodes have (a pupil's crossed key with its
        # year or day can only be an episode's if the crossed key itself is).
        made: dict[tuple[str, str, str, str], tuple[NameSet, tuple[int, ...], tuple[int, ...]]]
        made = {}
        wanted = index.get
        for number, pupil in enumerate(pupils):
            written = (pupil.forename, pupil.surname, pupil.other_names, pupil.former_surnames)
            found = made.get(written)
            if found is None:
                names = written_names(*written)
                found = made[written] = (
                    names,
                    tuple(filed.intersection(names.pairs)),
                    tuple(crossed.intersection(names.crossed)),
                )
            names, paired, near = found
            keep(names)
            born = pupil.date_of_birth
            place = _postcode_key(pupil.postcode) if pupil.postcode else None
            if born is None:
                for key in paired if place is None or place not in index else (*paired, place):
                    index[key].append(number)
                    undated.setdefault(key, []).append(number)
                continue
            for key in paired:
                index[key].append(number)
            if (block := wanted(born.toordinal())) is not None:
                block.append(number)
            if near:
                year = _YEAR + born.year
                month_day = _MONTH_DAY + born.month * 32 + born.day
                for key in near:
                    if (block := wanted(key + year)) is not None:
                        block.append(number)
                    if (block := wanted(key + month_day)) is not None:
                        block.append(number)
            if place is not None and (block := wanted(place)) is not None:
                block.append(number)

    @cached_property
    def _dates(self) -> list[date | None]:
        return [p.date_of_birth for p in self.people]

    @cached_property
    def _reach(self) -> list[frozenset[str]]:
        return [names.reach for names in self.name_sets]

    def __len__(self) -> int:
        return len(self.people)

    def __getitem__(self, number: int) -> Prepared:
        found = self.ready[number]
        if found is None:
            found = self.ready[number] = Prepared(self.people[number], self.name_sets[number])
        return found

    def _block(self, key: int) -> list[int]:
        block = self._index.get(key)
        return block if block is not None and len(block) <= self.cap else []

    def candidates(self, episode: Prepared) -> set[int]:
        found: set[int] = set()
        dates, reach, block = self._dates, self._reach, self._block
        names, born = episode.names, episode.dob
        # A pupil passes the check of marks if they share one with the episode or have none
        # (see NameSet.reach); an episode without marks lets everyone pass.
        apart = (names.marks | ANYONE).isdisjoint if names.marks else None

        for key in names.pairs:
            if born is None:
                found.update(block(key))
            elif key in self._undated and block(key):
                found.update(self._undated[key])
        if born is not None:
            days = [born.toordinal()]
            if (other := swapped_day_month(born)) is not None:
                days.append(other.toordinal())
            for day in days:
                same = block(day)
                found.update(same if apart is None else [j for j in same if not apart(reach[j])])
            year = _YEAR + born.year
            month_day = _MONTH_DAY + born.month * 32 + born.day
            month, day_of_month = born.month, born.day
            for key in names.crossed:
                found.update(block(key + month_day))
                found.update(
                    [
                        j
                        for j in block(key + year)
                        if (pupil_born := dates[j]) is not None
                        and (pupil_born.month == month or pupil_born.day == day_of_month)
                    ]
                )
        if episode.postcode.full:
            # A small block is one household or a few: everyone in it is worth comparing.
            near = block(hash(episode.postcode.full))
            found.update(
                near
                if len(near) <= _HOUSEHOLDS or apart is None
                else [j for j in near if not apart(reach[j])]
            )
        return found

    def same_date_of_birth(self, episode: Prepared) -> list[int]:
        return self._block(episode.dob_ordinal) if episode.dob is not None else []

    def same_names(self, episode: Prepared) -> set[int]:
        found: set[int] = set()
        for key in episode.names.pairs:
            found.update(self._block(key))
        return found
