"""`cme report --la CODE --from YYYY-MM-DD --to YYYY-MM-DD --json` on both engines: the
fixed contract (issue 12 §1), its numbers equal to `counts.figures` for the same period,
every school of the LA by URN and nothing suppressed; mistakes as one line for a person.

The LA is tests/integration/test_termly_pack.py's: in the autumn of 2024, 13 unexplained
sessions of 7 children (6 of school A, 1 of school B) and two cases, one closed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cme.measures.figures import Dimension, Figures
from cme.measures.periods import Period
from cme.storage.engine import is_sqlite
from cme.storage.measures import counts
from cme.storage.measures.scope import Scope
from tests.integration.helpers import World
from tests.integration.test_termly_pack import la

__all__ = ["la"]  # the fixture, shared with the termly pack's tests

CME = str(Path(sys.executable).parent / "cme")
AUTUMN = ("--from", "2024-09-01", "--to", "2024-12-31")
CONTRACT = {
    "unexplained_absence_sessions": int,
    "unexplained_absence_children": int,
    "cases_opened": int,
    "cases_closed": int,
    "removals": int,
    "episodes": int,
    "episode_children": int,
    "repeat_children": int,
    "return_interviews_within_72h_rate": float,
    "hidden_missing_children": int,
}


def _url(engine: Any) -> str:
    if is_sqlite(engine):
        return f"sqlite:///{engine.path}"
    return str(engine.config["dsn"])


@pytest.fixture
def cme(la: World, db: Any, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "CME_DATABASE_URL": _url(db)}
    for name in ("CME_DEBUG", "CME_REDIS_URL"):
        env.pop(name, None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CME, "report", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    return run


async def test_the_json_is_the_contract_and_equals_counts_figures(cme, la: World) -> None:  # type: ignore[no-untyped-def]
    done = cme("--la", "370", *AUTUMN, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"la", "from", "to", "measures", "by_school"} <= set(report)
    assert (report["la"], report["from"], report["to"]) == ("370", "2024-09-01", "2024-12-31")
    for name, kind in CONTRACT.items():
        assert type(report["measures"][name]) is kind, name
    period = Period(date.fromisoformat(report["from"]), date.fromisoformat(report["to"]))
    scope = Scope(la.la_id)
    assert report["measures"] == (await counts.figures(scope, period))["all"].as_json()
    # Known by construction, and not suppressed: the small numbers are the LA's own.
    m = report["measures"]
    assert (m["unexplained_absence_sessions"], m["unexplained_absence_children"]) == (13, 7)
    assert (m["cases_opened"], m["cases_closed"]) == (2, 1)
    # Every school of the LA, by URN (none of the other LA's), each with the same keys.
    assert set(report["by_school"]) == {"100001", "100002"}
    by_school = await counts.figures(scope, period, Dimension.SCHOOL)
    for urn, school in (("100001", la.school_a), ("100002", la.school_b)):
        assert set(report["by_school"][urn]) == set(m)
        assert report["by_school"][urn] == by_school.get(str(school), Figures()).as_json()
    b = report["by_school"]["100002"]
    assert (b["unexplained_absence_sessions"], b["unexplained_absence_children"]) == (1, 1)
    assert report["by_school"]["100001"]["cases_opened"] == 2


async def test_a_school_with_nothing_in_the_period_is_there_with_zeros(cme, la: World) -> None:  # type: ignore[no-untyped-def]
    done = cme("--la", "370", "--from", "2024-09-01", "--to", "2024-10-07", "--json")
    report = json.loads(done.stdout)
    assert report["by_school"]["100002"] == Figures().finish().as_json()
    assert report["measures"]["unexplained_absence_children"] == 6


async def test_without_json_it_prints_a_table_for_people(cme, la: World) -> None:  # type: ignore[no-untyped-def]
    done = cme("--la", "370", *AUTUMN)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "First LA (370): 1 Sep 2024 to 31 Dec 2024"
    sessions = next(line for line in lines if "Unexplained absence sessions" in line)
    assert sessions.split()[-1] == "13"
    school_b = next(line for line in lines if line.strip().startswith("100002"))
    assert "School B" in school_b and school_b.split()[3:5] == ["1", "1"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--la", "999", *AUTUMN), "There is no LA with code 999"),
        (("--la", "37", *AUTUMN), "the LA's 3-digit DfE code"),
        (
            ("--la", "370", "--from", "2024-13-01", "--to", "2024-12-31"),
            "--from '2024-13-01' is not a date: use YYYY-MM-DD",
        ),
        (
            ("--la", "370", "--from", "2024-09-01", "--to", "1/12/2024"),
            "--to '1/12/2024' is not a date",
        ),
        (
            ("--la", "370", "--from", "2024-12-01", "--to", "2024-09-01"),
            "--to 2024-09-01 is before --from 2024-12-01",
        ),
        # Dates the figures page would not take either (year 1 has no year before it).
        (("--la", "370", "--to", "9999-12-31"), "--to 9999-12-31 is outside the years"),
        (
            ("--la", "370", "--from", "2024-09-01", "--to", "9999-12-31"),
            "use a date from 2000 to 2099",
        ),
        (("--la", "370", "--from", "0001-01-01"), "--from 0001-01-01 is outside the years"),
        (("--la", "370", "--to", "0001-01-01"), "--to 0001-01-01 is outside the years"),
        (("--la", "370", "--from", "1999-12-31", *AUTUMN[2:]), "--from 1999-12-31 is outside"),
    ],
)
async def test_mistakes_are_one_line_naming_what_to_fix(cme, args, words) -> None:  # type: ignore[no-untyped-def]
    done = cme(*args)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("cme: error: ") and words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
