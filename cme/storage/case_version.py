"""A value on each LA that changes with every change to its cases (or to its children's
statuses): what was worked out from the cases under one value is still right while it stands.
The caseload keeps its counts under it (`caseload.py`)."""

from __future__ import annotations

import secrets

from cme.storage.tables import LocalAuthority


def new_cases_version() -> int:
    # Random rather than counted: an LA deleted and added again never meets its old values.
    return secrets.randbits(31)


async def cases_changed(la_id: int) -> None:
    """Call in the transaction of the change."""
    await LocalAuthority.update({LocalAuthority.cases_version: new_cases_version()}).where(
        LocalAuthority.id == la_id
    )
