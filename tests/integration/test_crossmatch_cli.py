"""`cme crossmatch --pupils P.csv --episodes E.csv --out M.csv`: the file contract, as data
teams' scripts will use it (no database)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

CME = str(Path(sys.executable).parent / "cme")
ARGS = ("--pupils", "pupils.csv", "--episodes", "episodes.csv", "--out", "matches.csv")
HEADER = "id,forename,surname,date_of_birth,gender,address,postcode"
PUPILS = [
    HEADER + ",year_group",
    'P1,Alfred,Hargreaves,2013-04-09,M,"14 Linden Grove, Millbrook",MB4 7QT,Year 7',
    'P2,Jack,Pemberton,2014-06-17,M,"22 Foxglove Way",MB3 5HN,Year 5',
    'P3,Oliver,Pemberton,2014-06-17,M,"22 Foxglove Way",MB3 5HN,Year 5',
    "P4,Priyanka,Sharma,2012-13-40,F,3 Elm Row,MB1 2CD,Year 8",
    "P5,Amira,Okafor-Reid,,F,,,Year 9",
]
EPISODES = [
    HEADER,
    "E1,Alfie,Hargreaves,2013-09-04,Male,14 Linden Gr,mb47qt",
    "E2,,Pemberton,2014-06-17,Boy,22 Foxglove Way,MB3 5HN",
    "E3,Priya,Sharma,12/03/2012,Girl,3 Elm Row,MB1 2CD",
    "E4,Zebedee,Quartermaine,2010-01-01,M,1 Pier Street,EC9 9ZZ",
    "E5,Amira,Reid,2011-10-23,F,,",
]


@pytest.fixture
def crossmatch(tmp_path: Path):  # type: ignore[no-untyped-def]
    def run(pupils: list[str] | str, episodes: list[str] | str) -> subprocess.CompletedProcess[str]:
        for name, rows in (("pupils.csv", pupils), ("episodes.csv", episodes)):
            text = rows if isinstance(rows, str) else "\n".join(rows) + "\n"
            (tmp_path / name).write_text(text, encoding="utf-8")
        return subprocess.run(
            [CME, "crossmatch", *ARGS],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={k: v for k, v in os.environ.items() if k != "CME_DEBUG"},
            timeout=120,
        )

    return run


def _rows(tmp_path: Path) -> list[dict[str, str]]:
    with (tmp_path / "matches.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_matches_are_written_with_bands_and_reasons(crossmatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = crossmatch(PUPILS, EPISODES)
    assert done.returncode == 0, done.stderr
    rows = _rows(tmp_path)
    assert list(rows[0]) == ["pupil_id", "episode_id", "score", "band", "reasons"]
    pairs = {(r["episode_id"], r["pupil_id"]): r for r in rows}
    alfie = pairs[("E1", "P1")]
    assert alfie["band"] == "auto"
    assert "nickname (Alfie/Alfred)" in alfie["reasons"]
    assert "day and month swapped" in alfie["reasons"]
    assert 0.99 <= float(alfie["score"]) <= 1
    # Twins and no forename: both for a person, neither auto.
    assert {pairs[("E2", "P2")]["band"], pairs[("E2", "P3")]["band"]} == {"review"}
    # Unreadable dates of birth on both sides: matched without them, for a person.
    assert pairs[("E3", "P4")]["band"] == "review"
    assert "date of birth: missing" in pairs[("E3", "P4")]["reasons"]
    assert pairs[("E5", "P5")]["band"] == "review"
    assert not [r for r in rows if r["episode_id"] == "E4"]
    # Each episode at most one auto row, its rows together and best first.
    for episode in {r["episode_id"] for r in rows}:
        mine = [r for r in rows if r["episode_id"] == episode]
        assert sum(r["band"] == "auto" for r in mine) <= 1
        assert [float(r["score"]) for r in mine] == sorted(
            (float(r["score"]) for r in mine), reverse=True
        )
    order = [r["episode_id"] for r in rows]
    assert order == sorted(order)
    assert "P4" not in done.stdout
    assert "pupils.csv: 2 of 5 dates of birth were blank or not YYYY-MM-DD" in done.stderr
    assert "episodes.csv: 1 of 5 dates of birth" in done.stderr
    assert "Matched 5 episodes against 5 pupils" in done.stderr
    assert "1 linked (auto)" in done.stderr


def test_a_missing_header_is_one_line_naming_it(crossmatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    without_postcode = [row.rsplit(",", 1)[0] for row in EPISODES]
    done = crossmatch(PUPILS, without_postcode)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "episodes.csv has no postcode column" in done.stderr
    assert not (tmp_path / "matches.csv").exists()


def test_an_empty_file_is_refused_and_a_header_alone_matches_nothing(
    crossmatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    empty = crossmatch(PUPILS, "")
    assert empty.returncode == 1
    assert "episodes.csv is empty" in empty.stderr and "Traceback" not in empty.stderr
    no_rows = crossmatch([HEADER], EPISODES)
    assert no_rows.returncode == 0, no_rows.stderr
    assert _rows(tmp_path) == []
    assert (tmp_path / "matches.csv").read_text().splitlines() == [
        "pupil_id,episode_id,score,band,reasons"
    ]


def test_blank_rows_and_rows_without_an_id(crossmatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = crossmatch([*PUPILS, ",,,,,,", ",Nobody,Known,2013-04-09,M,,"], EPISODES[:2])
    assert done.returncode == 0, done.stderr
    assert "pupils.csv: left out 1 row(s) with no id" in done.stderr
    assert [(r["episode_id"], r["pupil_id"]) for r in _rows(tmp_path)] == [("E1", "P1")]


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [CME, "crossmatch", "--pupils", "nope.csv", "--episodes", "nope.csv", "--out", "m.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no such file: nope.csv" in done.stderr and "Traceback" not in done.stderr


def test_progress_is_shown_for_a_big_file(crossmatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    many = [HEADER] + [f"E{n},Alfred,Hargreaves,2013-04-09,M,,MB4 7QT" for n in range(600)]
    done = crossmatch(PUPILS, many)
    assert done.returncode == 0, done.stderr
    assert "matching: 10% (60 of 600 episodes)" in done.stderr
    assert "matching: 100% (600 of 600 episodes)" in done.stderr
    assert len(_rows(tmp_path)) == 600
