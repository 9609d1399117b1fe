"""The partnership's termly pack: what it holds (`Pack`, made of sections of figure tables) and
the .xlsx workbook it downloads as. The printable page and the workbook read the same `Pack`,
so they show the same numbers.

The pack leaves the LA, so every table in it has small numbers hidden: a `Section` makes each
table it is given `shareable()`, whoever built it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from cme.exports.cells import append_text
from cme.measures.periods import Period
from cme.measures.tables import SUPPRESSION_NOTE, Cell, FigureTable, Kind
from cme.timeline import LONDON

CONTENTS = "Contents"
NUMBER_FORMATS = {Kind.COUNT: "#,##0", Kind.RATE: "0.0%", Kind.DAYS: "0.0", Kind.DECIMAL: "0.0"}
# Excel refuses sheet names longer than this, or holding any of these.
SHEET_NAME_MAX = 31
NOT_IN_SHEET_NAMES = frozenset("[]:*?/\\")
_HEADING_FILL = PatternFill("solid", fgColor="F3F2F1")


@dataclass(frozen=True)
class Section:
    """One measure family: a sheet of the workbook and a part of the page."""

    sheet: str  # the sheet's name, and the page's heading
    about: str  # one line for the contents sheet
    tables: tuple[FigureTable, ...]
    # Last year's tables of the same kind: below this term's, in the workbook and on the page.
    earlier: tuple[FigureTable, ...] = ()

    def __post_init__(self) -> None:
        if self.sheet != sheet_name(self.sheet):
            raise ValueError(f"{self.sheet!r} cannot name a sheet")
        # Frozen: the tables are made shareable once, here, so no section can hold any other.
        object.__setattr__(self, "tables", tuple(t.shareable() for t in self.tables))
        object.__setattr__(self, "earlier", tuple(t.shareable() for t in self.earlier))


def sheet_name(text: str) -> str:
    """`text` as a name Excel takes: a refused character becomes a space, cut to length."""
    return "".join(" " if c in NOT_IN_SHEET_NAMES else c for c in text)[:SHEET_NAME_MAX]


@dataclass(frozen=True)
class Pack:
    la_code: str
    la_name: str
    term_key: str
    term: Period
    last_year: Period | None  # None: the tracker holds nothing from the same term last year
    made_at: datetime
    sections: tuple[Section, ...]
    # The terms a pack may be made for, newest first: (term key, name).
    terms: tuple[tuple[str, str], ...] = field(default=())

    def section(self, sheet: str) -> Section:
        return next(s for s in self.sections if s.sheet == sheet)

    @property
    def made(self) -> str:
        return f"{self.made_at.astimezone(LONDON):%-d %b %Y at %H:%M}"

    @property
    def last_year_words(self) -> str:
        if self.last_year is None:
            return "No figures: the tracker holds no records from the same term last year."
        return self.last_year.label


def workbook(pack: Pack) -> bytes:
    """The pack as .xlsx: a contents sheet, then a sheet per section."""
    book = Workbook()
    contents = book.active
    assert isinstance(contents, Worksheet)
    contents.title = CONTENTS
    _contents(contents, pack)
    for section in pack.sections:
        _section(book.create_sheet(section.sheet), pack, section)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Rows:
    """Appends rows to a sheet (every one through `append_text`, so no text becomes a formula)
    and keeps count of them, for styling the row just written."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.at = 0
        self.lengths: dict[int, int] = {}

    def add(self, values: Sequence[object]) -> int:
        append_text(self.sheet, values)
        self.at += 1
        self.lengths[self.at] = len(values)
        return self.at

    def style(
        self,
        row: int,
        *,
        bold: bool = False,
        size: float | None = None,
        italic: bool = False,
        fill: bool = False,
        wrap: bool = False,
    ) -> None:
        for column in range(1, self.lengths[row] + 1):
            cell = self.sheet.cell(row, column)
            cell.font = Font(bold=bold, italic=italic, size=size)
            if fill:
                cell.fill = _HEADING_FILL
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _contents(sheet: Worksheet, pack: Pack) -> None:
    rows = _Rows(sheet)
    rows.style(
        rows.add([f"Termly pack for the partnership: {pack.la_name} ({pack.la_code})"]),
        bold=True,
        size=14,
    )
    for label, value in (
        ("Local authority", f"{pack.la_name} ({pack.la_code})"),
        ("Term", pack.term.label),
        ("Same term last year", pack.last_year_words),
        ("Made", pack.made),
        ("Small numbers", SUPPRESSION_NOTE),
    ):
        at = rows.add([label, value])
        sheet.cell(at, 1).font = Font(bold=True)
        sheet.cell(at, 2).alignment = Alignment(wrap_text=True, vertical="top")
    rows.add([])
    rows.style(rows.add(["Sheet", "What it holds"]), bold=True, fill=True)
    for section in pack.sections:
        at = rows.add([section.sheet, section.about])
        link = sheet.cell(at, 1)
        # A link within the workbook: Excel opens the sheet.
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{section.sheet}'!A1")
        link.font = Font(underline="single", color="1D4F91")
        sheet.cell(at, 2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    _fit_to_page(sheet, landscape=False)


def _section(sheet: Worksheet, pack: Pack, section: Section) -> None:
    rows = _Rows(sheet)
    rows.style(rows.add([section.sheet]), bold=True, size=14)
    rows.add([f"{pack.la_name} ({pack.la_code}): {section.about}"])
    rows.add([])
    widths: dict[int, int] = {}
    for table in (*section.tables, *section.earlier):
        _table(rows, table, widths)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    _fit_to_page(sheet, landscape=len(widths) > 4)


def _table(rows: _Rows, table: FigureTable, widths: dict[int, int]) -> None:
    rows.style(rows.add([table.title]), bold=True, size=12)
    rows.style(rows.add(table.headings), bold=True, fill=True, wrap=True)
    for n, heading in enumerate(table.headings, start=1):
        # Headings wrap onto two or three lines; a label column is as wide as its labels.
        widths[n] = max(widths.get(n, 0), 12 if n > 1 else 24, min(len(heading) // 2 + 2, 18))
    for row in table.rows:
        at = rows.add([_value(c) for c in row])
        for n, cell in enumerate(row, start=1):
            written = rows.sheet.cell(at, n)
            if isinstance(written.value, int | float) and cell.kind in NUMBER_FORMATS:
                written.number_format = NUMBER_FORMATS[cell.kind]
            else:
                written.alignment = Alignment(horizontal="right" if n > 1 else "left")
            if n == 1:
                widths[1] = max(widths[1], min(len(cell.text) + 2, 60))
    if table.note:
        at = rows.add([table.note])
        rows.style(at, italic=True)
    rows.add([])


def _value(cell: Cell) -> str | int | float:
    """A number as a number (formatted by the sheet), else the text the page shows."""
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        return cell.value
    return cell.text


def _fit_to_page(sheet: Worksheet, landscape: bool) -> None:
    """Printed from Excel, a sheet is as wide as the paper and as long as it needs."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
