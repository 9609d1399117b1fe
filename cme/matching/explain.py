"""Each field's agreement in words a person can check: both values, how they agreed and how
much that counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cme.matching.compare import FIELDS, FORENAME_SWAPPED, MISSING, Field, Levels
from cme.matching.prepared import Prepared
from cme.matching.scoring import Scorer

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
    person = record.person
    match f:
        case Field.FORENAME:
            return record.forename.shown
        case Field.SURNAME:
            return record.surname.shown
        case Field.DATE_OF_BIRTH:
            return _shown_date(record.dob)
        case Field.GENDER:
            return person.gender.strip()
        case Field.ADDRESS:
            return ", ".join(line.strip() for line in person.address.splitlines() if line.strip())
        case Field.POSTCODE:
            return str(record.postcode) or person.postcode.strip()


def _agreement(f: Field, level: int, e: Prepared, p: Prepared, swapped: bool) -> str:
    if level == MISSING:
        return "missing"
    pair = f"{shown(e, f)}/{shown(p, f)}"
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


def reasons(scorer: Scorer, e: Prepared, p: Prepared, levels: Levels) -> tuple[FieldReason, ...]:
    swapped = levels[0] == FORENAME_SWAPPED
    return tuple(
        FieldReason(
            field=f.value,
            pupil=shown(p, f),
            episode=shown(e, f),
            agreement=_agreement(f, level, e, p, swapped),
            weight=round(scorer.field_weight(f, level, e, p), 2),
        )
        for f, level in zip(FIELDS, levels, strict=True)
    )
