"""Reading one cell of a pupil-details export: yes or no, a date of birth, phone numbers."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cme.pupil_details import LIMITS, postcode_text
from imports.cells import parse_date, text

YES_NO = "write Y, N, Yes, No, TRUE or FALSE, or leave it blank for no"
YES_WORDS = {"y", "yes", "true", "t", "1", "x", "✓", "✔"}
NO_WORDS = {"n", "no", "false", "f", "0", "-", "none"}
SEN_CODES = {
    **dict.fromkeys(("", "n", "no", "none", "-"), (False, False)),
    **dict.fromkeys(
        ("k", "a", "p", "sen support", "support", "school action", "school action plus"),
        (True, False),
    ),
    **dict.fromkeys(("e", "s", "ehcp", "ehc plan", "statement"), (False, True)),
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SPLIT_PHONES = re.compile(r"\s*(?:[;,|/\n]|\bor\b)\s*")


class Bad(ValueError):
    """A cell that cannot be read; the message says what is wrong with it, and `col` and
    `value` where, when the reader knows better than its caller."""

    def __init__(self, message: str, col: int | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.col = col
        self.value = value


def shown(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, tuple):
        parts = [p for v in value for p in (v if isinstance(v, tuple) else (v,)) if p]
        return repr(", ".join(str(p) for p in parts))
    return repr(value)


def yes_no(value: Any) -> bool | None:
    """True, False, or None for a blank cell; a value that is neither is refused."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise Bad(f"{text(value)!r} is not Yes or No: {YES_NO}.")
    word = text(value).lower().rstrip(".")
    if not word:
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise Bad(f"{text(value)!r} is not Yes or No: {YES_NO}.")


def personal(key: str, raw: Any) -> Any:
    if key == "date_of_birth":
        born = parse_date(raw)
        if born is None or not date(1900, 1, 1) <= born <= date(2100, 1, 1):
            raise Bad(f"{text(raw)!r} is not a date of birth: write it as dd/mm/yyyy.")
        return born
    value = text(raw)
    if key == "postcode":
        value = postcode_text(value)
    limit = {"postcode": LIMITS["postcode"], "gender": LIMITS["gender"]}.get(key, LIMITS["name"])
    if len(value) > limit:
        raise Bad(f"This is longer than {limit} characters.")
    return value


def phone_numbers(raw: Any) -> list[str]:
    """The numbers in a cell: several may share one, and a number typed into Excel as a
    number has lost its leading 0."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        digits = text(raw)
        return [f"0{digits}" if len(digits) == 10 and digits[0] != "0" else digits]
    return [p for p in SPLIT_PHONES.split(str(raw or "").strip()) if p.strip()]
