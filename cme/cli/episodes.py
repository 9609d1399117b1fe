"""`cme import-episodes FILE --la CODE [--json]`: import the police's missing episodes.

The JSON shape is fixed (scripts depend on it): at least `episodes`, `added`, `updated`,
`unchanged` and `warnings`; `identity_changes` lists changes to a child's identity that wait
for a CME officer in the LA portal rather than being applied; `matches` is the matching run
the import made owed (`null` when nothing needed matching again)."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from pathlib import Path

from cme.cli.common import CommandError, _with_db, matched_words
from cme.settings import Settings


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import-episodes",
        help="import police notifications of children missing from home or care (.xlsx/.csv)",
    )
    p.add_argument("file")
    p.add_argument("--la", required=True, help="the LA's code (e.g. 370)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(run=import_episodes_command)


def import_episodes_command(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    limit = Settings.from_env().max_upload_bytes
    content = path.read_bytes()
    code = args.la.strip()

    from cme.errors import UserError
    from cme.storage.episode_import import EpisodeImportResult, import_file
    from cme.storage.matching import MatchRun, rematch_if_owed
    from cme.storage.organisations import la_id_for_code
    from imports.episodes import EpisodesError

    async def run() -> tuple[EpisodeImportResult, MatchRun | None]:
        la_id = await la_id_for_code(code)
        result = await import_file(None, la_id, content, path.name, limit)
        return result, await rematch_if_owed(la_id)

    try:
        result, matched = asyncio.run(_with_db(run))
    except EpisodesError as exc:
        if args.json:
            print(json.dumps({"la": code, "error": exc.as_json()}, indent=2))
        raise CommandError(exc.text) from None
    except UserError as exc:  # an LA code that is not there
        if args.json:
            print(json.dumps({"la": code, "error": {"message": str(exc), "problems": []}}))
        raise
    if args.json:
        matches = asdict(matched) if matched else None
        print(
            json.dumps({"la": code, **result.as_json(), "matches": matches}, indent=2, default=str)
        )
        return
    print(
        f"Imported {result.episodes} episodes: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged; {result.meetings_raised} intervention meetings called."
    )
    for change in result.identity_changes:
        what = "; ".join(f"{k} {a} -> {b}" for k, (a, b) in change.changes.items())
        print(
            f"to confirm: {change.force} {change.reference} would change the child's {what} "
            f"(accept or turn it down on the episode's page in the LA portal)"
        )
    if matched:
        print(matched_words(matched))
    for warning in result.warnings:
        print(f"warning: {warning}")
