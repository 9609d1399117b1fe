"""Parse a police file of children missing from home or care (one row per episode) or say
precisely why not: every problem with its row, column and value, and nothing imported.

An episode is known by its force and reference. It may take several rows (an update sent
after the first notification, or the same episode on two sheets): their values must agree, and
a cell left blank on one row takes the value of another. Columns the file does not have are
not given, so the stored values stay as they were on a re-import.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cme.episodes.episode import LIMITS, Child, Episode, MissingFrom, fold, risk_level, risk_scheme
from cme.pupil_details import postcode_text
from cme.timeline import LONDON
from imports.cells import text
from imports.episode_cells import (
    Moment,
    free_text,
    missing_from,
    read_day,
    read_moment,
    read_moment_at,
    read_time,
    shown,
)
from imports.episode_columns import (
    CHILD_FIELDS,
    LABELS,
    YES_NO_FIELDS,
    Columns,
    find_columns,
    missing_columns,
)
from imports.errors import Problem, RegisterError
from imports.files import Sheet, read_sheets
from imports.model import Problems, cell, is_blank, place
from imports.pupil_details_cells import Bad, yes_no

MOMENTS = ("reported_at", "last_seen_at", "returned_at")
DAYS = ("date_of_birth", "safe_and_well_on")
FREE_TEXT = ("where_found", "who_with", "circumstances")
# A clock a little fast is not a time in the future.
CLOCK_SLOP = timedelta(hours=1)
# The police may learn of a child found before the report reached them, but not long before.
FOUND_BEFORE_REPORT = timedelta(days=30)
EARLIEST_BIRTH = date(1990, 1, 1)


class EpisodesError(RegisterError):
    """A missing-episode file that cannot be imported; like a refused register, with problems."""


@dataclass(frozen=True)
class ImportedEpisode:
    row: int
    sheet: str | None
    episode: Episode
    # The Episode fields (and "child") the file fills in for this episode; the others, with no
    # column or a blank cell, keep their stored values on a re-import.
    given: frozenset[str]
    # The Child fields the file fills in: a child's date of birth is not "none" when the file
    # has no date-of-birth column, or leaves it blank.
    child_given: frozenset[str] = frozenset()


@dataclass
class EpisodesFile:
    episodes: list[ImportedEpisode]
    warnings: list[str]


@dataclass
class _Seen:
    """A value as first read for an episode, and where, to name both rows of a conflict."""

    value: Any
    row: int
    sheet: str | None
    column: str


@dataclass
class _Draft:
    row: int
    sheet: str | None
    force: str
    reference: str
    name: str
    values: dict[str, _Seen] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)
    child_given: set[str] = field(default_factory=set)


def parse_episodes(
    data: bytes, filename: str, max_bytes: int, *, now: datetime | None = None
) -> EpisodesFile:
    """`now` (aware) is when "in the future" starts; the tests fix it."""
    try:
        sheets = read_sheets(data, filename, max_bytes)
    except EpisodesError:
        raise
    except RegisterError as exc:
        raise EpisodesError(_about_episodes(exc.message), exc.problems) from None
    try:
        return _Reader(now or datetime.now(UTC)).read(sheets)
    except csv.Error as exc:
        raise EpisodesError(f"The CSV file could not be read: {exc}.") from None


def _about_episodes(message: str) -> str:
    """The shared file reader speaks of registers; this import is of police episodes."""
    return (
        message.replace(
            "the attendance register exported from your MIS", "the police's missing-episode file"
        )
        .replace("export the register again", "export the file again")
        .replace("any register", "any episode file")
    )


class _Reader:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.problems = Problems()
        self.warnings: list[str] = []
        self.drafts: dict[tuple[str, str], _Draft] = {}

    def read(self, sheets: list[Sheet]) -> EpisodesFile:
        chosen: list[tuple[Sheet, Columns]] = []
        candidates: list[tuple[Sheet, Columns]] = []
        for sheet in sorted(sheets, key=lambda s: s.hidden):
            if chosen and sheet.hidden:
                break
            columns = find_columns(sheet.head)
            if columns is not None:
                (candidates if columns.missing() else chosen).append((sheet, columns))
        if not chosen:
            raise EpisodesError(missing_columns(candidates, sheets))
        rows = 0
        for sheet, columns in chosen:
            count = self._read_sheet(sheet, columns)
            rows += count
            if not count and len(chosen) > 1:
                self.warnings.append(f'Sheet "{sheet.name}" has no episode rows.')
        if not rows:
            sheet, columns = chosen[0]
            where = f' on sheet "{sheet.name}"' if sheet.name else ""
            raise EpisodesError(
                f"No episode rows were found below the header row (row {columns.header_row + 1})"
                f"{where}."
            )
        episodes = [e for d in self.drafts.values() if (e := self._finish(d)) is not None]
        if self.problems.count:
            items = list(self.problems.items)
            if self.problems.count > len(items):
                items.append(Problem(f"... and {self.problems.count - len(items)} more"))
            raise EpisodesError(
                f"The episodes were not imported: {self.problems.count} problem(s) to fix in the "
                "file. Nothing was changed.",
                items,
            )
        for sheet, columns in chosen:
            if columns.unused:
                where = f' on sheet "{sheet.name}"' if sheet.name else ""
                names = ", ".join(f'"{h}"' for h in columns.unused[:12])
                more = f" and {len(columns.unused) - 12} more" if len(columns.unused) > 12 else ""
                self.warnings.append(f"Columns not used{where}: {names}{more}.")
        return EpisodesFile(episodes, self.warnings)

    def _read_sheet(self, sheet: Sheet, columns: Columns) -> int:
        count = 0
        number = columns.header_row + 1
        for row in sheet.rows_from(columns.header_row + 1):
            number += 1
            if is_blank(row):
                continue
            count += 1
            _Row(self, sheet, columns, row, number).read()
        return count

    def _finish(self, draft: _Draft) -> ImportedEpisode | None:
        seen = draft.values
        v = {k: s.value for k, s in seen.items()}
        reported = seen.get("reported_at")
        if reported is None:
            return None  # the row without it is a problem already

        def problem(message: str, at: _Seen) -> None:
            self.problems.add(
                Problem(
                    message,
                    sheet=at.sheet,
                    row=at.row,
                    column=at.column,
                    value=shown(at.value),
                    name=draft.name[:100] or None,
                )
            )

        last, found = seen.get("last_seen_at"), seen.get("returned_at")
        if last is not None and last.value > reported.value:
            problem(
                f"The child was last seen ({shown(last.value)}) after they were reported missing "
                f"({shown(reported.value)}), which cannot be: check both times.",
                last,
            )
        if found is not None and last is not None and found.value < last.value:
            problem(
                f"The child was found ({shown(found.value)}) before they were last seen "
                f"({shown(last.value)}), which cannot be: check both times.",
                found,
            )
        elif found is not None and found.value < reported.value - FOUND_BEFORE_REPORT:
            problem(
                f"The child was found ({shown(found.value)}) more than 30 days before they were "
                f"reported missing ({shown(reported.value)}): check both dates.",
                found,
            )
        # Blank, or no column: not known, which is not the same as home.
        kind = v.get("missing_from", MissingFrom.OTHER)
        # A blank cell tells nothing: on a re-import it leaves the stored value as it is (a
        # blank "found" must not make a returned child missing again). Only a person clears.
        given = {k for k in draft.given if k in v} | {"force"}
        child_given = {k for k in draft.child_given if k in v}
        if child_given:
            given.add("child")
        if "risk_raw" in v:
            given.add("risk_scheme")  # the file's scheme, or the one the level's words name
        if kind is MissingFrom.CARE:
            given.add("looked_after")
        raw_risk = v.get("risk_raw", "")
        episode = Episode(
            force=draft.force,
            reference=draft.reference,
            reported_at=reported.value,
            child=Child(**{k: v[k] for k in CHILD_FIELDS if k in v}),
            missing_from=kind,
            last_seen_at=v.get("last_seen_at"),
            address=v.get("address", ""),
            postcode=v.get("postcode", ""),
            responsible_la=v.get("responsible_la", ""),
            looked_after=bool(v.get("looked_after")) or kind is MissingFrom.CARE,
            risk_raw=raw_risk,
            risk_scheme=risk_scheme(risk_level(raw_risk), v.get("risk_scheme", "")),
            returned_at=v.get("returned_at"),
            where_found=v.get("where_found", ""),
            who_with=v.get("who_with", ""),
            safe_and_well_on=v.get("safe_and_well_on"),
            circumstances=v.get("circumstances", ""),
            **{k: bool(v.get(k)) for k in YES_NO_FIELDS if k != "looked_after"},
        )
        return ImportedEpisode(
            draft.row, draft.sheet, episode, frozenset(given), frozenset(child_given)
        )


class _Row:
    """One row of a sheet, read into the draft of its episode."""

    def __init__(
        self, reader: _Reader, sheet: Sheet, columns: Columns, row: Sequence[Any], number: int
    ) -> None:
        self.reader = reader
        self.sheet = sheet
        self.columns = columns
        self.row = row
        self.number = number
        self.bad: set[str] = set()  # fields with a problem already
        f = columns.fields
        self.name = " ".join(
            t for t in (text(cell(row, f.get("forename"))), text(cell(row, f.get("surname")))) if t
        )

    def problem(self, message: str, col: int | None, value: Any = None) -> None:
        self.reader.problems.add(
            Problem(
                message,
                sheet=self.sheet.name,
                row=self.number,
                column=self.columns.header(col) if col is not None else None,
                value=None if value is None or text(value) == "" else _cell_text(value)[:60],
                name=self.name[:100] or None,
            )
        )

    def read(self) -> None:
        f = self.columns.fields
        values: dict[str, tuple[Any, int]] = {}
        for key, col in f.items():
            raw = cell(self.row, col)
            try:
                value = self._value(key, raw)
            except Bad as exc:
                self.bad.add(key)
                self.problem(str(exc), exc.col if exc.col is not None else col, exc.value or raw)
                continue
            if value is None or value == "":
                continue
            limit = LIMITS.get(key)
            if limit is not None and len(value) > limit:
                self.bad.add(key)
                self.problem(f"This is longer than {limit} characters.", col, value)
                continue
            values[key] = (value, col)
        if self.columns.address:
            address = "\n".join(
                line for c in self.columns.address if (line := free_text(cell(self.row, c)))
            )
            if len(address) > LIMITS["address"]:
                self.problem("The address is longer than 4000 characters.", self.columns.address[0])
            elif address:
                values["address"] = (address, self.columns.address[0])
        self._check(values)
        force, reference = values.pop("force", None), values.get("reference")
        if force is None and "force" not in self.bad:
            self.problem("This row has no police force: fill it in, or delete the row.", f["force"])
        if reference is None and "reference" not in self.bad:
            self.problem(
                "This row has no police reference: fill it in, or delete the row.", f["reference"]
            )
        if force is not None and reference is not None:
            self._keep(force[0], reference[0], values)

    def _value(self, key: str, raw: Any) -> Any:
        date1904 = self.sheet.date1904
        if key in MOMENTS:
            moment = self._moment(key, raw)
            return moment.at if moment else None
        if key in DAYS:
            return read_day(raw, date1904)
        if key == "missing_from":
            return missing_from(raw)
        if key in YES_NO_FIELDS:
            return yes_no(raw)
        if key in FREE_TEXT:
            return free_text(raw)
        if key == "postcode":
            return postcode_text(text(raw))
        if key == "reference":
            return "".join(text(raw).split()).upper()
        return text(raw)

    def _moment(self, key: str, raw: Any) -> Moment | None:
        time_col = self.columns.times.get(key)
        time_raw = cell(self.row, time_col)
        date1904 = self.sheet.date1904
        if time_col is None or not text(time_raw):
            moment = read_moment(raw, date1904)
        else:
            try:
                clock = read_time(time_raw)
            except Bad as exc:
                raise Bad(str(exc), time_col, time_raw) from None
            moment = read_moment_at(raw, clock, date1904)
        if moment is not None and moment.twice:
            col = self.columns.fields[key]
            self.reader.warnings.append(
                f"{place(self.sheet.name)} {self.number}, column "
                f'"{self.columns.header(col)}": {shown(moment.at)} happened twice that night, as '
                "the clocks went back an hour; it was read as the first (British Summer Time). "
                "If it was the second, correct the time in the file and import it again."
            )
        return moment

    def _check(self, values: dict[str, tuple[Any, int]]) -> None:
        """What one row's own values cannot be, whatever the other rows say."""
        f = self.columns.fields
        reported = values.get("reported_at")
        if reported is None and "reported_at" not in self.bad:
            self.problem(
                "This row has no date and time the child was reported missing: fill it in as "
                "dd/mm/yyyy hh:mm.",
                f["reported_at"],
            )
        for key in ("reported_at", "returned_at"):
            at = values.get(key)
            if at is not None and at[0] > self.reader.now + CLOCK_SLOP:
                self.problem(
                    f"{shown(at[0])} is in the future: check the date and time.", at[1], at[0]
                )
        born = values.get("date_of_birth")
        today = self.reader.now.astimezone(LONDON).date()
        if born is not None and born[0] > today:
            self.problem("This date of birth is in the future: check it.", born[1], born[0])
        elif born is not None and born[0] < EARLIEST_BIRTH:
            self.problem(
                "This date of birth is before 1990, so not a child's: check it.", born[1], born[0]
            )
        if not self.name:
            col = f.get("surname", f.get("forename"))
            self.problem("This row has no name for the child: fill in their name.", col)

    def _keep(self, force: str, reference: str, values: dict[str, tuple[Any, int]]) -> None:
        drafts = self.reader.drafts
        key = (fold(force), reference)
        draft = drafts.get(key)
        if draft is None:
            draft = _Draft(self.number, self.sheet.name, force, reference, self.name)
            drafts[key] = draft
        given, child = self.columns.given()
        draft.given |= given
        draft.child_given |= child
        for name, (value, col) in values.items():
            seen = draft.values.get(name)
            if seen is None:
                draft.values[name] = _Seen(
                    value, self.number, self.sheet.name, self.columns.header(col)
                )
            elif seen.value != value:
                where = f'sheet "{seen.sheet}", ' if seen.sheet != self.sheet.name else ""
                self.problem(
                    f"Episode {force} {reference} has a different {LABELS[name]} on {where}row "
                    f"{seen.row} ({shown(seen.value)}) than here ({shown(value)}). Make the rows "
                    "agree.",
                    col,
                    shown(value),
                )


def _cell_text(value: Any) -> str:
    """A cell's value in a problem: dates and times as a UK clock shows them."""
    return shown(value) if isinstance(value, date) else text(value)
