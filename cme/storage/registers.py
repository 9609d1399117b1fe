"""Storing registers: pupils upserted, marks merged session by session, all in one transaction.

A session the file covers takes the file's value (so an N later corrected to I clears its
flag); sessions it does not cover keep what earlier files said (so different weeks merge).
Importing the same file again changes nothing and writes nothing but the upload's summary.

A full-year file for a large school is 1,500 pupils x 380 sessions, so the merge works on
whole year strings with C-level string and integer operations, and rows are written with
plain parameterised bulk statements on the transaction's own connection (executemany, or
COPY on PostgreSQL): building a Piccolo object per row cost more than the rest together.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cme.events import UploadStatus
from cme.marks import MISSING, NO_DATA, code_for
from cme.storage.bulk import Connection as _Connection
from cme.storage.engine import write_transaction
from cme.storage.flags import store_latest_flags
from cme.storage.measures.absence_days import store_absence_days
from cme.storage.tables import RegisterFile, RegisterUpload, SchoolYear, SessionNote
from cme.timeline import academic_year, day_of, days_in_year, position, school_calendar
from imports.register import Register, RegisterPupil

CHUNK = 500  # ids per IN (...): well under SQLite's 32,766 bound values
MAX_CHANGES = 100  # changed marks listed in a summary (all are counted)


def _reader_version() -> str:
    """A digest of the code that turns a file into stored marks: the same file read by a
    changed reader may give other marks, so it is imported again rather than skipped."""
    root = Path(__file__).parents[2]
    sources = sorted((root / "imports").glob("*.py")) + [
        root / "cme" / name for name in ("marks.py", "timeline.py", "storage/registers.py")
    ]
    digest = hashlib.sha256()
    try:
        for source in sources:
            digest.update(source.read_bytes())
    except OSError:  # sources not shipped: no file is ever taken as imported before
        digest.update(os.urandom(16))
    return digest.hexdigest()[:16]


READER = _reader_version()


@dataclass
class ImportSummary:
    pupils: int = 0
    new_pupils: int = 0
    updated_pupils: int = 0
    sessions: int = 0
    first_day: date | None = None
    last_day: date | None = None
    marks_added: int = 0
    marks_changed: int = 0
    layout: str = ""
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)
    # The first MAX_CHANGES changed marks, by pupil (surname, forename), day and session:
    # {"upn", "name", "day" (ISO), "session" ("AM"/"PM"), "old", "new"} with marks as codes.
    changes: list[dict[str, str]] = field(default_factory=list)
    reader: str = READER  # the version of the code that read the file

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_day"] = self.first_day.isoformat() if self.first_day else None
        data["last_day"] = self.last_day.isoformat() if self.last_day else None
        return data


async def apply_register(school_id: int, register: Register) -> ImportSummary:
    summary = ImportSummary(
        pupils=len(register.pupils),
        sessions=register.session_marks,
        first_day=register.first_day,
        last_day=register.last_day,
        layout=register.layout,
        sheet=register.sheet,
        warnings=list(register.warnings),
    )
    spread = _spreaders(register)
    async with write_transaction():
        db = _Connection()
        if not db.sqlite:
            # Two imports for one school must not both merge into the same old marks; SQLite's
            # IMMEDIATE transaction already runs them one after the other.
            await db.fetch("SELECT id FROM school WHERE id = ? FOR UPDATE", school_id)
        ids = await _upsert_pupils(db, school_id, register, summary)
        stored = await _stored_marks(db, school_id, list(spread))
        written: dict[tuple[int, int], str] = {}
        edited: list[tuple[RegisterPupil, int, str, str]] = []
        for pupil in register.pupils:
            pupil_id = ids[pupil.upn]
            symbols = pupil.symbols + NO_DATA  # the last index is "no data" for the spread
            for year, to_year in spread.items():
                from_file = to_year(symbols)
                empty = from_file.count(NO_DATA)
                if empty == len(from_file):
                    continue
                old = stored.get((pupil_id, year))
                if old is None:
                    summary.marks_added += len(from_file) - empty
                    written[(pupil_id, year)] = from_file
                    continue
                after = _overlay(old, from_file)
                if after == old:
                    continue
                added = old.count(NO_DATA) - after.count(NO_DATA)
                changed = sum(map(operator.ne, old, after)) - added
                summary.marks_added += added
                if changed:
                    summary.marks_changed += changed
                    edited.append((pupil, year, old, after))
                written[(pupil_id, year)] = after
        summary.changes = _changes(edited)
        await _write_marks(db, school_id, written, stored)
        await store_absence_days(db, school_id, written)
        stored.update(written)
        if written:
            for year in spread:
                await _store_calendar(
                    school_id, year, [m for (_, y), m in stored.items() if y == year]
                )
        await _store_notes(ids, register)
        if written or summary.new_pupils or summary.updated_pupils:
            # The flags pages read, worked out from what was just stored, in the same
            # transaction: no page ever reads flags of marks that are no longer there.
            await store_latest_flags(school_id)
    if written:
        # Cases follow the register: opened, corrected or closed by what was just imported.
        # In its own transaction, after the marks are safe: should it fail, the daily sweep
        # does the same work.
        from cme.storage.cases import sync_school

        await sync_school(school_id)
    return summary


async def unchanged_import(school_id: int, content: bytes) -> ImportSummary | None:
    """The summary of importing `content`, without reading it, when it is byte for byte the
    file of the school's last import, read by this same code: such an import changes nothing,
    because only imports write pupils and marks. None otherwise. Call it inside the write
    transaction that records the upload's outcome, so that no import can come in between."""
    db = _Connection()
    if not db.sqlite:
        await db.fetch("SELECT id FROM school WHERE id = ? FOR UPDATE", school_id)
    last = (
        await RegisterUpload.select(RegisterUpload.id, RegisterUpload.size, RegisterUpload.summary)
        .where(
            (RegisterUpload.school == school_id)
            & (RegisterUpload.status == UploadStatus.DONE.value)
        )
        .order_by(RegisterUpload.finished_at, RegisterUpload.id, ascending=False)
        .first()
    )
    if last is None or last["size"] != len(content) or not last["summary"]:
        return None
    before = json.loads(last["summary"])
    if before.get("reader") != READER:
        return None
    file = (
        await RegisterFile.select(RegisterFile.content)
        .where(RegisterFile.upload == last["id"])
        .first()
    )
    if file is None or bytes(file["content"]) != content:
        return None
    return ImportSummary(
        pupils=before["pupils"],
        sessions=before["sessions"],
        first_day=date.fromisoformat(before["first_day"]) if before["first_day"] else None,
        last_day=date.fromisoformat(before["last_day"]) if before["last_day"] else None,
        layout=before["layout"],
        sheet=before["sheet"],
        warnings=list(before["warnings"]),
    )


