"""Flags in words: every kind worded, and the LA's own thresholds in the sentences."""

from __future__ import annotations

from datetime import date

from cme.attendance import Flag, FlagKind
from cme.policy import Policy
from cme.timeline import Session
from cme.web import flag_words

DAY = date(2025, 1, 21)


def flag(kind: FlagKind, count: float = 12, since: date | None = date(2025, 1, 6)) -> Flag:
    sessions = (Session.PM,) if kind.counts_sessions else ()
    return Flag(kind, count, since, 12, date(2025, 1, 6), sessions)


def test_every_kind_has_a_label_facts_and_an_action() -> None:
    for kind in FlagKind:
        words = flag_words.detail(flag(kind), Policy())
        assert flag_words.label(kind) and words.endswith(".")
        assert "None" not in words


def test_the_las_thresholds_are_in_the_words() -> None:
    strict = Policy(
        continuous_absence_school_days=7,
        la_contact_school_days=2,
        n_code_deadline_school_days=4,
        sickness_school_days=9,
    )
    assert "7 or more" in flag_words.action(flag(FlagKind.CONTINUOUS_ABSENCE), strict)
    assert "within 2 school days" in flag_words.action(
        flag(FlagKind.UNEXPLAINED_ABSENCE, 2), strict
    )
    assert "hand the case to the LA" in flag_words.action(
        flag(FlagKind.UNEXPLAINED_ABSENCE, 3), strict
    )
    assert "within 4 school days" in flag_words.action(flag(FlagKind.OVERDUE_N, 1), strict)
    assert "from 9 school days" in flag_words.action(flag(FlagKind.LONG_ILLNESS, 9.5), strict)
    # No label carries a threshold an LA may change.
    assert not any(c.isdigit() for k in FlagKind for c in flag_words.label(k))


def test_counts_and_dates_are_the_flags_own() -> None:
    unexplained = flag(FlagKind.UNEXPLAINED_ABSENCE, 7, date(2025, 1, 13))
    assert flag_words.count_text(unexplained) == "7 school days"
    assert flag_words.since_text(unexplained) == "since 13/01/2025"
    day_one = flag(FlagKind.UNEXPLAINED_ABSENCE, 1, DAY)
    assert (flag_words.count_text(day_one), flag_words.since_text(day_one)) == ("Day one", "")
    overdue = flag(FlagKind.OVERDUE_N, 2, date(2025, 1, 7))
    assert flag_words.count_text(overdue) == "2 days coded N"
    assert flag_words.since_text(overdue) == "oldest 07/01/2025"
    assert flag_words.count_text(flag(FlagKind.LONG_ILLNESS, 15.5)) == "15.5 school days"
    assert flag_words.count_text(flag(FlagKind.MISSING_MARK, 1, DAY)) == "PM session"
