"""The caseload's address is read leniently: anything that is not a plain number or a known
choice means "any", never an error page."""

from __future__ import annotations

from cme.cases.case import Stage
from cme.storage.caseload import Filters, Risk, Sort, State


def test_numbers_other_than_plain_ascii_digits_mean_any() -> None:
    for odd in ("²", "١٢", "12a", "-1", "9" * 12, ""):
        f = Filters.parse({"school": odd, "page": odd, "officer": odd})
        assert (f.school, f.page, f.officer) == (None, 1, None)


def test_known_choices_are_kept_and_unknown_ones_dropped() -> None:
    f = Filters.parse(
        {"state": "missing", "stage": "with_la", "risk": "cp_plan", "sort": "days", "dir": "desc"}
    )
    assert (f.state, f.stage, f.risk, f.sort, f.descending) == (
        State.MISSING,
        Stage.WITH_LA,
        Risk.CP_PLAN,
        Sort.DAYS,
        True,
    )
    f = Filters.parse({"state": "nope", "stage": "x", "risk": "y", "sort": "z", "officer": "me"})
    assert (f.state, f.stage, f.risk, f.sort, f.officer) == (
        State.OPEN,
        None,
        None,
        Sort.DUE,
        "me",
    )


def test_a_new_filter_starts_at_page_one_and_sorting_again_reverses() -> None:
    f = Filters.parse({"page": "3", "sort": "school"})
    assert f.query(overdue=True)["page"] is None
    assert f.query(page=4)["page"] == "4"
    assert f.sorted_by(Sort.SCHOOL)["dir"] == "desc"
    assert f.sorted_by(Sort.RISK)["dir"] == "desc" and f.sorted_by(Sort.PUPIL)["dir"] is None
