"""The audit trail's words: every action and detail reads as words, never as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cme.events import Action
from cme.storage.audit import AuditRow
from la_portal import audit_words


def row(action: Action | None, value: str = "", **detail: Any) -> AuditRow:
    return AuditRow(
        id=1,
        at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        action=action,
        action_value=action.value if action else value,
        account_id=None,
        email=None,
        name=None,
        school_id=None,
        school=None,
        detail=detail,
    )


def test_every_action_has_words_even_with_no_details() -> None:
    for action in Action:
        words = audit_words.describe(row(action))
        assert words.summary.startswith(action.label) or action is Action.LIST_DOWNLOADED
        assert "{" not in words.summary and "None" not in words.summary


def test_unknown_keys_and_nested_values_read_as_words() -> None:
    words = audit_words.describe(
        row(
            Action.REGISTER_IMPORTED,
            pupils=1,
            marks_changed=1,
            new_thing={"first_part": [1, 2], "flag_on": True},
            when_checked="2026-11-05",
        )
    )
    assert words.summary == "Register imported: 1 pupil, 1 mark changed"
    assert "New thing: First part: 1 \u2192 2; Flag on: yes" in words.details
    assert "When checked: 05/11/2026" in words.details
    assert not any("{" in line or "_" in line for line in words.details)


def test_an_action_from_a_newer_version_still_reads() -> None:
    words = audit_words.describe(row(None, "case.opened", case_number=12))
    assert words.summary == "Case opened"
    assert words.details == ["Case number: 12"]


def test_a_child_no_longer_on_record_is_still_named_by_upn() -> None:
    words = audit_words.describe(row(Action.PUPIL_VIEWED, pupil_id=9, upn="A370200124000"))
    assert words.summary.endswith("(UPN A370200124000)")
