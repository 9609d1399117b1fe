"""The termly pack's workbook (issue 12 §3), written from hand-made tables and read back as
the partnership would open it; and which term an address names."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cme.exports.partnership_pack import CONTENTS, Pack, Section, workbook
from cme.measures.figures import SUPPRESSED
from cme.measures.periods import Period
from cme.measures.tables import SUPPRESSION_NOTE, WITHHELD, Cell, FigureTable, Kind
from cme.storage.measures.pack import UnknownTerm, _periods, offered_terms

EVIL = "=cmd|' /C calc'!A0"
TERM = Period(date(2025, 9, 1), date(2025, 12, 19), "Autumn term 2025/26")
LAST = Period(date(2024, 9, 2), date(2024, 12, 20), "Autumn term 2024/25")


def _t(text: str) -> Cell:
    return Cell(text, Kind.TEXT)


HEADLINE = FigureTable(
    "headline",
    "Headline figures",
    ["Measure", "This term", "Same term last year"],
    [
        [_t("Unexplained absence sessions"), Cell(1234, children=40), Cell(980, children=31)],
        [_t("Children with unexplained absence"), Cell(40, children=40), Cell(3, children=3)],
        [_t("Interview rate"), Cell(0.625, Kind.RATE, 8), Cell(0.5, Kind.RATE, 2)],
        [_t("Median days"), Cell(12.5, Kind.DAYS, 9), Cell(None, Kind.DAYS, 0)],
    ],
)
BY_SCHOOL = FigureTable(
    "by-school",
    "School: Autumn term 2025/26",
    ["School", "Children absent", "Cases opened"],
    [
        [_t(EVIL), Cell(7, children=7), Cell(2, children=2)],
        [_t("+44 Academy"), Cell(0, children=0), Cell(5, children=5)],
    ],
)
BY_SCHOOL_EARLIER = FigureTable(
    "by-school",
    "School: Autumn term 2024/25",
    ["School", "Children absent", "Cases opened"],
    [[_t("@home school"), Cell(1, children=1), Cell(9, children=9)]],
)


def _pack() -> Pack:
    return Pack(
        la_code="370",
        la_name="Testshire",
        term_key="2025-autumn",
        term=TERM,
        last_year=LAST,
        made_at=datetime(2025, 12, 20, 9, 30, tzinfo=UTC),
        sections=(
            Section("Headline", "The headline figures.", (HEADLINE,)),
            Section("By school", "Every figure by school.", (BY_SCHOOL,), (BY_SCHOOL_EARLIER,)),
        ),
    )


def _book() -> dict[str, Worksheet]:
    book = load_workbook(io.BytesIO(workbook(_pack())))
    return {name: book[name] for name in book.sheetnames}


def _rows(sheet: Worksheet) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _find(sheet: Worksheet, value: object) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} is not on {sheet.title}")


def test_the_contents_sheet_lists_every_sheet_and_says_what_the_pack_is() -> None:
    sheets = _book()
    assert list(sheets) == [CONTENTS, "Headline", "By school"]
    contents = sheets[CONTENTS]
    rows = _rows(contents)
    at, _ = _find(contents, "Sheet")
    listed = [r[0] for r in rows[at:] if r[0]]
    assert listed == ["Headline", "By school"]
    assert rows[at + 1][1] == "Every figure by school."
    facts = {r[0]: r[1] for r in rows[1:at] if r[0]}
    assert facts["Local authority"] == "Testshire (370)"
    assert facts["Term"] == TERM.label and "1 Sep 2025 to 19 Dec 2025" in facts["Term"]
    assert facts["Same term last year"] == LAST.label
    assert facts["Made"] == "20 Dec 2025 at 09:30"  # London time (GMT in December)
    assert facts["Small numbers"] == SUPPRESSION_NOTE
    link = contents.cell(at + 2, 1).hyperlink
    assert link is not None and link.location == "'By school'!A1"
    assert contents.cell(at, 1).font.b and contents["A1"].font.b
    assert contents.column_dimensions["B"].width >= 60


def test_no_last_year_is_said_in_words() -> None:
    pack = _pack()
    bare = Pack(**{**pack.__dict__, "last_year": None})
    contents = load_workbook(io.BytesIO(workbook(bare)))[CONTENTS]
    facts = {r[0]: r[1] for r in _rows(contents) if r[0]}
    assert str(facts["Same term last year"]).startswith("No figures")


def test_a_formula_in_a_label_stays_text() -> None:
    sheet = _book()["By school"]
    row, column = _find(sheet, EVIL)
    assert sheet.cell(row, column).data_type == "s"
    for text in ("+44 Academy", "@home school"):
        row, column = _find(sheet, text)
        assert sheet.cell(row, column).data_type == "s"
    assert not any(
        c.data_type == "f" for sheet in _book().values() for r in sheet.iter_rows() for c in r
    )


def test_small_numbers_are_hidden_and_numbers_stay_numbers() -> None:
    sheet = _book()["Headline"]
    row, _ = _find(sheet, "Children with unexplained absence")
    assert [sheet.cell(row, n).value for n in (2, 3)] == [40, SUPPRESSED]
    sessions, _ = _find(sheet, "Unexplained absence sessions")
    # Sessions of 31 children stay; last year's 3 children's interview rate is withheld.
    assert [sheet.cell(sessions, n).value for n in (2, 3)] == [1234, 980]
    assert sheet.cell(sessions, 2).number_format == "#,##0"
    rate, _ = _find(sheet, "Interview rate")
    assert sheet.cell(rate, 2).value == 0.625 and sheet.cell(rate, 2).number_format == "0.0%"
    assert sheet.cell(rate, 3).value == WITHHELD
    median, _ = _find(sheet, "Median days")
    assert sheet.cell(median, 2).value == 12.5 and sheet.cell(median, 2).number_format == "0.0"
    assert sheet.cell(median, 3).value == "\u2013"  # nothing to show, as on the page
    heading, _ = _find(sheet, "Measure")
    assert all(sheet.cell(heading, n).font.b for n in (1, 2, 3))
    assert sheet.column_dimensions["A"].width >= 24


def test_last_years_breakdown_is_below_this_terms_with_its_small_numbers_hidden() -> None:
    sheet = _book()["By school"]
    this, _ = _find(sheet, BY_SCHOOL.title)
    earlier, _ = _find(sheet, BY_SCHOOL_EARLIER.title)
    assert earlier > this + len(BY_SCHOOL.rows) + 1
    row, _ = _find(sheet, EVIL)
    assert [sheet.cell(row, n).value for n in (2, 3)] == [7, SUPPRESSED]
    row, _ = _find(sheet, "@home school")
    assert [sheet.cell(row, n).value for n in (2, 3)] == [SUPPRESSED, 9]
    notes = [r.row for r in sheet["A"] if r.value == SUPPRESSION_NOTE]
    assert len(notes) == 2 and notes[1] == row + 1


def test_a_section_holds_only_shareable_tables() -> None:
    section = Section("By school", "x", (BY_SCHOOL,), (BY_SCHOOL_EARLIER,))
    assert all(t.shared for t in (*section.tables, *section.earlier))
    assert section.tables[0].rows[0][2].text == SUPPRESSED
    with pytest.raises(ValueError, match="cannot name a sheet"):
        Section("Cases: by stage", "x", ())


# --- which term ---------------------------------------------------------------------------

LA_TERMS = [
    (date(2024, 9, 4), date(2024, 10, 25)),
    (date(2024, 11, 4), date(2024, 12, 20)),
    (date(2025, 9, 3), date(2025, 10, 24)),
    (date(2025, 11, 3), date(2025, 12, 19)),
]


def test_the_default_is_the_current_term_or_in_a_holiday_the_one_just_ended() -> None:
    during, earlier, _ = _periods(None, LA_TERMS, date(2025, 10, 1))
    assert (during.first, during.last) == (date(2025, 9, 3), date(2025, 10, 1))
    assert during.name == "Autumn term 2025/26, so far"
    # Set beside the same weeks of last year's autumn, by the LA's dates for that year.
    assert (earlier.first, earlier.last) == (date(2024, 9, 4), date(2024, 10, 1))
    holiday, _, offered = _periods(None, LA_TERMS, date(2025, 12, 30))
    assert (holiday.first, holiday.last) == (date(2025, 9, 3), date(2025, 12, 19))
    assert offered[0] == holiday and offered == offered_terms(LA_TERMS, date(2025, 12, 30))


def test_a_term_key_names_a_whole_term_and_its_last_year() -> None:
    term, earlier, _ = _periods("2025-autumn", LA_TERMS, date(2026, 5, 1))
    assert (term.first, term.last) == (date(2025, 9, 3), date(2025, 12, 19))
    assert (earlier.first, earlier.last) == (date(2024, 9, 4), date(2024, 12, 20))
    # No LA dates for the spring: the months stand in.
    spring, _, _ = _periods("2024-Spring", LA_TERMS, date(2026, 5, 1))
    assert (spring.first, spring.last) == (date(2025, 1, 1), date(2025, 3, 31))


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("2025-winter", "There is no term called \u201c2025-winter\u201d"),
        ("autumn", "for example 2025-autumn"),
        ("2026-autumn", "has not started yet"),
        ("0000-autumn", "There is no term called"),
        ("0001-autumn", "There is no term called"),
        ("9999-summer", "There is no term called"),
    ],
)
def test_a_term_that_cannot_be_packed_is_said_so_with_the_terms_that_can(
    key: str, words: str
) -> None:
    with pytest.raises(UnknownTerm, match=words) as raised:
        _periods(key, LA_TERMS, date(2026, 5, 1))
    assert raised.value.terms[0] == ("2025-summer", "Summer term 2025/26")
    assert ("2024-autumn", "Autumn term 2024/25") in raised.value.terms
