"""Checks for the identifiers people type: LA codes, URNs, email addresses, passwords."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12

# The longest value stored for each pupil detail (the database columns use these).
PUPIL_FIELD_LIMITS = {
    "upn": 32,
    "forename": 200,
    "surname": 200,
    "gender": 30,
    "year_group": 30,
    "reg_group": 60,
}


def la_code(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"\d{3}", value):
        raise ValueError(f"LA code {value!r} must be the LA's 3-digit DfE code, e.g. 370")
    return value


def urn(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"\d{6}", value):
        raise ValueError(f"URN {value!r} must be the school's 6-digit unique reference number")
    return value


def email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL.fullmatch(value) or len(value) > 254:
        raise ValueError(f"{value!r} is not an email address")
    return value


def name(value: str, what: str = "name") -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError(f"the {what} must not be empty")
    if len(value) > 200:
        raise ValueError(f"the {what} must be at most 200 characters")
    return value


def password(value: str) -> str:
    if len(value) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return value
