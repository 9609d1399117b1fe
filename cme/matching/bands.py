"""When a pupil may be linked to an episode without a person (`auto`), and in words why or
why not.

The rule rests on which details belong to the child and which to the family. Forename, date
of birth and gender are the child's own; surname, address and postcode are shared with
brothers, sisters and twins. Family details can say *which family* an episode is about, never
*which child* of it, so an automatic link always needs the child's own identity confirmed:
the forename always, and the date of birth whenever the police recorded one. That is what
keeps twins (same surname, birthday and home, another forename), siblings at one address and
a same-name child born on another day away from each other.

Beyond that, the model's probability (which already weighs how common each name is and lets
every candidate compete, match.py) must be high, and no other pupil may come close: the
best candidate must be the only one proposed at all, so the next best fits at least 200
times less well. When one of the usual confirmations is absent (the family has moved, the
child's surname has changed, or the date of birth is blank), what remains must agree exactly
and the probability must leave ten times less doubt (0.999 rather than 0.99): only one thing
may be out of the ordinary, and it must be explained by everything else agreeing. Anything
weaker goes to a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from cme.matching.compare import MISSING, Levels

# Levels by field (compare.LEVELS).
_FORENAME_DIFFERENT = 7
_FORENAME_EXACT = {0, 3}  # exact, or a name on record for the child
_SURNAME_DIFFERENT = 6
_SURNAME_SURE = {0, 1, 2}  # exact, part of a double surname, a former surname on record
_DOB_AGREES = {0, 1, 2}  # exact, day and month swapped, one digit different
_DOB_EXACT = 0
_GENDER_DIFFERENT = 1
_SAME_HOUSE = 0
_ADDRESS_DIFFERENT = 3
_SAME_POSTCODE = 0
_POSTCODE_DIFFERENT = 3

NO_ONE_CLOSE = "no other pupil comes close"


@dataclass(frozen=True)
class Verdict:
    auto: bool
    why: str  # plain English, for the person reading the proposal


def _home_contradicts(address: int, postcode: int) -> bool:
    """Another postcode district, or another address without the same postcode."""
    return postcode == _POSTCODE_DIFFERENT or (
        address == _ADDRESS_DIFFERENT and postcode != _SAME_POSTCODE
    )


def _same_home(address: int, postcode: int) -> bool:
    """The same house, or the same postcode where one side has no address."""
    return address == _SAME_HOUSE or (address == MISSING and postcode == _SAME_POSTCODE)


def _not_as_usual(levels: Levels) -> list[str]:
    """Which of the ordinary confirmations do not hold, in words (none: all hold)."""
    forename, surname, born, _, address, postcode = levels
    found = []
    if forename == MISSING:
        found.append("the forename is missing")
    elif forename == _FORENAME_DIFFERENT:
        found.append("the forenames differ")
    if born == MISSING:
        found.append("the date of birth is missing")
    elif born not in _DOB_AGREES:
        found.append("the dates of birth differ")
    if surname == MISSING:
        found.append("the surname is missing")
    elif surname == _SURNAME_DIFFERENT:
        found.append("the surnames differ")
    if _home_contradicts(address, postcode):
        found.append("the addresses differ")
    return found


def _listed(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _one_thing_out(levels: Levels) -> tuple[str, str] | None:
    """The one unusual thing that everything else explains, if there is exactly one: what
    it is, and what confirms the child instead. None if more than that is out of the way."""
    forename, surname, born, gender, address, postcode = levels
    if forename not in _FORENAME_EXACT or gender == _GENDER_DIFFERENT:
        return None
    moved = _home_contradicts(address, postcode)
    if born == _DOB_EXACT and surname in _SURNAME_SURE and moved:
        return (
            "the addresses differ (a house move?)",
            "forename, surname and date of birth agree exactly",
        )
    if born == _DOB_EXACT and surname == _SURNAME_DIFFERENT and _same_home(address, postcode):
        return (
            "the surnames differ (a changed surname?)",
            "forename, date of birth and home agree exactly",
        )
    if born == MISSING and surname in _SURNAME_SURE and _same_home(address, postcode):
        return (
            "the date of birth is missing",
            "forename, surname and home agree exactly",
        )
    return None


def verdict(levels: Levels, score: float, alone: bool, threshold: float) -> Verdict:
    """`auto` or a person, for the best candidate of an episode (`alone`: no other pupil
    was proposed for it) at this probability; `threshold` is the auto threshold."""
    stricter = 1 - (1 - threshold) / 10
    if not alone:
        return Verdict(False, "another pupil also fits: a person must choose")
    # Every one is named: a person checking the match should know all that is out of place.
    problems = _not_as_usual(levels)
    if not problems:
        if score >= threshold:
            return Verdict(True, f"the child's own details agree and {NO_ONE_CLOSE}")
        return Verdict(False, f"the match is not certain enough ({score:.1%})")
    unusual = _one_thing_out(levels)
    if unusual is None:
        return Verdict(False, f"{_listed(problems)}: a person must check")
    what, instead = unusual
    if score >= stricter:
        return Verdict(True, f"{what}, but {instead} and {NO_ONE_CLOSE}")
    return Verdict(False, f"{what}, and the match is not certain enough ({score:.1%})")


def runner_up(score: float) -> Verdict:
    return Verdict(False, f"another pupil fits better ({score:.1%} for this one)")
