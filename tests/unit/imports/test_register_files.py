"""The register parser: every layout it accepts and every error it gives. No database."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from bench import register_files
from cme import demo_data
from cme.demo_registers import Grid, long_rows, make_grid, to_csv, weekdays, wide_rows
from cme.timeline import Session
from imports import RegisterError, parse_register

LIMIT = 10 * 1024 * 1024
DAYS = weekdays(date(2025, 1, 6), date(2025, 1, 17))  # two weeks, Mon 6 to Fri 17 January


@pytest.fixture(scope="module")
def grid() -> Grid:
    pupils = demo_data.demo_pupils("2001", range(3, 5), per_year=6, seed=3)
    return make_grid(pupils, DAYS, closed={DAYS[4]}, seed=3)


def parse(data: bytes, name: str = "register.csv"):  # type: ignore[no-untyped-def]
    return parse_register(data, name, LIMIT)


def expected_symbols(grid: Grid, upn: str) -> list[str]:
    from cme.marks import normalise, symbol_for

    return [symbol_for(normalise(m)) for m in grid.marks[upn]]


def check_matches(register, grid: Grid) -> None:  # type: ignore[no-untyped-def]
    assert register.sessions == [(d, s) for d in DAYS for s in Session]
    assert [p.upn for p in register.pupils] == [p.upn for p in grid.pupils]
    for pupil in register.pupils:
        assert pupil.symbols == "".join(expected_symbols(grid, pupil.upn))
    first = register.pupils[0]
    source = grid.pupils[0]
    assert (first.forename, first.surname, first.dob, first.year_group) == (
        source.legal_forename,
        source.legal_surname,
        source.date_of_birth,
        source.year_group,
    )


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda g: to_csv(wide_rows(g)), id="csv-wide"),
        pytest.param(lambda g: to_csv(wide_rows(g), bom=True), id="csv-wide-bom"),
        pytest.param(lambda g: to_csv(long_rows(g)), id="csv-long"),
        pytest.param(lambda g: to_csv(long_rows(g), encoding="cp1252"), id="csv-long-1252"),
        pytest.param(lambda g: register_files.xlsx(wide_rows(g)), id="xlsx-wide"),
        pytest.param(lambda g: register_files.xlsx(long_rows(g)), id="xlsx-long"),
        pytest.param(
            lambda g: register_files.xlsx(wide_rows(g), hidden_first=True),
            id="xlsx-hidden-first-sheet",
        ),
        pytest.param(register_files.xlsx_two_row_header, id="xlsx-two-row-header-dates"),
        pytest.param(
            lambda g: register_files.xlsx_two_row_header(g, date_cells=False),
            id="xlsx-two-row-header-text",
        ),
        pytest.param(lambda g: register_files.openpyxl_xlsx(wide_rows(g)), id="xlsx-openpyxl"),
    ],
)
def test_every_layout_gives_the_same_register(grid: Grid, make) -> None:  # type: ignore[no-untyped-def]
    name = "register.xlsx" if make(grid)[:2] == b"PK" else "register.csv"
    check_matches(parse(make(grid), name), grid)


def test_columns_in_any_order_with_other_names(grid: Grid) -> None:
    rows = wide_rows(grid)
    header = ["Surname", "Forename", "Date of Birth", "Sex", "NC Year", "Reg Group", "UPN"]
    reordered = [[*r[1:7], r[0], *r[7:]] for r in rows]
    reordered[0][:7] = header
    register = parse(to_csv(reordered))
    assert register.pupils[0].upn == grid.pupils[0].upn
    assert register.pupils[0].gender == grid.pupils[0].gender


def test_marks_normalised_and_legacy_codes_accepted() -> None:
    rows = [
        [
            "UPN",
            "Legal Surname",
            "Legal Forename",
            "06/01/2025 AM",
            "06/01/2025 PM",
            "07/01/2025 AM",
            "07/01/2025 PM",
        ],
        ["A370200124001", "Example", "Ash", " n ", "o\u00a0", "J", "-"],
    ]
    register = parse(to_csv(rows))
    assert register.pupils[0].symbols == "NOj?"


def test_dates_as_iso_and_excel_serials_in_long_layout() -> None:
    rows = [
        ["UPN", "Surname", "Forename", "Date", "AM/PM", "Mark"],
        ["A370200124001", "Example", "Ash", "2025-01-06", "MORNING", "/"],
        ["A370200124001", "Example", "Ash", "45663", "AFTERNOON", "N"],
    ]
    register = parse(to_csv(rows))
    assert register.sessions == [(date(2025, 1, 6), Session.AM), (date(2025, 1, 6), Session.PM)]
    assert register.pupils[0].symbols == "/N"


def test_minutes_late_and_comments_are_kept() -> None:
    rows = [
        ["UPN", "Surname", "Forename", "Date", "Session", "Mark", "Minutes Late", "Comment"],
        ["A370200124001", "Example", "Ash", "06/01/2025", "AM", "L", "12", "bus late"],
        ["A370200124001", "Example", "Ash", "06/01/2025", "PM", "\\", "", ""],
    ]
    [note] = parse(to_csv(rows)).notes
    assert (note.day, note.session, note.minutes_late, note.comment) == (
        date(2025, 1, 6),
        Session.AM,
        12,
        "bus late",
    )


def test_trailing_blank_rows_and_formatting_far_below_are_ignored(grid: Grid) -> None:
    rows = wide_rows(grid) + [[""] * 5] * 30
    assert len(parse(to_csv(rows)).pupils) == len(grid.pupils)
    # xlsx_two_row_header leaves a formatted empty cell at row 50,000.
    assert len(parse(register_files.xlsx_two_row_header(grid), "r.xlsx").pupils) == len(grid.pupils)


# Errors: each says what to fix.


def test_unknown_mark_names_sheet_row_column_value_and_valid_codes(grid: Grid) -> None:
    rows = wide_rows(grid)
    rows[3][9] = "A"
    with pytest.raises(RegisterError) as err:
        parse(register_files.xlsx(rows), "r.xlsx")
    text = err.value.text
    assert (
        f'Sheet "Register", row 4, column "{rows[0][9]}": \'A\' is not an attendance code' in text
    )
    assert "Valid attendance codes are: /, \\, L, K" in text


def test_unknown_marks_are_all_listed_up_to_a_limit(grid: Grid) -> None:
    rows = wide_rows(grid)
    for r in range(1, len(rows)):
        rows[r][7] = "??"
    with pytest.raises(RegisterError) as err:
        parse(to_csv(rows))
    assert f"{len(rows) - 1} problem(s)" in err.value.message
    assert len(err.value.problems) <= 21


def test_unrecognised_layout_lists_headers_found_and_needed() -> None:
    rows = [["Name", "Class", "Monday"], ["Ash Example", "3A", "present"]]
    with pytest.raises(RegisterError) as err:
        parse(to_csv(rows))
    assert 'Headers found: "Name", "Class", "Monday"' in err.value.text
    assert "Needed: a UPN column" in err.value.text


def test_missing_name_columns_are_named() -> None:
    rows = [["UPN", "06/01/2025 AM"], ["A370200124001", "/"]]
    with pytest.raises(RegisterError, match="no Legal Surname, Legal Forename column"):
        parse(to_csv(rows))


def test_summary_only_export_is_recognised() -> None:
    rows = [
        [
            "UPN",
            "Surname",
            "Forename",
            "Possible Sessions",
            "Attendance %",
            "Unauthorised Absences",
        ],
        ["A370200124001", "Example", "Ash", "120", "93.3", "4"],
    ]
    with pytest.raises(RegisterError, match="attendance summary"):
        parse(to_csv(rows))


def test_password_protected_workbook(grid: Grid) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(register_files.xlsx(wide_rows(grid)))
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    assert msoffcrypto
    with pytest.raises(RegisterError, match="password-protected"):
        parse(encrypted.getvalue(), "register.xlsx")


def test_old_xls_says_how_to_save_as_xlsx_or_csv() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "Workbook".encode("utf-16-le")
    with pytest.raises(RegisterError) as err:
        parse(ole2, "register.xls")
    assert "Excel 97-2003 (.xls)" in err.value.text
    assert "Save As" in err.value.text and ".xlsx" in err.value.text and ".csv" in err.value.text


def test_html_pretending_to_be_xls() -> None:
    page = b"<html><body><table><tr><td>UPN</td></tr></table></body></html>"
    with pytest.raises(RegisterError, match="web page"):
        parse(page, "register.xls")


def test_file_over_the_size_limit() -> None:
    with pytest.raises(RegisterError, match="largest accepted is 1 MB"):
        parse_register(b"x" * (1024 * 1024 + 1), "big.csv", 1024 * 1024)


def test_zip_bomb_is_not_opened() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (500 * 1024 * 1024))
    assert len(buf.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(RegisterError, match="would expand to"):
        parse(buf.getvalue(), "bomb.xlsx")


def test_damaged_xlsx_and_empty_file() -> None:
    with pytest.raises(RegisterError, match="damaged"):
        parse(b"PK\x03\x04 not really a zip", "register.xlsx")
    with pytest.raises(RegisterError, match="empty"):
        parse(b"", "register.csv")


def test_bad_upn_is_imported_with_a_warning_naming_the_row(grid: Grid) -> None:
    rows = wide_rows(grid)
    good = rows[2][0]
    rows[2][0] = "Z" + good[1:]  # wrong check letter
    register = parse(to_csv(rows))
    assert len(register.pupils) == len(grid.pupils)
    [warning] = register.warnings
    assert "Row 3: UPN 'Z" in warning and "check letter" in warning


def test_same_pupil_and_session_twice_with_different_marks() -> None:
    rows = [
        ["UPN", "Surname", "Forename", "Date", "Session", "Mark"],
        ["A370200124001", "Example", "Ash", "06/01/2025", "AM", "/"],
        ["A370200124001", "Example", "Ash", "06/01/2025", "AM", "N"],
    ]
    with pytest.raises(RegisterError) as err:
        parse(to_csv(rows))
    assert "two different marks for 06/01/2025 AM (rows 2 and 3)" in err.value.text


def test_same_pupil_twice_in_wide_layout_with_different_marks() -> None:
    header = ["UPN", "Surname", "Forename", "06/01/2025 AM"]
    rows = [
        header,
        ["A370200124001", "Example", "Ash", "/"],
        ["A370200124001", "Example", "Ash", "O"],
    ]
    with pytest.raises(RegisterError, match="rows 2 and 3 with different marks for 06/01/2025 AM"):
        parse(to_csv(rows))
    same = [
        header,
        ["A370200124001", "Example", "Ash", "/"],
        ["A370200124001", "Example", "Ash", "/"],
    ]
    assert len(parse(to_csv(same)).pupils) == 1


def test_weekend_columns_are_ignored_with_a_warning() -> None:
    rows = [
        ["UPN", "Surname", "Forename", "10/01/2025 AM", "11/01/2025 AM"],
        ["A370200124001", "Example", "Ash", "/", "/"],
    ]
    register = parse(to_csv(rows))
    assert register.sessions == [(date(2025, 1, 10), Session.AM)]
    assert "weekend" in register.warnings[0]


# Cases found in review.


def _two_sheets(first: list[list[str]], second: list[list[str]]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    for name, rows in (("Year 5", first), ("Year 6", second)):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    book.close()
    return buf.getvalue()


HEADER = ["UPN", "Surname", "Forename", "06/01/2025 AM", "06/01/2025 PM"]


def test_every_register_sheet_is_imported_and_named() -> None:
    data = _two_sheets(
        [HEADER, ["A370200124001", "Five", "Ash", "/", "\\"]],
        [
            ["UPN", "Surname", "Forename", "Date", "Session", "Mark"],
            ["B370200124002", "Six", "Bea", "06/01/2025", "AM", "N"],
        ],
    )
    register = parse(data, "register.xlsx")
    assert sorted(p.surname for p in register.pupils) == ["Five", "Six"]
    six = next(p for p in register.pupils if p.surname == "Six")
    assert six.symbols == "N "
    assert "2 sheets were imported together: Year 5, Year 6." in register.warnings


def test_different_marks_on_two_sheets_are_refused() -> None:
    data = _two_sheets(
        [HEADER, ["A370200124001", "Five", "Ash", "/", "\\"]],
        [HEADER, ["A370200124001", "Five", "Ash", "N", "\\"]],
    )
    with pytest.raises(RegisterError, match="different marks for 06/01/2025 AM on two sheets"):
        parse(data, "register.xlsx")


def test_values_too_long_to_store_name_row_and_column() -> None:
    rows = [[*HEADER, "Reg"], ["A370200124001", "Five", "Ash", "/", "\\", "R" * 61]]
    with pytest.raises(RegisterError) as err:
        parse(to_csv(rows))
    assert 'Row 2, column "Reg"' in err.value.text and "longer than 60 characters" in err.value.text


def test_long_but_storable_values_import_with_a_warning() -> None:
    rows = [
        [*HEADER, "Gender", "Year"],
        ["A3702001240019", "Five", "Ash", "/", "\\", "Not specified", "Reception Year"],
    ]
    register = parse(to_csv(rows))
    assert register.pupils[0].upn == "A3702001240019"
    assert "fails the UPN format" in register.warnings[0]


@pytest.mark.parametrize("minutes", ["nan", "inf", "-5", "lots", "1e9"])
def test_nonsense_minutes_late_are_ignored(minutes: str) -> None:
    rows = [
        ["UPN", "Surname", "Forename", "Date", "Session", "Mark", "Minutes Late", "Comment"],
        ["A370200124001", "Example", "Ash", "06/01/2025", "AM", "L", minutes, "late"],
    ]
    [note] = parse(to_csv(rows)).notes
    assert (note.minutes_late, note.comment) == (None, "late")
