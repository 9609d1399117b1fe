"""The `cme` command in its exact documented forms, as scripts will call it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CME = str(Path(sys.executable).parent / "cme")


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "CME_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite"}
    env.pop("CME_REDIS_URL", None)

    def cme(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CME, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    assert cme("migrate").returncode == 0
    return cme


def test_la_school_and_user_add(run) -> None:  # type: ignore[no-untyped-def]
    assert run("la", "add", "--code", "370", "--name", "Example Council").returncode == 0
    made = run("school", "add", "--urn", "123456", "--name", "Example School", "--la", "370")
    assert made.returncode == 0, made.stderr
    user = run(
        "user",
        "add",
        "--email",
        "ao@school.example",
        "--role",
        "attendance_officer",
        "--school",
        "123456",
        stdin="a good long password\n",
    )
    assert user.returncode == 0, user.stderr
    assert "a good long password" not in user.stdout + user.stderr
    admin = run(
        "user",
        "add",
        "--email",
        "admin@la.example",
        "--role",
        "la_admin",
        "--la",
        "370",
        stdin="another long password\n",
    )
    assert admin.returncode == 0, admin.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("la", "add", "--code", "37", "--name", "X"), "", "3-digit DfE code"),
        (
            ("school", "add", "--urn", "123456", "--name", "X", "--la", "999"),
            "",
            "no LA with code 999",
        ),
        (
            ("user", "add", "--email", "x@y.example", "--role", "dsl"),
            "a good long password\n",
            "must belong to a school",
        ),
        (
            ("user", "add", "--email", "x@y.example", "--role", "cme_officer", "--la", "370"),
            "short\n",
            "at least 12 characters",
        ),
    ],
)
def test_errors_are_one_clear_line_and_exit_1(run, args, stdin, message) -> None:  # type: ignore[no-untyped-def]
    run("la", "add", "--code", "370", "--name", "Example Council")
    result = run(*args, stdin=stdin)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_duplicate_la_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    assert run("la", "add", "--code", "370", "--name", "A").returncode == 0
    again = run("la", "add", "--code", "370", "--name", "B")
    assert again.returncode == 1
    assert "There is already" in again.stderr


def test_worker_without_redis_says_what_to_set(run) -> None:  # type: ignore[no-untyped-def]
    result = run("worker")
    assert result.returncode == 1
    assert "CME_REDIS_URL" in result.stderr


def test_demo_is_idempotent_and_prints_sign_ins(run) -> None:  # type: ignore[no-untyped-def]
    first = run("demo")
    assert first.returncode == 0, first.stderr
    assert "attendance@riverside.demo" in first.stdout
    second = run("demo")
    assert "already loaded" in second.stdout


def test_import_register_and_flags_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    from cme.demo_registers import to_csv, wide_rows
    from tests.integration.registers import grid

    run("la", "add", "--code", "370", "--name", "Example Council")
    run("school", "add", "--urn", "123456", "--name", "Example School", "--la", "370")
    g = grid()
    path = tmp_path / "register.csv"
    path.write_bytes(to_csv(wide_rows(g)))
    imported = run("import-register", str(path), "--school", "123456", "--json")
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert summary["pupils"] == len(g.pupils)
    assert summary["last_day"] == "2025-01-24"

    flags = run("flags", "--school", "123456", "--on", "2025-01-24", "--json")
    assert flags.returncode == 0, flags.stderr
    report = json.loads(flags.stdout)
    assert report["school"] == "123456" and report["on"] == "2025-01-24"
    kinds = {
        "unexplained_absence",
        "part_day_missing",
        "overdue_n",
        "continuous_absence_10",
        "sickness_15",
        "twenty_day_run",
        "missing_mark",
    }
    for entry in report["flags"]:
        assert set(entry) >= {"upn", "flag", "run_school_days", "since"}
        assert entry["flag"] in kinds
        assert (entry["since"] is None) == (entry["run_school_days"] == 0)
    day_one = next(f for f in report["flags"] if f["upn"] == g.pupils[2].upn)
    assert day_one == {
        **day_one,
        "flag": "unexplained_absence",
        "run_school_days": 1,
        "since": "2025-01-24",
    }


def test_import_register_bad_file_exits_1_and_stores_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("la", "add", "--code", "370", "--name", "Example Council")
    run("school", "add", "--urn", "123456", "--name", "Example School", "--la", "370")
    path = tmp_path / "register.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = run("import-register", str(path), "--school", "123456")
    assert result.returncode == 1
    assert "Excel 97-2003 (.xls)" in result.stderr
    assert "Traceback" not in result.stderr
    flags = run("flags", "--school", "123456", "--json")
    assert '"flags": []' in flags.stdout
    missing = run("import-register", str(tmp_path / "nope.csv"), "--school", "123456")
    assert missing.returncode == 1 and "no such file" in missing.stderr
