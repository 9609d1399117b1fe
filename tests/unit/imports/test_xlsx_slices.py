"""A very large worksheet is read in slices of rows: the register must be exactly the one read
in one piece, row numbers in problems included."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
import xlsxwriter

from bench import register_files
from cme import demo_data
from cme.demo_registers import Grid, long_rows, make_grid, weekdays, wide_rows
from imports import RegisterError, parse_register, xlsx_slices
from imports import files as files_module

LIMIT = 10 * 1024 * 1024
DAYS = weekdays(date(2025, 1, 6), date(2025, 1, 17))


@pytest.fixture(scope="module")
def grid() -> Grid:
    pupils = demo_data.demo_pupils("2001", range(3, 5), per_year=6, seed=9)
    return make_grid(pupils, DAYS, closed={DAYS[2]}, seed=9)


def sliced(monkeypatch: pytest.MonkeyPatch, slice_bytes: int) -> None:
    monkeypatch.setattr(files_module, "SLICE_OVER", 0)
    monkeypatch.setattr(xlsx_slices, "SLICE_BYTES", slice_bytes)


def offset_wide(g: Grid) -> bytes:
    """The register starting at C3, with a gap row, as some exports place it."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet("Register")
    for r, row in enumerate(wide_rows(g)):
        ws.write_row(r + 2 + (r > 3), 2, row)
    book.close()
    return buf.getvalue()


MAKERS: list[Callable[[Grid], bytes]] = [
    lambda g: register_files.xlsx(long_rows(g)),
    lambda g: register_files.xlsx(wide_rows(g), hidden_first=True),
    register_files.xlsx_two_row_header,
    lambda g: register_files.openpyxl_xlsx(wide_rows(g)),
    offset_wide,
]


def snapshot(data: bytes) -> object:
    r = parse_register(data, "r.xlsx", LIMIT)
    pupils = [(p.row, p.upn, p.forename, p.surname, p.dob, p.symbols) for p in r.pupils]
    return (r.sheet, r.layout, r.sessions, pupils, r.notes, r.warnings)


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("slice_bytes", [1500, 40_000])
def test_slices_read_the_same_register(
    grid: Grid, make: Callable[[Grid], bytes], slice_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = make(grid)
    whole = snapshot(data)
    sliced(monkeypatch, slice_bytes)
    assert snapshot(data) == whole


def test_problems_name_the_same_rows_when_sliced(
    grid: Grid, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = long_rows(grid)
    mark = rows[0].index("Mark")
    for r in (5, 77, len(rows) - 1):
        rows[r][mark] = "A"
    data = register_files.xlsx(rows)
    with pytest.raises(RegisterError) as whole:
        parse_register(data, "r.xlsx", LIMIT)
    sliced(monkeypatch, 2000)
    with pytest.raises(RegisterError) as in_slices:
        parse_register(data, "r.xlsx", LIMIT)
    assert [p.row for p in in_slices.value.problems] == [6, 78, len(rows)]
    assert in_slices.value.problems == whole.value.problems


def test_only_large_sheets_are_sliced(grid: Grid, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = xlsx_slices._read_slice

    def counting(*args):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(xlsx_slices, "_read_slice", counting)
    data = register_files.xlsx(long_rows(grid))
    parse_register(data, "r.xlsx", LIMIT)
    assert calls == []
    sliced(monkeypatch, 3000)
    parse_register(data, "r.xlsx", LIMIT)
    assert len(calls) > 5
