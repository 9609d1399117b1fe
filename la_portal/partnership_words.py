"""The partnership's cross-check lists in words: each list's title, what it counts in one
sentence, its filters, and its columns — one set of columns for the page and its download, so
that the two always say the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cme.storage.partnership import Filters, Hidden, Kind, Page
from la_portal.episode_words import when

KINDS = {
    Kind.ABSENT: "Absent from school",
    Kind.CONFLICT: "Marked present (a conflict to check)",
}
HIDDEN = {
    Hidden.RUN: "Unexplained absence runs",
    Hidden.PART_DAY: "Part-day absences",
}


def show(value: Any) -> str:
    """A cell as the page shows it (the download keeps dates as dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return f"{value:.1f}%"
    return str(value)


def _child(r: Any) -> str:
    return f"{r.surname}, {r.forename}"


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]
    width: int = 14
    href: Callable[[Any], str | None] | None = None  # where the page's cell links to


_CHILD = [
    Column("Child", _child, 22),
    Column("School", lambda r: r.school, 24),
    Column("Year", lambda r: r.year_group, 6),
]


@dataclass(frozen=True)
class ListWords:
    slug: str
    title: str
    rule: str  # what the list counts, in one sentence
    columns: list[Column]
    # Which filters the page offers: kind, hidden, school, year, period, closed, missing_now,
    # below, run_days.
    offers: tuple[str, ...]
    noun: tuple[str, str]  # one, many
    period_hint: str = ""


SESSIONS = ListWords(
    "sessions",
    "Absent, or marked present, while missing",
    "A school session is listed when the police record a linked child as missing at its "
    "registration time (9:00 for the morning, 13:30 for the afternoon, London time): reported "
    "missing by then and not yet back, so every session of a whole day inside an episode "
    "counts; a mark of absence is listed as absent, and a mark of presence, lateness or "
    "education elsewhere as a conflict to check with the school.",
    [
        *_CHILD,
        Column("Episode reported", lambda r: r.reported_at, 20),
        Column("Returned", lambda r: r.returned_at or "Still missing", 20),
        Column("Day", lambda r: r.day, 12),
        Column("Session", lambda r: r.session, 8),
        Column("Mark", lambda r: r.code, 6),
        Column("Meaning", lambda r: r.meaning, 30),
        Column("Absent or present", lambda r: KINDS[r.kind], 24),
    ],
    ("kind", "school", "year", "period"),
    ("session", "sessions"),
    "The period counts the days of the sessions, both days included.",
)
CASELOAD = ListWords(
    "caseload",
    "CME caseload children with missing episodes",
    "Children with a CME case (open, or removed from roll while the LA still looks for them) "
    "who have police episodes linked to them, past or current; the stage and school days "
    "missing are the caseload's.",
    [
        *_CHILD,
        Column("Case", lambda r: "On the caseload" if r.on_caseload else "Closed", 14),
        Column("Stage", lambda r: r.stage.label if r.stage else "Not worked out yet", 28),
        Column("School days missing", lambda r: r.days_missing, 10),
        Column("Day one", lambda r: r.day_one, 12),
        Column("Episodes", lambda r: r.episodes, 9),
        Column("Latest episode reported", lambda r: r.latest_reported_at, 20),
        Column("Missing now", lambda r: r.missing_now, 9),
    ],
    ("school", "year", "closed", "missing_now"),
    ("child", "children"),
)
REPEAT = ListWords(
    "repeat",
    "Repeat missing children and their attendance",
    "Linked children the repeat trigger fired for, with their attendance in the Monday-to-"
    "Sunday weeks their episodes fall in: possible sessions (attended or absent), the "
    "percentage attended (present or at approved education elsewhere), and unexplained "
    "absences (N or O).",
    [
        *_CHILD,
        Column("Episodes", lambda r: r.episodes, 9),
        Column("First reported", lambda r: r.first_reported_at, 20),
        Column("Latest reported", lambda r: r.latest_reported_at, 20),
        Column("Weeks", lambda r: r.weeks, 7),
        Column("Sessions possible", lambda r: r.possible, 10),
        Column("Attendance", lambda r: r.percent, 11),
        Column("Unexplained absences", lambda r: r.unexplained, 12),
    ],
    ("school", "year", "below"),
    ("child", "children"),
)
HIDDEN_MISSING = ListWords(
    "hidden",
    "Hidden missing: absences with no police episode",
    "Pupils never linked to a police episode who, in the period, had a run of school days "
    "on which every marked session was unexplained (N or O; a day with no mark neither counts "
    "nor breaks it) at least as long as chosen, or a part-day absence (one session N or O, "
    "the other in school). A possible police match still waiting for review is shown, with "
    "a link to it.",
    [
        *_CHILD,
        Column("Runs", lambda r: r.runs, 7),
        Column("Longest run (school days)", lambda r: r.longest_run or None, 12),
        Column("Latest run ended", lambda r: r.last_run_day, 12),
        Column("Part-day absences", lambda r: r.part_days, 10),
        Column("Latest part-day absence", lambda r: r.last_part_day, 12),
        Column(
            "Possible police match",
            lambda r: "Waiting for review" if r.waiting_match else None,
            14,
            lambda r: f"/la/matches/{r.waiting_match}" if r.waiting_match else None,
        ),
    ],
    ("hidden", "school", "year", "period", "run_days"),
    ("child", "children"),
    "The period is read from the register, both days included; by default the academic "
    "year so far.",
)
PART_DAY = ListWords(
    "part-day",
    "Missing part of the school day, with missing episodes",
    "Linked children who, in the period, had a part-day absence: one session of a day "
    "unexplained (N or O) while the other shows them in school.",
    [
        *_CHILD,
        Column("Part-day absences", lambda r: r.part_days, 10),
        Column("Latest part-day absence", lambda r: r.last_part_day, 12),
        Column("Episodes", lambda r: r.episodes, 9),
        Column("Latest episode reported", lambda r: r.latest_reported_at, 20),
        Column("Missing now", lambda r: r.missing_now, 9),
    ],
    ("school", "year", "period"),
    ("child", "children"),
    "The period is read from the register, both days included; by default the academic "
    "year so far.",
)
LISTS = {w.slug: w for w in (SESSIONS, CASELOAD, REPEAT, HIDDEN_MISSING, PART_DAY)}


