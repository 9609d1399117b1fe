"""Values for the pupil page's details section (`_pupil_details.html`): names, address,
contacts with click-to-call links, statuses, and what each was before it changed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from cme.access import Viewer
from cme.pupil_details import FIELD_LABELS, PERSONAL_FIELDS, STATUS_LABELS, Contact, tel_href
from cme.storage.pupil_details import (
    HAND,
    ContactVersion,
    DetailsRecord,
    StatusVersion,
    details_record,
)


@dataclass(frozen=True)
class Change:
    """One earlier value on the pupil's record and when it was replaced."""

    when: datetime
    what: str
    was: str
    now: str
    how: str


async def section(viewer: Viewer, pupil: dict[str, Any]) -> dict[str, Any]:
    """The pupil has already been read through the viewer's scope."""
    pupil_id = int(pupil["id"])
    record = await details_record(pupil_id)
    current = record.current
    return {
        "pd_pupil_id": pupil_id,
        "pd_details": current.details if current else None,
        "pd_details_since": current.valid_from if current else None,
        "pd_contacts": [contact_view(c) for c in record.current_contacts],
        "pd_statuses": [
            (label, record.current_statuses[key]) for key, label in STATUS_LABELS.items()
        ],
        "pd_statuses_known": record.statuses_known,
        "pd_history": history(record),
        "pd_can_edit": viewer.role.works_in_school,
    }


def contact_view(version: ContactVersion) -> dict[str, Any]:
    c = version.contact
    return {
        "ref": version.ref,
        "name": c.name,
        "relationship": c.relationship,
        "lives_with_pupil": c.lives_with_pupil,
        "phones": [(phone, tel_href(phone)) for phone in c.phones],
        "email": c.email,
        "address": ", ".join((*c.address_lines, c.postcode) if c.postcode else c.address_lines),
        "priority": c.priority,
        "how": how(version.source, version.by),
        "since": version.valid_from,
    }


def how(source: str, by: str | None) -> str:
    if source == HAND:
        return f"by hand, {by}" if by else "by hand"
    return f"from the MIS (uploaded by {by})" if by else "from the MIS"


def _value(field: str, value: Any) -> str:
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    return str(value) if value not in (None, "") else "none"


def contact_words(c: Contact) -> str:
    """A contact in one line, for the history."""
    parts = [c.relationship or "relationship not given"]
    parts.append("lives with the pupil" if c.lives_with_pupil else "does not live with the pupil")
    if c.phones:
        parts.append(", ".join(c.phones))
    if c.email:
        parts.append(c.email)
    if c.address_lines or c.postcode:
        parts.append(", ".join((*c.address_lines, c.postcode)).strip(", "))
    return f"{c.name}: " + "; ".join(parts)


def history(record: DetailsRecord) -> list[Change]:
    """Every replaced value, newest first."""
    changes: list[Change] = []
    for older, newer in pairwise(record.details):
        for f in PERSONAL_FIELDS:
            was, now = getattr(older.details, f), getattr(newer.details, f)
            if was != now:
                changes.append(
                    Change(
                        newer.valid_from,
                        FIELD_LABELS[f],
                        _value(f, was),
                        _value(f, now),
                        how(newer.source, newer.by),
                    )
                )
    by_status: dict[str, list[StatusVersion]] = defaultdict(list)
    for s in record.statuses:
        by_status[s.status].append(s)
    for key, statuses in by_status.items():
        for old_s, new_s in pairwise(statuses):
            changes.append(
                Change(
                    new_s.valid_from,
                    STATUS_LABELS[key],
                    "Yes" if old_s.value else "No",
                    "Yes" if new_s.value else "No",
                    how(new_s.source, None),
                )
            )
    by_contact: dict[int, list[ContactVersion]] = defaultdict(list)
    for c in record.contacts:
        by_contact[c.ref].append(c)
    for lineage in by_contact.values():
        for old_c, new_c in pairwise(lineage):
            changes.append(
                Change(
                    new_c.valid_from,
                    f"Contact {new_c.contact.name}",
                    contact_words(old_c.contact),
                    contact_words(new_c.contact),
                    how(new_c.source, new_c.by),
                )
            )
        last = lineage[-1]
        if last.valid_to is not None:
            changes.append(
                Change(
                    last.valid_to,
                    f"Contact {last.contact.name}",
                    contact_words(last.contact),
                    "no longer listed by the MIS",
                    "from the MIS",
                )
            )
    return sorted(changes, key=lambda c: c.when, reverse=True)
