"""The partnership's figures laid out as the tables people read: the page shows them, each
downloads as .xlsx, and the termly pack is made of them, so a download holds exactly what
the page shows. A table shared beyond the LA hides small numbers (`shareable`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from cme.measures.figures import SUPPRESS_BELOW, SUPPRESSED, Figures, Group, Spread

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

    def row(self, label: str) -> list[Cell] | None:
        """The row whose first cell reads `label`; None if the table has none."""
        return next((r for r in self.rows if r and r[0].value == label), None)


def _t(text: str) -> Cell:
    return Cell(text, Kind.TEXT)


def _count(value: int) -> Cell:
    """A count of children, hidden (when shared) on itself."""
    return Cell(value, children=value)


@dataclass(frozen=True)
class Measure:
    """One headline figure: a name that stays put (cards, breakdown columns and rates per
    100 pupils pick measures by it, so reordering the rows cannot mislabel them), the label
    people read, and how to read its cell off a row of figures."""

    key: str
    label: str
    cell: Callable[[Figures], Cell]
    # About police episodes (hidden missing is worked out from them): shown only to those
    # who may know of them, the LA's CME officers and a school's DSL.
    episodes: bool = False


def _days(pick: Callable[[Spread], float | int | None]) -> Callable[[Figures], Cell]:
    return lambda f: Cell(pick(f.referral_days), Kind.DAYS, f.referral_days.count)


def _interview_rate(f: Figures) -> Cell:
    due = f.return_interviews_due
    return Cell(f.return_interviews_within_72h_rate if due else None, Kind.RATE, due)


# The headline figures, in the order a report reads them.
HEADLINE_MEASURES: tuple[Measure, ...] = (
    Measure(
        "sessions",
        "Unexplained absence sessions (N or O)",
        lambda f: Cell(f.unexplained_absence_sessions, children=f.unexplained_absence_children),
    ),
    Measure(
        "absent",
        "Children with unexplained absence",
        lambda f: _count(f.unexplained_absence_children),
    ),
    Measure(
        "hidden",
        "Children hidden missing (not linked to an episode)",
        lambda f: _count(f.hidden_missing_children),
        episodes=True,
    ),
    Measure("opened", "CME cases opened (day one in the period)", lambda f: _count(f.cases_opened)),
    Measure("closed", "CME cases closed (removals included)", lambda f: _count(f.cases_closed)),
    Measure(
        "removals", "Removals from roll under the 20-school-day rule", lambda f: _count(f.removals)
    ),
    Measure(
        "open_at_end", "Cases open at the end of the period", lambda f: _count(f.cases_open_at_end)
    ),
    Measure("referrals", "Cases referred to the LA", lambda f: _count(f.referrals)),
    Measure(
        "days_median",
        "School days from day one to LA referral: median",
        _days(lambda s: s.median),
    ),
    Measure(
        "days_lower",
        "School days to referral: lower quartile",
        _days(lambda s: s.lower_quartile),
    ),
    Measure(
        "days_upper",
        "School days to referral: upper quartile",
        _days(lambda s: s.upper_quartile),
    ),
    Measure("days_shortest", "School days to referral: shortest", _days(lambda s: s.shortest)),
    Measure("days_longest", "School days to referral: longest", _days(lambda s: s.longest)),
    Measure(
        "episodes",
        "Missing from home or care: episodes",
        lambda f: Cell(f.episodes, children=f.episode_children),
        episodes=True,
    ),
    Measure(
        "episode_children",
        "Missing from home or care: children",
        lambda f: _count(f.episode_children),
        episodes=True,
    ),
    Measure(
        "repeat", "Repeat missing children", lambda f: _count(f.repeat_children), episodes=True
    ),
    Measure(
        "interviews_due",
        "Children back from missing: return interviews due",
        lambda f: _count(f.return_interviews_due),
        episodes=True,
    ),
    # Judged on its own count: a handful held in time picks out those few children,
    # however many were due.
    Measure(
        "interviews_held",
        "Return interviews held within 72 hours",
        lambda f: _count(f.return_interviews_within_72h),
        episodes=True,
    ),
    Measure(
        "interview_rate",
        "Return interviews held within 72 hours: rate",
        _interview_rate,
        episodes=True,
    ),
)
MEASURES = {m.key: m for m in HEADLINE_MEASURES}
MATCHES_WAITING = "Police matches waiting for review (now)"


def shown_measures(episodes: bool = True) -> list[Measure]:
    """The headline measures a viewer is told of: without `episodes`, none about police
    episodes, not even as a row of zeros."""
    return [m for m in HEADLINE_MEASURES if episodes or not m.episodes]


def headline_rows(f: Figures, episodes: bool = True) -> list[tuple[str, Cell]]:
    return [(m.label, m.cell(f)) for m in shown_measures(episodes)]


def headline(
    f: Figures,
    matches_waiting: int | None = None,
    compare: Sequence[tuple[str, Figures]] = (),
    heading: str = "Figure",
    episodes: bool = True,
) -> FigureTable:
    """The headline figures; `compare` adds a column for each other row of figures (the
    LA's beside a school's, last year's beside this term's)."""
    rows = [
        [_t(m.label), m.cell(f), *(m.cell(g) for _, g in compare)] for m in shown_measures(episodes)
    ]
    if matches_waiting is not None:
        # A few matches waiting are a few children: hidden on their own count when shared.
        rows.append([_t(MATCHES_WAITING), _count(matches_waiting), *(_t("") for _ in compare)])
    return FigureTable(
        "headline", "Headline figures", ["Measure", heading, *(n for n, _ in compare)], rows
    )


def counted(slug: str, title: str, heading: str, rows: Sequence[tuple[str, int]]) -> FigureTable:
    """A list of groups with a count of cases each (open by stage, closed by outcome)."""
    return FigureTable(
        slug, title, [heading, "Cases"], [[_t(label), _count(n)] for label, n in rows]
    )


# The columns of a breakdown: (heading, the measure it shows).
BREAKDOWN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Unexplained sessions", "sessions"),
    ("Children absent", "absent"),
    ("Hidden missing", "hidden"),
    ("Cases opened", "opened"),
    ("Cases closed", "closed"),
    ("Removals", "removals"),
    ("Referred to LA", "referrals"),
    ("Median days to referral", "days_median"),
    ("Episodes", "episodes"),
    ("Children missing", "episode_children"),
    ("Repeat children", "repeat"),
    ("Interviews within 72h", "interview_rate"),
)


def breakdown(
    slug: str, title: str, heading: str, groups: Sequence[Group], episodes: bool = True
) -> FigureTable:
    columns = [
        (h, MEASURES[k]) for h, k in BREAKDOWN_COLUMNS if episodes or not MEASURES[k].episodes
    ]
    rows = [[_t(g.label), *(m.cell(g.figures) for _, m in columns)] for g in groups]
    return FigureTable(slug, title, [heading, *(h for h, _ in columns)], rows)


@dataclass(frozen=True)
class TrendRow:
    label: str
    sessions: int
    children: int
    cases_opened: int
    episodes: int
    episode_children: int  # the children the episodes were about: what hides a few
    extra: list[Cell] = field(default_factory=list)


TREND_EPISODES = "Episodes"


def trend_table(
    rows: Sequence[TrendRow],
    heading: str,
    extra_headings: Sequence[str] = (),
    episodes: bool = True,
) -> FigureTable:
    """The trend, a row a week or month; without `episodes`, no column of episodes."""
    return FigureTable(
        "trend",
        "Week by week" if heading == "Week" else "Month by month",
        [
            heading,
            "Unexplained sessions",
            "Children absent",
            "Cases opened",
            *([TREND_EPISODES] if episodes else []),
            *extra_headings,
        ],
        [
            [
                _t(r.label),
                Cell(r.sessions, children=r.children),
                _count(r.children),
                _count(r.cases_opened),
                *([Cell(r.episodes, children=r.episode_children)] if episodes else []),
                *r.extra,
            ]
            for r in rows
        ],
    )
