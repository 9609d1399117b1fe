"""`cme flags --json`: the fixed contract keys, plus each flag's own count and since-date."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cme.demo_registers import to_csv, wide_rows
from tests.integration.registers import grid

CME = str(Path(sys.executable).parent / "cme")


def test_flags_json_keeps_the_run_and_adds_each_flags_own_count(tmp_path: Path) -> None:
    env = {**os.environ, "CME_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite"}
    env.pop("CME_REDIS_URL", None)

    def cme(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [CME, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done

    cme("migrate")
    cme("la", "add", "--code", "370", "--name", "Example Council")
    cme("school", "add", "--urn", "123456", "--name", "Example School", "--la", "370")
    g = grid()
    (tmp_path / "register.csv").write_bytes(to_csv(wide_rows(g)))
    cme("import-register", str(tmp_path / "register.csv"), "--school", "123456")
    report = json.loads(cme("flags", "--school", "123456", "--json").stdout)["flags"]
    # The demo's second pattern: G for 5 school days, then N for 7 (to Fri 24 Jan 2025).
    mine = {f["flag"]: f for f in report if f["upn"] == g.pupils[1].upn}
    run, unexplained = mine["continuous_absence_10"], mine["unexplained_absence"]
    assert run["run_school_days"] == unexplained["run_school_days"] >= 12
    assert run["since"] == unexplained["since"] == run["count_since"]
    assert run["count"] == run["run_school_days"]
    assert (unexplained["count"], unexplained["count_since"]) == (7, "2025-01-15")
    assert unexplained["count_of"] == "school_days"
    assert unexplained["detail"].startswith("Unexplained for 7 school days since 15/01/2025.")
    missing = next(f for f in report if f["upn"] == g.pupils[5].upn)
    assert missing["flag"] == "missing_mark" and missing["count_of"] == "sessions"
    assert missing["sessions"] == ["PM"] and missing["count"] == 1
    assert (missing["run_school_days"], missing["since"]) == (0, None)
