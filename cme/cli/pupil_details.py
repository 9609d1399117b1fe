"""`cme import-pupils --school URN FILE [--json]`: import a pupil-details export."""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from pathlib import Path

from cme.cli.common import CommandError, _with_db, matched_words
from cme.settings import Settings


def import_pupil_details_command(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    limit = Settings.from_env().max_upload_bytes
    content = path.read_bytes()

    from cme.storage.matching import MatchRun, rematch_if_owed
    from cme.storage.organisations import school_for_urn
    from cme.storage.pupil_details import ImportResult, import_file
    from imports.pupil_details import PupilDetailsError

    async def run() -> tuple[ImportResult, MatchRun | None]:
        school = await school_for_urn(args.school)
        result = await import_file(None, int(school["id"]), content, path.name, limit)
        return result, await rematch_if_owed(int(school["la.id"]))

    try:
        result, matched = asyncio.run(_with_db(run))
    except PupilDetailsError as exc:
        if args.json:
            print(json.dumps({"school": args.school.strip(), "error": exc.as_json()}, indent=2))
        raise CommandError(exc.text) from None
    if args.json:
        matches = asdict(matched) if matched else None
        print(
            json.dumps(
                {"school": args.school.strip(), **asdict(result), "matches": matches}, indent=2
            )
        )
        return
    print(
        f"Imported pupil details for {result.pupils} pupils ({result.layout}): "
        f"{result.details_changed} with changed personal details, "
        f"{result.statuses_changed} statuses changed, {result.contacts_added} contacts added, "
        f"{result.contacts_changed} changed, {result.contacts_ended} no longer listed."
    )
    if matched:
        print(matched_words(matched))
    for warning in result.warnings:
        print(f"warning: {warning}")
