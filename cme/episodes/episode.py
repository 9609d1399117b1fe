"""One police notification of a child missing from home or care, as the LA records it.

The police grade risk under schemes that differ by force and by year (the 2013 ACPO scheme
had "absent"; the 2021 College of Policing guidance has "no apparent risk"), so the raw words
are kept beside the level read from them, and the scheme is kept when the file names it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum

# The longest value kept of each text field (the stored columns' sizes); longer is refused,
# whether typed on a form or read from a file.
LIMITS = {
    "force": 100,
    "reference": 100,
    "forename": 200,
    "surname": 200,
    "other_names": 200,
    "gender": 30,
    "postcode": 12,
    "responsible_la": 100,
    "risk_raw": 100,
    "risk_scheme": 100,
    "address": 4000,
    "where_found": 4000,
    "who_with": 4000,
    "circumstances": 4000,
    "offered_by": 200,
    "done_by": 200,
    "done_where": 200,
    "notes": 10000,
    "reason": 1000,
    "agencies": 4000,
    "actions": 10000,
}


class MissingFrom(StrEnum):
    HOME = "home"
    CARE = "care"
    SCHOOL = "school"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            MissingFrom.HOME: "Home",
            MissingFrom.CARE: "Care placement",
            MissingFrom.SCHOOL: "School",
            MissingFrom.OTHER: "Other",
        }[self]


MISSING_FROM_WORDS: dict[str, MissingFrom] = {
    "home": MissingFrom.HOME,
    "family home": MissingFrom.HOME,
    "parental home": MissingFrom.HOME,
    "house": MissingFrom.HOME,
    "care": MissingFrom.CARE,
    "care placement": MissingFrom.CARE,
    "placement": MissingFrom.CARE,
    "foster placement": MissingFrom.CARE,
    "foster care": MissingFrom.CARE,
    "foster home": MissingFrom.CARE,
    "children's home": MissingFrom.CARE,
    "childrens home": MissingFrom.CARE,
    "residential": MissingFrom.CARE,
    "residential care": MissingFrom.CARE,
    "supported accommodation": MissingFrom.CARE,
    "school": MissingFrom.SCHOOL,
    "education": MissingFrom.SCHOOL,
    "other": MissingFrom.OTHER,
}


class RiskLevel(StrEnum):
    ABSENT = "absent"
    NO_APPARENT_RISK = "no apparent risk"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very high"
    # Words of a scheme not known here: the raw value is what the police said.
    OTHER = "other"

    @property
    def label(self) -> str:
        return "Other (see the police's words)" if self is RiskLevel.OTHER else self.capitalize()

    @property
    def rank(self) -> int:
        """For ordering and "high risk" filters: higher is more at risk; OTHER is unranked."""
        return {
            RiskLevel.ABSENT: 0,
            RiskLevel.NO_APPARENT_RISK: 0,
            RiskLevel.LOW: 1,
            RiskLevel.MEDIUM: 2,
            RiskLevel.HIGH: 3,
            RiskLevel.VERY_HIGH: 4,
        }.get(self, -1)


_RISK_WORDS: dict[str, RiskLevel] = {
    "absent": RiskLevel.ABSENT,
    "no apparent risk": RiskLevel.NO_APPARENT_RISK,
    "no risk": RiskLevel.NO_APPARENT_RISK,
    "nar": RiskLevel.NO_APPARENT_RISK,
    "low": RiskLevel.LOW,
    "medium": RiskLevel.MEDIUM,
    "med": RiskLevel.MEDIUM,
    "high": RiskLevel.HIGH,
    "very high": RiskLevel.VERY_HIGH,
    "critical": RiskLevel.VERY_HIGH,
}

# What the level's words tell of the scheme when the file does not say.
_SCHEME_OF = {
    RiskLevel.ABSENT: "ACPO 2013 (absent / missing)",
    RiskLevel.NO_APPARENT_RISK: "College of Policing 2021",
}


def risk_level(raw: str) -> RiskLevel | None:
    """The level in the police's words ("Medium", "MEDIUM RISK", "no apparent risk"); None
    when there are none, OTHER when they are not a level known here."""
    words = " ".join(re.sub(r"[^a-z ]", " ", raw.lower()).split())
    if not words:
        return None
    words = words if words in _RISK_WORDS else words.removesuffix(" risk")
    return _RISK_WORDS.get(words, RiskLevel.OTHER)


def risk_scheme(level: RiskLevel | None, given: str) -> str:
    """The scheme the file names, or the one the level's words belong to only."""
    if given or level is None:
        return given
    return _SCHEME_OF.get(level, "")


def fold(value: str) -> str:
    """A name as compared for identity: accents, case, spacing and punctuation do not count."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", plain.lower()).split())


def force_key(force: str) -> str:
    """A police force as compared: "FERNSHIRE POLICE" and "Fernshire Police." are one."""
    return fold(force)


@dataclass(frozen=True)
class Child:
    """Who the police say went missing: the fields that identify the child."""

    forename: str = ""
    surname: str = ""
    other_names: str = ""
    date_of_birth: date | None = None
    gender: str = ""

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}".strip() or "(no name given)"

    @property
    def key(self) -> str:
        """Episodes of one child, before cross-matching (issue 11) knows better: the same
        folded forename, surname and date of birth, spaces and punctuation aside ("O'Brien",
        "OBrien" and "O Brien" are one surname)."""
        born = self.date_of_birth.isoformat() if self.date_of_birth else "-"
        surname, forename = (fold(n).replace(" ", "") for n in (self.surname, self.forename))
        return f"{surname}|{forename}|{born}"

    def changes_to(self, other: Child) -> dict[str, tuple[object, object]]:
        """The identity fields `other` would change, as (now, then) pairs, in order."""
        return {
            f.name: (getattr(self, f.name), getattr(other, f.name))
            for f in fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        }


IDENTITY_LABELS = {
    "forename": "Forename",
    "surname": "Surname",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
}


@dataclass(frozen=True)
class Episode:
    """An episode as imported or entered by hand. Times are aware (UTC or London)."""

    force: str
    reference: str
    reported_at: datetime
    child: Child
    missing_from: MissingFrom = MissingFrom.HOME
    last_seen_at: datetime | None = None
    address: str = ""  # lines joined by newlines
    postcode: str = ""
    responsible_la: str = ""
    looked_after: bool = False
    risk_raw: str = ""
    risk_scheme: str = ""
    returned_at: datetime | None = None
    where_found: str = ""
    who_with: str = ""
    safe_and_well_on: date | None = None
    circumstances: str = ""
    # What the LA learned of the episode (from the police, the return interview or others):
    # the reasons RULES.md §7 gives for a return interview being especially needed.
    harmed: bool = False
    exploitation_risk: bool = False
    risky_contacts: bool = False
    crime_while_away: bool = False
    mental_health: bool = False

    @property
    def risk(self) -> RiskLevel | None:
        return risk_level(self.risk_raw)

    @property
    def missing_since(self) -> datetime:
        """Time missing counts from when the child was last seen, if the police know it."""
        return self.last_seen_at or self.reported_at


# Fields an import may change without a person's confirmation (the child's identity needs
# one: a changed name or birth date may mean the reference now points at another child).
DETAIL_FIELDS = tuple(
    f.name for f in fields(Episode) if f.name not in ("force", "reference", "child")
)
