"""The thresholds an LA may set. Defaults are RULES.md's; nothing else hard-codes them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from cme.errors import InvalidField


@dataclass(frozen=True)
class Policy:
    # An N must be replaced by a real code within this many school days.
    n_code_deadline_school_days: int = 5
    # A run of G/N/O days this long is reported to the LA (CME referral).
    continuous_absence_school_days: int = 10
    # This many school days of illness in an academic year: LA sickness return, consider s19.
    sickness_school_days: int = 15
    # Reg 9(1)(i): the run after which removal from roll may be considered.
    removal_run_school_days: int = 20
    # Contact the LA if not resolved within this many school days.
    la_contact_school_days: int = 3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 200:
                raise InvalidField(
                    f.name, f"{f.name} must be a whole number of school days from 1 to 200"
                )

    @classmethod
    def from_json(cls, text: str | None) -> Policy:
        data = json.loads(text) if text else {}
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))}")
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)
