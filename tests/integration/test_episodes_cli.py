"""`cme import-episodes FILE --la CODE [--json]` in its fixed form, as scripts call it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration import test_cli
from tests.integration.test_episodes import ROWS, csv

# The `cme` command on a fresh database, as test_cli.py runs it.
run = test_cli.run


def _la(run) -> None:  # type: ignore[no-untyped-def]
    assert run("la", "add", "--code", "370", "--name", "Example Council").returncode == 0


def test_import_episodes_json_then_reimport(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _la(run)
    path = tmp_path / "police.csv"
    path.write_bytes(csv(*ROWS))
    first = run("import-episodes", str(path), "--la", "370", "--json")
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert {k: data[k] for k in ("episodes", "added", "updated", "unchanged")} == {
        "episodes": 4,
        "added": 4,
        "updated": 0,
        "unchanged": 0,
    }
    assert data["warnings"] == [] and data["la"] == "370"
    # The import made matching owed, and the command ran it (the LA has no pupils yet).
    assert {k: data["matches"][k] for k in ("episodes", "pupils", "linked", "waiting")} == {
        "episodes": 4,
        "pupils": 0,
        "linked": 0,
        "waiting": 0,
    }
    path.write_bytes(csv(ROWS[0].replace("Amy,Smith", "Amie,Smith"), *ROWS[1:]))
    again = run("import-episodes", str(path), "--la", "370")
    assert again.returncode == 0, again.stderr
    assert "4 episodes: 0 added, 1 updated, 3 unchanged" in again.stdout
    assert "to confirm: Hampshire Constabulary HC/1" in again.stdout
    assert "Forename Amy -> Amie" in again.stdout
    assert "Matched the LA's 4 police episodes with its 0 pupils" in again.stdout


def test_import_episodes_mistakes_are_one_clear_message(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _la(run)
    path = tmp_path / "police.csv"
    path.write_bytes(csv(ROWS[0], ROWS[1].replace("10/11/2026 20:00", "yesterday")))
    bad = run("import-episodes", str(path), "--la", "370", "--json")
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr
    error = json.loads(bad.stdout)["error"]
    assert error["problems"][0]["row"] == 3
    assert "Nothing was changed" in error["message"]
    counted = run("import-episodes", str(path.with_name("absent.csv")), "--la", "370")
    assert counted.returncode != 0 and "no such file" in counted.stderr
    unknown = run("import-episodes", str(path), "--la", "999")
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr
    assert "999" in unknown.stderr
    unknown_json = run("import-episodes", str(path), "--la", "999", "--json")
    assert unknown_json.returncode != 0
    assert "999" in json.loads(unknown_json.stdout)["error"]["message"]
