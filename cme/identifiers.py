"""Checks for the identifiers people type: LA codes, URNs, email addresses, passwords."""

from __future__ import annotations

import re

from cme.errors import InvalidField

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
        raise InvalidField(
            "LA code", f"The LA code must be the LA's 3-digit DfE code, e.g. 370 (not {value!r})."
        )
    return value


def urn(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"\d{6}", value):
        raise InvalidField(
            "URN", f"The URN must be the school's 6-digit unique reference number (not {value!r})."
        )
    return value


def email(value: str) -> str:
    value = value.strip().lower()
    if not value:
        raise InvalidField("Email address", "Enter the email address.")
    if not _EMAIL.fullmatch(value) or len(value) > 254:
        raise InvalidField("Email address", f'"{value}" is not an email address.')
    return value


def name(value: str, what: str = "name") -> str:
    value = " ".join(value.split())
    if not value:
        raise InvalidField(what, f"Enter the {what}.")
    if len(value) > 200:
        raise InvalidField(what, f"The {what} must be at most 200 characters.")
    return value


def password(value: str) -> str:
    if len(value) < MIN_PASSWORD_LENGTH:
        raise InvalidField(
            "Password", f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
        )
    return value
