"""The details of a child that the matcher compares: a pupil on a school's roll, or the child
of a police missing episode. Both are the same shape, so one comparison serves both sides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Person:
    id: str
    forename: str = ""
    surname: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    # Address lines joined by newlines or commas; the postcode may be in it or given apart.
    address: str = ""
    postcode: str = ""
    # The police's "other names" (aliases), a pupil's preferred name: any of these may be
    # the name the other side wrote down.
    other_names: str = ""
    former_surnames: str = ""
