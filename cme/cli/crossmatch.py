"""`cme crossmatch --pupils P.csv --episodes E.csv --out M.csv`: match two lists of children
with no database, for data teams matching other lists (an exploitation-risk list against the
roll, say).

Both files are CSV with the headers id, forename, surname, date_of_birth (YYYY-MM-DD), gender,
address and postcode; any value may be blank, a date of birth that is not YYYY-MM-DD is
treated as unknown (and counted in a warning), other columns are ignored, except that
other_names and former_surnames are used when present. The output has one row per proposed
pair: pupil_id, episode_id, score (the probability, 0 to 1), band (auto or review) and
reasons, grouped by episode in the episodes file's order, best first; each episode has at
most one auto row. Progress and a summary go to stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from datetime import date
from pathlib import Path

from cme.cli.common import CommandError
from cme.matching import Band, Person, match

HEADERS = ("id", "forename", "surname", "date_of_birth", "gender", "address", "postcode")
OPTIONAL = ("other_names", "former_surnames")
OUTPUT = ("pupil_id", "episode_id", "score", "band", "reasons")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Below this many episodes a run takes a moment and progress lines would only be noise.
_PROGRESS_FROM = 500


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "crossmatch",
        help="match a CSV of episodes (or any list of children) to a CSV of pupils, "
        "without the database",
    )
    p.add_argument("--pupils", required=True, help="CSV of pupils")
    p.add_argument("--episodes", required=True, help="CSV of episodes (or another list)")
    p.add_argument("--out", required=True, help="the CSV of proposed matches to write")
    p.set_defaults(run=crossmatch_command)


def _text(path: Path) -> str:
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in the Windows code page.
        return raw.decode("cp1252", errors="replace")


def read_people(path: Path) -> tuple[list[Person], int, int]:
    """The people in a CSV, how many dates of birth were blank or unreadable, and how many
    rows were left out for having no id."""
    rows = csv.reader(io.StringIO(_text(path)))
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        raise CommandError(f"{path.name} is empty: it needs a header row with {', '.join(HEADERS)}")
    columns = {cell.strip().lower(): number for number, cell in enumerate(header)}
    missing = [h for h in HEADERS if h not in columns]
    if missing:
        raise CommandError(
            f"{path.name} has no {missing[0]} column (the header row needs {', '.join(HEADERS)})"
        )
    people: list[Person] = []
    unknown_dates = no_id = 0
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue

        def value(column: str, row: list[str] = row) -> str:
            number = columns.get(column)
            return row[number].strip() if number is not None and number < len(row) else ""

        if not value("id"):
            no_id += 1
            continue
        born = _date(value("date_of_birth"))
        unknown_dates += born is None
        people.append(
            Person(
                id=value("id"),
                forename=value("forename"),
                surname=value("surname"),
                date_of_birth=born,
                gender=value("gender"),
                address=value("address"),
                postcode=value("postcode"),
                other_names=value("other_names"),
                former_surnames=value("former_surnames"),
            )
        )
    return people, unknown_dates, no_id


def _date(text: str) -> date | None:
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _warn(path: Path, unknown_dates: int, no_id: int, total: int) -> None:
    if unknown_dates:
        print(
            f"warning: {path.name}: {unknown_dates:,} of {total:,} dates of birth were blank "
            "or not YYYY-MM-DD; those rows were matched without a date of birth",
            file=sys.stderr,
        )
    if no_id:
        print(
            f"warning: {path.name}: left out {no_id:,} row(s) with no id",
            file=sys.stderr,
        )


def crossmatch_command(args: argparse.Namespace) -> None:
    started = time.monotonic()
    pupils_path, episodes_path, out = Path(args.pupils), Path(args.episodes), Path(args.out)
    pupils, pupil_dates, pupil_ids = read_people(pupils_path)
    episodes, episode_dates, episode_ids = read_people(episodes_path)
    _warn(pupils_path, pupil_dates, pupil_ids, len(pupils))
    _warn(episodes_path, episode_dates, episode_ids, len(episodes))
    if not out.parent.is_dir():
        raise CommandError(f"cannot write {out}: there is no folder {out.parent}")

    shown = [-1]

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // total
        if total >= _PROGRESS_FROM and tenth > shown[0]:
            shown[0] = tenth
            print(f"matching: {tenth * 10}% ({done:,} of {total:,} episodes)", file=sys.stderr)

    proposals = match(pupils, episodes, progress=progress)
    try:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT)
            for p in proposals:
                writer.writerow((p.pupil_id, p.episode_id, f"{p.score:.4f}", p.band, p.words()))
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
    auto = sum(p.band is Band.AUTO for p in proposals)
    matched = len({p.episode_id for p in proposals})
    print(
        f"Matched {len(episodes):,} episodes against {len(pupils):,} pupils in "
        f"{time.monotonic() - started:.1f} s: {auto:,} linked (auto), "
        f"{len(proposals) - auto:,} to review, {len(episodes) - matched:,} episodes with no "
        f"likely pupil; written to {out}",
        file=sys.stderr,
    )
