"""Synthetic pupil details for the demo: invented families in an invented town.

Phone numbers are in Ofcom's ranges for drama (07700 900xxx, 01632 960xxx), so none can ring
a real person; "DM" is no real postcode area. The rows form a pupil-details export, so the
demo loads them through the same import as an upload.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from cme.demo_data import BOYS, GIRLS, NEUTRAL, SURNAMES
from cme.demo_registers import PupilLike

TOWN = "Fernbridge"
COUNTY = "Demoshire"
STREETS = (
    "Mill Lane",
    "Orchard Road",
    "Kestrel Close",
    "Station Street",
    "Willow Way",
    "Church Walk",
    "Harbour View",
    "Beacon Rise",
    "Tanner's Row",
    "Heather Gardens",
)
HEADER = [
    "UPN",
    "Legal Forename",
    "Legal Surname",
    "Preferred Forename",
    "Preferred Surname",
    "Former Surnames",
    "Date of Birth",
    "Gender",
    "Address Line 1",
    "Address Line 2",
    "Address Line 3",
    "Postcode",
    "Looked After",
    "Child Protection Plan",
    "Child in Need",
    "S47 Enquiries",
    "SEN Status",
    "Young Carer",
    "FSM",
]
CONTACT_FIELDS = [
    "Name",
    "Relationship",
    "Lives With Pupil",
    "Mobile",
    "Home Phone",
    "Email",
    "Address Line 1",
    "Address Line 2",
    "Postcode",
]
MAX_CONTACTS = 3


@dataclass(frozen=True)
class DemoChild:
    """What the demo knows of a pupil already on roll."""

    upn: str
    legal_forename: str
    legal_surname: str
    date_of_birth: str  # dd/mm/yyyy, or ""
    gender: str


def header() -> list[str]:
    return HEADER + [
        f"Contact {n} {field}" for n in range(1, MAX_CONTACTS + 1) for field in CONTACT_FIELDS
    ]


def _mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randrange(1000):03d}"


def _landline(rng: random.Random) -> str:
    return f"01632 960{rng.randrange(1000):03d}"


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"DM{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _address(rng: random.Random) -> tuple[str, str, str, str]:
    return (f"{rng.randint(1, 120)} {rng.choice(STREETS)}", TOWN, COUNTY, _postcode(rng))


def _adult(rng: random.Random, sex: str, surname: str) -> str:
    return f"{rng.choice(GIRLS if sex == 'F' else BOYS)} {surname}"


def _contact(
    name: str, relation: str, lives: bool, rng: random.Random, address: tuple[str, ...] = ()
) -> list[str]:
    email = f"{name.split()[0].lower()}.{name.split()[-1].lower()}@example.org"
    home = _landline(rng) if lives and rng.random() < 0.5 else ""
    lines = [address[0], address[1], address[3]] if address else ["", "", ""]
    return [name, relation, "Y" if lives else "N", _mobile(rng), home, email, *lines]


def demo_rows(
    children: Sequence[DemoChild],
    seed: int,
    looked_after: Collection[str] = (),
    cp_plan: Collection[str] = (),
) -> list[list[str]]:
    """A pupil-details export for `children`: the header and one row per child. One child
    and those whose UPN is in `cp_plan` are on a child protection plan; some children and
    those in `looked_after` are looked after; some are on free school meals, young carers."""
    rng = random.Random(seed)  # noqa: S311  (repeatable demo data, not secrets)
    rows = [header()]
    cp_index = 3 % max(1, len(children))
    # Children of one surname and birthday are twins: they live at one home, with one family.
    families: dict[tuple[str, str], tuple[tuple[str, str, str, str], str, list[list[str]]]] = {}
    for i, child in enumerate(children):
        in_care = i % 13 == 5 or child.upn in looked_after
        on_plan = i == cp_index or child.upn in cp_plan
        home = _address(rng)
        preferred = rng.choice(NEUTRAL) if rng.random() < 0.06 else ""
        former = rng.choice(SURNAMES) if rng.random() < 0.05 else ""
        sen = rng.choices(["N", "K", "E"], weights=[85, 12, 3])[0]
        statuses = [
            "Y" if in_care else "N",
            "Y" if on_plan else "N",
            "Y" if on_plan or (not in_care and rng.random() < 0.04) else "N",
            "Y" if on_plan else "N",
            sen,
            "Y" if rng.random() < 0.03 else "N",
            "Y" if in_care or rng.random() < 0.25 else "N",
        ]
        contacts: list[list[str]] = []
        surname = child.legal_surname
        if in_care:
            carer_surname = rng.choice(SURNAMES)
            contacts.append(_contact(_adult(rng, "F", carer_surname), "Foster carer", True, rng))
            contacts.append(
                _contact(_adult(rng, "F", former or surname), "Mother", False, rng, _address(rng))
            )
        else:
            contacts.append(_contact(_adult(rng, "F", surname), "Mother", True, rng))
            shape = rng.random()
            if shape < 0.55:
                contacts.append(_contact(_adult(rng, "M", surname), "Father", True, rng))
            elif shape < 0.8:
                contacts.append(
                    _contact(_adult(rng, "M", surname), "Father", False, rng, _address(rng))
                )
            if rng.random() < 0.3:
                contacts.append(
                    _contact(
                        _adult(rng, rng.choice("FM"), surname),
                        "Grandparent",
                        False,
                        rng,
                        _address(rng),
                    )
                )
        if not in_care and child.date_of_birth:
            home, former, contacts = families.setdefault(
                (child.legal_surname, child.date_of_birth), (home, former, contacts)
            )
        cells = [
            child.upn,
            child.legal_forename,
            child.legal_surname,
            preferred,
            "",
            former,
            child.date_of_birth,
            child.gender,
            *home,
            *statuses,
        ]
        for contact in contacts[:MAX_CONTACTS]:
            cells += contact
        cells += [""] * (len(rows[0]) - len(cells))
        rows.append(cells)
    return rows


def pupils_rows(
    pupils: Sequence[PupilLike],
    seed: int,
    looked_after: Collection[str] = (),
    cp_plan: Collection[str] = (),
) -> list[list[str]]:
    """`demo_rows` for register pupils, in UPN order (the order decides who gets which
    family, so the same pupils always get the same details)."""
    children = [
        DemoChild(p.upn, p.legal_forename, p.legal_surname, f"{p.date_of_birth:%d/%m/%Y}", p.gender)
        for p in sorted(pupils, key=lambda p: p.upn)
    ]
    return demo_rows(children, seed, looked_after=looked_after, cp_plan=cp_plan)


def to_csv(rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()
