"""The partnership's tables as plain rules (cme.measures.tables and the pages' tables, cards
and charts): which count hides each cell when a table is shared beyond the LA, what a viewer
who may not know of police episodes is shown, that cards and columns are picked by name so
reordering the rows cannot mislabel them, and how two groups that are one are added up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cme.measures.figures import SUPPRESSED, Figures, Group, Spread
from cme.measures.periods import Grain, Period
from cme.measures.tables import (
    HEADLINE_MEASURES,
    MATCHES_WAITING,
    MEASURES,
    WITHHELD,
    FigureTable,
    TrendRow,
    breakdown,
    headline,
    trend_table,
)
from cme.storage.measures.dashboard import Dashboard, _add
from cme.storage.measures.pack import _beside
from cme.storage.measures.scope import Scope
from cme.storage.measures.trend import Point
from cme.web.figures_charts import breakdown_chart, cards, trend_charts
from cme.web.figures_tables import la_tables, school_tables

WEEK = Period(date(2024, 10, 7), date(2024, 10, 13), "w/c 7 Oct")


def shared(table: FigureTable) -> dict[str, list[str]]:
    return {row[0].text: [c.text for c in row[1:]] for row in table.shareable().rows}


# --- which count hides a cell ---------------------------------------------------------------


def test_the_trends_episodes_are_hidden_by_the_children_they_were_about() -> None:
    rows = [
        TrendRow("a", 10, 6, 5, episodes=7, episode_children=3),  # 7 episodes of 3 children
        TrendRow("b", 10, 6, 5, episodes=3, episode_children=6),  # never: 6 children
        TrendRow("c", 10, 6, 5, episodes=9, episode_children=9),
    ]
    found = shared(trend_table(rows, "Week"))
    assert [found[k][3] for k in "abc"] == [WITHHELD, "3", "9"]


def test_interviews_held_hide_on_their_own_count_and_the_rate_on_those_due() -> None:
    f = Figures(return_interviews_due=8, return_interviews_within_72h=3).finish()
    found = shared(headline(f))
    # Three held of eight due: the three are hidden, the eight and the rate are not.
    assert found["Return interviews held within 72 hours"] == [SUPPRESSED]
    assert found["Children back from missing: return interviews due"] == ["8"]
    assert found["Return interviews held within 72 hours: rate"] == ["37.5%"]
    few_due = shared(headline(Figures(return_interviews_due=4, return_interviews_within_72h=4)))
    assert few_due["Children back from missing: return interviews due"] == [SUPPRESSED]
    assert few_due["Return interviews held within 72 hours"] == [SUPPRESSED]
    assert few_due["Return interviews held within 72 hours: rate"] == [WITHHELD]
    six = shared(headline(Figures(return_interviews_due=6, return_interviews_within_72h=6)))
    assert six["Return interviews held within 72 hours"] == ["6"]


def test_matches_waiting_hide_on_their_own_count_when_shared() -> None:
    assert shared(headline(Figures(), matches_waiting=2))[MATCHES_WAITING] == [SUPPRESSED]
    assert shared(headline(Figures(), matches_waiting=5))[MATCHES_WAITING] == ["5"]
    assert shared(headline(Figures(), matches_waiting=0))[MATCHES_WAITING] == ["0"]
    # Unshared, the LA sees its own small number.
    own = headline(Figures(), matches_waiting=2).row(MATCHES_WAITING)
    assert own is not None and own[1].text == "2"


# --- without police episodes ---------------------------------------------------------------

EPISODE_LABELS = {m.label for m in HEADLINE_MEASURES if m.episodes}
BUSY = Figures(
    unexplained_absence_sessions=40,
    unexplained_absence_children=9,
    hidden_missing_children=6,
    cases_opened=7,
    episodes=12,
    episode_children=8,
    repeat_children=5,
    return_interviews_due=6,
    return_interviews_within_72h=5,
).finish()


def _board(sees_episodes: bool) -> Dashboard:
    point = Point(WEEK, 40, 9, 7, 12, 8)
    return Dashboard(
        scope=Scope(1, 2, episodes=sees_episodes),
        period=WEEK,
        grain=Grain.WEEK,
        figures=BUSY,
        open_by_stage=[("With the LA", 7)],
        closed_by_outcome=[],
        trend=[point],
        pupils=100,
        sees_episodes=sees_episodes,
        school_name="School A",
        scope_name="School A",
        la_figures=BUSY,
        la_trend=[point],
        la_pupils=400,
    )


def test_a_viewer_not_told_of_episodes_gets_no_episode_row_column_or_series() -> None:
    for tables in (school_tables(_board(False)), la_tables(_board(False))):
        head = tables["headline"]
        labels = {row[0].text for row in head.rows}
        assert labels & EPISODE_LABELS == set()
        assert "Children with unexplained absence" in labels
        assert "Episodes" not in tables["trend"].headings
        assert "Hidden missing" not in str(head.note)
        shown = [c.label for c in cards(head)]
        assert shown[:3] == [
            "Unexplained absence sessions",
            "Children with unexplained absence",
            "CME cases opened",
        ]
        assert not any("missing" in c.casefold() or "interview" in c.casefold() for c in shown)
    school = school_tables(_board(False))
    assert "Episodes" not in school["headline"].note
    charts = "".join(trend_charts(school["trend"], "School A"))
    assert "episode" not in charts.casefold()
    groups = [Group("9", "Year 9", BUSY)]
    table = breakdown("by-year-group", "By year group", "Year group", groups, episodes=False)
    assert table.headings == [
        "Year group",
        "Unexplained sessions",
        "Children absent",
        "Cases opened",
        "Cases closed",
        "Removals",
        "Referred to LA",
        "Median days to referral",
    ]
    assert "missing" not in breakdown_chart(table).casefold()


def test_a_viewer_told_of_episodes_gets_them() -> None:
    tables = school_tables(_board(True))
    labels = {row[0].text for row in tables["headline"].rows}
    assert EPISODE_LABELS <= labels
    assert "Episodes" in tables["trend"].headings
    assert "Missing from home or care: episodes" in [c.label for c in cards(tables["headline"])]
    assert "Missing episodes" in "".join(trend_charts(tables["trend"], "School A"))


# --- picked by name, not by place ----------------------------------------------------------


def test_cards_and_rates_per_100_are_picked_by_the_rows_label() -> None:
    table = school_tables(_board(True))["headline"]
    reordered = replace(table, rows=list(reversed(table.rows)))
    by_label = {c.label: c for c in cards(reordered, per_100_from=2)}
    assert by_label["CME cases opened"].value == "7"
    assert by_label["Children with unexplained absence"].value == "9"
    assert by_label["Repeat missing children"].value == "5"
    # 40 sessions for 100 pupils, the LA's 40 for 400.
    assert by_label["Unexplained absence sessions"].hint == "40.0 per 100 pupils (LA average 10.0)"
    assert by_label["Cases open at the end of the period"].hint == ""
    rows = {row[0].text: row for row in table.rows}
    assert rows[MEASURES["opened"].label][2].text == "7.0"
    assert rows[MEASURES["referrals"].label][2].text == ""


def test_the_breakdowns_columns_read_the_measure_they_are_named_for() -> None:
    f = replace(BUSY, cases_closed=3, removals=2, referrals=4)
    table = breakdown("by-gender", "By gender", "Gender", [Group("F", "Female", f)])
    row = dict(zip(table.headings, (c.text for c in table.rows[0]), strict=True))
    assert row["Cases opened"] == "7" and row["Cases closed"] == "3"
    assert row["Removals"] == "2" and row["Referred to LA"] == "4"
    assert row["Episodes"] == "12" and row["Children missing"] == "8"
    assert row["Hidden missing"] == "6" and row["Repeat children"] == "5"
    assert row["Interviews within 72h"] == "83.3%"


# --- groups that are one, counts by label --------------------------------------------------


def test_two_groups_added_up_keep_counts_but_not_an_exact_median() -> None:
    a = Figures(cases_opened=2, referrals=2, referral_days=Spread(2, 4.0, 3.0, 5.0, 2, 6))
    b = Figures(cases_opened=1, referrals=3, referral_days=Spread(3, 10.0, 8.0, 12.0, 7, 14))
    merged = _add(a, b)
    assert (merged.cases_opened, merged.referrals) == (3, 5)
    # Neither median is the merged group's: only how many cases it rests on is known.
    assert merged.referral_days == Spread(count=5)
    # One side with no referrals: the other's spread is the whole group's, exactly.
    assert _add(a, Figures(cases_opened=4)).referral_days == a.referral_days
    assert _add(Figures(), b).referral_days == b.referral_days


def test_a_label_given_twice_beside_last_year_adds_up() -> None:
    table = _beside(
        "by-stage",
        "By stage",
        "Stage",
        [("With the LA", 3), ("Not known", 1), ("Not known", 2)],
        [("Not known", 4), ("Closed", 1)],
    )
    rows = {row[0].text: [c.value for c in row[1:]] for row in table.rows}
    assert rows == {"With the LA": [3, 0], "Not known": [3, 4], "Closed": [0, 1]}
