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


@dataclass(frozen=True)
class DemoSchool:
    urn: str
    name: str
    establishment: str  # the DfE establishment number, inside every pupil's UPN
    year_groups: range
    per_year: int
    surnames: tuple[str, ...]


# Names split by the sex an MIS would record; neutral names may go with either.
GIRLS = "Amara Daisy Freya Hana Jade Layla Nia Priya Rosa Tilly Violet Zara Bea Elif Isla".split()
BOYS = "Ben Callum George Isaac Kian Milo Oscar Umar Yusuf Alfie Cody Dev Ethan Kacper Leo".split()
NEUTRAL = "Ellis Quinn Sami Wren Rowan Jordan Alex Robin".split()
FORENAMES = (*GIRLS, *BOYS, *NEUTRAL)

# Each school draws from its own families, so the two schools share no children.
SCHOOLS = (
    DemoSchool(
        "900001",
        "Riverside Primary School (demo)",
        "2001",
        range(1, 7),
        30,
        tuple(
            "Ashdown Brightwell Carrow Dunmore Elsworth Fairley Gatling Hollins Ivesley "
            "Jessop Kettering Larkspur Marwood Quarry Rushmere Ahmed Mistry Walsh Kelly "
            "Szymanski Adeyemi Ferreira Lindqvist Morrow Penhale".split()
        ),
    ),
    DemoSchool(
        "900002",
        "Hillcrest Academy (demo)",
        "4001",
        range(7, 12),
        90,
        tuple(
            "Netherby Oakhurst Pembridge Saltmarsh Thornbury Upwood Varley Whitcombe Yarrow "
            "Zennor Okafor Nowak Begum Kowalski Mensah Hughes Doyle Fraser Abbott Barraclough "
            "Chaudhry Dimitrov Evans Fitzgerald Gallagher Hussain Iqbal Jankowski Khan "
            "Lewandowski McAllister Nguyen Oyelaran Popescu Rahman Sandoval Trelawney "
            "Usman Vasquez Wojcik Akhtar Boateng Castellano Delaney".split()
        ),
    ),
)
SURNAMES = tuple(name for school in SCHOOLS for name in school.surnames)


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


def age_on_1_september(born: date, academic_year: int) -> int:
    start = date(academic_year, 9, 1)
    return start.year - born.year - ((start.month, start.day) < (born.month, born.day))


def demo_pupils(
    establishment: str,
    year_groups: range,
    per_year: int,
    seed: int,
    academic_year: int = 2024,
    surnames: tuple[str, ...] = SURNAMES,
) -> list[DemoPupil]:
    """Pupils whose ages fit their year groups in `academic_year` (which starts on 1 Sept of
    that year), as English schools group children: those born from 1 September to 31 August
    start Reception in the September after they turn four, so a Year N child turns N + 5
    during the school year."""
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
    pupils = []
    for year_group in year_groups:
        # The UPN's year part differs between year groups, so serials restart in each.
        serial = 0
        born_from = date(academic_year - year_group - 5, 9, 1)
        days_in_year = (date(academic_year - year_group - 4, 9, 1) - born_from).days
        for n in range(per_year):
            serial += 1
            gender = rng.choice("FM")
            names = (GIRLS if gender == "F" else BOYS) + NEUTRAL
            pupils.append(
                DemoPupil(
                    upn=make_upn(LA_CODE, establishment, academic_year - year_group, serial),
                    legal_forename=rng.choice(names),
                    legal_surname=rng.choice(surnames),
                    date_of_birth=born_from + timedelta(days=rng.randrange(days_in_year)),
                    gender=gender,
                    year_group=str(year_group),
                    reg_group=f"{year_group}{'ABC'[n % 3]}",
                )
            )
    return pupils


# People's names only: the header shows each person's role and organisation beside it.
STAFF = {
    "900001": ("Sam Okonjo", "Ruth Ellison"),
    "900002": ("Dan Whitfield", "Maya Chen"),
}


def school_pupils(school: DemoSchool, academic_year: int) -> list[DemoPupil]:
    seed = SCHOOLS.index(school)
    return demo_pupils(
        school.establishment,
        school.year_groups,
        per_year=school.per_year,
        seed=seed,
        academic_year=academic_year,
        surnames=school.surnames,
    )


# The LA's two CME officers, in this order: the first shares out the cases handed over.
CME_OFFICERS = (("cme.officer@la.demo", "Casey Morgan"), ("cme.officer2@la.demo", "Nadia Karim"))


def demo_accounts() -> list[DemoAccount]:
    accounts = [DemoAccount(email, name, "cme_officer", None) for email, name in CME_OFFICERS]
    accounts.append(DemoAccount("admin@la.demo", "Alex Patel", "la_admin", None))
    for school in SCHOOLS:
        short = school.name.split()[0].lower()
        officer, dsl = STAFF[school.urn]
        accounts += [
            DemoAccount(f"attendance@{short}.demo", officer, "attendance_officer", school.urn),
            DemoAccount(f"dsl@{short}.demo", dsl, "dsl", school.urn),
        ]
    return accounts
