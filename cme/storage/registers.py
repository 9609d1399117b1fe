"""Storing registers: pupils upserted, marks merged session by session, all in one transaction.

A session the file covers takes the file's value (so an N later corrected to I clears its
flag); sessions it does not cover keep what earlier files said (so different weeks merge).
Importing the same file again changes nothing and writes nothing but the upload's summary.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from cme.marks import NO_DATA
from cme.storage.engine import is_sqlite, write_transaction
from cme.storage.pupils import PUPIL_DETAILS
from cme.storage.tables import Pupil, PupilYear, School, SchoolYear, SessionNote
from cme.timeline import academic_year, apply, blank_year, position, school_calendar
from imports.register import Register

CHUNK = 500  # rows per INSERT: well under SQLite's 32,766 bound values


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
    years = sorted({academic_year(day) for day, _ in register.sessions})
    # Where each of the file's sessions goes: (academic year, position in that year's string).
    places = [(academic_year(day), position(day, session)) for day, session in register.sessions]
    async with write_transaction():
        if not is_sqlite():
            # Two imports for one school must not both merge into the same old marks; SQLite's
            # IMMEDIATE transaction already runs them one after the other.
            await School.raw("SELECT id FROM school WHERE id = {} FOR UPDATE", school_id)
        ids = await _upsert_pupils(school_id, register, summary)
        stored = await _stored_marks(school_id, years)
        changed_rows: dict[tuple[int, int], str] = {}
        for pupil in register.pupils:
            pupil_id = ids[pupil.upn]
            updates: dict[int, dict[int, str]] = defaultdict(dict)
            for (year, pos), symbol in zip(places, pupil.symbols, strict=True):
                if symbol != NO_DATA:
                    updates[year][pos] = symbol
            for year, year_updates in updates.items():
                old = stored.get((pupil_id, year))
                before = old if old is not None else blank_year(year)
                after = apply(before, year_updates)
                if after == before and old is not None:
                    continue
                for pos, symbol in year_updates.items():
                    if before[pos] == NO_DATA:
                        summary.marks_added += 1
                    elif before[pos] != symbol:
                        summary.marks_changed += 1
                changed_rows[(pupil_id, year)] = after
        await _write_marks(school_id, changed_rows, stored)
        stored.update(changed_rows)
        if changed_rows:
            for year in years:
                await _store_calendar(
                    school_id, year, [m for (_, y), m in stored.items() if y == year]
                )
        await _store_notes(ids, register)
    return summary


async def _upsert_pupils(
    school_id: int, register: Register, summary: ImportSummary
) -> dict[str, int]:
    existing = {
        row["upn"]: row
        for row in await Pupil.select(*PUPIL_DETAILS).where(Pupil.school == school_id)
    }
    ids = {upn: int(row["id"]) for upn, row in existing.items()}
    new = []
    for p in register.pupils:
        details: dict[str, Any] = {
            "legal_forename": p.forename,
            "legal_surname": p.surname,
            "date_of_birth": p.dob,
            "gender": p.gender,
            "year_group": p.year_group,
            "reg_group": p.reg_group,
        }
        row = existing.get(p.upn)
        if row is None:
            new.append(Pupil(school=school_id, upn=p.upn, **details))
            continue
        # A later export may leave optional columns out: never blank what we know.
        changes = {k: v for k, v in details.items() if v not in ("", None) and row[k] != v}
        if changes:
            await Pupil.update(changes).where(Pupil.id == row["id"])  # type: ignore[arg-type]
            summary.updated_pupils += 1
    for start in range(0, len(new), CHUNK):
        rows = await Pupil.insert(*new[start : start + CHUNK]).returning(Pupil.id, Pupil.upn)
        ids.update({r["upn"]: int(r["id"]) for r in rows})
    summary.new_pupils = len(new)
    return ids


async def _stored_marks(school_id: int, years: list[int]) -> dict[tuple[int, int], str]:
    if not years:
        return {}
    rows = await PupilYear.select(PupilYear.pupil, PupilYear.academic_year, PupilYear.marks).where(
        PupilYear.school == school_id, PupilYear.academic_year.is_in(years)
    )
    return {(int(r["pupil"]), int(r["academic_year"])): r["marks"] for r in rows}


async def _write_marks(
    school_id: int, changed: dict[tuple[int, int], str], stored: dict[tuple[int, int], str]
) -> None:
    """Changed rows are deleted and inserted again in bulk: two statements instead of one
    UPDATE per pupil."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for pupil_id, year in changed:
        if (pupil_id, year) in stored:
            by_year[year].append(pupil_id)
    for year, pupil_ids in by_year.items():
        for start in range(0, len(pupil_ids), CHUNK):
            await PupilYear.delete().where(
                PupilYear.academic_year == year,
                PupilYear.pupil.is_in(pupil_ids[start : start + CHUNK]),
            )
    rows = [
        PupilYear(pupil=pupil_id, school=school_id, academic_year=year, marks=marks)
        for (pupil_id, year), marks in changed.items()
    ]
    for start in range(0, len(rows), CHUNK):
        await PupilYear.insert(*rows[start : start + CHUNK])


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
    rows = [
        SessionNote(
            pupil=key[0], day=key[1], session=key[2], minutes_late=new[key][0], comment=new[key][1]
        )
        for key in sorted(changed)
    ]
    for start in range(0, len(rows), CHUNK):
        await SessionNote.insert(*rows[start : start + CHUNK])
