"""Each LA's thresholds (cme.policy.Policy), stored as JSON on the LA's row."""

from __future__ import annotations

from dataclasses import asdict

from cme.access import Viewer
from cme.policy import Policy
from cme.storage import audit
from cme.storage.tables import LocalAuthority


async def policy_for_la(la_id: int) -> Policy:
    row = (
        await LocalAuthority.select(LocalAuthority.policy).where(LocalAuthority.id == la_id).first()
    )
    return Policy.from_json(row["policy"] if row else None)


async def set_policy(viewer: Viewer, policy: Policy) -> None:
    before = await policy_for_la(viewer.la_id)
    await LocalAuthority.update({LocalAuthority.policy: policy.to_json()}).where(
        LocalAuthority.id == viewer.la_id
    )
    changes = {
        k: [v, asdict(policy)[k]] for k, v in asdict(before).items() if asdict(policy)[k] != v
    }
    await audit.record("policy.changed", viewer=viewer, changes=changes)