def _spreaders(register: Register) -> dict[int, Callable[[str], str]]:
    """For each academic year in the file: a function from a pupil's symbols (plus one
    NO_DATA at the end) to that year's string, with NO_DATA where the file says nothing."""
    absent = len(register.sessions)
    slots: dict[int, list[int]] = {}
    for i, (day, session) in enumerate(register.sessions):
        year = academic_year(day)
        if year not in slots:
            slots[year] = [absent] * (2 * days_in_year(year))
        slots[year][position(day, session)] = i
    return {year: _spreader(indexes) for year, indexes in sorted(slots.items())}


def _spreader(indexes: list[int]) -> Callable[[str], str]:
    pick = operator.itemgetter(*indexes)  # a year has hundreds of sessions: a tuple back

    def spread(symbols: str) -> str:
        return "".join(pick(symbols))

    return spread


_KEEP_OLD = bytes(0 if b == ord(NO_DATA) else 0xFF for b in range(256))


def _overlay(old: str, new: str) -> str:
    """`new` where it has a mark, `old` elsewhere: as big-integer masks, one C operation per
    string rather than a Python step per session."""
    if len(old) != len(new):
        old = old.ljust(len(new), NO_DATA)[: len(new)]
    new_bytes = new.encode("latin-1")
    mask = int.from_bytes(new_bytes.translate(_KEEP_OLD), "big")
    merged = (int.from_bytes(new_bytes, "big") & mask) | (
        int.from_bytes(old.encode("latin-1"), "big") & ~mask
    )
    return merged.to_bytes(len(new_bytes), "big").decode("latin-1")


def _code(symbol: str) -> str:
    """A mark as a person reads it: its code, or "-" for a session left without one."""
    return "-" if symbol == MISSING else (code_for(symbol) or symbol)


