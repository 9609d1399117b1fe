"""The `cme` command in its exact documented forms, as scripts will call it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import POSTGRES_ADMIN_URL, REDIS_URL

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


# --- One clear line, exit 1, no file left behind, whatever the database's state --------------


def bare(tmp_path: Path, **env_vars: str):  # type: ignore[no-untyped-def]
    """`cme` with no migrated database set up first."""
    env = {**os.environ, "CME_DATABASE_URL": f"sqlite:///{tmp_path}/cme.sqlite"}
    env.pop("CME_REDIS_URL", None)
    env.pop("CME_DEBUG", None)
    env.update(env_vars)

    def cme(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CME, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
        )

    return cme


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cme: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


COMMANDS = [
    ("la", "add", "--code", "370", "--name", "X"),
    ("school", "add", "--urn", "123456", "--name", "X", "--la", "370"),
    ("flags", "--school", "123456"),
    ("import-register", "register.csv", "--school", "123456"),
    ("serve",),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_missing_database_is_one_line_and_no_file_is_left(tmp_path: Path, args) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "register.csv").write_text("UPN\n")
    result = bare(tmp_path)(*args)
    one_line_error(result, "CME_DATABASE_URL=sqlite:///", "run `cme migrate` first")
    assert not (tmp_path / "cme.sqlite").exists()
    assert not (tmp_path / ".cme-secret").exists()


@pytest.mark.parametrize("args", COMMANDS[:3], ids=lambda a: a[0])
def test_a_database_not_migrated_is_one_line(tmp_path: Path, args) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cme.sqlite").touch()
    one_line_error(bare(tmp_path)(*args), "not migrated", "run `cme migrate` first")
    assert (tmp_path / "cme.sqlite").stat().st_size == 0  # untouched


def test_migrate_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    cme = bare(tmp_path, CME_DATABASE_URL=f"sqlite:///{tmp_path}/nowhere/cme.sqlite")
    one_line_error(cme("migrate"), "folder", "does not exist")
    assert not (tmp_path / "nowhere").exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("command", ["migrate", "serve", "worker", "la"])
def test_an_unreachable_postgres_is_one_line_naming_the_setting(tmp_path: Path, command) -> None:  # type: ignore[no-untyped-def]
    url = f"postgresql://cme:secret@127.0.0.1:{_closed_port()}/cme"
    extra = {"CME_REDIS_URL": REDIS_URL} if command == "worker" else {}
    args = ("la", "add", "--code", "370", "--name", "X") if command == "la" else (command,)
    line = one_line_error(
        bare(tmp_path, CME_DATABASE_URL=url, **extra)(*args),
        "cannot reach the database",
        "CME_DATABASE_URL=postgresql://cme:***@127.0.0.1:",
    )
    assert "secret" not in line


@pytest.mark.postgres
def test_a_postgres_database_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/cme_no_such_database"
    one_line_error(bare(tmp_path, CME_DATABASE_URL=url)("migrate"), "does not exist")


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_an_unreachable_redis_is_one_line_naming_the_setting(run, tmp_path: Path, command) -> None:  # type: ignore[no-untyped-def]
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    cme = bare(tmp_path, CME_DATABASE_URL=f"sqlite:///{tmp_path}/cli.sqlite", CME_REDIS_URL=url)
    one_line_error(cme(command), "cannot reach Redis", f"CME_REDIS_URL={url}")


def test_a_bug_is_called_one_not_the_users_mistake(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    cli = importlib.import_module("cme.cli.main")

    def broken(args: object) -> None:
        raise KeyError("plan")

    monkeypatch.delenv("CME_DEBUG", raising=False)
    monkeypatch.setattr(cli, "cmd_la_add", broken)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["la", "add", "--code", "370", "--name", "X"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "internal error" in err and "a bug in the tracker" in err and "KeyError" in err
    assert "CME_DEBUG=1" in err
    monkeypatch.setenv("CME_DEBUG", "1")
    with pytest.raises(KeyError):
        cli.main(["la", "add", "--code", "370", "--name", "X"])


def test_reset_link_lets_a_locked_out_admin_choose_a_password(run) -> None:  # type: ignore[no-untyped-def]
    assert run("la", "add", "--code", "370", "--name", "Example Council").returncode == 0
    added = run(
        "user",
        "add",
        "--email",
        "admin@la.example",
        "--role",
        "la_admin",
        "--la",
        "370",
        stdin="a forgotten long password\n",
    )
    assert added.returncode == 0, added.stderr
    issued = run(
        "user", "reset-link", "--email", "admin@la.example", "--base-url", "https://cme.example"
    )
    assert issued.returncode == 0, issued.stderr
    link = issued.stdout.strip().splitlines()[-1]
    assert link.startswith("https://cme.example/password/") and len(link) > 60
    missing = run("user", "reset-link", "--email", "nobody@la.example")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        "cme: error: There is no active account with the email address nobody@la.example."
    ]


def test_serve_keeps_password_link_tokens_out_of_its_access_log(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import time
    import urllib.error
    import urllib.request

    port = _closed_port()
    env = {**os.environ, "CME_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite"}
    env.pop("CME_REDIS_URL", None)
    server = subprocess.Popen(
        [CME, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    token = "Sup3rSecretLinkToken_" + "x" * 20
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/password/{token}", timeout=2)
            except urllib.error.HTTPError as exc:
                assert exc.code == 404  # an unknown link, but the request was served
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("cme serve did not answer")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "GET /password/[hidden]" in output, output
    assert token not in output
