"""The demo's invented pupil details read back through the real import."""

from __future__ import annotations

import csv
import io

from cme import demo_data
from cme.demo_details import DemoChild, demo_rows
from imports.pupil_details import PupilDetailsFile, parse_pupil_details


def _children(school: demo_data.DemoSchool) -> list[DemoChild]:
    return [
        DemoChild(p.upn, p.legal_forename, p.legal_surname, f"{p.date_of_birth:%d/%m/%Y}", p.gender)
        for p in demo_data.school_pupils(school, 2026)
    ]


def _parse(rows: list[list[str]]) -> PupilDetailsFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return parse_pupil_details(out.getvalue().encode(), "demo.csv", 10 * 1024 * 1024)


def test_demo_details_are_plausible_and_import_cleanly() -> None:
    for seed, school in enumerate(demo_data.SCHOOLS):
        children = _children(school)
        parsed = _parse(demo_rows(children, seed))
        assert parsed.warnings == [] and len(parsed.pupils) == len(children)
        statuses = [p.statuses for p in parsed.pupils]
        assert sum(s["child_protection_plan"] for s in statuses) == 1
        assert sum(s["looked_after"] for s in statuses) >= 2
        assert 0 < sum(s["free_school_meals"] for s in statuses) < len(children)
        for p in parsed.pupils:
            assert 1 <= len(p.details.contacts) <= 3
            assert p.details.postcode.startswith("DM")
            for contact in p.details.contacts:
                assert all(n.startswith(("07700 900", "01632 960")) for n in contact.phones)


def test_the_stories_children_in_care_or_on_a_plan_are_recorded_so() -> None:
    school = demo_data.SCHOOLS[1]
    children = _children(school)
    in_care, on_plan = children[40].upn, children[41].upn
    parsed = _parse(demo_rows(children, 1, looked_after={in_care}, cp_plan={on_plan}))
    statuses = {p.upn: p.statuses for p in parsed.pupils}
    assert statuses[in_care]["looked_after"] and not statuses[in_care]["child_protection_plan"]
    assert statuses[on_plan]["child_protection_plan"] and statuses[on_plan]["s47_enquiries"]
    assert sum(s["child_protection_plan"] for s in statuses.values()) == 2
