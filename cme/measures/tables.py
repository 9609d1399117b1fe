"""The partnership's figures laid out as the tables people read: the page shows them, each
downloads as .xlsx, and the termly pack is made of them, so a download holds exactly what
the page shows. A table shared beyond the LA hides small numbers (`shareable`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from cme.measures.figures import SUPPRESS_BELOW, SUPPRESSED, Figures, Group

# A figure worked out from fewer than five children (sessions, a rate, a median) is
# withheld with its count, as published statistics mark a confidential cell.
WITHHELD = "c"
SUPPRESSION_NOTE = (
    f"Small numbers are hidden: a count of 1 to {SUPPRESS_BELOW - 1} children is shown as "
    f'"{SUPPRESSED}", and a figure worked out from so few children as "{WITHHELD}".'
)


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    RATE = "rate"  # a fraction, shown as a percentage
    DAYS = "days"  # school days, to one decimal place where not whole
    DECIMAL = "decimal"  # a rate per 100, always to one decimal place


@dataclass(frozen=True)
class Cell:
    value: str | int | float | None
    kind: Kind = Kind.COUNT
    # The number of children the value rests on: when it is 1 to 4 the cell is hidden in
    # what leaves the LA. None: never hidden (a label, or a count not of children).
    children: int | None = None

    @property
    def text(self) -> str:
        """The value as the page and the printable pack show it."""
        if self.value is None:
            return "\u2013"  # an en dash: nothing to show
        if isinstance(self.value, str):
            return self.value
        if self.kind is Kind.RATE:
            return f"{100 * self.value:.1f}%"
        if self.kind is Kind.DECIMAL:
            return f"{self.value:.1f}"
        if self.kind is Kind.DAYS:
            return f"{self.value:.1f}" if self.value % 1 else f"{int(self.value)}"
        return f"{int(self.value):,}"

    def shared(self) -> Cell:
        if self.children is None or not (0 < self.children < SUPPRESS_BELOW):
            return self
        is_count = self.kind is Kind.COUNT and self.value == self.children
        return replace(self, value=SUPPRESSED if is_count else WITHHELD, kind=Kind.TEXT)


@dataclass(frozen=True)
class FigureTable:
    slug: str  # its address and its sheet: "headline", "by-school"...
    title: str
    headings: list[str]
    rows: list[list[Cell]]
    note: str = ""
    shared: bool = False  # small numbers hidden

    def shareable(self) -> FigureTable:
        if self.shared:
            return self
        note = f"{self.note} {SUPPRESSION_NOTE}".strip()
        rows = [[c.shared() for c in row] for row in self.rows]
        return replace(self, rows=rows, note=note, shared=True)

    def column(self, heading: str) -> list[Cell]:
        at = self.headings.index(heading)
        return [row[at] for row in self.rows]


def _t(text: str) -> Cell:
    return Cell(text, Kind.TEXT)


# The headline figures, in the order a report reads them: (label, how to read it off a
# row of figures as (value, kind, children it rests on)).
def headline_rows(f: Figures) -> list[tuple[str, Cell]]:
    s = f.referral_days
    absent = f.unexplained_absence_children
    return [
        (
            "Unexplained absence sessions (N or O)",
            Cell(f.unexplained_absence_sessions, children=absent),
        ),
        ("Children with unexplained absence", Cell(absent, children=absent)),
        (
            "Children hidden missing (not linked to an episode)",
            Cell(f.hidden_missing_children, children=f.hidden_missing_children),
        ),
        ("CME cases opened (day one in the period)", Cell(f.cases_opened, children=f.cases_opened)),
        ("CME cases closed (removals included)", Cell(f.cases_closed, children=f.cases_closed)),
        ("Removals from roll under the 20-school-day rule", Cell(f.removals, children=f.removals)),
        (
            "Cases open at the end of the period",
            Cell(f.cases_open_at_end, children=f.cases_open_at_end),
        ),
        ("Cases referred to the LA", Cell(f.referrals, children=f.referrals)),
        ("School days from day one to LA referral: median", Cell(s.median, Kind.DAYS, s.count)),
        ("School days to referral: lower quartile", Cell(s.lower_quartile, Kind.DAYS, s.count)),
        ("School days to referral: upper quartile", Cell(s.upper_quartile, Kind.DAYS, s.count)),
        ("School days to referral: shortest", Cell(s.shortest, Kind.DAYS, s.count)),
        ("School days to referral: longest", Cell(s.longest, Kind.DAYS, s.count)),
        ("Missing from home or care: episodes", Cell(f.episodes, children=f.episode_children)),
        (
            "Missing from home or care: children",
            Cell(f.episode_children, children=f.episode_children),
        ),
        ("Repeat missing children", Cell(f.repeat_children, children=f.repeat_children)),
        (
            "Children back from missing: return interviews due",
            Cell(f.return_interviews_due, children=f.return_interviews_due),
        ),
        (
            "Return interviews held within 72 hours",
            Cell(f.return_interviews_within_72h, children=f.return_interviews_due),
        ),
        (
            "Return interviews held within 72 hours: rate",
            Cell(
                f.return_interviews_within_72h_rate if f.return_interviews_due else None,
                Kind.RATE,
                f.return_interviews_due,
            ),
        ),
    ]


def headline(
    f: Figures,
    matches_waiting: int | None = None,
    compare: Sequence[tuple[str, Figures]] = (),
    heading: str = "Figure",
) -> FigureTable:
    """The headline figures; `compare` adds a column for each other row of figures (the
    LA's beside a school's, last year's beside this term's)."""
    others = [headline_rows(g) for _, g in compare]
    rows = [
        [_t(label), cell, *(o[i][1] for o in others)]
        for i, (label, cell) in enumerate(headline_rows(f))
    ]
    if matches_waiting is not None:
        rows.append(
            [
                _t("Police matches waiting for review (now)"),
                Cell(matches_waiting),
                *(_t("") for _ in others),
            ]
        )
    return FigureTable(
        "headline", "Headline figures", ["Measure", heading, *(n for n, _ in compare)], rows
    )


def counted(slug: str, title: str, heading: str, rows: Sequence[tuple[str, int]]) -> FigureTable:
    """A list of groups with a count of cases each (open by stage, closed by outcome)."""
    return FigureTable(
        slug, title, [heading, "Cases"], [[_t(label), Cell(n, children=n)] for label, n in rows]
    )


# The columns of a breakdown: (heading, the cell of a group's figures).
BREAKDOWN_COLUMNS: list[tuple[str, int]] = [
    ("Unexplained sessions", 0),
    ("Children absent", 1),
    ("Hidden missing", 2),
    ("Cases opened", 3),
    ("Cases closed", 4),
    ("Removals", 5),
    ("Referred to LA", 7),
    ("Median days to referral", 8),
    ("Episodes", 13),
    ("Children missing", 14),
    ("Repeat children", 15),
    ("Interviews within 72h", 18),
]


def breakdown(slug: str, title: str, heading: str, groups: Sequence[Group]) -> FigureTable:
    rows = []
    for g in groups:
        cells = headline_rows(g.figures)
        rows.append([_t(g.label), *(cells[i][1] for _, i in BREAKDOWN_COLUMNS)])
    return FigureTable(slug, title, [heading, *(h for h, _ in BREAKDOWN_COLUMNS)], rows)


@dataclass(frozen=True)
class TrendRow:
    label: str
    sessions: int
    children: int
    cases_opened: int
    episodes: int
    extra: list[Cell] = field(default_factory=list)


def trend_table(
    rows: Sequence[TrendRow], heading: str, extra_headings: Sequence[str] = ()
) -> FigureTable:
    return FigureTable(
        "trend",
        "Week by week" if heading == "Week" else "Month by month",
        [
            heading,
            "Unexplained sessions",
            "Children absent",
            "Cases opened",
            "Episodes",
            *extra_headings,
        ],
        [
            [
                _t(r.label),
                Cell(r.sessions, children=r.children),
                Cell(r.children, children=r.children),
                Cell(r.cases_opened, children=r.cases_opened),
                Cell(r.episodes, children=r.episodes),
                *r.extra,
            ]
            for r in rows
        ],
    )
