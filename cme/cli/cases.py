"""`cme cases` and `cme sweep`: the case list for scripts and checks, and the daily sweep.

Their JSON shapes are a contract (issue 8): keys may be added, never renamed or removed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from cme.cli.common import _with_db, day_option


def cmd_cases(args: argparse.Namespace) -> None:
    from cme.access import Viewer
    from cme.roles import Role
    from cme.storage.case_views import case_json, cases_for_school
    from cme.storage.clock import today
    from cme.storage.organisations import school_for_urn

    on = day_option(args.on) or today()

    async def run() -> list[dict[str, Any]]:
        school = await school_for_urn(args.school)
        # The command line is trusted like the school's own DSL: it reads that school only.
        viewer = Viewer(
            user_id=0,
            email="",
            display_name="command line",
            role=Role.DSL,
            la_id=int(school["la.id"]),
            la_code="",
            la_name="",
            school_id=int(school["id"]),
        )
        rows = await cases_for_school(viewer, int(school["id"]), on, include_closed=args.all)
        return [case_json(r) for r in rows]

    cases = asyncio.run(_with_db(run))
    cases.sort(key=lambda c: (c["day_one"], c["id"]))
    if args.json:
        print(
            json.dumps(
                {"school": args.school.strip(), "on": on.isoformat(), "cases": cases}, indent=2
            )
        )
        return
    for c in cases:
        overdue = [d["action"] for d in c["due"] if d["overdue"]]
        late = f"  overdue: {', '.join(overdue)}" if overdue else ""
        days = c["school_days_missing"]
        print(
            f"#{c['id']:<6} {c['upn']}  {c['status']:<8} day one {c['day_one']}  "
            f"{days:>3} school day{'' if days == 1 else 's'}  {c['stage']}{late}"
        )
    print(f"{len(cases)} case{'s' if len(cases) != 1 else ''} on {on}.")


def cmd_sweep(args: argparse.Namespace) -> None:
    from cme.storage.cases import sweep
    from cme.storage.clock import today

    on = day_option(args.on) or today()

    async def run() -> Any:
        return await sweep(on)

    result = asyncio.run(_with_db(run))
    summary = {
        "on": on.isoformat(),
        "opened": result.opened,
        "updated": result.updated,
        "closed": result.closed,
        "overdue": result.overdue,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(
        f"Cases brought up to {on}: {result.opened} opened, {result.updated} corrected, "
        f"{result.closed} closed, {result.overdue} steps newly overdue."
    )


def add_parsers(sub: Any) -> None:
    cases = sub.add_parser("cases", help="a school's cases and what is due on them")
    cases.add_argument("--school", required=True, help="the school's URN")
    cases.add_argument("--on", help="YYYY-MM-DD (default: today, Europe/London)")
    cases.add_argument("--all", action="store_true", help="closed cases too")
    cases.add_argument("--json", action="store_true")
    cases.set_defaults(run=cmd_cases)

    sweep = sub.add_parser(
        "sweep", help="bring every school's cases up to a day: open, update, close, overdue"
    )
    sweep.add_argument("--on", help="YYYY-MM-DD (default: today, Europe/London)")
    sweep.add_argument("--json", action="store_true")
    sweep.set_defaults(run=cmd_sweep)
