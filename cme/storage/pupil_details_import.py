"""Importing a parsed pupil-details file: only what the file gives, only what differs, every
earlier version kept (see `cme.storage.pupil_details`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from piccolo.table import Table

from cme.access import Viewer
from cme.errors import NotFound
from cme.events import Action
from cme.pupil_details import Contact, PupilDetails, normal_name
from cme.storage import audit
from cme.storage.case_version import cases_changed
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.matching import rematch_wanted
from cme.storage.pupil_details import (
    HAND,
    IMPORT,
    ImportResult,
    _contact_of,
    _contact_row,
    _detail_row,
    _details_of,
    _personal,
)
from cme.storage.tables import (
    Pupil,
    PupilContactVersion,
    PupilDetailVersion,
    PupilStatusVersion,
    School,
)
from imports.errors import Problem
from imports.pupil_details import (
    ImportedPupil,
    PupilDetailsError,
    PupilDetailsFile,
    parse_pupil_details,
)

_CHUNK = 400


# --- importing -------------------------------------------------------------------------


async def import_file(
    viewer: Viewer | None, school_id: int, data: bytes, filename: str, max_bytes: int
) -> ImportResult:
    """Parse the file and import it, or raise PupilDetailsError with what to fix."""
    parsed = parse_pupil_details(data, filename, max_bytes)
    return await import_pupil_details(viewer, school_id, parsed)


async def import_pupil_details(
    viewer: Viewer | None, school_id: int, rows: PupilDetailsFile
) -> ImportResult:
    """Store the file's details for the school's pupils, matched by UPN, in one transaction.
    A UPN that is not on the school's roll refuses the whole file, naming its row: details
    are kept for pupils the register knows, and a mistyped UPN must not vanish unseen."""
    if viewer is not None and (not viewer.role.works_in_school or viewer.school_id != school_id):
        raise NotFound("no such school")
    school = await School.select(School.id, School.la).where(School.id == school_id).first()
    if school is None:
        raise NotFound("no such school")
    result = ImportResult(pupils=len(rows.pupils), layout=rows.layout, warnings=list(rows.warnings))
    by = viewer.user_id if viewer is not None else None
    async with write_transaction():
        roll = {r["upn"]: r for r in await Pupil.select().where(Pupil.school == school_id)}
        _refuse_unknown(rows, roll)
        ids = [int(roll[p.upn]["id"]) for p in rows.pupils]
        state = await _State.load(ids)
        now = utcnow()
        for pupil in rows.pupils:
            pupil_id = int(roll[pupil.upn]["id"])
            state.apply(pupil_id, pupil, roll[pupil.upn], now, by, result)
        await state.write(now)
        await audit.record(
            Action.PUPIL_DETAILS_IMPORTED,
            viewer=viewer,
            la_id=school["la"],
            school_id=school_id,
            pupils=result.pupils,
            details_changed=result.details_changed,
            statuses_changed=result.statuses_changed,
            contacts_added=result.contacts_added,
            contacts_changed=result.contacts_changed,
            contacts_ended=result.contacts_ended,
        )
        # The caseload's risk counts read the children's statuses.
        await cases_changed(int(school["la"]))
        if result.details_changed:
            await rematch_wanted(int(school["la"]))
    return result


def _refuse_unknown(rows: PupilDetailsFile, roll: dict[str, Any]) -> None:
    unknown = [p for p in rows.pupils if p.upn not in roll]
    if not unknown:
        return
    problems = [
        Problem(
            f"UPN {p.upn} is not on this school's roll. Check the UPN, or import a register "
            "that includes this pupil first.",
            sheet=p.sheet,
            row=p.row,
            column="UPN",
            value=p.upn,
            upn=p.upn,
            name=p.name or None,
        )
        for p in unknown[:20]
    ]
    if len(unknown) > 20:
        problems.append(Problem(f"... and {len(unknown) - 20} more"))
    raise PupilDetailsError(
        f"The pupil details were not imported: {len(unknown)} pupil(s) in the file are not on "
        "this school's roll. Nothing was changed.",
        problems,
    )


class _State:
    """The stored versions an import compares with, and the rows it will write."""

    def __init__(self) -> None:
        self.details: dict[int, dict[str, Any]] = {}
        self.statuses: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        # pupil -> contact ref -> its versions, oldest first
        self.contacts: dict[int, dict[int, list[dict[str, Any]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.close: dict[type[Table], list[int]] = defaultdict(list)
        self.add: dict[type[Table], list[Table]] = defaultdict(list)

    @classmethod
    async def load(cls, pupil_ids: Sequence[int]) -> _State:
        state = cls()
        for chunk in _chunks(sorted(set(pupil_ids))):
            for r in await PupilDetailVersion.select().where(
                PupilDetailVersion.pupil.is_in(chunk) & PupilDetailVersion.valid_to.is_null()
            ):
                state.details[int(r["pupil"])] = r
            for r in await PupilStatusVersion.select().where(
                PupilStatusVersion.pupil.is_in(chunk) & PupilStatusVersion.valid_to.is_null()
            ):
                state.statuses[int(r["pupil"])][r["status"]] = r
            for r in (
                await PupilContactVersion.select()
                .where(PupilContactVersion.pupil.is_in(chunk))
                .order_by(PupilContactVersion.id)
            ):
                state.contacts[int(r["pupil"])][int(r["contact"])].append(r)
        return state

    def apply(
        self,
        pupil_id: int,
        pupil: ImportedPupil,
        register_row: dict[str, Any],
        now: datetime,
        by: int | None,
        result: ImportResult,
    ) -> None:
        if pupil.given:
            current = self.details.get(pupil_id)
            base = (
                _details_of(current)
                if current
                else PupilDetails(
                    legal_forename=register_row["legal_forename"],
                    legal_surname=register_row["legal_surname"],
                    date_of_birth=register_row["date_of_birth"],
                    gender=register_row["gender"],
                )
            )
            new = replace(base, **{f: getattr(pupil.details, f) for f in pupil.given})
            if current is None or _personal(new) != _personal(base):
                if current is not None:
                    self.close[PupilDetailVersion].append(current["id"])
                self.add[PupilDetailVersion].append(_detail_row(pupil_id, new, now, IMPORT, by))
                result.details_changed += 1
        for key, value in pupil.statuses.items():
            current = self.statuses[pupil_id].get(key)
            if current is not None and bool(current["value"]) == value:
                continue
            if current is not None:
                self.close[PupilStatusVersion].append(current["id"])
            self.add[PupilStatusVersion].append(
                PupilStatusVersion(
                    pupil=pupil_id,
                    status=key,
                    value=value,
                    valid_from=now,
                    source=IMPORT,
                    changed_by=by,
                )
            )
            result.statuses_changed += 1
        if pupil.contacts_given:
            self._contacts(pupil_id, pupil.details.contacts, now, by, result)

    def _contacts(
        self,
        pupil_id: int,
        given: Sequence[Contact],
        now: datetime,
        by: int | None,
        result: ImportResult,
    ) -> None:
        lineages = self.contacts[pupil_id]
        open_refs: dict[str, list[int]] = defaultdict(list)
        for ref, versions in lineages.items():
            if versions[-1]["valid_to"] is not None:
                continue
            imported = [v for v in versions if v["source"] == IMPORT]
            # Matched by the name the MIS last gave, so a name corrected by hand still
            # finds its person in the next file.
            key = normal_name((imported or versions)[-1]["name"])
            open_refs[key].append(ref)
        seen: set[int] = set()
        next_ref = max(lineages, default=0) + 1
        for contact in given:
            match = _match(
                contact,
                [r for r in open_refs.get(normal_name(contact.name), []) if r not in seen],
                lineages,
            )
            if match is None:
                self.add[PupilContactVersion].append(
                    _contact_row(pupil_id, next_ref, contact, now, IMPORT, by)
                )
                next_ref += 1
                result.contacts_added += 1
                continue
            ref = match
            seen.add(ref)
            versions = lineages[ref]
            current = versions[-1]
            if _contact_of(current) == contact:
                continue
            last_imported = next((v for v in reversed(versions) if v["source"] == IMPORT), None)
            if (
                current["source"] == HAND
                and last_imported
                and _contact_of(last_imported) == contact
            ):
                continue  # the MIS says nothing new: the hand correction stands
            self.close[PupilContactVersion].append(current["id"])
            self.add[PupilContactVersion].append(
                _contact_row(pupil_id, ref, contact, now, IMPORT, by)
            )
            result.contacts_changed += 1
        for ref, versions in lineages.items():
            current = versions[-1]
            from_mis = any(v["source"] == IMPORT for v in versions)
            if current["valid_to"] is None and ref not in seen and from_mis:
                # The MIS no longer lists them; their rows stay as history.
                self.close[PupilContactVersion].append(current["id"])
                result.contacts_ended += 1

    async def write(self, now: datetime) -> None:
        for table, ids in self.close.items():
            for chunk in _chunks(ids):
                await table.update({table.valid_to: now}).where(table.id.is_in(chunk))  # type: ignore[attr-defined]
        for table, rows in self.add.items():
            for chunk in _chunks(rows):
                await table.insert(*chunk)


def _match(
    contact: Contact, candidates: list[int], lineages: dict[int, list[dict[str, Any]]]
) -> int | None:
    """The stored person a contact in the file is: by name, and among people of the same
    name, the one whose details (as stored or as last imported) are the file's."""
    for ref in candidates:
        if any(_contact_of(v) == contact for v in lineages[ref] if v["source"] == IMPORT):
            return ref
        if _contact_of(lineages[ref][-1]) == contact:
            return ref
    return candidates[0] if candidates else None


def _chunks(items: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])
