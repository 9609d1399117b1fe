"""The slips a police record makes of a child's details, one function per kind of error.

Each takes the school's value and a seeded `random.Random` and returns the police's value;
none returns the value unchanged, so an episode tagged with an error really carries it.
"""

from __future__ import annotations

import random
from datetime import date

from bench.crossmatch.names import NICKNAMES, STREET_ABBREVIATIONS

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NEIGHBOURS: dict[str, str] = {}
for _row_index, _row in enumerate(KEYBOARD_ROWS):
    for _i, _key in enumerate(_row):
        _near = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
        for _other_index in (_row_index - 1, _row_index + 1):
            if 0 <= _other_index < len(KEYBOARD_ROWS):
                _near += KEYBOARD_ROWS[_other_index][max(0, _i - 1) : _i + 1]
        NEIGHBOURS[_key] = _near

# Spellings a person writes down by ear: Stephen/Steven, Aisha/Aysha, Sofie/Sophie.
SOUNDS_ALIKE = (
    ("ph", "f"),
    ("ie", "y"),
    ("ck", "k"),
    ("ee", "ea"),
    ("oo", "u"),
    ("ou", "ow"),
    ("ai", "ay"),
    ("mm", "m"),
    ("ll", "l"),
    ("tt", "t"),
    ("nn", "n"),
    ("ss", "s"),
    ("ei", "ie"),
    ("th", "t"),
    ("sh", "ch"),
    ("z", "s"),
    ("c", "k"),
    ("y", "i"),
)


def recase(template: str, slipped: str) -> str:
    """Give the slipped lower-case spelling the capitals of the original name."""
    if template.isupper():
        return slipped.upper()
    out = []
    capital_next = True
    for character in slipped:
        out.append(character.upper() if capital_next else character)
        capital_next = character in " -'"
    result = "".join(out)
    # McDonald, MacLeod keep their inner capital where the letters allow.
    for prefix in ("Mc", "Mac"):
        if template.startswith(prefix) and result.startswith(prefix) and len(result) > len(prefix):
            cut = len(prefix)
            result = result[:cut] + result[cut].upper() + result[cut + 1 :]
    return result


def typo(name: str, rng: random.Random) -> str:
    """A typing or hearing slip: a neighbouring key, a dropped, doubled or swapped letter."""
    lower = name.lower()
    for _ in range(50):
        slipped = _one_slip(lower, rng)
        if slipped != lower and len(slipped) >= 2:
            return recase(name, slipped)
    return recase(name, lower + lower[-1])


def _one_slip(lower: str, rng: random.Random) -> str:
    # The first letter is the one people get right most often.
    position = rng.randrange(1, len(lower)) if len(lower) > 1 else 0
    kind = rng.choices(("key", "drop", "double", "swap", "sound"), (35, 20, 12, 20, 13))[0]
    character = lower[position]
    if kind == "key" and character in NEIGHBOURS:
        return lower[:position] + rng.choice(NEIGHBOURS[character]) + lower[position + 1 :]
    if kind == "drop" and len(lower) > 3:
        return lower[:position] + lower[position + 1 :]
    if kind == "double":
        return lower[:position] + character + lower[position:]
    if kind == "swap" and position < len(lower) - 1:
        return lower[:position] + lower[position + 1] + character + lower[position + 2 :]
    if kind == "sound":
        options = [(a, b) for a, b in SOUNDS_ALIKE if a in lower[1:]]
        options += [(b, a) for a, b in SOUNDS_ALIKE if b in lower[1:] and len(b) > 1]
        if options:
            old, new = rng.choice(options)
            at = lower.index(old, 1)
            return lower[:at] + new + lower[at + len(old) :]
    return lower


def nickname(forename: str, rng: random.Random) -> str:
    return rng.choice(NICKNAMES[forename])


def has_nickname(forename: str) -> bool:
    return forename in NICKNAMES


def day_month_swapped(born: date) -> date:
    return date(born.year, born.day, born.month)


def can_swap_day_month(born: date) -> bool:
    return born.day <= 12 and born.day != born.month


def digit_slip(born: date, rng: random.Random) -> date:
    """One digit of DD/MM/YYYY typed wrong, giving another real date."""
    digits = list(born.strftime("%d%m%Y"))
    # Day digits slip most, then the last digit of the year, then the month.
    positions = (0, 1, 2, 3, 7, 6)
    weights = (10, 30, 5, 15, 30, 5)
    for _ in range(100):
        position = rng.choices(positions, weights)[0]
        old = int(digits[position])
        new = old + rng.choice((-1, 1)) if rng.random() < 0.7 else rng.randrange(10)
        if not 0 <= new <= 9 or new == old:
            continue
        trial = digits.copy()
        trial[position] = str(new)
        text = "".join(trial)
        try:
            slipped = date(int(text[4:]), int(text[2:4]), int(text[:2]))
        except ValueError:
            continue
        if slipped != born:
            return slipped
    return date(born.year - 1, born.month, min(born.day, 28))


def double_surname(surname: str, other: str, rng: random.Random) -> str:
    """Hyphenated, double or single where the other record has the other form."""
    parts = [p for p in surname.replace("-", " ").split() if p]
    if len(parts) > 1:
        # The school has both parents' names; the police one of them, or a space for the hyphen.
        return rng.choice((parts[0], parts[-1], " ".join(parts), "".join(parts)))
    order = (surname, other) if rng.random() < 0.6 else (other, surname)
    joiner = "-" if rng.random() < 0.7 else " "
    return joiner.join(order)


def police_address(address: str, rng: random.Random) -> str:
    """How a police system tends to write the same address: capitals and short forms."""
    words = address.split()
    if rng.random() < 0.6:
        words = [STREET_ABBREVIATIONS.get(word.rstrip(","), word) for word in words]
    text = " ".join(words)
    return text.upper() if rng.random() < 0.5 else text


def police_postcode(postcode: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return postcode.replace(" ", "")
    if roll < 0.5:
        return postcode.lower()
    return postcode


def police_gender(gender: str, rng: random.Random) -> str:
    words = {"M": "Male", "F": "Female"}
    return words.get(gender, gender) if rng.random() < 0.5 else gender
