"""Each LA's thresholds (cme.policy.Policy), stored as JSON on the LA's row."""

from __future__ import annotations

from dataclasses import asdict

from cme.access import Viewer
from cme.events import Action
from cme.policy import Policy
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.tables import LocalAuthority


async def policy_for_la(la_id: int) -> Policy:
    row = (
        await LocalAuthority.select(LocalAuthority.policy).where(LocalAuthority.id == la_id).first()
    )
    return Policy.from_json(row["policy"] if row else None)


async def set_policy(viewer: Viewer, policy: Policy) -> None:
    async with write_transaction():
        before = await policy_for_la(viewer.la_id)
        await LocalAuthority.update({LocalAuthority.policy: policy.to_json()}).where(
            LocalAuthority.id == viewer.la_id
        )
        after = asdict(policy)
        changes = {k: [v, after[k]] for k, v in asdict(before).items() if after[k] != v}
        await audit.record(Action.POLICY_CHANGED, viewer=viewer, changes=changes)
