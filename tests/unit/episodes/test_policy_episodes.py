"""The LA's thresholds for children missing from home or care: ranges, messages in words, and
policies stored before these thresholds existed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cme.errors import InvalidField
from cme.policy import MAX_THEME_LENGTH, MAX_THEMES, NAMES, Policy


def policy_with(name: str, value: object) -> Policy:
    values: dict[str, Any] = {name: value}
    if name == "repeat_window_length":
        # Up to 365 in days; in months, at most 12 (test_repeat_trigger.py).
        values["repeat_window_unit"] = "days"
    return Policy(**values)


def test_the_defaults_are_rules_md() -> None:
    policy = Policy()
    assert (policy.repeat_episodes, policy.repeat_window_length) == (3, 3)
    assert policy.repeat_window_unit == "months"
    assert policy.repeat_meeting_days == 7
    assert policy.missing_escalation_hours == 24
    assert policy.looked_after_escalation_hours == 48
    assert policy.return_interview_hours == 72
    assert policy.hampshire_interview_criteria is False
    assert policy.extra_themes == ()


@pytest.mark.parametrize(
    ("name", "low", "high", "words"),
    [
        ("repeat_episodes", 2, 20, "episodes"),
        ("repeat_window_length", 1, 365, "days or months"),
        ("repeat_meeting_days", 1, 60, "days"),
        ("missing_escalation_hours", 1, 720, "hours"),
        ("looked_after_escalation_hours", 1, 720, "hours"),
        ("return_interview_hours", 1, 72, "hours"),
    ],
)
def test_each_number_has_its_range_and_a_message_in_words(
    name: str, low: int, high: int, words: str
) -> None:
    assert getattr(policy_with(name, low), name) == low
    assert getattr(policy_with(name, high), name) == high
    for bad in (low - 1, high + 1, True, "3", 3.0, None):
        with pytest.raises(InvalidField) as raised:
            policy_with(name, bad)
        assert raised.value.field == NAMES[name]
        message = str(raised.value)
        assert message == (f"{NAMES[name]}: enter a whole number of {words} from {low} to {high}.")
        assert name not in message


def test_the_return_interview_may_not_be_later_than_72_hours() -> None:
    with pytest.raises(InvalidField, match="from 1 to 72"):
        Policy(return_interview_hours=96)


def test_the_window_is_in_days_or_months() -> None:
    assert Policy(repeat_window_unit="days", repeat_window_length=30).repeat_window_unit == "days"
    for bad in ("weeks", "Months", "", None):
        with pytest.raises(InvalidField) as raised:
            Policy(repeat_window_unit=bad)  # type: ignore[arg-type]
        assert raised.value.field == NAMES["repeat_window_unit"]
        assert "choose days or months" in str(raised.value)
        assert "repeat_window_unit" not in str(raised.value)


def test_hampshire_criteria_are_yes_or_no() -> None:
    assert Policy(hampshire_interview_criteria=True).hampshire_interview_criteria is True
    for bad in (1, "yes", None):
        with pytest.raises(InvalidField, match="choose yes or no"):
            Policy(hampshire_interview_criteria=bad)  # type: ignore[arg-type]


def test_extra_themes_are_tidied() -> None:
    policy = Policy(extra_themes=["  County   lines ", "", "Gangs", "   ", "County lines"])  # type: ignore[arg-type]
    assert policy.extra_themes == ("County lines", "Gangs")
    assert isinstance(policy.extra_themes, tuple)


@pytest.mark.parametrize("bad", ["County lines", ["Gangs", 3], None, 7])
def test_extra_themes_must_be_words(bad: object) -> None:
    with pytest.raises(InvalidField) as raised:
        Policy(extra_themes=bad)  # type: ignore[arg-type]
    assert raised.value.field == NAMES["extra_themes"]
    assert "give each theme as words" in str(raised.value)


def test_extra_themes_have_limits() -> None:
    Policy(extra_themes=tuple(f"Theme {n}" for n in range(MAX_THEMES)))
    Policy(extra_themes=("x" * MAX_THEME_LENGTH,))
    with pytest.raises(InvalidField, match=f"at most {MAX_THEMES} themes"):
        Policy(extra_themes=tuple(f"Theme {n}" for n in range(MAX_THEMES + 1)))
    with pytest.raises(InvalidField, match=f"up to {MAX_THEME_LENGTH} characters"):
        Policy(extra_themes=("x" * (MAX_THEME_LENGTH + 1),))
    # Repeats and blanks do not count towards the limit.
    Policy(extra_themes=("Gangs",) * (MAX_THEMES + 5))


def test_json_round_trip() -> None:
    policy = Policy(
        sickness_school_days=12,
        repeat_episodes=4,
        repeat_window_length=30,
        repeat_window_unit="days",
        repeat_meeting_days=5,
        missing_escalation_hours=12,
        looked_after_escalation_hours=36,
        return_interview_hours=48,
        hampshire_interview_criteria=True,
        extra_themes=("County lines", "Gangs"),
    )
    text = policy.to_json()
    assert json.loads(text)["extra_themes"] == ["County lines", "Gangs"]
    assert Policy.from_json(text) == policy
    assert Policy.from_json(Policy().to_json()) == Policy()


def test_a_policy_stored_before_missing_from_home_still_loads_with_the_defaults() -> None:
    stored = json.dumps(
        {
            "n_code_deadline_school_days": 4,
            "continuous_absence_school_days": 8,
            "sickness_school_days": 15,
            "removal_run_school_days": 20,
            "la_contact_school_days": 3,
        }
    )
    policy = Policy.from_json(stored)
    assert policy.continuous_absence_school_days == 8
    assert policy.n_code_deadline_school_days == 4
    assert policy.repeat_episodes == 3 and policy.repeat_window_unit == "months"
    assert policy.return_interview_hours == 72
    assert policy.extra_themes == ()
    assert Policy.from_json(None) == Policy() == Policy.from_json("")


def test_a_stored_setting_not_known_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown policy settings: repeat_weeks"):
        Policy.from_json(json.dumps({"repeat_weeks": 2}))
