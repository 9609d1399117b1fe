"""The `cme` command. Every command reads the database from CME_DATABASE_URL.

Errors print one line to stderr and exit 1; usage mistakes exit 2 (argparse's convention).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn

import cme.storage  # noqa: F401  (sets PICCOLO_CONF before tables load)
from cme.roles import Role
from cme.settings import Settings, SettingsError


class CommandError(Exception):
    pass


def _fail(message: str) -> NoReturn:
    print(f"cme: error: {message}", file=sys.stderr)
    raise SystemExit(1)


async def _with_db(work: Callable[[], Awaitable[Any]]) -> Any:
    from cme.storage.engine import close_engine, open_engine

    opened = await open_engine()
    try:
        return await work()
    finally:
        if opened:
            await close_engine()


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CommandError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    settings = Settings.from_env()
    jobs = "arq on Redis" if settings.uses_redis else "in-process"
    print(f"CME tracker on http://{args.host}:{args.port}/ (jobs: {jobs})", flush=True)
    uvicorn.run(
        "cme.web.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        proxy_headers=True,
    )


def cmd_worker(args: argparse.Namespace) -> None:
    from arq.worker import run_worker

    from cme.jobs.worker import worker_settings

    settings = Settings.from_env()
    if not settings.redis_url:
        raise CommandError(
            "`cme worker` runs jobs from Redis: set CME_REDIS_URL=redis://HOST:6379/0 "
            "(without it, `cme serve` runs jobs in-process)"
        )
    run_worker(worker_settings(settings.redis_url))


def cmd_migrate(args: argparse.Namespace) -> None:
    from cme.storage.engine import migrate

    asyncio.run(_with_db(lambda: migrate(quiet=False)))


def cmd_demo(args: argparse.Namespace) -> None:
    from cme import demo_data
    from cme.storage.demo import seed_demo
    from cme.storage.engine import migrate

    async def run() -> bool:
        await migrate()
        return await seed_demo()

    seeded = asyncio.run(_with_db(run))
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


def cmd_import_register(args: argparse.Namespace) -> None:
    import json
    from pathlib import Path

    from cme.events import UploadStatus
    from cme.storage.organisations import school_for_urn
    from cme.storage.uploads import create_upload, run_import

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

    async def run() -> dict[str, Any]:
        school = await school_for_urn(args.school)
        upload_id = await create_upload(int(school["id"]), path.name, content)
        return await run_import(upload_id)

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
    from datetime import date

    from cme.storage.flags import school_flags
    from cme.storage.organisations import school_for_urn

    try:
        on = date.fromisoformat(args.on) if args.on else None
    except ValueError:
        raise CommandError(f"--on {args.on!r} is not a date: use YYYY-MM-DD") from None

    async def run() -> Any:
        school = await school_for_urn(args.school)
        return await school_flags(int(school["id"]), on)

    report = asyncio.run(_with_db(run))
    flags = [
        {
            "upn": f.upn,
            "flag": f.flag.kind.value,
            "run_school_days": f.flag.run_school_days,
            "since": f.flag.since.isoformat() if f.flag.since else None,
            "name": f"{f.forename} {f.surname}",
            "year_group": f.year_group,
            "detail": f.flag.detail,
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

    imp = sub.add_parser("import-register", help="import a register export (.xlsx or .csv)")
    imp.add_argument("file")
    imp.add_argument("--school", required=True, help="the school's URN")
    imp.add_argument("--json", action="store_true", help="print the summary as JSON")
    imp.set_defaults(run=cmd_import_register)

    flags = sub.add_parser("flags", help="the flags for a school on a school day")
    flags.add_argument("--school", required=True, help="the school's URN")
    flags.add_argument("--on", help="YYYY-MM-DD (default: the latest day in the register)")
    flags.add_argument("--json", action="store_true")
    flags.set_defaults(run=cmd_flags)
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


if __name__ == "__main__":
    main()
