"""Table tests for each flag and property tests for the counting rules (RULES.md §3-4)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cme.attendance import FlagKind, continuous_absence_run, flags_on, illness_days
from cme.policy import Policy
from cme.timeline import Session
from cme.web.flag_words import detail
from tests.unit.registers import build

POLICY = Policy()


def kinds(pairs: list[str], policy: Policy = POLICY) -> list[str]:
    marks, open_days, days = build(pairs)
    return [f.kind.value for f in flags_on(marks, open_days, days[-1], policy)]


def test_present_pupil_has_no_flags() -> None:
    assert kinds(["/\\"] * 8) == []


def test_day_one_unexplained_absence() -> None:
    marks, open_days, days = build(["/\\", "/\\", "NN"])
    [flag] = flags_on(marks, open_days, days[-1], POLICY)
    assert flag.kind is FlagKind.UNEXPLAINED_ABSENCE
    assert (flag.run_school_days, flag.run_since) == (1, days[-1])
    assert (flag.count, flag.since, flag.day_one) == (1, days[-1], True)
    assert detail(flag, POLICY).startswith("Day one")


def test_continuing_unexplained_absence_counts_school_days() -> None:
    marks, open_days, days = build(["/\\", "NN", "OO", "NO"])
    [flag] = flags_on(marks, open_days, days[-1], POLICY)
    assert flag.kind is FlagKind.UNEXPLAINED_ABSENCE
    assert (flag.run_school_days, flag.run_since) == (3, days[1])
    assert (flag.count, flag.since, flag.day_one) == (3, days[1], False)
    assert detail(flag, POLICY).startswith("Unexplained for 3 school days since 07/01/2025")
    assert "Record each enquiry" in detail(flag, POLICY)


def test_unexplained_beyond_three_school_days_goes_to_the_la() -> None:
    marks, open_days, days = build(["/\\", "NN", "NO", "OO", "NN"])
    [*_, flag] = flags_on(marks, open_days, days[-1], POLICY)
    assert flag.kind is FlagKind.UNEXPLAINED_ABSENCE
    assert (flag.count, flag.since) == (4, days[1])
    assert "Unexplained for 4 school days" in detail(flag, POLICY)
    assert "hand the case to the LA" in detail(flag, POLICY)
    assert flag.run_school_days == 4


def test_each_flag_counts_its_own_days() -> None:
    # G for 5 school days then N for 7: the run is 12 days since the first G, but the
    # absence has been unexplained for 7 days only, since the first N.
    strict = Policy(continuous_absence_school_days=10)
    marks, open_days, days = build(["GG"] * 5 + ["NN"] * 7)
    flags = {f.kind: f for f in flags_on(marks, open_days, days[-1], strict)}
    run = flags[FlagKind.CONTINUOUS_ABSENCE]
    unexplained = flags[FlagKind.UNEXPLAINED_ABSENCE]
    assert (run.count, run.since) == (12, days[0])
    assert (unexplained.count, unexplained.since) == (7, days[5])
    # The run facts stay the contract's on every flag.
    assert {(f.run_school_days, f.run_since) for f in flags.values()} == {(12, days[0])}
    assert detail(unexplained, strict).startswith("Unexplained for 7 school days since")
    assert "Absent 12 school days in a row since" in detail(run, strict)


def test_part_day_and_missing_mark_name_their_sessions() -> None:
    marks, open_days, days = build(["/\\", "/N"])
    [part, unexplained] = flags_on(marks, open_days, days[-1], POLICY)
    assert part.kind is FlagKind.PART_DAY_MISSING
    assert (part.count, part.since, part.sessions) == (1, days[-1], (Session.PM,))
    assert (unexplained.count, unexplained.since) == (1, days[-1])
    marks, open_days, days = build(["/\\", "??"])
    [missing] = flags_on(marks, open_days, days[-1], POLICY)
    assert (missing.count, missing.sessions) == (2, (Session.AM, Session.PM))
    assert detail(missing, POLICY).startswith("No mark for the AM and PM sessions")


def test_g_days_extend_the_run_but_are_not_unexplained() -> None:
    marks, open_days, days = build(["GG", "GG", "NN"])
    assert continuous_absence_run(marks, open_days, days[-1]) == (3, days[0])
    assert kinds(["GG", "GG"]) == []


@pytest.mark.parametrize("pair", ["/N", "N/", "LO", "KN", "UN", "V\u004f"])
def test_part_day_missing(pair: str) -> None:
    assert "part_day_missing" in kinds(["/\\", pair])
    marks, open_days, days = build(["/\\", pair])
    assert continuous_absence_run(marks, open_days, days[-1]) == (0, None)


@pytest.mark.parametrize("pair", ["U\\", "/U", "IN", "NI", "GN"])
def test_not_part_day_missing(pair: str) -> None:
    assert "part_day_missing" not in kinds(["/\\", pair])


def test_overdue_n_after_five_school_days() -> None:
    # N on day 0, then five present days: on day 5 the N is 5 school days old (due today).
    assert "overdue_n" not in kinds(["N\\"] + ["/\\"] * 5)
    assert "overdue_n" in kinds(["N\\"] + ["/\\"] * 6)
    # Replaced by a real code: no longer overdue.
    assert "overdue_n" not in kinds(["I\\"] + ["/\\"] * 6)


def test_overdue_n_skips_closures_and_weekends_in_its_count() -> None:
    # Monday N; Tue-Fri present; next Mon-Tue closed; Wed present: only 5 school days later.
    pairs = ["N\\", "/\\", "/\\", "/\\", "/\\", "##", "##", "/\\"]
    assert "overdue_n" not in kinds(pairs)
    assert "overdue_n" in kinds([*pairs, "/\\"])


def test_ten_and_twenty_day_runs() -> None:
    assert FlagKind.CONTINUOUS_ABSENCE.value == "continuous_absence_10"
    assert FlagKind.REMOVAL_MAY_BE_CONSIDERED.value == "twenty_day_run"
    assert FlagKind.LONG_ILLNESS.value == "sickness_15"
    assert "continuous_absence_10" not in kinds(["NN"] * 9)
    assert kinds(["NN"] * 10)[:1] == ["continuous_absence_10"]
    flags = kinds(["GG"] * 5 + ["NN"] * 15)
    assert flags[:3] == ["twenty_day_run", "continuous_absence_10", "unexplained_absence"]


def test_policy_changes_thresholds() -> None:
    strict = Policy(continuous_absence_school_days=3, removal_run_school_days=5)
    assert kinds(["NN"] * 3, strict)[0] == "continuous_absence_10"
    assert kinds(["NN"] * 5, strict)[0] == "twenty_day_run"


def test_sickness_fifteen_days_in_the_academic_year() -> None:
    assert "sickness_15" not in kinds(["II"] * 14 + ["/\\"])
    assert "sickness_15" in kinds(["II"] * 14 + ["I\\", "/I"])
    marks, _, days = build(["II"] * 3 + ["I\\"])
    assert illness_days(marks, days[-1]) == 3.5
    marks, open_days, days = build(["/\\"] * 2 + ["II"] * 15 + ["I\\", "/\\"])
    [sick] = flags_on(marks, open_days, days[-1], POLICY)
    assert sick.kind is FlagKind.LONG_ILLNESS
    assert (sick.count, sick.since, sick.run_school_days) == (15.5, days[2], 0)


def test_sickness_resets_on_1_september() -> None:
    marks, open_days, days = build(["II"] * 20, start=date(2025, 8, 11))
    # 15 weekdays 11-29 Aug, then 1 Sept starts a new academic year.
    assert days[15] == date(2025, 9, 1)
    assert "sickness_15" not in [f.kind for f in flags_on(marks, open_days, days[-1], POLICY)]
    assert illness_days(marks, days[-1]) == 5


def test_missing_mark_for_on_roll_pupil() -> None:
    assert kinds(["/\\", "/?"]) == ["missing_mark"]
    assert kinds(["/\\", "??"]) == ["missing_mark"]


def test_no_missing_mark_before_the_pupil_joins() -> None:
    assert kinds(["??", "??"]) == []


def test_closed_day_has_no_flags() -> None:
    marks, open_days, days = build(["NN", "##"])
    assert days[1] not in open_days
    assert flags_on(marks, open_days, days[1], POLICY) == []


def test_flags_sorted_most_urgent_first() -> None:
    flags = kinds(["II"] * 15 + ["NN"] * 20)
    assert flags == sorted(flags, key=lambda k: FlagKind(k).urgency)
    assert flags[0] == "twenty_day_run" and flags[-1] == "sickness_15"


# Property tests of the counting rules.

run_day = st.sampled_from(["GG", "NN", "OO", "GN", "NO", "OG"])
any_day = st.sampled_from(["GG", "NN", "OO", "/\\", "/N", "II", "GN", "LL", "MM", "U\\"])


@given(st.lists(run_day, min_size=1, max_size=30), st.integers(min_value=0, max_value=29))
def test_closure_inside_a_run_changes_nothing(days: list[str], where: int) -> None:
    where = where % len(days)
    marks, open_days, used = build(days)
    with_closure = [*days[:where], "##", *days[where:]]
    marks2, open_days2, used2 = build(with_closure)
    run = continuous_absence_run(marks, open_days, used[-1])
    run2 = continuous_absence_run(marks2, open_days2, used2[-1])
    assert run[0] == run2[0] == len(days)


@given(st.lists(run_day, min_size=1, max_size=30), st.sampled_from(range(7)))
def test_weekends_never_change_a_run_length(days: list[str], start_offset: int) -> None:
    # The same school days started on different weekdays span different weekends.
    start = date(2025, 1, 6 + start_offset)
    marks, open_days, used = build(days, start=start)
    assert continuous_absence_run(marks, open_days, used[-1])[0] == len(days)


@given(
    st.lists(run_day, min_size=1, max_size=15),
    st.sampled_from(["/\\", "/N", "N/", "IN", "MM", "LL", "U\\", "XX", "/?", "#I"]),
    st.lists(run_day, min_size=0, max_size=15),
)
def test_any_other_session_ends_a_run(before: list[str], breaker: str, after: list[str]) -> None:
    marks, open_days, used = build([*before, breaker, *after])
    length, since = continuous_absence_run(marks, open_days, used[-1])
    assert length == len(after)
    assert since == (used[len(before) + 1] if after else None)


@given(st.lists(any_day, min_size=1, max_size=40))
def test_run_length_is_the_trailing_all_gno_days(days: list[str]) -> None:
    marks, open_days, used = build(days)
    trailing = 0
    for pair in reversed(days):
        if not set(pair) <= {"G", "N", "O"}:
            break
        trailing += 1
    assert continuous_absence_run(marks, open_days, used[-1])[0] == trailing
    flags = flags_on(marks, open_days, used[-1], POLICY)
    assert all(f.run_school_days == trailing for f in flags)


# Cases found in review.


def test_overdue_n_from_the_previous_academic_year() -> None:
    # An N on Tuesday 15 July 2025, never corrected, is still overdue in September.
    marks, open_days, _ = build(["/\\", "N\\", "/\\", "/\\"], start=date(2025, 7, 14))
    autumn, open2, days2 = build(["/\\"] * 8, start=date(2025, 9, 1))
    merged = type(marks)({**marks.by_year, **autumn.by_year})
    late = [f for f in flags_on(merged, open_days + open2, days2[-1], POLICY)]
    assert [f.kind.value for f in late] == ["overdue_n"]
    assert (late[0].count, late[0].since) == (1, date(2025, 7, 15))
    assert "oldest 15/07/2025" in detail(late[0], POLICY)


def test_day_one_after_the_child_was_seen_in_school() -> None:
    marks, open_days, days = build(["/\\", "NN", "N/", "NN"])
    [flag] = flags_on(marks, open_days, days[-1], POLICY)
    assert flag.day_one and detail(flag, POLICY).startswith("Day one")
    # N every morning but in school every afternoon: each morning is a new day one.
    marks, open_days, days = build(["N/"] * 4 + ["N\\"])
    flags = flags_on(marks, open_days, days[-1], POLICY)
    unexplained = next(f for f in flags if f.kind is FlagKind.UNEXPLAINED_ABSENCE)
    assert unexplained.day_one and detail(unexplained, POLICY).startswith("Day one")


def test_pupils_own_closure_neither_counts_nor_breaks_a_run() -> None:
    pairs = ["NN"] * 6 + ["##"] + ["NN"] * 7
    marks, open_days, days = build(pairs, school_open={6})
    assert days[6] in open_days  # the school was open; only this pupil's year was not
    assert continuous_absence_run(marks, open_days, days[-1]) == (13, days[0])
    assert "continuous_absence_10" in [
        f.kind.value for f in flags_on(marks, open_days, days[-1], POLICY)
    ]


def test_missing_mark_carries_the_run_and_is_reported() -> None:
    # A lunchtime export: today's afternoon is not marked yet.
    marks, open_days, days = build(["NN"] * 12 + ["N?"])
    assert continuous_absence_run(marks, open_days, days[-1]) == (13, days[0])
    kinds = [f.kind.value for f in flags_on(marks, open_days, days[-1], POLICY)]
    assert {"continuous_absence_10", "missing_mark", "unexplained_absence"} <= set(kinds)


@given(st.lists(run_day, min_size=2, max_size=25), st.integers(min_value=1, max_value=24))
def test_unmarked_days_neither_count_nor_break_a_run(days: list[str], where: int) -> None:
    where = where % (len(days) - 1) + 1
    marks, open_days, used = build([*days[:where], "??", *days[where:]])
    assert continuous_absence_run(marks, open_days, used[-1])[0] == len(days)
