"""Parse a pupil-details export (names, address, parents and carers, statuses) or say
precisely why not: every problem with its row, column and value, and nothing imported.

A pupil may take several rows (one per contact, or the same pupil on two sheets); their
details must agree, and each row adds its contacts. Columns the file does not have are not
given, so the stored values stay as they were; a column that is there but blank for a pupil
means "none" (for a status: no).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cme.pupil_details import (
    LIMITS,
    MAX_ADDRESS_LINES,
    MAX_PHONES,
    STATUS_LABELS,
    Contact,
    PupilDetails,
    normal_name,
    postcode_text,
    same_address,
)
from imports.cells import text
from imports.errors import Problem, RegisterError
from imports.files import Sheet, read_sheets
from imports.model import Problems, cell, is_blank
from imports.pupil_details_cells import (
    EMAIL,
    SEN_CODES,
    Bad,
    personal,
    phone_numbers,
    shown,
    yes_no,
)
from imports.pupil_details_columns import PUPIL_LABELS, Columns, ContactColumns, find_columns

NEEDED = (
    "a UPN column, and any of: legal and preferred forename and surname, former surnames, "
    "date of birth, gender, address lines and postcode, contacts (Contact 1 Name, Contact 1 "
    "Relationship, Contact 1 Phone … or one row per contact with Contact Name, Relationship, "
    "Contact Phone …) and statuses (Looked After, Child Protection Plan, Child in Need, S47 "
    "Enquiries, SEN Support, EHCP, Young Carer, FSM)"
)


class PupilDetailsError(RegisterError):
    """A pupil-details file that cannot be imported; like a refused register, with problems."""


@dataclass(frozen=True)
class ImportedPupil:
    row: int
    sheet: str | None
    upn: str
    details: PupilDetails
    # The personal fields the file has columns for; the others keep their stored values.
    given: frozenset[str]
    # Only the statuses the file has columns for.
    statuses: dict[str, bool]
    contacts_given: bool

    @property
    def name(self) -> str:
        return f"{self.details.legal_forename} {self.details.legal_surname}".strip()


@dataclass
class PupilDetailsFile:
    layout: str
    pupils: list[ImportedPupil]
    warnings: list[str]


@dataclass
class _Seen:
    """A value as first read for a pupil, and where, to name both rows of a conflict."""

    value: Any
    row: int
    column: str


@dataclass
class _ContactDraft:
    name: _Seen
    order: int
    values: dict[str, _Seen] = field(default_factory=dict)
    phones: list[str] = field(default_factory=list)


@dataclass
class _PupilDraft:
    row: int
    sheet: str | None
    upn: str
    values: dict[str, _Seen] = field(default_factory=dict)
    contacts: dict[str, _ContactDraft] = field(default_factory=dict)


def parse_pupil_details(data: bytes, filename: str, max_bytes: int) -> PupilDetailsFile:
    try:
        sheets = read_sheets(data, filename, max_bytes)
    except PupilDetailsError:
        raise
    except RegisterError as exc:
        raise PupilDetailsError(_about_details(exc.message), exc.problems) from None
    try:
        return _parse(sheets)
    except csv.Error as exc:
        raise PupilDetailsError(f"The CSV file could not be read: {exc}.") from None


def _about_details(message: str) -> str:
    """The shared file reader speaks of registers; this import is of pupil details."""
    return (
        message.replace("the attendance register exported", "the pupil details exported")
        .replace("export the register again", "export the pupil details again")
        .replace(" Export a shorter date range and upload each part.", "")
    )


def _parse(sheets: list[Sheet]) -> PupilDetailsFile:
    chosen: list[tuple[Sheet, Columns]] = []
    for sheet in sorted(sheets, key=lambda s: s.hidden):
        if chosen and sheet.hidden:
            break
        columns = find_columns(sheet.head)
        if columns is not None:
            chosen.append((sheet, columns))
    if not chosen:
        sheet = sheets[0]
        first = next((r for r in sheet.head if not is_blank(r)), [])
        found = ", ".join(f'"{text(c)}"' for c in first if text(c)) or "(none)"
        where = f' on sheet "{sheet.name}"' if sheet.name else ""
        raise PupilDetailsError(
            f"The file has no UPN column{where}, so no pupil could be matched. Headers found: "
            f"{found}. Needed: {NEEDED}."
        )
    problems = Problems()
    drafts: dict[str, _PupilDraft] = {}
    for sheet, columns in chosen:
        before = len(drafts)
        rows = _read_sheet(sheet, columns, drafts, problems)
        if not rows and len(drafts) == before:
            where = f' on sheet "{sheet.name}"' if sheet.name else ""
            raise PupilDetailsError(
                f"No pupil rows were found below the header row (row {columns.header_row + 1})"
                f"{where}."
            )
    _raise_if_any(problems)
    pupils = [_finish(d, columns_of(chosen, d.sheet), problems) for d in drafts.values()]
    _raise_if_any(problems)
    warnings = []
    for sheet, columns in chosen:
        if columns.unused:
            where = f' on sheet "{sheet.name}"' if sheet.name else ""
            names = ", ".join(f'"{h}"' for h in columns.unused[:12])
            more = f" and {len(columns.unused) - 12} more" if len(columns.unused) > 12 else ""
            warnings.append(f"Columns not used{where}: {names}{more}.")
    return PupilDetailsFile(chosen[0][1].layout, pupils, warnings)


def columns_of(chosen: list[tuple[Sheet, Columns]], sheet: str | None) -> Columns:
    return next(c for s, c in chosen if s.name == sheet)


def _raise_if_any(problems: Problems) -> None:
    if not problems.count:
        return
    items = list(problems.items)
    if problems.count > len(items):
        items.append(Problem(f"... and {problems.count - len(items)} more"))
    raise PupilDetailsError(
        f"The pupil details were not imported: {problems.count} problem(s) to fix in the file. "
        "Nothing was changed.",
        items,
    )


def _read_sheet(
    sheet: Sheet, columns: Columns, drafts: dict[str, _PupilDraft], problems: Problems
) -> int:
    count = 0
    number = columns.header_row + 1
    for row in sheet.rows_from(columns.header_row + 1):
        number += 1
        if is_blank(row):
            continue
        count += 1
        _read_row(row, number, sheet.name, columns, drafts, problems)
    return count


def _read_row(
    row: Sequence[Any],
    number: int,
    sheet: str | None,
    columns: Columns,
    drafts: dict[str, _PupilDraft],
    problems: Problems,
) -> None:
    upn_col = columns.pupil["upn"]
    upn = text(cell(row, upn_col)).upper().replace(" ", "")
    name = " ".join(
        text(cell(row, columns.pupil.get(f))) for f in ("legal_forename", "legal_surname")
    ).strip()

    def problem(message: str, col: int | None, value: Any = None) -> None:
        problems.add(
            Problem(
                message,
                sheet=sheet,
                row=number,
                column=columns.header(col) if col is not None else None,
                value=None if value in (None, "") else text(value)[:60],
                upn=upn[:40] or None,
                name=name[:100] or None,
            )
        )

    if not upn:
        problem("This row has no UPN: fill it in, or delete the row.", upn_col)
        return
    if len(upn) > 32:
        problem("This is not a UPN (it is longer than 32 characters).", upn_col, upn)
        return
    draft = drafts.setdefault(upn, _PupilDraft(number, sheet, upn))

    def keep(key: str, value: Any, col: int, label: str) -> None:
        seen = draft.values.get(key)
        if seen is None:
            draft.values[key] = _Seen(value, number, columns.header(col))
        elif seen.value != value:
            problem(
                f"UPN {upn} has a different {label} on row {seen.row} ({shown(seen.value)}) "
                f"than here ({shown(value)}). Make the rows agree.",
                col,
                shown(value),
            )

    for key, col in columns.pupil.items():
        raw = cell(row, col)
        if key == "upn" or raw in (None, "") or not text(raw):
            continue
        try:
            value = personal(key, raw)
        except Bad as exc:
            problem(str(exc), col, raw)
            continue
        keep(key, value, col, PUPIL_LABELS[key])
    address = [text(cell(row, c)) for c in columns.address]
    if any(address):
        keep("address_lines", tuple(a for a in address if a), columns.address[0], "address")
    for key, col in columns.statuses.items():
        try:
            answer = yes_no(cell(row, col))
        except Bad as exc:
            problem(str(exc), col, cell(row, col))
            continue
        if answer is not None:
            keep(key, answer, col, f"answer for {STATUS_LABELS[key].lower()}")
    if columns.sen_status is not None:
        raw = cell(row, columns.sen_status)
        sen = SEN_CODES.get(text(raw).lower().rstrip("."))
        if sen is None:
            problem(
                f"{shown(text(raw))} is not a SEN provision: write N (none), K (SEN support) "
                "or E (education, health and care plan).",
                columns.sen_status,
                raw,
            )
        elif text(raw):
            keep("sen", sen, columns.sen_status, "SEN provision")
    for group in columns.contacts:
        try:
            _read_contact(row, number, group, columns, draft)
        except Bad as exc:
            problem(str(exc), exc.col, exc.value)


def _read_contact(
    row: Sequence[Any], number: int, group: ContactColumns, columns: Columns, draft: _PupilDraft
) -> None:
    f = group.fields
    cells = {k: text(cell(row, c)) for k, c in f.items()}
    phones_raw = [(c, cell(row, c)) for c in group.phones]
    address = tuple(a for a in (text(cell(row, c)) for c in group.address) if a)
    name = cells.get("name") or " ".join(
        v for v in (cells.get("title"), cells.get("forename"), cells.get("surname")) if v
    )
    if not name:
        if any(cells.values()) or any(text(v) for _, v in phones_raw) or address:
            col = f.get("name", f.get("forename", f.get("surname")))
            what = "Contact" if group.number == 0 else f"Contact {group.number}"
            raise Bad(f"{what} has details but no name: add the name.", col, None)
        return
    name_col = f.get("name", f.get("forename", f.get("surname", 0)))
    if len(name) > LIMITS["name"]:
        raise Bad(f"This is longer than {LIMITS['name']} characters.", name_col, name)
    # A person met again on another row is the same contact; two groups of one row with
    # the same name are two people (a father and grandfather may share a name).
    key = f"{group.number}:{normal_name(name)}" if group.number else normal_name(name)
    contact = draft.contacts.get(key)
    if contact is None:
        order = len(draft.contacts) + 1 if group.number == 0 else group.number
        contact = _ContactDraft(_Seen(name, number, columns.header(name_col)), order)
        draft.contacts[key] = contact

    def keep(field_name: str, value: Any, col: int, label: str) -> None:
        seen = contact.values.get(field_name)
        if seen is None:
            contact.values[field_name] = _Seen(value, number, columns.header(col))
        elif seen.value != value:
            raise Bad(
                f"Contact {name} of UPN {draft.upn} has a different {label} on row "
                f"{seen.row} ({shown(seen.value)}) than here ({shown(value)}). Make the rows "
                "agree.",
                col,
                shown(value),
            )

    if rel := cells.get("relationship"):
        if len(rel) > LIMITS["relationship"]:
            raise Bad(
                f"This is longer than {LIMITS['relationship']} characters.", f["relationship"], rel
            )
        keep("relationship", rel, f["relationship"], "relationship")
    if "lives_with_pupil" in f:
        try:
            lives = yes_no(cell(row, f["lives_with_pupil"]))
        except Bad as exc:
            raise Bad(str(exc), f["lives_with_pupil"], cells["lives_with_pupil"]) from None
        if lives is not None:
            keep("lives_with_pupil", lives, f["lives_with_pupil"], "answer for lives with pupil")
    if email := cells.get("email"):
        if not EMAIL.match(email) or len(email) > LIMITS["email"]:
            raise Bad(f"{email!r} is not an email address.", f["email"], email)
        keep("email", email, f["email"], "email address")
    postcode = postcode_text(cells.get("postcode", ""))
    if address or postcode:
        col = group.address[0] if group.address else f["postcode"]
        if len(postcode) > LIMITS["postcode"]:
            raise Bad(
                f"This is longer than {LIMITS['postcode']} characters.", f["postcode"], postcode
            )
        keep("address", (address, postcode), col, "address")  # compared as one
    if priority := cells.get("priority"):
        if not priority.isdigit() or not 0 < int(priority) < 100:
            raise Bad(
                f"{priority!r} is not a priority: write 1 for the first contact, 2 for the next…",
                f["priority"],
                priority,
            )
        keep("priority", int(priority), f["priority"], "priority")
    for col, raw in phones_raw:
        for phone in phone_numbers(raw):
            if sum(ch.isdigit() for ch in phone) < 6 or len(phone) > LIMITS["phone"]:
                raise Bad(f"{phone!r} is not a phone number.", col, phone)
            if phone not in contact.phones:
                contact.phones.append(phone)


def _finish(draft: _PupilDraft, columns: Columns, problems: Problems) -> ImportedPupil:
    v = {k: s.value for k, s in draft.values.items()}
    address = v.get("address_lines", ())
    postcode = v.get("postcode", "")
    contacts = []
    for c in draft.contacts.values():
        cv = {k: s.value for k, s in c.values.items()}
        lines, pc = cv.get("address", ((), ""))
        if same_address(lines, pc, address, postcode):
            lines, pc = (), ""
        if len(lines) > MAX_ADDRESS_LINES or len(c.phones) > MAX_PHONES:
            problems.add(
                Problem(
                    f"{c.name.value} has more than {MAX_PHONES} phone numbers or "
                    f"{MAX_ADDRESS_LINES} address lines.",
                    sheet=draft.sheet,
                    row=c.name.row,
                    upn=draft.upn,
                )
            )
        contacts.append(
            Contact(
                name=c.name.value,
                relationship=cv.get("relationship", ""),
                lives_with_pupil=cv.get("lives_with_pupil", False),
                phones=tuple(c.phones),
                email=cv.get("email", ""),
                address_lines=lines,
                postcode=pc,
                priority=cv.get("priority", c.order),
            )
        )
    contacts.sort(key=lambda c: (c.priority, normal_name(c.name)))
    if len(address) > MAX_ADDRESS_LINES:
        problems.add(
            Problem(
                f"The address has more than {MAX_ADDRESS_LINES} lines.",
                sheet=draft.sheet,
                row=draft.row,
                upn=draft.upn,
            )
        )
    details = PupilDetails(
        legal_forename=v.get("legal_forename", ""),
        legal_surname=v.get("legal_surname", ""),
        preferred_forename=v.get("preferred_forename", ""),
        preferred_surname=v.get("preferred_surname", ""),
        former_surnames=v.get("former_surnames", ""),
        date_of_birth=v.get("date_of_birth"),
        gender=v.get("gender", ""),
        address_lines=address,
        postcode=postcode,
        contacts=tuple(contacts),
    )
    given = set(columns.pupil) - {"upn"}
    if columns.address or "postcode" in columns.pupil:
        given |= {"address_lines", "postcode"}
    statuses = {k: bool(v.get(k, False)) for k in columns.statuses}
    if columns.sen_status is not None:
        support, ehcp = v.get("sen", (False, False))
        statuses |= {"sen_support": support, "ehcp": ehcp}
    return ImportedPupil(
        row=draft.row,
        sheet=draft.sheet,
        upn=draft.upn,
        details=details,
        given=frozenset(given),
        statuses=statuses,
        contacts_given=bool(columns.contacts),
    )
