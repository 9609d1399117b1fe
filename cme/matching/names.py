"""Names made ready for comparison: folded to plain letters, split into parts, with their
sound (metaphone) and the nickname groups they belong to.

Nickname groups come from two lists: the `nicknames` package (a hand-curated, mostly American
list: Katherine/Kate, William/Billy, Henry/Harry) and our own `data/nicknames.csv`, written
for this project, with the British, South Asian, Polish and West African short forms the
package lacks (Alfie/Alfred, Mo/Mohammed/Muhammad, Sasha/Alexandra, Siddharth/Sid,
Priyanka/Priya, Abdul/Abdulrahman, Oluwaseun/Seun …). Each row of the CSV is one group: its
formal spellings and its short forms all name the same child. A name may sit in several
groups (Fred: Alfred and Frederick) without joining them: two names are nicknames of each
other only if they share a group.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import cache
from importlib import resources

import jellyfish
from nicknames import NickNamer

_NOT_LETTERS = re.compile(r"[^a-z]+")


def fold(text: str) -> str:
    """Lower case, accents dropped, apostrophes closed up (O'Brien -> obrien), every other
    non-letter a space."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_LETTERS.sub(" ", plain.replace("'", "")).strip()


class Name:
    """One written name. Made once per distinct text (see `name`), so two Names are the same
    name exactly when they are the same object."""

    __slots__ = (
        "alone",
        "code_keys",
        "codes",
        "compact",
        "formal",
        "groups",
        "initial_keys",
        "marks",
        "own_groups",
        "parts",
        "shown",
        "sound",
    )

    def __init__(self, text: str) -> None:
        self.shown = " ".join(text.split())
        self.parts: tuple[str, ...] = tuple(fold(text).split())
        self.compact = "".join(self.parts)
        self.sound = jellyfish.metaphone(self.compact) if self.compact else ""
        groups: set[str] = set()
        # The whole name and its first part: "Mary Jane" is still Molly.
        if self.compact:
            known = _nickname_groups()
            for word in {self.compact, *self.parts[:1]}:
                groups |= known.get(word, frozenset())
        self.groups = frozenset(groups)
        self.own_groups = frozenset(g for g in groups if g.startswith("own:"))
        self.formal = bool(self.compact) and self.compact in _formal_names()
        # What blocking files the name under: the sound of each part (and of the whole).
        self.codes = frozenset(
            {jellyfish.metaphone(p) for p in self.parts if len(p) > 1} | {self.sound}
        ) - {""}
        # Blocking keys are hashes (see blocking.py) of the sounds.
        self.code_keys = tuple(hash(c) for c in self.codes)
        self.initial_keys = tuple({hash(p[0]): None for p in self.parts})
        # The first letters of its parts and its nickname groups: what a pupil born the same
        # day must share with an episode to be compared with it.
        self.marks = frozenset({p[0] for p in self.parts} | self.groups)
        # The name as a list of names: itself, or none if it is blank.
        self.alone = (self,) if self.compact else ()

    def __bool__(self) -> bool:
        return bool(self.compact)

    def __repr__(self) -> str:
        return f"Name({self.shown!r})"


@cache
def name(text: str) -> Name:
    return Name(text)


BLANK = name("")


def names(text: str) -> tuple[Name, ...]:
    """The names in a list such as the police's "other names" ("Jay; Jayden Smith / JJ")."""
    return tuple(name(t) for t in re.split(r"[,;/|]|\baka\b", text) if fold(t))


@cache
def _own_list() -> list[dict[str, str]]:
    text = resources.files("cme.matching").joinpath("data/nicknames.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _nickname_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for number, row in enumerate(_own_list()):
        for word in f"{row['formal']} {row['short_forms']}".split():
            groups.setdefault(word, set()).add(f"own:{number}")
    for canonical, short_forms in NickNamer.default_lookup().items():
        for word in {canonical, *short_forms}:
            groups.setdefault(fold(word).replace(" ", ""), set()).add(f"pkg:{canonical}")
    return {word: frozenset(ids) for word, ids in groups.items()}


@cache
def _formal_names() -> frozenset[str]:
    return frozenset(word for row in _own_list() for word in row["formal"].split())


def are_nicknames(a: Name, b: Name) -> bool:
    """Whether the two names share a nickname group. Two names that are each a formal name
    of our own list (Amelia, Emily) are different names unless our list says otherwise,
    whatever the American list says: there they may be nicknames, here they are sisters."""
    if a.formal and b.formal:
        return not a.own_groups.isdisjoint(b.own_groups)
    return not a.groups.isdisjoint(b.groups)
