"""Who at the LA works each case: the CME officers of the LA, and assigning cases to them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from cme.access import Viewer
from cme.cases.case import EventKind
from cme.errors import InvalidField, NotFound, Refused
from cme.events import Action
from cme.notices import NoticeKind
from cme.roles import Role
from cme.storage import audit, case_summary
from cme.storage.case_version import cases_changed
from cme.storage.cases import add_event
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.notifications import notify
from cme.storage.scope import pupils_of
from cme.storage.tables import Account, Pupil
from cme.storage.tables import Case as CaseRow

# A bulk assignment is one form post; this bounds what one post may change.
MOST_AT_ONCE = 500


async def officers(viewer: Viewer) -> list[dict[str, Any]]:
    """The active CME officers of the viewer's LA, by name: whom cases may be assigned to."""
    return list(
        await Account.select(Account.id, Account.display_name, Account.email)
        .where(
            Account.la == viewer.la_id,
            Account.role == Role.CME_OFFICER.value,
            Account.active.eq(True),
        )
        .order_by(Account.display_name)
    )


async def assign(viewer: Viewer, case_ids: Collection[int], officer_id: int | None) -> int:
    """Assign the cases to the officer (None: to nobody); returns how many changed. One
    transaction: every case on its timeline and in the audit trail, the officer told once."""
    if viewer.role is not Role.CME_OFFICER:
        raise Refused("Only the LA's CME officers assign cases.")
    ids = sorted(set(case_ids))
    if not ids:
        raise InvalidField("Cases", "Choose at least one case to assign.")
    if len(ids) > MOST_AT_ONCE:
        raise InvalidField("Cases", f"Assign at most {MOST_AT_ONCE} cases at once.")
    async with write_transaction():
        officer_name: str | None = None
        if officer_id is not None:
            chosen = [o for o in await officers(viewer) if o["id"] == officer_id]
            if not chosen:
                raise InvalidField("Officer", "Choose one of your LA's CME officers.")
            officer_name = chosen[0]["display_name"]
        rows = await pupils_of(
            CaseRow.select(
                CaseRow.id,
                CaseRow.pupil,
                CaseRow.school,
                CaseRow.la,
                CaseRow.assigned_to,
                CaseRow.assigned_to.display_name,
            ).where(CaseRow.id.is_in(ids)),
            viewer,
            CaseRow.school,
        )
        if len(rows) != len(ids):
            raise NotFound("no such case")
        upns = {
            int(p["id"]): p["upn"]
            for p in await Pupil.select(Pupil.id, Pupil.upn).where(
                Pupil.id.is_in([int(r["pupil"]) for r in rows])
            )
        }
        # In id order, as every writer of several cases takes them (no two wait on each other).
        changed = sorted(
            (r for r in rows if r["assigned_to"] != officer_id), key=lambda r: int(r["id"])
        )
        now = utcnow()
        for r in changed:
            case_id = int(r["id"])
            await CaseRow.update(
                {CaseRow.assigned_to: officer_id, CaseRow.assigned_at: now if officer_id else None}
            ).where(CaseRow.id == case_id)
            before = r["assigned_to.display_name"]
            event = await add_event(
                case_id,
                EventKind.ASSIGNED,
                {"to": officer_name, "from": before},
                viewer.user_id,
            )
            await audit.record(
                Action.CASE_ASSIGNED,
                viewer=viewer,
                la_id=int(r["la"]),
                school_id=int(r["school"]),
                case_id=case_id,
                pupil_id=int(r["pupil"]),
                upn=upns.get(int(r["pupil"])),
                event=event,
                changes={"assigned_to": [r["assigned_to"], officer_id]},
            )
            await case_summary.refresh_case(case_id, changed=False)
        if changed:
            # Once, after every case (cases first, then the LA: see case_summary.store).
            await cases_changed(viewer.la_id)
        if changed and officer_id is not None and officer_id != viewer.user_id:
            # One notice however many cases: several link to the officer's own list.
            one = int(changed[0]["id"]) if len(changed) == 1 else None
            await notify(
                NoticeKind.CASE_ASSIGNED,
                la_id=viewer.la_id,
                school_id=None,
                roles={Role.CME_OFFICER},
                link=f"/la/cases/{one}" if one else "/la/cases/?officer=me",
                case_id=one,
                accounts={officer_id},
            )
    return len(changed)
