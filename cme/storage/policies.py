"""Each LA's thresholds (cme.policy.Policy), stored as JSON on the LA's row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, replace

from cme.access import Viewer
from cme.errors import InvalidField
from cme.events import Action
from cme.policy import FIXED_BY_LAW, NAMES, Policy
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.organisations import lock_la
from cme.storage.tables import FlagSnapshot, LocalAuthority, MissingChild, School


async def policy_for_la(la_id: int) -> Policy:
    row = (
        await LocalAuthority.select(LocalAuthority.policy).where(LocalAuthority.id == la_id).first()
    )
    return Policy.from_json(row["policy"] if row else None)


async def set_policy(viewer: Viewer, policy: Policy, only: Iterable[str] | None = None) -> None:
    """Store the LA's thresholds; with `only`, just those of `policy`, the rest kept as stored
    when the transaction reads them, so two forms saved at once do not undo each other."""
    # Refused here as well as left off the form, so that no caller can store another value.
    for name, value in FIXED_BY_LAW.items():
        if getattr(policy, name) != value:
            raise InvalidField(
                NAMES[name],
                f"{NAMES[name]} is set by law at {value} school days and cannot be changed.",
            )
    async with write_transaction():
        await lock_la(viewer.la_id)
        before = await policy_for_la(viewer.la_id)
        if only is not None:
            policy = replace(before, **{name: getattr(policy, name) for name in only})
        await LocalAuthority.update({LocalAuthority.policy: policy.to_json()}).where(
            LocalAuthority.id == viewer.la_id
        )
        # Flags stored under the old thresholds are worked out again when next needed.
        schools = School.select(School.id).where(School.la == viewer.la_id)
        await FlagSnapshot.delete().where(FlagSnapshot.school.is_in(schools))
        after = asdict(policy)
        changes = {k: [v, after[k]] for k, v in asdict(before).items() if after[k] != v}
        await audit.record(Action.POLICY_CHANGED, viewer=viewer, changes=changes)
        if any(name.startswith("repeat_") for name in changes):
            # A new rule applies to the children already recorded, not only to new episodes.
            from cme.storage.episode_children import raise_repeat_meetings

            children = MissingChild.select(MissingChild.id).where(MissingChild.la == viewer.la_id)
            ids = [int(r["id"]) for r in await children]
            await raise_repeat_meetings(viewer.la_id, ids, policy, viewer)