def _changes(edited: list[tuple[RegisterPupil, int, str, str]]) -> list[dict[str, str]]:
    changes: list[dict[str, str]] = []
    edited.sort(key=lambda e: (e[0].surname.casefold(), e[0].forename.casefold(), e[0].upn, e[1]))
    for pupil, year, old, after in edited:
        for pos, (was, now) in enumerate(zip(old, after, strict=True)):
            if was == now or was == NO_DATA:
                continue
            if len(changes) == MAX_CHANGES:
                return changes
            changes.append(
                {
                    "upn": pupil.upn,
                    "name": pupil.name,
                    "day": day_of(year, pos // 2).isoformat(),
                    "session": "PM" if pos % 2 else "AM",
                    "old": _code(was),
                    "new": _code(now),
                }
            )
    return changes


DETAILS = ("legal_forename", "legal_surname", "date_of_birth", "gender", "year_group", "reg_group")


async def _upsert_pupils(
    db: _Connection, school_id: int, register: Register, summary: ImportSummary
) -> dict[str, int]:
    existing = {
        row["upn"]: row
        for row in await db.fetch(
            f"SELECT id, upn, {', '.join(DETAILS)} FROM pupil WHERE school = ?", school_id
        )
    }
    ids = {upn: int(row["id"]) for upn, row in existing.items()}
    new: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for p in register.pupils:
        details = (p.forename, p.surname, p.dob, p.gender, p.year_group, p.reg_group)
        row = existing.get(p.upn)
        if row is None:
            new.append((school_id, p.upn, *details))
            continue
        # A later export may leave optional columns out: never blank what we know.
        merged = tuple(
            row[k] if v in ("", None) else v for k, v in zip(DETAILS, details, strict=True)
        )
        if merged != tuple(row[k] for k in DETAILS):
            updates.append((*merged, row["id"]))
    await db.execute_many(
        f"UPDATE pupil SET {', '.join(f'{k} = ?' for k in DETAILS)} WHERE id = ?", updates
    )
    summary.updated_pupils = len(updates)
    if new:
        await db.insert("pupil", ("school", "upn", *DETAILS), new)
        for row in await db.fetch("SELECT id, upn FROM pupil WHERE school = ?", school_id):
            ids[row["upn"]] = int(row["id"])
    summary.new_pupils = len(new)
    return ids


async def _stored_marks(
    db: _Connection, school_id: int, years: list[int]
) -> dict[tuple[int, int], str]:
    if not years:
        return {}
    rows = await db.fetch(
        "SELECT pupil, academic_year, marks FROM pupil_year WHERE school = ? "
        f"AND academic_year IN ({', '.join('?' * len(years))})",
        school_id,
        *years,
    )
    return {(int(r["pupil"]), int(r["academic_year"])): r["marks"] for r in rows}


async def _write_marks(
    db: _Connection,
    school_id: int,
    written: dict[tuple[int, int], str],
    stored: dict[tuple[int, int], str],
) -> None:
    changed = [(m, pupil, year) for (pupil, year), m in written.items() if (pupil, year) in stored]
    new = [(p, school_id, y, m) for (p, y), m in written.items() if (p, y) not in stored]
    await db.execute_many(
        "UPDATE pupil_year SET marks = ? WHERE pupil = ? AND academic_year = ?", changed
    )
    await db.insert("pupil_year", ("pupil", "school", "academic_year", "marks"), new)


async def _store_calendar(school_id: int, year: int, all_marks: list[str]) -> None:
    calendar = school_calendar(year, all_marks)
    updated = (
        await SchoolYear.update({SchoolYear.calendar: calendar})
        .where(SchoolYear.school == school_id, SchoolYear.academic_year == year)
        .returning(SchoolYear.id)
    )
    if not updated:
        await SchoolYear.insert(SchoolYear(school=school_id, academic_year=year, calendar=calendar))


async def _store_notes(ids: dict[str, int], register: Register) -> None:
    """A file with notes replaces the notes of the sessions it has notes for; unchanged
    notes are not written again."""
    if not register.notes:
        return
    new = {
        (ids[n.upn], n.day, n.session.value): (n.minutes_late, n.comment) for n in register.notes
    }
    pupil_ids = sorted({key[0] for key in new})
    first = min(n.day for n in register.notes)
    last = max(n.day for n in register.notes)
    existing: dict[tuple[int, date, str], dict[str, Any]] = {}
    for start in range(0, len(pupil_ids), CHUNK):
        for row in await SessionNote.select().where(
            SessionNote.pupil.is_in(pupil_ids[start : start + CHUNK]),
            SessionNote.day >= first,
            SessionNote.day <= last,
        ):
            existing[(row["pupil"], row["day"], row["session"])] = row
    changed = {
        key
        for key, value in new.items()
        if key not in existing or (existing[key]["minutes_late"], existing[key]["comment"]) != value
    }
    stale = [existing[key]["id"] for key in changed if key in existing]
    for start in range(0, len(stale), CHUNK):
        await SessionNote.delete().where(SessionNote.id.is_in(stale[start : start + CHUNK]))
    db = _Connection()
    await db.insert(
        "session_note",
        ("pupil", "day", "session", "minutes_late", "comment"),
        [(key[0], key[1], key[2], *new[key]) for key in sorted(changed)],
    )
