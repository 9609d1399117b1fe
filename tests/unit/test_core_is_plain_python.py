"""The domain core (the modules directly in cme/) must not depend on any framework."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cme

FORBIDDEN = {"litestar", "piccolo", "arq", "openpyxl", "asyncpg", "aiosqlite", "redis"}
# The modules directly in cme/ and the rule packages (cases); cme/storage, web, jobs, cli and
# exports are the framework side.
CORE = sorted(
    p
    for pattern in ("*.py", "cases/*.py", "episodes/*.py", "matching/*.py")
    for p in Path(cme.__file__).parent.glob(pattern)
)


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
            if node.module.split(".")[0] == "cme":
                roots.add(node.module)
    return roots


def test_there_is_a_core_to_check() -> None:
    names = {p.stem for p in CORE}
    assert {"roles", "access", "settings"} <= names


def test_core_modules_import_no_framework() -> None:
    offenders = {
        p.name: sorted(_imported_roots(p) & FORBIDDEN)
        for p in CORE
        if _imported_roots(p) & FORBIDDEN
    }
    assert offenders == {}


def test_core_modules_import_only_core_from_cme() -> None:
    outside = ("cme.storage", "cme.jobs", "cme.web", "cme.cli")
    offenders = {
        p.name: sorted(m for m in _imported_roots(p) if m.startswith(outside))
        for p in CORE
        if any(m.startswith(outside) for m in _imported_roots(p))
    }
    assert offenders == {}


def test_importing_the_core_loads_no_framework() -> None:
    root = Path(cme.__file__).parent.parent
    modules = [
        ".".join(p.relative_to(root).with_suffix("").parts) for p in CORE if p.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(set({sorted(FORBIDDEN)!r}) & {{k.split('.')[0] for k in sys.modules}}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
