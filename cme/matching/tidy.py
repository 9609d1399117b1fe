"""Postcodes, addresses and genders as different systems write them, put in one form."""

from __future__ import annotations

import re
from typing import NamedTuple

from cme.matching.names import fold

# A full UK postcode: outward code (area letters, district digits) then the inward code.
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_OTHER_POSTCODE = re.compile(r"(?=.*[0-9])[A-Z0-9]{3,10}")
_IN_ADDRESS = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)


class Postcode(NamedTuple):
    full: str  # "FB1 2AB", or "" if not a whole postcode
    sector: str  # "FB1 2"
    district: str  # "FB1": the outward code

    def __str__(self) -> str:
        return self.full or self.district

    def __bool__(self) -> bool:
        return bool(self.full or self.district)


NO_POSTCODE = Postcode("", "", "")


def postcode(text: str) -> Postcode:
    """ "fb12ab", "FB1  2AB", "fb1 2ab" -> FB1 2AB; an outward code alone ("FB1") keeps its
    district; anything else is no postcode."""
    squashed = re.sub(r"[^A-Z0-9]", "", text.upper())
    if whole := _POSTCODE.fullmatch(squashed):
        outward, inward = whole.groups()
        return Postcode(f"{outward} {inward}", f"{outward} {inward[0]}", outward)
    if _OUTWARD.fullmatch(squashed):
        return Postcode("", "", squashed)
    if _OTHER_POSTCODE.fullmatch(squashed):
        # Another country's postcode (a child from abroad, a test data set): only the same
        # code or not.
        return Postcode(squashed, "", "")
    return NO_POSTCODE


def postcode_in(address: str) -> Postcode:
    """The postcode written inside an address, for records that keep it there."""
    found = _IN_ADDRESS.search(address)
    return postcode("".join(found.groups())) if found else NO_POSTCODE


_STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cl": "close",
    "cres": "crescent",
    "cresc": "crescent",
    "dr": "drive",
    "ct": "court",
    "pl": "place",
    "gdns": "gardens",
    "gr": "grove",
    "gro": "grove",
    "sq": "square",
    "tce": "terrace",
    "terr": "terrace",
    "pk": "park",
    "wy": "way",
    "hse": "house",
    "apt": "flat",
    "apartment": "flat",
}
_HOUSE_NUMBER = re.compile(r"\d+[a-z]?")


class Address(NamedTuple):
    house: str  # the numbers in the address: "3 12" for "Flat 3, 12 Rose Street"
    street: str  # "rose street"
    folded: str  # the whole address, tidied

    def __bool__(self) -> bool:
        return bool(self.folded)


NO_ADDRESS = Address("", "", "")


_LINES = re.compile(r"[\n,]+")
_WORDS = re.compile(r"[a-z0-9]+")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def address(text: str) -> Address:
    """The house number(s) and street of an address, so that "12 Rose St, Townley" and
    "12, Rose Street\\nTownley FB1 2AB" are the same house."""
    text = _IN_ADDRESS.sub(" ", text)
    lines = []
    for line in _LINES.split(text.lower()):
        words = [_STREET_WORDS.get(w, w) for w in _WORDS.findall(line.replace("'", ""))]
        if words:
            lines.append(words)
    if not lines:
        return NO_ADDRESS
    numbers: list[str] = []
    street: list[str] = []
    is_number = _HOUSE_NUMBER.fullmatch
    for number, words in enumerate(lines):
        found = [w for w in words if is_number(w)]
        if not found:
            continue
        numbers += found
        after = words[words.index(found[-1]) + 1 :]
        # "12" alone on a line: the street is the next line.
        if not after and number + 1 < len(lines):
            after = lines[number + 1]
        street = [w for w in after if not is_number(w)]
    if not numbers:
        street = lines[0]
    folded = " ".join(" ".join(words) for words in lines)
    # The street's words are plain lower-case letters and digits already: folding them (see
    # names.fold) only turns the digits into spaces.
    return Address(" ".join(numbers), _NOT_LETTERS.sub(" ", " ".join(street)).strip(), folded)


MALE, FEMALE, UNKNOWN = "M", "F", ""
_GENDERS = {
    "m": MALE,
    "male": MALE,
    "boy": MALE,
    "man": MALE,
    "b": MALE,
    "f": FEMALE,
    "female": FEMALE,
    "girl": FEMALE,
    "woman": FEMALE,
    "g": FEMALE,
}


def gender(text: str) -> str:
    """M or F; unknown, not stated, other or anything unreadable compares as missing."""
    return _GENDERS.get(fold(text).replace(" ", ""), UNKNOWN)
