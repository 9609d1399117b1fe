"""The mistakes and refusals a user can meet, named once for the whole tracker.

The domain core and the storage layer raise these; the web maps them to pages once
(`cme.web.pages`) and the command line to one-line errors once (`cme.cli`). Anything else that
escapes is a bug, shown as one: never worded as the user's mistake.
"""

from __future__ import annotations

from collections.abc import Sequence


class UserError(Exception):
    """Something the person using the tracker can put right; `message` is written for them."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    """The record does not exist, or the signed-in user may not see it: the two are never
    told apart, so that ids of other schools' records reveal nothing."""


class Conflict(UserError):
    """The change clashes with what is stored (an email already in use, a URN already added)."""


class InvalidField(UserError):
    """One value a person typed is not acceptable. `field` names it in words ("Email
    address"), so that a form can show the message beside it and keep what was typed."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class Refused(UserError):
    """A whole action is refused, for the reasons given (each a sentence for a person)."""

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        self.reasons = list(reasons)
        super().__init__(message)

    def __str__(self) -> str:
        return " ".join([self.message, *self.reasons])


class Unavailable(UserError):
    """A service the tracker needs (the database, Redis) cannot be reached or is not ready.
    The message is for whoever runs the tracker: it names the setting and the address."""
