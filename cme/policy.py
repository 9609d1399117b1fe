"""The thresholds an LA may set. Defaults are RULES.md's; nothing else hard-codes them.

One threshold is not the LA's to set: the 20-school-day run after which a child may be
removed from roll is fixed by law (reg 9(1)(i)). It stays a field so that the rules read it
from one place, but a stored policy never overrides it and storage refuses to save another
value.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from cme.errors import InvalidField

LOWEST = 1
HIGHEST = 200

# Each threshold named in words, for messages a person reads (InvalidField.field).
NAMES = {
    "n_code_deadline_school_days": "Deadline for replacing an N code",
    "continuous_absence_school_days": "Continuous unauthorised absence reported to the LA",
    "sickness_school_days": "Sickness absence reported to the LA",
    "removal_run_school_days": "Absence after which removal from roll may be considered",
    "la_contact_school_days": "Unresolved absence handed to the LA",
}

# Set by the regulations, not by the LA.
FIXED_BY_LAW = {"removal_run_school_days": 20}


def check_threshold(name: str, value: object) -> int:
    """The value, if it is acceptable for the threshold `name`; InvalidField naming the
    threshold in words otherwise."""
    words = NAMES.get(name, name)
    if not isinstance(value, int) or isinstance(value, bool) or not LOWEST <= value <= HIGHEST:
        raise InvalidField(
            words,
            f"{words}: enter a whole number of school days from {LOWEST} to {HIGHEST}.",
        )
    return value


@dataclass(frozen=True)
class Policy:
    # An N must be replaced by a real code within this many school days.
    n_code_deadline_school_days: int = 5
    # A run of G/N/O days this long is reported to the LA (CME referral).
    continuous_absence_school_days: int = 10
    # This many school days of illness in an academic year: LA sickness return, consider s19.
    sickness_school_days: int = 15
    # Reg 9(1)(i): the run after which removal from roll may be considered (fixed by law).
    removal_run_school_days: int = FIXED_BY_LAW["removal_run_school_days"]
    # Contact the LA if not resolved within this many school days.
    la_contact_school_days: int = 3

    def __post_init__(self) -> None:
        for f in fields(self):
            check_threshold(f.name, getattr(self, f.name))

    @classmethod
    def from_json(cls, text: str | None) -> Policy:
        data = json.loads(text) if text else {}
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))}")
        # The law wins over anything stored before the value was fixed.
        data.update(FIXED_BY_LAW)
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)
