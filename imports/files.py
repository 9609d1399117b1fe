"""From an uploaded file's bytes to sheets of cell values, whatever the file really is.

The type is decided from the first bytes, not the name: an encrypted .xlsx starts like an old
.xls (both are OLE2 containers), and some ".xls" exports are really HTML pages.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from imports.errors import RegisterError
from imports.xlsx_slices import SLICE_OVER, sheet_parts, sliced_rows

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
# An .xlsx whose parts expand beyond this, or by more than this ratio, is refused: a real
# full-year register for a large school expands to well under a tenth of it.
MAX_EXPANDED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200

SAVE_AS = (
    "Open it in Excel and use File > Save As, choosing 'Excel Workbook (.xlsx)' or "
    "'CSV UTF-8 (.csv)', then upload that file."
)


# Layouts are recognised from a sheet's first rows; the rest are streamed, never all held
# as Python objects at once (a long-layout year for a large school is 570,000 rows).
HEAD_ROWS = 40


@dataclass
class Sheet:
    name: str | None
    hidden: bool
    head: list[Sequence[Any]]
    rest: Iterator[Sequence[Any]] = field(default_factory=lambda: iter(()))
    date1904: bool = False

    @classmethod
    def of(
        cls, name: str | None, hidden: bool, rows: Iterable[Sequence[Any]], date1904: bool = False
    ) -> Sheet:
        it = iter(rows)
        return cls(name, hidden, list(itertools.islice(it, HEAD_ROWS)), it, date1904)

    def rows_from(self, index: int) -> Iterator[Sequence[Any]]:
        """Rows from `index` (0-based) to the end; the sheet can be read this way once."""
        return itertools.chain(self.head[index:], self.rest)


def read_sheets(data: bytes, filename: str, max_bytes: int) -> list[Sheet]:
    if len(data) > max_bytes:
        raise RegisterError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest accepted is "
            f"{max_bytes / 1024 / 1024:.0f} MB. Export a shorter date range and upload each part."
        )
    if not data.strip():
        raise RegisterError("The file is empty.")
    if data.startswith(OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise RegisterError(
                "The file is password-protected, so it cannot be read. Open it in Excel, "
                "remove the password (File > Info > Protect Workbook > Encrypt with Password, "
                "clear the box) and save it, or export the register again without a password."
            )
        raise RegisterError(
            f"This is an old Excel 97-2003 (.xls) file, which is not accepted. {SAVE_AS}"
        )
    if data.startswith(ZIP):
        return _xlsx_sheets(data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" is UTF-16 with a byte-order mark (and tabs between cells).
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _not_a_spreadsheet(filename, None) from None
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<table" in head:
        raise RegisterError(
            f"'{filename}' is a web page (HTML) saved with a spreadsheet name, not a real "
            f"spreadsheet. {SAVE_AS}"
        )
    if (kind := _binary_kind(data)) is not None:
        raise _not_a_spreadsheet(filename, kind or None)
    return [Sheet.of(None, False, _csv_rows(data))]


# Files people pick by mistake, known by their first bytes.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
)
# A text file has hardly any control characters other than tab, CR, LF and form feed.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _binary_kind(data: bytes) -> str | None:
    """What a file that is not text is ("" when not known), or None for text."""
    for magic, kind in MAGIC:
        if data.startswith(magic) and (magic != b"MZ" or b"\x00" in data[:512]):
            return kind
    sample = data[:4096]
    control = len(sample) - len(sample.translate(None, _CONTROL))
    if b"\x00" in sample or control > max(2, len(sample) // 100):
        return ""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut at the end of the sample is still text, and so is Windows-1252.
        if exc.start < len(sample) - 3 and not _mostly_text(sample):
            return ""
    return None


def _mostly_text(sample: bytes) -> bool:
    """Windows-1252 text: letters, digits and punctuation, a few bytes above 127 (accents)."""
    high = sum(1 for b in sample if b >= 128)
    return high <= len(sample) // 4


def _not_a_spreadsheet(filename: str, kind: str | None) -> RegisterError:
    what = f"it is {kind}" if kind else "its content is not text, .xlsx or .csv"
    return RegisterError(
        f"'{filename}' is not a spreadsheet: {what}. Upload the attendance register exported "
        "from your MIS as an Excel workbook (.xlsx) or a CSV file (.csv)."
    )


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise RegisterError(
            f"The file is damaged and cannot be opened as .xlsx. {SAVE_AS}"
        ) from None
    expanded = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if expanded > MAX_EXPANDED_BYTES or (
        expanded > 10 * 1024 * 1024 and expanded / packed > MAX_RATIO
    ):
        raise RegisterError(
            f"The file would expand to {expanded / 1024 / 1024:.0f} MB when opened, far more than "
            "any register: it is not a normal spreadsheet, so it was not opened."
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise RegisterError(f"The file is a zip archive but not an Excel workbook. {SAVE_AS}")
    workbook_xml = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    hidden = set()
    for tag in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)>", workbook_xml):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag.group(1)))
        if attributes.get("state") in ("hidden", "veryHidden"):
            hidden.add(_xml_unescape(attributes.get("name", "")))
    date1904 = bool(re.search(r"date1904=\"(?:1|true)\"", workbook_xml))
    try:
        # From a file, not from memory: calamine reads a Python file object a few bytes per
        # call, which made reading a full-year register take 0.3 s longer.
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
            file.write(data)
            file.flush()
            book = CalamineWorkbook.from_path(file.name)
            sheets = []
            parts = sheet_parts(archive, workbook_xml)
            sizes = {i.filename: i.file_size for i in infos}
            for meta in book.sheets_metadata:
                part = parts.get(meta.name, "")
                rows: Iterable[Sequence[Any]]
                if sizes.get(part, 0) > SLICE_OVER:
                    rows = sliced_rows(data, part, meta.name)
                else:
                    rows = book.get_sheet_by_name(meta.name).iter_rows()
                sheets.append(Sheet.of(meta.name, meta.name in hidden, rows, date1904))
            book.close()
        return sheets
    except CalamineError as exc:
        raise RegisterError(f"The workbook could not be read ({exc}). {SAVE_AS}") from None


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            # Excel's plain "CSV (Comma delimited)" on Windows writes Windows-1252.
            encoding = "cp1252"
    sample = data[:20000].decode(encoding, "replace")
    delimiter = ","
    if sample.count(";") > sample.count(",") and sample.count(";") > sample.count("\t"):
        delimiter = ";"
    elif sample.count("\t") > sample.count(","):
        delimiter = "\t"
    # Decoded as it is read: a StringIO of the whole text would hold 4 bytes per character.
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")
    # A malformed line raises csv.Error as the rows are read: parse_register says so.
    return csv.reader(text, delimiter=delimiter)
