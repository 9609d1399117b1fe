"""An episode as the police give it: the risk level read from their words beside the raw
value and scheme, and the child's identity (RULES.md §7)."""

from __future__ import annotations

from datetime import date

import pytest

from cme.episodes.episode import (
    DETAIL_FIELDS,
    IDENTITY_LABELS,
    Child,
    MissingFrom,
    RiskLevel,
    fold,
    risk_level,
    risk_scheme,
)


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("Medium", RiskLevel.MEDIUM),
        ("MEDIUM RISK", RiskLevel.MEDIUM),
        ("med.", RiskLevel.MEDIUM),
        ("  low  ", RiskLevel.LOW),
        ("Low-risk", RiskLevel.LOW),
        ("High", RiskLevel.HIGH),
        ("Very High Risk", RiskLevel.VERY_HIGH),
        ("very-high", RiskLevel.VERY_HIGH),
        ("Critical", RiskLevel.VERY_HIGH),
        ("Absent", RiskLevel.ABSENT),
        ("No apparent risk", RiskLevel.NO_APPARENT_RISK),
        ("NO APPARENT RISK", RiskLevel.NO_APPARENT_RISK),
        ("No risk", RiskLevel.NO_APPARENT_RISK),
        ("NAR", RiskLevel.NO_APPARENT_RISK),
        ("Amber", RiskLevel.OTHER),
        ("risk", RiskLevel.OTHER),
        ("", None),
        ("  -  ", None),
    ],
)
def test_risk_level_from_the_polices_words(raw: str, level: RiskLevel | None) -> None:
    assert risk_level(raw) is level


def test_risk_levels_rank_for_ordering_and_other_is_unranked() -> None:
    ranked = [
        RiskLevel.NO_APPARENT_RISK,
        RiskLevel.LOW,
        RiskLevel.MEDIUM,
        RiskLevel.HIGH,
        RiskLevel.VERY_HIGH,
    ]
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)
    assert len({r.rank for r in ranked}) == len(ranked)
    assert RiskLevel.ABSENT.rank == RiskLevel.NO_APPARENT_RISK.rank
    assert RiskLevel.OTHER.rank < RiskLevel.ABSENT.rank
    assert RiskLevel.VERY_HIGH.label == "Very high"
    assert "police" in RiskLevel.OTHER.label


def test_the_scheme_named_by_the_file_wins() -> None:
    assert risk_scheme(RiskLevel.ABSENT, "Force's own 2019 scheme") == "Force's own 2019 scheme"
    assert risk_scheme(None, "College of Policing 2021") == "College of Policing 2021"


def test_the_scheme_is_read_from_words_only_one_scheme_uses() -> None:
    assert "ACPO 2013" in risk_scheme(RiskLevel.ABSENT, "")
    assert "College of Policing 2021" in risk_scheme(RiskLevel.NO_APPARENT_RISK, "")
    # Low, medium and high belong to every scheme: none is guessed.
    assert risk_scheme(RiskLevel.MEDIUM, "") == ""
    assert risk_scheme(RiskLevel.OTHER, "") == ""
    assert risk_scheme(None, "") == ""


def test_a_childs_key_ignores_accents_case_spacing_and_punctuation() -> None:
    born = date(2012, 3, 4)
    key = Child("Zoë", "Smith-Jones", date_of_birth=born).key
    assert Child("ZOE", "  smith  jones ", date_of_birth=born).key == key
    assert Child("Zoe", "Smith Jones", other_names="Zed", gender="F", date_of_birth=born).key == (
        key
    ), "other names and gender are not part of the key"
    assert Child("Zoe", "Smith-Jones", date_of_birth=date(2012, 4, 3)).key != key
    assert Child("Zoe", "Smith", date_of_birth=born).key != key
    assert Child("Smith-Jones", "Zoe", date_of_birth=born).key != key, "names not swapped"


def test_a_child_without_a_date_of_birth_still_has_a_key() -> None:
    assert Child("Ann", "Example").key == Child("ann", "EXAMPLE").key
    born = Child("Ann", "Example", date_of_birth=date(2012, 1, 1))
    assert Child("Ann", "Example").key != born.key
    assert Child("Ann", "Example").key.endswith("|-")


def test_fold() -> None:
    assert fold("  Siân  O'Connor ") == "sian o connor"
    assert fold("") == ""


def test_a_childs_name_for_people() -> None:
    assert Child("Ann", "Example").name == "Ann Example"
    assert Child(surname="Example").name == "Example"
    assert Child().name == "(no name given)"


def test_changes_to_lists_each_changed_identity_field_as_now_and_then() -> None:
    before = Child("Ann", "Example", "", date(2012, 3, 4), "F")
    after = Child("Anne", "Example", "Annie", date(2012, 4, 3), "F")
    assert before.changes_to(after) == {
        "forename": ("Ann", "Anne"),
        "other_names": ("", "Annie"),
        "date_of_birth": (date(2012, 3, 4), date(2012, 4, 3)),
    }
    assert list(before.changes_to(after)) == ["forename", "other_names", "date_of_birth"]
    assert before.changes_to(before) == {}
    assert set(before.changes_to(Child())) <= set(IDENTITY_LABELS)


def test_changes_to_is_exact_even_where_the_key_is_not() -> None:
    # A respelt name keeps the key but is still a change a person confirms.
    before = Child("Zoe", "Example", date_of_birth=date(2012, 3, 4))
    after = Child("Zoë", "Example", date_of_birth=date(2012, 3, 4))
    assert before.key == after.key
    assert before.changes_to(after) == {"forename": ("Zoe", "Zoë")}


def test_an_import_may_change_details_but_never_the_identity_without_confirmation() -> None:
    assert "child" not in DETAIL_FIELDS
    assert "force" not in DETAIL_FIELDS and "reference" not in DETAIL_FIELDS
    assert {"returned_at", "risk_raw", "looked_after"} <= set(DETAIL_FIELDS)


def test_missing_from_labels() -> None:
    assert [m.label for m in MissingFrom] == ["Home", "Care placement", "School", "Other"]
