"""Pupils' details, contacts and statuses, with their history.

Every table keeps versions: a change closes the current row (`valid_to`) and adds a new one,
so the pupil page can show what was recorded before and since when. An import changes only
what the file gives and what differs; a contact corrected by hand stays corrected until the
MIS itself says something new about that person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from cme.access import Viewer
from cme.errors import NotFound, Refused
from cme.events import Action
from cme.pupil_details import (
    PERSONAL_FIELDS,
    STATUS_KEYS,
    Contact,
    ContactForm,
    PupilDetails,
    normal_name,
)
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.pupils import get_pupil
from cme.storage.tables import (
    Account,
    Pupil,
    PupilContactVersion,
    PupilDetailVersion,
    PupilStatusVersion,
)
from imports.pupil_details import PupilDetailsFile

IMPORT = "import"
HAND = "hand"


@dataclass(frozen=True)
class ContactVersion:
    """One version of one contact: `ref` is the person, the same across versions."""

    ref: int
    contact: Contact
    valid_from: datetime
    valid_to: datetime | None
    source: str
    by: str | None


@dataclass(frozen=True)
class DetailVersion:
    details: PupilDetails
    valid_from: datetime
    valid_to: datetime | None
    source: str
    by: str | None


@dataclass(frozen=True)
class StatusVersion:
    status: str
    value: bool
    valid_from: datetime
    valid_to: datetime | None
    source: str


@dataclass(frozen=True)
class DetailsRecord:
    """Everything the pupil page shows of a pupil's details, current and earlier."""

    details: list[DetailVersion]  # oldest first; the last is current if its valid_to is None
    statuses: list[StatusVersion]  # oldest first
    contacts: list[ContactVersion]  # oldest first

    @property
    def current(self) -> DetailVersion | None:
        return next((d for d in reversed(self.details) if d.valid_to is None), None)

    @property
    def current_contacts(self) -> list[ContactVersion]:
        found = [c for c in self.contacts if c.valid_to is None]
        return sorted(found, key=lambda c: (c.contact.priority, normal_name(c.contact.name)))

    @property
    def current_statuses(self) -> dict[str, bool]:
        found = dict.fromkeys(STATUS_KEYS, False)
        found.update({s.status: s.value for s in self.statuses if s.valid_to is None})
        return found

    @property
    def statuses_known(self) -> bool:
        return any(s.valid_to is None for s in self.statuses)


@dataclass
class ImportResult:
    pupils: int = 0
    details_changed: int = 0
    statuses_changed: int = 0
    contacts_added: int = 0
    contacts_changed: int = 0
    contacts_ended: int = 0
    layout: str = ""
    warnings: list[str] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in (text or "").split("\n") if line)


def _details_of(row: dict[str, Any]) -> PupilDetails:
    return PupilDetails(
        legal_forename=row["legal_forename"],
        legal_surname=row["legal_surname"],
        preferred_forename=row["preferred_forename"],
        preferred_surname=row["preferred_surname"],
        former_surnames=row["former_surnames"],
        date_of_birth=row["date_of_birth"],
        gender=row["gender"],
        address_lines=_lines(row["address"]),
        postcode=row["postcode"],
    )


def _contact_of(row: dict[str, Any]) -> Contact:
    return Contact(
        name=row["name"],
        relationship=row["relationship"],
        lives_with_pupil=bool(row["lives_with_pupil"]),
        phones=_lines(row["phones"]),
        email=row["email"],
        address_lines=_lines(row["address"]),
        postcode=row["postcode"],
        priority=int(row["priority"]),
    )


def _personal(details: PupilDetails) -> tuple[Any, ...]:
    return tuple(getattr(details, f) for f in PERSONAL_FIELDS)


def _detail_row(
    pupil_id: int, d: PupilDetails, now: datetime, source: str, by: int | None
) -> PupilDetailVersion:
    return PupilDetailVersion(
        pupil=pupil_id,
        legal_forename=d.legal_forename,
        legal_surname=d.legal_surname,
        preferred_forename=d.preferred_forename,
        preferred_surname=d.preferred_surname,
        former_surnames=d.former_surnames,
        date_of_birth=d.date_of_birth,
        gender=d.gender,
        address="\n".join(d.address_lines),
        postcode=d.postcode,
        valid_from=now,
        source=source,
        changed_by=by,
    )


