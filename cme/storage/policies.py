"""Each LA's thresholds (cme.policy.Policy), stored as JSON on the LA's row."""

from __future__ import annotations

from dataclasses import asdict

from cme.access import Viewer
from cme.errors import InvalidField
from cme.events import Action
from cme.policy import FIXED_BY_LAW, NAMES, Policy
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.tables import FlagSnapshot, LocalAuthority, School


async def policy_for_la(la_id: int) -> Policy:
    row = (
        await LocalAuthority.select(LocalAuthority.policy).where(LocalAuthority.id == la_id).first()
    )
    return Policy.from_json(row["policy"] if row else None)


async def set_policy(viewer: Viewer, policy: Policy) -> None:
    # Refused here as well as left off the form, so that no caller can store another value.
    for name, value in FIXED_BY_LAW.items():
        if getattr(policy, name) != value:
            raise InvalidField(
                NAMES[name],
                f"{NAMES[name]} is set by law at {value} school days and cannot be changed.",
            )
    async with write_transaction():
        before = await policy_for_la(viewer.la_id)
        await LocalAuthority.update({LocalAuthority.policy: policy.to_json()}).where(
            LocalAuthority.id == viewer.la_id
        )
        # Flags stored under the old thresholds are worked out again when next needed.
        schools = School.select(School.id).where(School.la == viewer.la_id)
        await FlagSnapshot.delete().where(FlagSnapshot.school.is_in(schools))
        after = asdict(policy)
        changes = {k: [v, after[k]] for k, v in asdict(before).items() if after[k] != v}
        await audit.record(Action.POLICY_CHANGED, viewer=viewer, changes=changes)
