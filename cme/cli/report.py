"""`cme report --la CODE --from YYYY-MM-DD --to YYYY-MM-DD [--json]`: the partnership's
figures for a period, as the LA's figures page counts them, for data teams and checks.

An operator's command: it reads the whole LA named, with no signed-in person, and nothing is
suppressed (small numbers are hidden only in what leaves the LA).

The JSON shape is a contract (issue 12): {"la", "from", "to", "measures": {...},
"by_school": {URN: {the same keys}}}; keys may be added, never renamed or removed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import dataclass
from typing import Any

from cme.cli.common import CommandError, _with_db, day_option
from cme.measures.figures import Figures
from cme.measures.periods import YEARS_ACCEPTED, Period, academic_year_to_date
from cme.measures.tables import headline_rows
from cme.timeline import academic_year, year_start


@dataclass
class Report:
    la_code: str
    la_name: str
    period: Period
    figures: Figures
    # URN: (school name, figures), every school of the LA.
    schools: dict[str, tuple[str, Figures]]

    def as_json(self) -> dict[str, Any]:
        return {
            "la": self.la_code,
            "from": self.period.first.isoformat(),
            "to": self.period.last.isoformat(),
            "measures": self.figures.as_json(),
            "by_school": {urn: f.as_json() for urn, (_, f) in sorted(self.schools.items())},
        }


def period_of(since: str | None, until: str | None) -> Period:
    """The period the options name: by default this academic year to date; --from alone runs
    to today, --to alone from the start of its academic year. As on the figures page, both
    lie in the years 2000 to 2099 (no trend is drawn here, so a long span is allowed)."""
    from cme.storage.clock import today

    first = day_option(since, "--from")
    last = day_option(until, "--to")
    for day, option in ((first, "--from"), (last, "--to")):
        if day is not None and day.year not in YEARS_ACCEPTED:
            raise CommandError(
                f"{option} {day.isoformat()} is outside the years the tracker counts: use a "
                f"date from {YEARS_ACCEPTED[0]} to {YEARS_ACCEPTED[-1]}"
            )
    if first is None and last is None:
        return academic_year_to_date(today())
    last = last or max(today(), first or today())
    first = first or year_start(academic_year(last))
    if last < first:
        raise CommandError(
            f"--to {last.isoformat()} is before --from {first.isoformat()}: "
            "the period must end on or after the day it starts"
        )
    return Period(first, last)


async def report(la_code: str, period: Period) -> Report:
    from cme.measures.figures import Dimension
    from cme.storage.measures import counts
    from cme.storage.measures.dashboard import groups, la_code_and_name, school_urns
    from cme.storage.measures.scope import Scope
    from cme.storage.organisations import la_id_for_code

    scope = Scope(await la_id_for_code(la_code))
    code, name = await la_code_and_name(scope.la_id)
    total = (await counts.figures(scope, period))["all"]
    urns = await school_urns(scope)
    schools = {
        urns[g.key]: (g.label, g.figures)
        for g in await groups(scope, period, Dimension.SCHOOL)
        if g.key in urns
    }
    return Report(code, name, period, total, schools)


def _table(r: Report) -> str:
    lines = [f"{r.la_name} ({r.la_code}): {r.period.label}", ""]
    rows = headline_rows(r.figures)
    wide = max(len(label) for label, _ in rows)
    lines += [f"  {label:<{wide}}  {cell.text:>10}" for label, cell in rows]
    columns = (
        ("Sessions", "unexplained_absence_sessions"),
        ("Absent", "unexplained_absence_children"),
        ("Hidden", "hidden_missing_children"),
        ("Opened", "cases_opened"),
        ("Closed", "cases_closed"),
        ("Removed", "removals"),
        ("Episodes", "episodes"),
        ("Children", "episode_children"),
        ("Repeat", "repeat_children"),
    )
    names = [name for name, _ in r.schools.values()]
    name_wide = min(max([len(n) for n in names] + [6]), 36)
    lines += ["", "By school (unexplained absence; CME cases; missing from home or care):"]
    lines.append(
        f"  {'URN':<6}  {'School':<{name_wide}}" + "".join(f"  {h:>8}" for h, _ in columns)
    )
    for urn, (name, f) in sorted(r.schools.items(), key=lambda s: s[1][0].casefold()):
        values = f.as_json()
        lines.append(
            f"  {urn:<6}  {name[:name_wide]:<{name_wide}}"
            + "".join(f"  {values[k]:>8,}" for _, k in columns)
        )
    if not r.schools:
        lines.append("  The LA has no schools.")
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> None:
    from cme import identifiers

    code = identifiers.la_code(args.la)
    period = period_of(args.since, args.until)
    found = asyncio.run(_with_db(lambda: report(code, period)))
    if args.json:
        print(json.dumps(found.as_json(), indent=2))
        return
    print(_table(found))


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="the partnership's figures for an LA over a period, whole and by school "
        "(not suppressed)",
    )
    p.add_argument("--la", required=True, help="the LA's 3-digit code")
    p.add_argument("--from", dest="since", help="YYYY-MM-DD, the first day (default: 1 September)")
    p.add_argument("--to", dest="until", help="YYYY-MM-DD, the last day (default: today)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(run=cmd_report)
