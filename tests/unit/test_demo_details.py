"""The demo's invented pupil details read back through the real import."""

from __future__ import annotations

import csv
import io

from cme import demo_data
from cme.demo_details import DemoChild, demo_rows
from imports.pupil_details import parse_pupil_details


def test_demo_details_are_plausible_and_import_cleanly() -> None:
    for seed, school in enumerate(demo_data.SCHOOLS):
        pupils = demo_data.school_pupils(school, 2026)
        children = [
            DemoChild(
                p.upn, p.legal_forename, p.legal_surname, f"{p.date_of_birth:%d/%m/%Y}", p.gender
            )
            for p in pupils
        ]
        out = io.StringIO()
        csv.writer(out).writerows(demo_rows(children, seed))
        parsed = parse_pupil_details(out.getvalue().encode(), "demo.csv", 10 * 1024 * 1024)
        assert parsed.warnings == [] and len(parsed.pupils) == len(pupils)
        statuses = [p.statuses for p in parsed.pupils]
        assert sum(s["child_protection_plan"] for s in statuses) == 1
        assert sum(s["looked_after"] for s in statuses) >= 2
        assert 0 < sum(s["free_school_meals"] for s in statuses) < len(pupils)
        for p in parsed.pupils:
            assert 1 <= len(p.details.contacts) <= 3
            assert p.details.postcode.startswith("DM")
            for contact in p.details.contacts:
                assert all(n.startswith(("07700 900", "01632 960")) for n in contact.phones)
