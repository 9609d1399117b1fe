"""The matcher is plain Python like the domain core: no web framework, no database."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cme.matching
from tests.unit.test_core_is_plain_python import FORBIDDEN

MODULES = sorted(Path(cme.matching.__file__).parent.glob("*.py"))
OUTSIDE = ("cme.storage", "cme.jobs", "cme.web", "cme.cli", "cme.exports")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_matcher_imports_no_framework_and_nothing_outside_the_core() -> None:
    assert len(MODULES) > 5
    for path in MODULES:
        imported = _imports(path)
        assert not {m.split(".")[0] for m in imported} & FORBIDDEN, path.name
        assert not [m for m in imported if m.startswith(OUTSIDE)], path.name


def test_importing_the_matcher_loads_no_framework() -> None:
    code = (
        "import sys, cme.matching\n"
        f"print(sorted(set({sorted(FORBIDDEN)!r}) & {{k.split('.')[0] for k in sys.modules}}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_nickname_list_ships_with_the_package() -> None:
    data = Path(cme.matching.__file__).parent / "data" / "nicknames.csv"
    lines = data.read_text("utf-8").splitlines()
    assert lines[0] == "formal,short_forms"
    assert len(lines) > 200