def count(n: int, words: ListWords) -> str:
    return f"{n} {words.noun[0] if n == 1 else words.noun[1]}"


def cells(words: ListWords, row: Any) -> list[Any]:
    return [c.value(row) for c in words.columns]


def describe(words: ListWords, f: Filters, found: Page, schools: dict[int, str]) -> str:
    """The filters in a phrase: "marked present; School A; Year 7; 01/10/2024 to 31/10/2024"."""
    said = []
    if f.kind and "kind" in words.offers:
        said.append(KINDS[f.kind].lower())
    if f.hidden and "hidden" in words.offers:
        said.append(HIDDEN[f.hidden].lower())
    if f.school:
        said.append(schools.get(f.school, "one school"))
    if f.year_group:
        said.append(f"Year {f.year_group}")
    if "closed" in words.offers:
        said.append("open and closed cases" if f.closed else "open cases")
    if f.missing_now and "missing_now" in words.offers:
        said.append("missing now")
    if f.below and "below" in words.offers:
        said.append(f"attendance below {f.below}%")
    if found.run_days:
        said.append(f"runs of {found.run_days} school days or more")
    if found.since and found.until:
        said.append(f"{found.since:%d/%m/%Y} to {found.until:%d/%m/%Y}")
    elif "period" in words.offers and (f.since or f.until):
        said.append(
            " to ".join(d for d in (show(f.since) or "the start", show(f.until) or "today") if d)
        )
    return "; ".join(said) or "every one"
