"""Reading a very large worksheet a slice of rows at a time.

calamine holds a whole sheet in memory, about 70 bytes a cell: a full-year register in the
long layout (615,000 rows x 12 columns) took over 500 MB. A sheet whose XML is larger than
SLICE_OVER is therefore cut, at row boundaries, into slices of about SLICE_BYTES of XML; each
slice is put back into a copy of the workbook's small parts (shared strings, styles) and read
by calamine on its own, so memory stays that of one slice and the cells read the same.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from imports.errors import RegisterError

SLICE_OVER = 64 * 1024 * 1024
SLICE_BYTES = 4 * 1024 * 1024
_ATTRIBUTES = re.compile(r'([\w:]+)="([^"]*)"')
_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)


def sheet_parts(archive: zipfile.ZipFile, workbook_xml: str) -> dict[str, str]:
    """Sheet name -> the path of its XML in the archive."""
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for tag in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        attributes = dict(_ATTRIBUTES.findall(tag.group(1)))
        targets[attributes.get("Id", "")] = attributes.get("Target", "")
    parts = {}
    for tag in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)>", workbook_xml):
        attributes = dict(_ATTRIBUTES.findall(tag.group(1)))
        rid = next((v for k, v in attributes.items() if k.endswith(":id")), "")
        target = targets.get(rid, "")
        if target and "name" in attributes:
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[attributes["name"]] = path
    return parts


def sliced_rows(data: bytes, part: str, name: str) -> Iterator[list[Any]]:
    """The sheet's rows, as calamine reads them (row 0 first; columns from the first column
    of the first slice), read one slice at a time."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        others: dict[str, bytes] = {}
        for info in archive.infolist():
            if info.filename == part:
                continue
            is_sheet = info.filename.startswith("xl/worksheets/") and "/_rels/" not in info.filename
            others[info.filename] = _EMPTY_SHEET if is_sheet else archive.read(info.filename)
        next_row = 0
        first_col: int | None = None
        for xml in _slices(archive, part):
            rows, (start_row, start_col) = _read_slice(others, part, name, xml)
            if first_col is None:
                first_col = start_col
            shift = start_col - first_col
            for offset, row in enumerate(rows):
                while next_row < start_row + offset:
                    yield []
                    next_row += 1
                yield [*([""] * shift), *row] if shift >= 0 else row[-shift:]
                next_row += 1


def _slices(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """Whole worksheets, each holding the next rows of the sheet, up to SLICE_BYTES of XML."""
    with archive.open(part) as stream:
        buffer = stream.read(SLICE_BYTES)
        start = re.search(rb"<(\w+:)?sheetData\b[^>]*>", buffer)
        root = re.search(rb"<(\w+:)?worksheet\b", buffer)
        if start is None or root is None or buffer[start.end() - 2 : start.end()] == b"/>":
            return
        prefix = start.group(1) or b""
        head = re.sub(rb"<(\w+:)?dimension\b[^>]*/>", b"", buffer[: start.end()])
        tail = b"</" + prefix + b"sheetData></" + (root.group(1) or b"") + b"worksheet>"
        row_end = b"</" + prefix + b"row>"
        buffer = buffer[start.end() :]
        while True:
            block = stream.read(SLICE_BYTES)
            end = buffer.rfind(row_end)
            if end >= 0 and (len(buffer) >= SLICE_BYTES or not block):
                cut = end + len(row_end)
                yield head + buffer[:cut] + tail
                buffer = buffer[cut:]
            if not block:
                return
            buffer += block


def _read_slice(
    others: dict[str, bytes], part: str, name: str, xml: bytes
) -> tuple[list[list[Any]], tuple[int, int]]:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as copy:
            for filename, content in others.items():
                copy.writestr(filename, content)
            copy.writestr(part, xml)
        file.flush()
        try:
            book = CalamineWorkbook.from_path(file.name)
            sheet = book.get_sheet_by_name(name)
            start = sheet.start or (0, 0)
            rows = sheet.to_python(skip_empty_area=True)
            book.close()
        except CalamineError as exc:
            raise RegisterError(f"The workbook could not be read ({exc}).") from None
    return rows, (int(start[0]), int(start[1]))
