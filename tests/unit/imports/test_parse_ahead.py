"""`cme import-register` parses the file in a child process while it gets the database ready:
the register taken from the child must be the one parse_register gives, errors included."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from bench import register_files
from cme import demo_data
from cme.demo_registers import Grid, make_grid, to_csv, weekdays, wide_rows
from imports import RegisterError, ahead, parse_register

LIMIT = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def grid() -> Grid:
    pupils = demo_data.demo_pupils("2001", range(3, 5), per_year=5, seed=4)
    return make_grid(pupils, weekdays(date(2025, 1, 6), date(2025, 1, 10)), set(), seed=4)


class _OneThread:
    @staticmethod
    def active_count() -> int:
        return 1


@pytest.fixture(autouse=True)
def no_child_left(monkeypatch: pytest.MonkeyPatch) -> object:
    if not sys.platform.startswith("linux"):
        pytest.skip("parse_ahead forks only on Linux")
    # Earlier tests in the run may leave idle worker threads, which make parse_ahead decline
    # to fork; they hold nothing the child needs, so the tests fork anyway.
    monkeypatch.setattr(ahead, "threading", _OneThread)
    yield
    ahead.discard()


def test_the_childs_register_is_the_parsed_register(grid: Grid) -> None:
    data = register_files.xlsx(wide_rows(grid))
    expected = parse_register(data, "r.xlsx", LIMIT)
    ahead.parse_ahead(data, "r.xlsx", LIMIT)
    child = ahead._child
    assert child is not None
    register = parse_register(bytes(bytearray(data)), "r.xlsx", LIMIT)  # equal, not the same
    assert ahead._child is None  # taken from the child
    assert register == expected


def test_the_childs_refusal_is_raised_with_its_problems(grid: Grid) -> None:
    rows = wide_rows(grid)
    rows[2][9] = "A"
    data = to_csv(rows)
    ahead.parse_ahead(data, "r.csv", LIMIT)
    assert ahead._child is not None
    with pytest.raises(RegisterError) as err:
        parse_register(data, "r.csv", LIMIT)
    assert ahead._child is None
    [problem] = err.value.problems
    assert (problem.row, problem.value, problem.upn) == (3, "A", grid.pupils[1].upn)


def test_other_bytes_or_a_smaller_limit_are_parsed_here(grid: Grid) -> None:
    data = to_csv(wide_rows(grid))
    ahead.parse_ahead(data, "r.csv", LIMIT)
    other = to_csv(wide_rows(grid)[:3])
    assert len(parse_register(other, "r.csv", LIMIT).pupils) == 2
    assert ahead._child is not None  # still waiting for its own file
    with pytest.raises(RegisterError, match="largest accepted"):
        parse_register(data, "r.csv", 100)


def test_an_unused_child_is_stopped(grid: Grid) -> None:
    import os

    ahead.parse_ahead(to_csv(wide_rows(grid)), "r.csv", LIMIT)
    child = ahead._child
    assert child is not None
    ahead.discard()
    assert ahead._child is None
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, 0)  # already reaped


def test_no_fork_while_other_threads_run(grid: Grid, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(ahead, "threading", threading)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        ahead.parse_ahead(to_csv(wide_rows(grid)), "r.csv", LIMIT)
        assert ahead._child is None
    finally:
        stop.set()
        other.join()
