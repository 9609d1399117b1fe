"""Attendance codes (in force from 19 Aug 2024, plus legacy codes) and their categories.

Each code also has a one-character symbol: a pupil's year of marks is stored as a string with
one symbol per session (see `cme.timeline`), which keeps a full year for a large school small
enough to read, compare and scan in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    PRESENT = "present"
    ATTENDING_ELSEWHERE = "attending elsewhere"
    NOT_POSSIBLE = "not a possible session"
    AUTHORISED = "authorised absence"
    UNAUTHORISED = "unauthorised absence"
    NOT_ON_ROLL = "not on roll"
    CLOSED = "school closed"


@dataclass(frozen=True)
class Mark:
    code: str
    symbol: str
    meaning: str
    category: Category

    @property
    def unexplained(self) -> bool:
        return self.code in UNEXPLAINED_CODES

    @property
    def in_absence_run(self) -> bool:
        return self.code in RUN_CODES


_P, _E, _NP = Category.PRESENT, Category.ATTENDING_ELSEWHERE, Category.NOT_POSSIBLE
_A, _U = Category.AUTHORISED, Category.UNAUTHORISED

MARKS: tuple[Mark, ...] = (
    Mark("/", "/", "present (AM)", _P),
    Mark("\\", "\\", "present (PM)", _P),
    Mark("L", "L", "late, before register closed", _P),
    Mark("K", "K", "attending LA-arranged education provision", _E),
    Mark("V", "V", "educational visit or trip", _E),
    Mark("P", "P", "approved sporting activity", _E),
    Mark("W", "W", "work experience", _E),
    Mark("B", "B", "other approved educational activity", _E),
    Mark("D", "D", "dual registered, attending the other school", _NP),
    Mark("C1", "c", "regulated performance or employment abroad", _A),
    Mark("M", "M", "medical or dental appointment", _A),
    Mark("J1", "j", "interview", _A),
    Mark("S", "S", "study leave", _A),
    Mark("C2", "k", "part-time timetable", _A),
    Mark("C", "C", "exceptional circumstances leave", _A),
    Mark("T", "T", "parent travelling for occupational purposes", _A),
    Mark("R", "R", "religious observance", _A),
    Mark("I", "I", "illness", _A),
    Mark("E", "E", "suspended or excluded, no alternative provision", _A),
    Mark("X", "X", "non-compulsory school age, not required to attend", _NP),
    Mark("Q", "Q", "unable to attend: LA has not made access arrangements", _NP),
    Mark("Y1", "1", "unable to attend: transport not available", _NP),
    Mark("Y2", "2", "unable to attend: widespread travel disruption", _NP),
    Mark("Y3", "3", "unable to attend: part of the school closed", _NP),
    Mark("Y4", "4", "unable to attend: whole school site closed", _NP),
    Mark("Y5", "5", "unable to attend: in criminal justice detention", _NP),
    Mark("Y6", "6", "unable to attend: public health guidance or law", _NP),
    Mark("Y7", "7", "unable to attend: other unavoidable cause", _NP),
    Mark("G", "G", "holiday not granted by the school", _U),
    Mark("N", "N", "reason not yet established", _U),
    Mark("O", "O", "other or unknown circumstances", _U),
    Mark("U", "U", "arrived after register closed", _U),
    Mark("Z", "Z", "prospective pupil, not yet on roll", Category.NOT_ON_ROLL),
    Mark("#", "#", "planned whole-school closure", Category.CLOSED),
    # Legacy codes still found in older registers.
    Mark("H", "H", "agreed family holiday (legacy)", _A),
    Mark("F", "F", "agreed extended family holiday (legacy)", _A),
    Mark("Y", "y", "unable to attend due to exceptional circumstances (legacy)", _NP),
)

# "J" was the interview code before August 2024; it is now J1.
ALIASES = {"J": "J1"}

BY_CODE = {m.code: m for m in MARKS}
BY_SYMBOL = {m.symbol: m for m in MARKS}
UNEXPLAINED_CODES = frozenset({"N", "O"})
RUN_CODES = frozenset({"G", "N", "O"})
VALID_CODES = ", ".join(m.code for m in MARKS)

# Symbols for sessions without a code: no data at all, or a session the register covers but
# left empty (a missing mark, which must be reported, never read as present or absent).
NO_DATA = " "
MISSING = "?"

_BLANKS = {"", "-"}
_SPACES = str.maketrans("", "", " \t\u00a0\u2007\u202f")


class UnknownMark(ValueError):
    def __init__(self, value: str) -> None:
        super().__init__(f"{value!r} is not an attendance code; valid codes: {VALID_CODES}")
        self.value = value


def normalise(raw: object) -> str | None:
    """The canonical code for a cell's value, or None for an empty cell (`-` or blank)."""
    if raw is None:
        return None
    text = str(raw).translate(_SPACES).upper()
    if text in _BLANKS:
        return None
    text = ALIASES.get(text, text)
    if text not in BY_CODE:
        raise UnknownMark(str(raw))
    return text


def symbol_for(code: str | None) -> str:
    return MISSING if code is None else BY_CODE[code].symbol


def code_for(symbol: str) -> str | None:
    mark = BY_SYMBOL.get(symbol)
    return mark.code if mark else None


def category_of(symbol: str) -> Category | None:
    mark = BY_SYMBOL.get(symbol)
    return mark.category if mark else None


# Symbol sets used by the counting rules.
RUN_SYMBOLS = frozenset(BY_CODE[c].symbol for c in RUN_CODES)
UNEXPLAINED_SYMBOLS = frozenset(BY_CODE[c].symbol for c in UNEXPLAINED_CODES)
# A pupil who was in school for a session: present, attending elsewhere, or arrived late (U).
ARRIVED_SYMBOLS = frozenset(m.symbol for m in MARKS if m.category in (_P, _E) or m.code == "U")
# Symbols that show the school open for an on-roll pupil.
OPEN_SYMBOLS = frozenset(m.symbol for m in MARKS if m.code not in {"#", "Z"})
ILLNESS = BY_CODE["I"].symbol
N_SYMBOL = BY_CODE["N"].symbol
CLOSED = BY_CODE["#"].symbol
