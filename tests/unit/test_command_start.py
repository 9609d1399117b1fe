"""What every command does at start, kept cheap (issue 7): the migrations check reads the
migration ids from the files' text, and Piccolo's import of black waits until it is used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


async def test_pending_migrations_are_the_ones_piccolo_finds(tmp_path: Path) -> None:
    from piccolo.apps.migrations.commands.base import BaseMigrationManager

    from cme.storage.engine import current_engine, make_engine, pending_migrations, use_engine
    from cme.storage.piccolo_app import APP_CONFIG

    manager = BaseMigrationManager()
    expected = manager.get_migration_ids(
        manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    )
    before = current_engine()
    use_engine(make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}"))
    try:
        assert await pending_migrations() == expected != []
    finally:
        use_engine(before)


def test_black_is_imported_only_when_used() -> None:
    script = (
        "import sys, cme.storage, cme.storage.engine, cme.storage.tables\n"
        "from piccolo.conf.apps import AppRegistry\n"
        "assert type(sys.modules['black']).__name__ == '_OnFirstUse', 'black was imported'\n"
        "import piccolo.conf.apps as apps\n"
        "assert apps.black.format_str('x=1\\n', mode=apps.black.FileMode()) == 'x = 1\\n'\n"
        "assert type(sys.modules['black']).__name__ == 'module'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
