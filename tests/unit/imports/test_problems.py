"""What a refused file is told: files that are not spreadsheets, and problems as structured
items (sheet, row, column, value, the pupil's UPN and name) for the upload page to list."""

from __future__ import annotations

import struct
import zlib
from datetime import date

import pytest

from bench import register_files
from cme import demo_data
from cme.demo_registers import Grid, long_rows, make_grid, to_csv, weekdays, wide_rows
from imports import RegisterError, parse_register
from imports.errors import Problem

LIMIT = 10 * 1024 * 1024
DAYS = weekdays(date(2025, 1, 6), date(2025, 1, 10))


@pytest.fixture(scope="module")
def grid() -> Grid:
    pupils = demo_data.demo_pupils("2001", range(3, 4), per_year=4, seed=5)
    return make_grid(pupils, DAYS, closed=set(), seed=5)


def refusal(data: bytes, name: str) -> RegisterError:
    with pytest.raises(RegisterError) as err:
        parse_register(data, name, LIMIT)
    return err.value


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (png(), "it is a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200), "it is a JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "it is a PDF document"),
        (bytes(range(256)) * 8, "its content is not text"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_called_so(content: bytes, kind: str) -> None:
    error = refusal(content, "register.xlsx")
    assert error.message.startswith("'register.xlsx' is not a spreadsheet: ")
    assert kind in error.message
    assert "Upload the attendance register exported from your MIS" in error.message
    assert "layout" not in error.text and "Headers found" not in error.text


def test_unicode_text_export_is_read_not_refused(grid: Grid) -> None:
    """Excel's "Unicode Text" (UTF-16 with tabs) has NUL bytes but is a register."""
    text = to_csv(wide_rows(grid)).decode("utf-8").replace(",", "\t")
    register = parse_register(text.encode("utf-16"), "register.txt", LIMIT)
    assert [p.upn for p in register.pupils] == [p.upn for p in grid.pupils]


def test_windows_1252_text_is_still_text(grid: Grid) -> None:
    rows = wide_rows(grid)
    rows[1][1] = "Zoë-Chloé"
    register = parse_register(to_csv(rows).decode().encode("cp1252"), "r.csv", LIMIT)
    assert register.pupils[0].surname == "Zoë-Chloé"


def test_unknown_mark_is_a_problem_with_its_place_and_pupil(grid: Grid) -> None:
    rows = wide_rows(grid)
    rows[2][9] = "A"
    error = refusal(register_files.xlsx(rows, sheet="Year 3"), "r.xlsx")
    pupil = grid.pupils[1]
    [problem] = error.problems
    assert problem == Problem(
        message="'A' is not an attendance code",
        sheet="Year 3",
        row=3,
        column=rows[0][9],
        value="A",
        upn=pupil.upn,
        name=f"{pupil.legal_forename} {pupil.legal_surname}",
    )
    # The one-line text, as the CLI prints it, keeps the place first.
    assert (
        str(problem)
        == f'Sheet "Year 3", row 3, column "{rows[0][9]}": \'A\' is not an attendance code'
    )
    assert f"  - {problem}" in error.text


def test_long_layout_problems_name_the_pupil(grid: Grid) -> None:
    rows = long_rows(grid)
    mark = rows[0].index("Mark")
    rows[3][mark] = "%"
    rows[5][rows[0].index("Date")] = "31/02/2025"
    error = refusal(to_csv(rows), "r.csv")
    pupil = grid.pupils[0]
    name = f"{pupil.legal_forename} {pupil.legal_surname}"
    by_row = {p.row: p for p in error.problems}
    assert by_row[4].column == "Mark" and by_row[4].value == "%"
    assert by_row[6].value is not None and by_row[6].value.startswith("31/02/2025")
    for problem in by_row.values():
        assert (problem.upn, problem.name, problem.sheet) == (pupil.upn, name, None)
    assert str(by_row[4]) == "Row 4, column \"Mark\": '%' is not an attendance code"


def test_a_pupil_twice_with_different_marks_names_the_pupil(grid: Grid) -> None:
    rows = wide_rows(grid)
    twin = list(rows[1])
    twin[7] = "N" if twin[7] != "N" else "I"
    rows.append(twin)
    error = refusal(to_csv(rows), "r.csv")
    [problem] = error.problems
    assert problem.upn == grid.pupils[0].upn
    assert problem.name == f"{grid.pupils[0].legal_forename} {grid.pupils[0].legal_surname}"
    assert problem.row == len(rows)
    assert "appears in rows 2 and" in problem.message


def test_error_as_json_for_the_upload_page(grid: Grid) -> None:
    rows = wide_rows(grid)
    rows[1][8] = "Q9"
    data = refusal(to_csv(rows), "r.csv").as_json()
    assert set(data) == {"message", "problems"}
    assert data["message"].startswith("The register was not imported: 1 problem(s)")
    assert data["problems"] == [
        {
            "message": "'Q9' is not an attendance code",
            "sheet": None,
            "row": 2,
            "column": rows[0][8],
            "value": "Q9",
            "upn": grid.pupils[0].upn,
            "name": f"{grid.pupils[0].legal_forename} {grid.pupils[0].legal_surname}",
        }
    ]


def test_plain_strings_become_problems() -> None:
    error = RegisterError("Not imported.", ["first thing", Problem("second", row=3)])
    assert error.problems == [Problem("first thing"), Problem("second", row=3)]
    assert error.text == "Not imported.\n  - first thing\n  - Row 3: second"
    assert error.as_json()["problems"][0] == {
        "message": "first thing",
        "sheet": None,
        "row": None,
        "column": None,
        "value": None,
        "upn": None,
        "name": None,
    }


def test_more_problems_than_listed_are_counted(grid: Grid) -> None:
    rows = wide_rows(grid)
    for r in range(1, len(rows)):
        for c in range(7, 13):
            rows[r][c] = "??"
    error = refusal(to_csv(rows), "r.csv")
    assert len(error.problems) == 21
    assert error.problems[-1] == Problem(f"... and {4 * 6 - 20} more")
