"""The `cme` command. Every command reads the database from CME_DATABASE_URL.

Errors print one line to stderr and exit 1; usage mistakes exit 2 (argparse's convention).
A bug (any other exception) is said to be one, in one line; CME_DEBUG=1 shows its traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import cme.storage  # noqa: F401  (sets PICCOLO_CONF before tables load)
from cme.cli.common import CommandError, _with_db, day_option
from cme.cli.services import cmd_serve, cmd_worker
from cme.roles import Role
from cme.settings import Settings, SettingsError


def _fail(message: str) -> NoReturn:
    print(f"cme: error: {message}", file=sys.stderr)
    raise SystemExit(1)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CommandError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_migrate(args: argparse.Namespace) -> None:
    from cme.storage.engine import migrate

    asyncio.run(_with_db(lambda: migrate(quiet=False), may_create=True))


def cmd_demo(args: argparse.Namespace) -> None:
    from cme import demo_data
    from cme.storage.demo import seed_demo
    from cme.storage.engine import migrate

    async def run() -> bool:
        await migrate()
        return await seed_demo()

    seeded = asyncio.run(_with_db(run, may_create=True))
    print("Demo data loaded." if seeded else "Demo data was already loaded; nothing changed.")
    print(f"Demo sign-ins (password for all: {demo_data.DEMO_PASSWORD}):")
    for account in demo_data.demo_accounts():
        print(f"  {account.email:<28} {Role(account.role).label}")


def cmd_la_add(args: argparse.Namespace) -> None:
    from cme.storage.organisations import add_la

    asyncio.run(_with_db(lambda: add_la(args.code, args.name)))
    print(f"Added LA {args.code.strip()}: {args.name}")


def cmd_school_add(args: argparse.Namespace) -> None:
    from cme.storage.organisations import add_school

    asyncio.run(_with_db(lambda: add_school(args.urn, args.name, args.la)))
    print(f"Added school {args.urn.strip()}: {args.name}")


def cmd_user_add(args: argparse.Namespace) -> None:
    from cme.storage.accounts import add_account

    password = _read_password()
    asyncio.run(
        _with_db(
            lambda: add_account(
                email=args.email,
                password=password,
                role=args.role,
                display_name=args.name or "",
                school_urn=args.school,
                la_code=args.la,
            )
        )
    )
    print(f"Added {args.role} {args.email.strip().lower()}")


def cmd_user_reset_link(args: argparse.Namespace) -> None:
    from cme.storage.passwords import issue_for_email
    from cme.timeline import LONDON

    issued = asyncio.run(_with_db(lambda: issue_for_email(args.email)))
    until = issued.expires_at.astimezone(LONDON).strftime("%d %b %Y %H:%M")
    print(f"One-time password link for {issued.email} (works once, until {until} UK time):")
    print(f"{args.base_url.rstrip('/')}/password/{issued.token}")


def cmd_import_register(args: argparse.Namespace) -> None:
    import json
    from pathlib import Path

    from imports.ahead import parse_ahead

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    limit = Settings.from_env().max_upload_bytes
    if path.stat().st_size > limit:
        raise CommandError(
            f"{path.name} is {path.stat().st_size / 1024 / 1024:.1f} MB; the limit is "
            f"{limit / 1024 / 1024:.0f} MB (CME_MAX_UPLOAD_MB)"
        )

    content = path.read_bytes()
    # Parsed in a child process while this one loads the database layer (a third of a
    # second) and stores the upload; the import then uses the child's result.
    parse_ahead(content, path.name, limit)

    from cme.events import UploadStatus
    from cme.storage.matching import rematch_if_owed
    from cme.storage.organisations import school_for_urn
    from cme.storage.uploads import create_upload, run_import

    async def run() -> dict[str, Any]:
        school = await school_for_urn(args.school)
        upload_id = await create_upload(int(school["id"]), path.name, content)
        outcome = await run_import(upload_id)
        # New pupils may be children the police reported: match them now, as the app would.
        await rematch_if_owed(int(school["la.id"]))
        return outcome

    outcome = asyncio.run(_with_db(run))
    if outcome["status"] != UploadStatus.DONE:
        raise CommandError(outcome["error"])
    summary = outcome["summary"]
    if args.json:
        print(json.dumps({"school": args.school.strip(), **summary}, indent=2))
        return
    print(
        f"Imported {summary['pupils']} pupils, {summary['sessions']:,} sessions, "
        f"{summary['first_day']} to {summary['last_day']} ({summary['layout']} layout): "
        f"{summary['marks_added']:,} marks added, {summary['marks_changed']:,} changed, "
        f"{summary['new_pupils']} new pupils."
    )
    for warning in summary["warnings"]:
        print(f"warning: {warning}")


def cmd_flags(args: argparse.Namespace) -> None:
    import json

    from cme.storage.flags import school_flags
    from cme.storage.organisations import school_for_urn
    from cme.web import flag_words

    on = day_option(args.on)

    async def run() -> Any:
        school = await school_for_urn(args.school)
        return await school_flags(int(school["id"]), on)

    report = asyncio.run(_with_db(run))
    # run_school_days/since: the continuous absence run ending that day, whatever the flag
    # (the fixed contract); count/count_since/sessions: the flag's own facts.
    flags = [
        {
            "upn": f.upn,
            "flag": f.flag.kind.value,
            "run_school_days": f.flag.run_school_days,
            "since": f.flag.run_since.isoformat() if f.flag.run_since else None,
            "count": f.flag.count,
            "count_of": "sessions" if f.flag.kind.counts_sessions else "school_days",
            "count_since": f.flag.since.isoformat() if f.flag.since else None,
            "sessions": [s.value for s in f.flag.sessions],
            "name": f"{f.forename} {f.surname}",
            "year_group": f.year_group,
            "detail": flag_words.detail(f.flag, report.policy),
        }
        for f in report.flags
    ]
    if args.json:
        print(
            json.dumps(
                {
                    "school": args.school.strip(),
                    "on": report.on.isoformat() if report.on else None,
                    "school_day": report.is_school_day,
                    "flags": flags,
                },
                indent=2,
            )
        )
        return
    if report.on is None:
        print("No register has been imported for this school yet.")
        return
    if not report.is_school_day:
        print(f"{report.on} is not a school day for this school.")
    for f in flags:
        since = f" since {f['since']}" if f["since"] else ""
        print(f"{f['upn']}  {f['flag']:<22} run {f['run_school_days']:>3}{since}  {f['detail']}")
    print(f"{len(flags)} flags on {report.on}.")


def _import_pupils(args: argparse.Namespace) -> None:
    from cme.cli.pupil_details import import_pupil_details_command

    import_pupil_details_command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cme", description="Children missing education tracker")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="app processes (default 1)")
    serve.set_defaults(run=cmd_serve)

    sub.add_parser("worker", help="run background jobs from Redis (arq)").set_defaults(
        run=cmd_worker
    )
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    sub.add_parser("demo", help="migrate and load the demo LA, schools and users").set_defaults(
        run=cmd_demo
    )

    la = sub.add_parser("la", help="local authorities").add_subparsers(
        dest="la_command", required=True, metavar="ACTION"
    )
    la_add = la.add_parser("add", help="add a local authority")
    la_add.add_argument("--code", required=True, help="the LA's 3-digit DfE code")
    la_add.add_argument("--name", required=True)
    la_add.set_defaults(run=cmd_la_add)

    school = sub.add_parser("school", help="schools").add_subparsers(
        dest="school_command", required=True, metavar="ACTION"
    )
    school_add = school.add_parser("add", help="add a school")
    school_add.add_argument("--urn", required=True, help="6-digit unique reference number")
    school_add.add_argument("--name", required=True)
    school_add.add_argument("--la", required=True, help="the LA's 3-digit code")
    school_add.set_defaults(run=cmd_school_add)

    user = sub.add_parser("user", help="user accounts").add_subparsers(
        dest="user_command", required=True, metavar="ACTION"
    )
    user_add = user.add_parser(
        "add", help="add a user; the password is read from stdin (or prompted for)"
    )
    user_add.add_argument("--email", required=True)
    user_add.add_argument("--role", required=True, choices=[r.value for r in Role])
    user_add.add_argument("--school", help="school URN (attendance_officer, dsl)")
    user_add.add_argument("--la", help="LA code (cme_officer, la_admin)")
    user_add.add_argument("--name", help="the person's name as shown in the app")
    user_add.set_defaults(run=cmd_user_add)
    reset = user.add_parser(
        "reset-link",
        help="print a one-time link with which the person chooses a new password "
        "(e.g. for an LA whose only administrator has lost theirs)",
    )
    reset.add_argument("--email", required=True)
    reset.add_argument(
        "--base-url", default="http://127.0.0.1:8000", help="the tracker's address, for the link"
    )
    reset.set_defaults(run=cmd_user_reset_link)

    imp = sub.add_parser("import-register", help="import a register export (.xlsx or .csv)")
    imp.add_argument("file")
    imp.add_argument("--school", required=True, help="the school's URN")
    imp.add_argument("--json", action="store_true", help="print the summary as JSON")
    imp.set_defaults(run=cmd_import_register)

    pupils = sub.add_parser("import-pupils", help="import a pupil-details export (.xlsx or .csv)")
    pupils.add_argument("file")
    pupils.add_argument("--school", required=True, help="the school's URN")
    pupils.add_argument("--json", action="store_true", help="print the summary as JSON")
    pupils.set_defaults(run=_import_pupils)

    from cme.cli import episodes

    episodes.add_parser(sub)

    from cme.cli import crossmatch

    crossmatch.add_parser(sub)

    flags = sub.add_parser("flags", help="the flags for a school on a school day")
    flags.add_argument("--school", required=True, help="the school's URN")
    flags.add_argument("--on", help="YYYY-MM-DD (default: the latest day in the register)")
    flags.add_argument("--json", action="store_true")
    flags.set_defaults(run=cmd_flags)

    from cme.cli import cases

    cases.add_parsers(sub)

    from cme.cli import report

    report.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    from cme.errors import UserError
    from cme.storage.engine import MigrationError

    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (CommandError, SettingsError, MigrationError, UserError) as exc:
        _fail(str(exc).strip("'\""))
    except OSError as exc:
        _fail(f"cannot reach the database or a file: {exc}")
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        if os.environ.get("CME_DEBUG"):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        _fail(
            f"internal error, a bug in the tracker rather than anything you did "
            f"({type(exc).__name__}: {first}); CME_DEBUG=1 shows the traceback"
        )


if __name__ == "__main__":
    main()
