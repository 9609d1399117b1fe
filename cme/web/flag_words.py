"""Flags in words: what each flag means and what to do, with the LA's own thresholds.

The rules (`cme.attendance`) return facts; this is the one place they are worded, used by the
pages (through `cme/web/templates/_flags.html`), the .xlsx downloads and `cme flags`. Plain
Python, so the command line can use it without loading the web framework.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import NamedTuple

from cme.attendance import Flag, FlagKind
from cme.policy import Policy

_LABELS = {
    FlagKind.REMOVAL_MAY_BE_CONSIDERED: "Removal may be considered",
    FlagKind.CONTINUOUS_ABSENCE: "Continuous absence",
    FlagKind.PART_DAY_MISSING: "Missing for part of the day",
    FlagKind.UNEXPLAINED_ABSENCE: "Unexplained absence",
    FlagKind.MISSING_MARK: "Missing mark",
    FlagKind.OVERDUE_N: "N code overdue",
    FlagKind.LONG_ILLNESS: "Long illness",
}


def label(kind: FlagKind) -> str:
    """The badge: short, and free of thresholds (an LA may change them)."""
    return _LABELS[kind]


def uk(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _days(n: float, what: str = "school day") -> str:
    return f"{n:g} {what}{'' if n == 1 else 's'}"


def _sessions(flag: Flag) -> str:
    names = " and ".join(s.value for s in flag.sessions)
    return f"{names} session{'s' if len(flag.sessions) > 1 else ''}"


def count_text(flag: Flag) -> str:
    """The flag's own count, with its unit: "7 school days", "AM session", "2 days coded N"."""
    if flag.kind.counts_sessions:
        return _sessions(flag)
    if flag.kind is FlagKind.OVERDUE_N:
        return _days(flag.count, "day") + " coded N"
    if flag.day_one:
        return "Day one"
    return _days(flag.count)


def since_text(flag: Flag) -> str:
    """The since-date in words: "since 05/11/2025", "oldest ..." for overdue N, "ill this
    year, first ..." for illness; "" for a flag about the day itself."""
    if flag.kind.counts_sessions or flag.day_one or flag.since is None:
        return ""
    if flag.kind is FlagKind.OVERDUE_N:
        return f"oldest {uk(flag.since)}"
    if flag.kind is FlagKind.LONG_ILLNESS:
        return f"ill this year, first {uk(flag.since)}"
    return f"since {uk(flag.since)}"


def action(flag: Flag, policy: Policy) -> str:
    """One short sentence: what to do now, with the LA's thresholds."""
    match flag.kind:
        case FlagKind.REMOVAL_MAY_BE_CONSIDERED:
            return (
                "Removal from roll (reg 9(1)(i)) only once the school and the LA, jointly, "
                "have made reasonable enquiries and failed to find the child."
            )
        case FlagKind.CONTINUOUS_ABSENCE:
            return (
                "Refer to the LA CME officer: the LA takes runs of "
                f"{policy.continuous_absence_school_days} or more school days (G/N/O)."
            )
        case FlagKind.PART_DAY_MISSING:
            return "In school for one session only: the DSL assesses today."
        case FlagKind.UNEXPLAINED_ABSENCE if flag.day_one:
            return (
                "Contact parents or carers today; if that fails or raises concern, the DSL "
                "assesses vulnerability today."
            )
        case FlagKind.UNEXPLAINED_ABSENCE if flag.count > policy.la_contact_school_days:
            return (
                f"Not resolved within {_days(policy.la_contact_school_days)}: hand the case to "
                "the LA CME officer with the enquiries made so far."
            )
        case FlagKind.UNEXPLAINED_ABSENCE:
            return (
                "Record each enquiry (date, who, method, outcome); contact the LA if not "
                f"resolved within {_days(policy.la_contact_school_days)}."
            )
        case FlagKind.MISSING_MARK:
            return "Complete the register: an empty mark is never counted as present or absent."
        case FlagKind.OVERDUE_N:
            return (
                "Replace N with the real code: it is due within "
                f"{_days(policy.n_code_deadline_school_days)}."
            )
        case FlagKind.LONG_ILLNESS:
            return (
                "Include in the LA sickness return (from "
                f"{_days(policy.sickness_school_days)} a year) and consider s19 provision."
            )
    raise AssertionError(flag.kind)  # pragma: no cover


def facts(flag: Flag) -> str:
    """The flag's facts as a phrase: "Unexplained for 7 school days since 12/11/2025"."""
    since = since_text(flag)
    match flag.kind:
        case FlagKind.REMOVAL_MAY_BE_CONSIDERED | FlagKind.CONTINUOUS_ABSENCE:
            return f"Absent {_days(flag.count)} in a row {since}"
        case FlagKind.UNEXPLAINED_ABSENCE if flag.day_one:
            return "Day one of unexplained absence"
        case FlagKind.UNEXPLAINED_ABSENCE:
            return f"Unexplained for {_days(flag.count)} {since}"
        case FlagKind.PART_DAY_MISSING:
            return f"Unexplained for the {_sessions(flag)}, in school for the other"
        case FlagKind.MISSING_MARK:
            return f"No mark for the {_sessions(flag)}"
        case FlagKind.OVERDUE_N:
            return f"{_days(flag.count, 'day')} still coded N ({since})"
        case FlagKind.LONG_ILLNESS:
            return f"Ill for {_days(flag.count)} this academic year (first {uk(flag.since)})"
    raise AssertionError(flag.kind)  # pragma: no cover


class Line(NamedTuple):
    """A flag as a line of a page shows it (`_flags.html`)."""

    kind: str  # the flag's name, for the page's styles and data attributes
    label: str
    count_text: str
    since_text: str
    action: str


@functools.lru_cache(maxsize=4096)
def line(flag: Flag, policy: Policy) -> Line:
    """Every part of a flag's line, in one call from the template; kept, because a school's
    flags are the same on every view of Today until its next import."""
    return Line(
        flag.kind.value, label(flag.kind), count_text(flag), since_text(flag), action(flag, policy)
    )


def detail(flag: Flag, policy: Policy) -> str:
    """Facts then what to do, in one line: for the .xlsx and `cme flags`."""
    return f"{facts(flag)}. {action(flag, policy)}"
