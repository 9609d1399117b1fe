from __future__ import annotations

import pytest

from cme.marks import BY_CODE, MARKS, Category, UnknownMark, code_for, normalise, symbol_for


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("N", "N"),
        (" n ", "N"),
        ("o", "O"),
        ("\u00a0G\u00a0", "G"),
        ("/", "/"),
        ("\\", "\\"),
        ("c1", "C1"),
        ("y7", "Y7"),
        ("J", "J1"),
        ("H", "H"),
        ("F", "F"),
        ("Y", "Y"),
        ("", None),
        ("  ", None),
        ("-", None),
        (None, None),
        ("#", "#"),
    ],
)
def test_marks_are_normalised(raw: object, code: str | None) -> None:
    assert normalise(raw) == code


@pytest.mark.parametrize("raw", ["A", "NN", "Y8", "present", "7", "?"])
def test_unknown_mark_lists_valid_codes(raw: str) -> None:
    with pytest.raises(UnknownMark) as err:
        normalise(raw)
    assert repr(raw) in str(err.value)
    assert "valid codes: /, \\, L, K" in str(err.value)


def test_every_code_has_a_distinct_symbol_that_round_trips() -> None:
    assert len({m.symbol for m in MARKS}) == len(MARKS)
    for mark in MARKS:
        assert len(mark.symbol) == 1
        assert code_for(symbol_for(mark.code)) == mark.code


def test_categories_follow_the_regulations() -> None:
    assert BY_CODE["K"].category is Category.ATTENDING_ELSEWHERE
    assert BY_CODE["D"].category is Category.NOT_POSSIBLE
    assert BY_CODE["I"].category is Category.AUTHORISED
    assert BY_CODE["H"].category is Category.AUTHORISED
    assert BY_CODE["Y"].category is Category.NOT_POSSIBLE
    assert {m.code for m in MARKS if m.category is Category.UNAUTHORISED} == {"G", "N", "O", "U"}
    assert {m.code for m in MARKS if m.unexplained} == {"N", "O"}