def _contact_row(
    pupil_id: int, ref: int, c: Contact, now: datetime, source: str, by: int | None
) -> PupilContactVersion:
    return PupilContactVersion(
        pupil=pupil_id,
        contact=ref,
        name=c.name,
        relationship=c.relationship,
        lives_with_pupil=c.lives_with_pupil,
        phones="\n".join(c.phones),
        email=c.email,
        address="\n".join(c.address_lines),
        postcode=c.postcode,
        priority=c.priority,
        valid_from=now,
        source=source,
        changed_by=by,
    )


async def current_statuses(pupil_id: int) -> dict[str, bool]:
    """Every status key, True only where the current record says so (unscoped: the caller
    has already read the pupil through the viewer's scope)."""
    rows = await PupilStatusVersion.select(
        PupilStatusVersion.status, PupilStatusVersion.value
    ).where((PupilStatusVersion.pupil == pupil_id) & PupilStatusVersion.valid_to.is_null())
    found = dict.fromkeys(STATUS_KEYS, False)
    found.update({r["status"]: bool(r["value"]) for r in rows if r["status"] in found})
    return found


async def current_details(pupil_id: int) -> PupilDetails | None:
    """The pupil's current details and contacts (unscoped), or None if none were recorded.
    Without an imported version, the names, birth date and gender are the register's."""
    row = (
        await PupilDetailVersion.select()
        .where((PupilDetailVersion.pupil == pupil_id) & PupilDetailVersion.valid_to.is_null())
        .order_by(PupilDetailVersion.id, ascending=False)
        .first()
    )
    contacts = await (
        PupilContactVersion.select()
        .where((PupilContactVersion.pupil == pupil_id) & PupilContactVersion.valid_to.is_null())
        .order_by(PupilContactVersion.priority, PupilContactVersion.id)
    )
    if row is None and not contacts:
        return None
    details = _details_of(row) if row is not None else await _register_details(pupil_id)
    return replace(details, contacts=tuple(_contact_of(c) for c in contacts))


async def _register_details(pupil_id: int) -> PupilDetails:
    pupil = await Pupil.select().where(Pupil.id == pupil_id).first()
    if pupil is None:
        return PupilDetails()
    return PupilDetails(
        legal_forename=pupil["legal_forename"],
        legal_surname=pupil["legal_surname"],
        date_of_birth=pupil["date_of_birth"],
        gender=pupil["gender"],
    )


async def _names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await Account.select(Account.id, Account.display_name, Account.email).where(
        Account.id.is_in(wanted)
    )
    return {r["id"]: r["display_name"] or r["email"] for r in rows}


async def details_record(pupil_id: int) -> DetailsRecord:
    """All versions of the pupil's details, statuses and contacts (unscoped)."""
    details = (
        await PupilDetailVersion.select()
        .where(PupilDetailVersion.pupil == pupil_id)
        .order_by(PupilDetailVersion.id)
    )
    statuses = (
        await PupilStatusVersion.select()
        .where(PupilStatusVersion.pupil == pupil_id)
        .order_by(PupilStatusVersion.id)
    )
    contacts = (
        await PupilContactVersion.select()
        .where(PupilContactVersion.pupil == pupil_id)
        .order_by(PupilContactVersion.id)
    )
    names = await _names(r["changed_by"] for r in (*details, *contacts))
    return DetailsRecord(
        details=[
            DetailVersion(
                _details_of(r),
                r["valid_from"],
                r["valid_to"],
                r["source"],
                names.get(r["changed_by"]),
            )
            for r in details
        ],
        statuses=[
            StatusVersion(
                r["status"], bool(r["value"]), r["valid_from"], r["valid_to"], r["source"]
            )
            for r in statuses
            if r["status"] in STATUS_KEYS
        ],
        contacts=[
            ContactVersion(
                int(r["contact"]),
                _contact_of(r),
                r["valid_from"],
                r["valid_to"],
                r["source"],
                names.get(r["changed_by"]),
            )
            for r in contacts
        ],
    )


async def details_for_viewer(viewer: Viewer, pupil_id: int) -> DetailsRecord:
    """The pupil's details and their history, if the viewer may see the pupil (else
    NotFound)."""
    await get_pupil(viewer, pupil_id)
    return await details_record(pupil_id)


# --- importing (cme.storage.pupil_details_import) -------------------------------------


async def import_file(
    viewer: Viewer | None, school_id: int, data: bytes, filename: str, max_bytes: int
) -> ImportResult:
    """Parse the file and import it, or raise PupilDetailsError with what to fix."""
    from cme.storage.pupil_details_import import import_file as run

    return await run(viewer, school_id, data, filename, max_bytes)


