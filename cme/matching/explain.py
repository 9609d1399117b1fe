"""Each field's agreement in words a person can check: both values, how they agreed and how
much that counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cme.matching.compare import FIELDS, FORENAME_SWAPPED, MISSING, Field, Levels
from cme.matching.prepared import Prepared
from cme.matching.scoring import Scorer, implied

LABELS = {
    Field.FORENAME: "forename",
    Field.SURNAME: "surname",
    Field.DATE_OF_BIRTH: "date of birth",
    Field.GENDER: "gender",
    Field.ADDRESS: "address",
    Field.POSTCODE: "postcode",
}


@dataclass(frozen=True)
class FieldReason:
    field: str  # "forename", "surname", "date_of_birth", "gender", "address", "postcode"
    pupil: str  # the pupil's value as shown to a person
    episode: str  # the episode's value
    agreement: str  # "exact", "nickname (Alfie/Alfred)", "day and month swapped", …
    weight: float  # log2 Bayes factor this contributed (+ for, - against)

    def words(self) -> str:
        return f"{LABELS[Field(self.field)]}: {self.agreement} ({self.weight:+.1f})"


def _shown_date(born: date | None) -> str:
    return f"{born.day} {born:%b %Y}" if born else ""


def shown(record: Prepared, f: Field) -> str:
    return every_shown(record)[_INDEX[f]]


_INDEX = {f: i for i, f in enumerate(FIELDS)}


def every_shown(record: Prepared) -> tuple[str, str, str, str, str, str]:
    """Each field's value as shown to a person, in the order of FIELDS."""
    person = record.person
    return (
        record.forename.shown,
        record.surname.shown,
        _shown_date(record.dob),
        person.gender.strip(),
        ", ".join(line.strip() for line in person.address.splitlines() if line.strip()),
        str(record.postcode) or person.postcode.strip(),
    )


def _agreement(f: Field, level: int, e: Prepared, p: Prepared, swapped: bool, pair: str) -> str:
    """In words; `pair` is the episode's and the pupil's values as shown, "Alfie/Alfred"."""
    if level == MISSING:
        return "missing"
    match f:
        case Field.FORENAME:
            return (
                "exact",
                "forename and surname swapped",
                f"nickname ({pair})",
                "other or middle name on record",
                "typing slip",
                "sounds alike",
                "initial only"
                if min(len(e.forename.compact), len(p.forename.compact)) == 1
                else "similar",
                "different",
            )[level]
        case Field.SURNAME:
            words = (
                "exact",
                f"part of a double surname ({pair})",
                "former or other surname",
                "typing slip",
                "sounds alike",
                "similar",
                "different",
            )[level]
            return f"swapped with the forename, {words}" if swapped else words
        case Field.DATE_OF_BIRTH:
            return (
                "exact",
                "day and month swapped",
                "one digit different",
                "two of day, month and year agree",
                "different",
            )[level]
        case Field.GENDER:
            return ("same", "different")[level]
        case Field.ADDRESS:
            return ("same house", "same street, different house", "similar", "different")[level]
        case Field.POSTCODE:
            return (
                "exact",
                f"same postcode sector ({e.postcode.sector})",
                f"same postcode district ({e.postcode.district})",
                "different",
            )[level]


# Where address and postcode say the same thing, it counts once (scoring.py): what the
# other field's line says instead of a weight of its own.
_COUNTED_WITH = {
    Field.POSTCODE: "counted with the address",
    Field.ADDRESS: "counted with the postcode",
}


def reasons(scorer: Scorer, e: Prepared, p: Prepared, levels: Levels) -> tuple[FieldReason, ...]:
    swapped = levels[0] == FORENAME_SWAPPED
    once = implied(levels[4], levels[5])
    pupil, episode = every_shown(p), every_shown(e)
    return tuple(
        FieldReason(
            field=_VALUES[i],
            pupil=pupil[i],
            episode=episode[i],
            agreement=_agreement(f, level, e, p, swapped, f"{episode[i]}/{pupil[i]}")
            + (f", {_COUNTED_WITH[f]}" if f is once else ""),
            weight=round(scorer.field_weight(f, level, e, p, levels), 2),
        )
        for i, (f, level) in enumerate(zip(FIELDS, levels, strict=True))
    )


_VALUES = tuple(f.value for f in FIELDS)
