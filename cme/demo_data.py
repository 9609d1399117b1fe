"""Synthetic people for the demo: invented names and valid-looking identifiers, no real child."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.gb import upn as upn_check

# Printed by `cme demo` for the demo accounts only; real accounts are given their own.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
LA_CODE = "370"
LA_NAME = "Demoshire Council (demo)"
SCHOOLS = (
    ("900001", "Riverside Primary School (demo)", "2001", range(1, 7)),
    ("900002", "Hillcrest Academy (demo)", "4001", range(7, 12)),
)

FORENAMES = (
    "Amara Ben Callum Daisy Ellis Freya George Hana Isaac Jade Kian Layla Milo Nia Oscar "
    "Priya Quinn Rosa Sami Tilly Umar Violet Wren Yusuf Zara Alfie Bea Cody Dev Elif"
).split()
SURNAMES = (
    "Ashdown Brightwell Carrow Dunmore Elsworth Fairley Gatling Hollins Ivesley Jessop "
    "Kettering Larkspur Marwood Netherby Oakhurst Pembridge Quarry Rushmere Saltmarsh "
    "Thornbury Upwood Varley Whitcombe Yarrow Zennor"
).split()


@dataclass(frozen=True)
class DemoPupil:
    upn: str
    legal_forename: str
    legal_surname: str
    date_of_birth: date
    gender: str
    year_group: str
    reg_group: str


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: str
    school_urn: str | None


def make_upn(la_code: str, establishment: str, year: int, serial: int) -> str:
    body = f"{la_code}{establishment}{year % 100:02d}{serial:03d}"
    return upn_check.calc_check_digit(body) + body


def demo_pupils(
    establishment: str, year_groups: range, per_year: int, seed: int
) -> list[DemoPupil]:
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
    pupils = []
    for year_group in year_groups:
        # The UPN's year part differs between year groups, so serials restart in each.
        serial = 0
        # Pupils in year N in the 2024/25 academic year were born Sept (2018-N) to Aug (2019-N).
        born_from = date(2018 - year_group, 9, 1)
        for n in range(per_year):
            serial += 1
            pupils.append(
                DemoPupil(
                    upn=make_upn(LA_CODE, establishment, 2024 - year_group, serial),
                    legal_forename=rng.choice(FORENAMES),
                    legal_surname=rng.choice(SURNAMES),
                    date_of_birth=born_from + timedelta(days=rng.randrange(365)),
                    gender=rng.choice("FM"),
                    year_group=str(year_group),
                    reg_group=f"{year_group}{'ABC'[n % 3]}",
                )
            )
    return pupils


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount("cme.officer@la.demo", "Casey Morgan (CME officer)", "cme_officer", None),
        DemoAccount("admin@la.demo", "Alex Patel (LA admin)", "la_admin", None),
    ]
    for urn, name, _, _ in SCHOOLS:
        short = name.split()[0].lower()
        accounts += [
            DemoAccount(
                f"attendance@{short}.demo",
                f"{name.split()[0]} attendance officer",
                "attendance_officer",
                urn,
            ),
            DemoAccount(f"dsl@{short}.demo", f"{name.split()[0]} DSL", "dsl", urn),
        ]
    return accounts
