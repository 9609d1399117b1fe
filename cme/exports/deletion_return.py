"""The deletion return: what a school sends its LA when it removes a child from roll
(RULES.md §6; issue 8 §4).

One sheet, read top to bottom by a person: the child, the parents and carers (the one the
child lives with, and an emergency number for each), where the child may be now, the ground
and dates of the deletion, the school and the LA. Nothing is left blank: what the tracker
does not know says "Not known", so the LA can tell a gap from an oversight.

Where the child may be now, and the last day of attendance, come from the detail of the
case's `removed` event when the person recording the removal knew them: keys `new_address`,
`new_school`, `new_la`, `new_school_starts_on` (ISO date) and `last_attended_on` (ISO date).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from cme.cases.case import Case, EventKind
from cme.cases.outcomes import Outcome
from cme.exports.cells import as_text
from cme.pupil_details import Contact, PupilDetails

NOT_KNOWN = "Not known"
SHEET = "Deletion return"

Row = tuple[str, Any]  # (label, value); a label alone is a section heading


def _known(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return NOT_KNOWN
    return value.strip() if isinstance(value, str) else value


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _name(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _address(lines: Sequence[str], postcode: str) -> str:
    return ", ".join(x.strip() for x in (*lines, postcode) if x and x.strip())


def _removed_detail(case: Case) -> Mapping[str, Any]:
    removed = case.of_kind(EventKind.REMOVED)
    return removed[-1].detail if removed else {}


def _pupil_rows(details: PupilDetails | None, pupil: Mapping[str, Any]) -> list[Row]:
    d = details or PupilDetails()
    legal = _name(
        d.legal_forename or pupil.get("legal_forename") or "",
        d.legal_surname or pupil.get("legal_surname") or "",
    )
    preferred = _name(d.preferred_forename, d.preferred_surname)
    return [
        ("The child", None),
        ("Legal name", _known(legal)),
        ("Preferred name", preferred or ("Same as legal name" if details else NOT_KNOWN)),
        (
            "Former surnames",
            d.former_surnames.strip() or ("None recorded" if details else NOT_KNOWN),
        ),
        ("UPN", _known(pupil.get("upn"))),
        ("Date of birth", _known(d.date_of_birth or pupil.get("date_of_birth"))),
        ("Gender", _known(d.gender or pupil.get("gender"))),
        ("Year group", _known(pupil.get("year_group"))),
        ("Last known address", _known(_address(d.address_lines, d.postcode))),
    ]


def _contact_address(contact: Contact, details: PupilDetails) -> str:
    own = _address(contact.address_lines, contact.postcode)
    if own:
        return own
    if contact.lives_with_pupil:
        return _address(details.address_lines, details.postcode)
    return ""


def _parent_rows(details: PupilDetails | None) -> list[Row]:
    rows: list[Row] = [("Parents and carers", None)]
    contacts = sorted(details.contacts, key=lambda c: c.priority) if details else []
    lives_with = [c for c in contacts if c.lives_with_pupil]
    if details is None or not lives_with:
        rows += [("Parent the child lives with", NOT_KNOWN), ("Their address", NOT_KNOWN)]
    for contact in lives_with:
        rows.append(("Parent the child lives with", _who(contact)))
        rows.append(("Their address", _known(_contact_address(contact, details or PupilDetails()))))
    if not contacts:
        rows.append(("Emergency phone", NOT_KNOWN))
    for n, contact in enumerate(contacts, start=1):
        rows.append((f"Parent or carer {n}", _who(contact)))
        rows.append(("Lives with the child", "Yes" if contact.lives_with_pupil else "No"))
        rows.append(("Emergency phone", _known(contact.phones[0] if contact.phones else "")))
        if len(contact.phones) > 1:
            rows.append(("Other phones", ", ".join(contact.phones[1:])))
        if not contact.lives_with_pupil:
            rows.append(("Address", _known(_contact_address(contact, details or PupilDetails()))))
    return rows


def _who(contact: Contact) -> str:
    name = contact.name.strip() or NOT_KNOWN
    return f"{name} ({contact.relationship.strip()})" if contact.relationship.strip() else name


def _deletion_rows(case: Case, removed_on: date) -> list[Row]:
    detail = _removed_detail(case)
    ground = Outcome.REMOVED_MISSING.ground
    return [
        ("Where the child may be now", None),
        ("New address", _known(detail.get("new_address"))),
        ("New school", _known(detail.get("new_school"))),
        ("New school's LA", _known(detail.get("new_la"))),
        ("Start date at the new school", _known(_day(detail.get("new_school_starts_on")))),
        ("The deletion", None),
        ("Ground for deletion", _known(ground)),
        ("First day of absence (day one)", case.day_one),
        ("Last day of attendance", _known(_day(detail.get("last_attended_on")))),
        ("Date removed from roll", removed_on),
    ]


def _school_rows(school: Mapping[str, Any], pupil: Mapping[str, Any]) -> list[Row]:
    la = _name(str(school.get("la_name") or ""))
    code = str(school.get("la_code") or "").strip()
    return [
        ("School and local authority", None),
        ("School", _known(school.get("name") or pupil.get("school.name"))),
        ("URN", _known(school.get("urn") or pupil.get("school.urn"))),
        ("Local authority", _known(f"{la} (LA code {code})" if la and code else la or code)),
    ]


def contents(
    details: PupilDetails | None,
    pupil: Mapping[str, Any],
    school: Mapping[str, Any],
    case: Case,
    removed_on: date,
    produced_on: date | None = None,
) -> list[Row]:
    """Every line of the return, in reading order."""
    return [
        *_pupil_rows(details, pupil),
        *_parent_rows(details),
        *_deletion_rows(case, removed_on),
        *_school_rows(school, pupil),
        ("Produced", None),
        ("Date produced", produced_on or removed_on),
    ]


def _safe(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", str(value or "")) or "unknown"


def filename(pupil: Mapping[str, Any], school: Mapping[str, Any], removed_on: date) -> str:
    urn = _safe(school.get("urn") or pupil.get("school.urn"))
    return f"deletion-return-{urn}-{_safe(pupil.get('upn'))}-{removed_on.isoformat()}.xlsx"


def _write(sheet: Worksheet, title: str, rows: list[Row]) -> None:
    sheet.append([title])
    as_text(sheet[1])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in rows:
        if value is None:
            sheet.append([])
            sheet.append([label])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        else:
            sheet.append([label, value])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        row = sheet[sheet.max_row]
        as_text(row)
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 70


def build(
    details: PupilDetails | None,
    pupil: Mapping[str, Any],
    school: Mapping[str, Any],
    case: Case,
    removed_on: date,
    produced_on: date | None = None,
) -> tuple[str, bytes]:
    """The deletion return as (filename, .xlsx bytes)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET
    legal = _name(str(pupil.get("legal_forename") or ""), str(pupil.get("legal_surname") or ""))
    if details is not None and (details.legal_forename or details.legal_surname):
        legal = _name(details.legal_forename, details.legal_surname)
    title = f"Deletion return to the local authority: {legal or pupil.get('upn') or NOT_KNOWN}"
    _write(sheet, title, contents(details, pupil, school, case, removed_on, produced_on))
    sheet.print_title_rows = "1:1"
    out = io.BytesIO()
    book.save(out)
    return filename(pupil, school, removed_on), out.getvalue()
