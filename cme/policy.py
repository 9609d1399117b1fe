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
    "repeat_episodes": "Episodes that make a child a repeat missing child",
    "repeat_window_length": "Window for counting repeat episodes",
    "repeat_window_unit": "Unit of the window for counting repeat episodes",
    "repeat_meeting_days": "Days to hold the intervention meeting after a repeat trigger",
    "missing_escalation_hours": "Hours missing before a child's episode is escalated",
    "looked_after_escalation_hours": "Hours missing before a looked-after child's episode is "
    "escalated",
    "return_interview_hours": "Hours from return within which the return interview is held",
    "hampshire_interview_criteria": "Hampshire's extra reasons for a return interview",
    "extra_themes": "The LA's own return interview themes",
}

# Ranges of the thresholds that are not school days: (lowest, highest, unit in words).
RANGES: dict[str, tuple[int, int, str]] = {
    "repeat_episodes": (2, 20, "episodes"),
    "repeat_window_length": (1, 365, "days or months"),
    "repeat_meeting_days": (1, 60, "days"),
    "missing_escalation_hours": (1, 720, "hours"),
    "looked_after_escalation_hours": (1, 720, "hours"),
    # Statutory guidance sets 72 hours: an LA may hold itself to less, never more.
    "return_interview_hours": (1, 72, "hours"),
}
WINDOW_UNITS = ("days", "months")
MAX_WINDOW_MONTHS = 12
MAX_THEMES = 30
MAX_THEME_LENGTH = 60

# Set by the regulations, not by the LA.
FIXED_BY_LAW = {"removal_run_school_days": 20}


def check_threshold(name: str, value: object) -> int:
    """The value, if it is acceptable for the threshold `name`; InvalidField naming the
    threshold in words otherwise."""
    words = NAMES.get(name, name)
    low, high, unit = RANGES.get(name, (LOWEST, HIGHEST, "school days"))
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidField(words, f"{words}: enter a whole number of {unit} from {low} to {high}.")
    return value


def check_themes(themes: object) -> tuple[str, ...]:
    words = NAMES["extra_themes"]
    if not isinstance(themes, list | tuple) or not all(isinstance(t, str) for t in themes):
        raise InvalidField(words, f"{words}: give each theme as words.")
    from cme.episodes.interview import THEMES

    # The built-in themes are always offered; a theme written twice is kept once.
    seen = {t.casefold() for t in THEMES}
    kept_list = []
    for theme in (" ".join(t.split()) for t in themes):
        if theme and theme.casefold() not in seen:
            seen.add(theme.casefold())
            kept_list.append(theme)
    kept = tuple(kept_list)
    if len(kept) > MAX_THEMES or any(len(t) > MAX_THEME_LENGTH for t in kept):
        raise InvalidField(
            words,
            f"{words}: at most {MAX_THEMES} themes of up to {MAX_THEME_LENGTH} characters each.",
        )
    return kept


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
    # Missing from home or care (RULES.md §7), in episodes, days and hours, not school days.
    # The repeat trigger: this many episodes within the window call an intervention meeting.
    repeat_episodes: int = 3
    repeat_window_length: int = 3
    repeat_window_unit: str = "months"
    repeat_meeting_days: int = 7
    missing_escalation_hours: int = 24
    looked_after_escalation_hours: int = 48
    return_interview_hours: int = 72
    # Hampshire also offers a return interview after 24 hours missing or with known
    # mental-health needs.
    hampshire_interview_criteria: bool = False
    extra_themes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "repeat_window_unit":
                if value not in WINDOW_UNITS:
                    raise InvalidField(NAMES[f.name], f"{NAMES[f.name]}: choose days or months.")
            elif f.name == "hampshire_interview_criteria":
                if not isinstance(value, bool):
                    raise InvalidField(NAMES[f.name], f"{NAMES[f.name]}: choose yes or no.")
            elif f.name == "repeat_window_length":
                check_threshold(f.name, value)
                if self.repeat_window_unit == "months" and value > MAX_WINDOW_MONTHS:
                    raise InvalidField(
                        NAMES[f.name],
                        f"{NAMES[f.name]}: enter at most {MAX_WINDOW_MONTHS} months, or give "
                        "the window in days.",
                    )
            elif f.name == "extra_themes":
                object.__setattr__(self, f.name, check_themes(value))
            else:
                check_threshold(f.name, value)

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
