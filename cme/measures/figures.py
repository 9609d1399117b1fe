"""What one row of the partnership's figures holds, how a spread of days is summarised, how
a rate is worked out, and which numbers are suppressed before figures leave the LA."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

# Published statistics hide counts of fewer than five children, so that no child can be
# picked out of a small group.
SUPPRESS_BELOW = 5
SUPPRESSED = "<5"


@dataclass(frozen=True)
class Spread:
    """School days from day one to the LA's referral, over the cases referred."""

    count: int = 0
    median: float | None = None
    lower_quartile: float | None = None
    upper_quartile: float | None = None
    shortest: int | None = None
    longest: int | None = None


def quantile(low: float, high: float, fraction: float) -> float:
    """Between the two ranked values either side of the quantile's place (as PostgreSQL's
    percentile_cont): the database finds the two, this weighs them."""
    return low + (high - low) * fraction


def rate(part: int, whole: int) -> float:
    """A share as a fraction to four places; 0.0 when there was nothing to count (the
    `..._due` figure beside it says so)."""
    return round(part / whole, 4) if whole else 0.0


@dataclass
class Figures:
    """One row of figures: the LA's, one school's, or one group of a breakdown. The first
    ten names are `cme report`'s contract."""

    unexplained_absence_sessions: int = 0
    unexplained_absence_children: int = 0
    cases_opened: int = 0
    cases_closed: int = 0
    removals: int = 0
    episodes: int = 0
    episode_children: int = 0
    repeat_children: int = 0
    return_interviews_within_72h_rate: float = 0.0
    hidden_missing_children: int = 0
    return_interviews_due: int = 0
    return_interviews_within_72h: int = 0
    cases_open_at_end: int = 0
    referrals: int = 0
    referral_days: Spread = field(default_factory=Spread)

    def finish(self) -> Figures:
        self.return_interviews_within_72h_rate = rate(
            self.return_interviews_within_72h, self.return_interviews_due
        )
        return self

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        spread = out.pop("referral_days")
        out["referral_school_days"] = spread
        return out


def suppressed(value: int) -> int | str:
    """A count as it may leave the LA: none, or five and more, as it is; else "<5"."""
    return SUPPRESSED if 0 < value < SUPPRESS_BELOW else value


class Dimension(StrEnum):
    """What a breakdown groups children by."""

    SCHOOL = "school"
    AREA = "area"
    YEAR_GROUP = "year_group"
    GENDER = "gender"
    LOOKED_AFTER = "looked_after"
    SEN = "sen"

    @property
    def label(self) -> str:
        return _DIMENSION_LABELS[self]

    @property
    def slug(self) -> str:
        """Its breakdown table's name, in an address and a workbook: "by-year-group"."""
        return f"by-{self.value.replace('_', '-')}"


_DIMENSION_LABELS = {
    Dimension.SCHOOL: "School",
    Dimension.AREA: "Area (postcode district)",
    Dimension.YEAR_GROUP: "Year group",
    Dimension.GENDER: "Gender",
    Dimension.LOOKED_AFTER: "Looked after",
    Dimension.SEN: "Special educational needs",
}

NOT_KNOWN = "Not known"
NOT_LINKED = "Episodes not linked to a pupil"


def postcode_district(postcode: str) -> str:
    """The outward code ("LS6" of "LS6 2AB"): the area breakdown's group."""
    squashed = "".join(postcode.split()).upper()
    return squashed[:-3] if len(squashed) > 3 else NOT_KNOWN


@dataclass
class Group:
    """One group of a breakdown: its key (a school's id, a district, "Year 9"...), its label,
    and its figures."""

    key: str
    label: str
    figures: Figures