async def import_pupil_details(
    viewer: Viewer | None, school_id: int, rows: PupilDetailsFile
) -> ImportResult:
    """Store the file's details for the school's pupils, matched by UPN, in one transaction;
    a UPN not on the school's roll refuses the whole file (PupilDetailsError)."""
    from cme.storage.pupil_details_import import import_pupil_details as run

    return await run(viewer, school_id, rows)


# --- contacts by hand ------------------------------------------------------------------


def _may_change(viewer: Viewer) -> None:
    if not viewer.role.works_in_school:
        raise Refused("Only school staff can add or correct a pupil's contacts.")


def _audit_contact(contact: Contact) -> dict[str, Any]:
    return {
        "name": contact.name,
        "relationship": contact.relationship,
        "lives_with_pupil": contact.lives_with_pupil,
        "phones": list(contact.phones),
        "email": contact.email,
        "address_lines": list(contact.address_lines),
        "postcode": contact.postcode,
        "priority": contact.priority,
    }


async def add_contact(viewer: Viewer, pupil_id: int, form: ContactForm) -> int:
    """Add a parent or carer by hand; returns the new contact's number within the pupil."""
    _may_change(viewer)
    pupil = await get_pupil(viewer, pupil_id)
    contact = form.contact()
    async with write_transaction():
        rows = await PupilContactVersion.select(PupilContactVersion.contact).where(
            PupilContactVersion.pupil == pupil_id
        )
        ref = max((int(r["contact"]) for r in rows), default=0) + 1
        await PupilContactVersion.insert(
            _contact_row(pupil_id, ref, contact, utcnow(), HAND, viewer.user_id)
        )
        await audit.record(
            Action.CONTACT_ADDED,
            viewer=viewer,
            school_id=pupil["school.id"],
            pupil_id=pupil_id,
            contact=ref,
            contact_name=contact.name,
            after=_audit_contact(contact),
        )
    return ref


async def contact_for_viewer(
    viewer: Viewer, pupil_id: int, ref: int | None
) -> tuple[dict[str, Any], Contact | None]:
    """The pupil and the current version of one of their contacts (None: no contact asked
    for), if the viewer may see the pupil; else NotFound."""
    pupil = await get_pupil(viewer, pupil_id)
    if ref is None:
        return pupil, None
    return pupil, _contact_of(await _current_contact(pupil_id, ref))


async def _current_contact(pupil_id: int, ref: int) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await PupilContactVersion.select()
        .where(
            (PupilContactVersion.pupil == pupil_id)
            & (PupilContactVersion.contact == ref)
            & PupilContactVersion.valid_to.is_null()
        )
        .first()
    )
    if row is None:
        raise NotFound("no such contact")
    return row


async def correct_contact(viewer: Viewer, pupil_id: int, ref: int, form: ContactForm) -> bool:
    """Correct a contact by hand, keeping the old version; False if nothing differed."""
    _may_change(viewer)
    pupil = await get_pupil(viewer, pupil_id)
    contact = form.contact()
    async with write_transaction():
        current = await _current_contact(pupil_id, ref)
        before = _contact_of(current)
        if before == contact:
            return False
        now = utcnow()
        await PupilContactVersion.update({PupilContactVersion.valid_to: now}).where(
            PupilContactVersion.id == current["id"]
        )
        await PupilContactVersion.insert(
            _contact_row(pupil_id, ref, contact, now, HAND, viewer.user_id)
        )
        old, new = _audit_contact(before), _audit_contact(contact)
        await audit.record(
            Action.CONTACT_CORRECTED,
            viewer=viewer,
            school_id=pupil["school.id"],
            pupil_id=pupil_id,
            contact=ref,
            contact_name=contact.name,
            before=old,
            after=new,
            changes={k: [old[k], new[k]] for k in old if old[k] != new[k]},
        )
    return True


# --- demo ------------------------------------------------------------------------------


async def seed_demo_details(school_id: int, seed: int = 0) -> ImportResult:
    """Invented details for the school's pupils, imported as an uploaded file would be."""
    import csv
    import io

    from cme.demo_details import DemoChild, demo_rows

    pupils = await Pupil.select().where(Pupil.school == school_id).order_by(Pupil.upn)
    children = [
        DemoChild(
            upn=p["upn"],
            legal_forename=p["legal_forename"],
            legal_surname=p["legal_surname"],
            date_of_birth=f"{p['date_of_birth']:%d/%m/%Y}" if p["date_of_birth"] else "",
            gender=p["gender"],
        )
        for p in pupils
    ]
    out = io.StringIO()
    csv.writer(out).writerows(demo_rows(children, seed))
    return await import_file(
        None, school_id, out.getvalue().encode(), "demo-pupil-details.csv", 10 * 1024 * 1024
    )
