"""Pupil details on both engines: importing both layouts, history kept on change, a refused
file changing nothing, contacts by hand (audited, scoped) and the pupil page."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from cme.access import Viewer
from cme.errors import NotFound, Refused
from cme.events import Action
from cme.pupil_details import ContactForm
from cme.storage import accounts, pupil_details
from cme.storage.tables import (
    Account,
    AuditEvent,
    Pupil,
    PupilContactVersion,
    PupilDetailVersion,
    PupilStatusVersion,
)
from cme.web import pupil_details_view
from imports.pupil_details import PupilDetailsError
from tests.integration.helpers import World, csrf_token, post_form, sign_in
from tests.integration.test_scope_and_audit import audit_writes_fail  # noqa: F401  (fixture)

LIMIT = 2 * 1024 * 1024
UPN_1 = "A370200124000"  # the world's pupil in school A
UPN_2 = "B370200124010"

GROUPED = [
    "UPN",
    "Legal Forename",
    "Legal Surname",
    "Preferred Forename",
    "Former Surnames",
    "DOB",
    "Gender",
    "Address Line 1",
    "Address Line 2",
    "Post code",
    "Looked After (Y/N)",
    "Child Protection Plan",
    "FSM",
    "Contact 1 Name",
    "Contact 1 Relationship",
    "Contact 1 Lives With Pupil",
    "Contact 1 Mobile",
    "Contact 1 Home Phone",
    "Contact 2 Name",
    "Contact 2 Relationship",
    "Contact 2 Phone",
    "Contact 2 Address Line 1",
    "Contact 2 Postcode",
]


def grouped_row(upn: str, *, street: str = "1 Mill Lane", dob: str = "03/04/2015") -> list[str]:
    return [
        upn,
        "Testchild0",
        "Example",
        "Tess",
        "Sample",
        dob,
        "F",
        street,
        "Fernbridge",
        "fb1 2ab",
        "Y",
        "no",
        "TRUE",
        "Jo Example",
        "Mother",
        "Yes",
        "07700 900123",
        "01632 960001",
        "Sam Example",
        "Father",
        "07700900124",
        "2 Low Road",
        "FB2 3CD",
    ]


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


async def _viewer(email: str) -> Viewer:
    row = await Account.select(Account.id).where(Account.email == email).first()
    return await accounts.viewer_for_account(row["id"])


async def _second_pupil(world: World) -> int:
    rows = await Pupil.insert(
        Pupil(
            school=world.school_a,
            upn=UPN_2,
            legal_forename="Otto",
            legal_surname="Sample",
            gender="M",
            year_group="5",
            reg_group="5A",
        )
    ).returning(Pupil.id)
    return int(rows[0]["id"])


async def _counts() -> tuple[int, int, int]:
    return (
        await PupilDetailVersion.count(),
        await PupilStatusVersion.count(),
        await PupilContactVersion.count(),
    )


async def test_grouped_import_stores_details_contacts_and_statuses(world: World) -> None:
    ao = await _viewer("ao.a@test.example")
    result = await pupil_details.import_file(
        ao, world.school_a, to_csv([GROUPED, grouped_row(UPN_1)]), "details.csv", LIMIT
    )
    assert (result.pupils, result.details_changed, result.contacts_added) == (1, 1, 2)
    details = await pupil_details.current_details(world.pupil_a)
    assert details is not None
    assert details.preferred_forename == "Tess" and details.former_surnames == "Sample"
    assert details.address_lines == ("1 Mill Lane", "Fernbridge")
    assert details.postcode == "FB1 2AB"
    mother, father = details.contacts
    assert mother.lives_with_pupil and mother.phones == ("07700 900123", "01632 960001")
    assert father.address_lines == ("2 Low Road",) and father.postcode == "FB2 3CD"
    statuses = await pupil_details.current_statuses(world.pupil_a)
    assert statuses["looked_after"] and statuses["free_school_meals"]
    assert not statuses["child_protection_plan"] and not statuses["ehcp"]  # not in the file
    assert set(statuses) == {
        "looked_after",
        "child_protection_plan",
        "child_in_need",
        "s47_enquiries",
        "sen_support",
        "ehcp",
        "young_carer",
        "free_school_meals",
    }
    event = (
        await AuditEvent.select()
        .where(AuditEvent.action == Action.PUPIL_DETAILS_IMPORTED.value)
        .first()
    )
    assert event["school"] == world.school_a and event["account"] == ao.user_id
    assert json.loads(event["detail"])["pupils"] == 1


async def test_one_row_per_contact(world: World) -> None:
    await _second_pupil(world)
    rows = [
        ["UPN", "Surname", "Forename", "Contact Name", "Relationship", "Contact Phone", "CIN"],
        [UPN_1, "Example", "Testchild0", "Jo Example", "Mother", "07700 900123", "N"],
        [UPN_1, "Example", "Testchild0", "Sam Example", "Father", "07700 900124", ""],
        [UPN_2, "Sample", "Otto", "Kim Sample", "Carer", "07700 900125", "Y"],
    ]
    result = await pupil_details.import_file(None, world.school_a, to_csv(rows), "d.csv", LIMIT)
    assert result.layout == "one row per contact" and result.contacts_added == 3
    first = await pupil_details.current_details(world.pupil_a)
    assert first is not None
    assert [c.name for c in first.contacts] == ["Jo Example", "Sam Example"]
    second = await Pupil.select(Pupil.id).where(Pupil.upn == UPN_2).first()
    assert (await pupil_details.current_statuses(second["id"]))["child_in_need"]


async def test_reimport_keeps_history_and_the_same_file_changes_nothing(world: World) -> None:
    first = to_csv([GROUPED, grouped_row(UPN_1)])
    await pupil_details.import_file(None, world.school_a, first, "d.csv", LIMIT)
    again = await pupil_details.import_file(None, world.school_a, first, "d.csv", LIMIT)
    assert (again.details_changed, again.statuses_changed, again.contacts_changed) == (0, 0, 0)
    before = await _counts()

    moved = to_csv([GROUPED, grouped_row(UPN_1, street="9 New Street")])
    result = await pupil_details.import_file(None, world.school_a, moved, "d.csv", LIMIT)
    assert result.details_changed == 1
    assert await _counts() == (before[0] + 1, before[1], before[2])
    current = await pupil_details.current_details(world.pupil_a)
    assert current is not None and current.address_lines[0] == "9 New Street"
    record = await pupil_details.details_record(world.pupil_a)
    assert [d.details.address_lines[0] for d in record.details] == ["1 Mill Lane", "9 New Street"]
    assert record.details[0].valid_to is not None and record.details[1].valid_to is None
    changes = pupil_details_view.history(record)
    assert any(c.what == "Address" and c.was.startswith("1 Mill Lane") for c in changes)


async def test_a_refused_file_changes_nothing(world: World) -> None:
    await _second_pupil(world)
    good = to_csv([GROUPED, grouped_row(UPN_1), grouped_row(UPN_2)])
    await pupil_details.import_file(None, world.school_a, good, "d.csv", LIMIT)
    before = await _counts()
    audits = await AuditEvent.count()

    bad_dob = to_csv(
        [GROUPED, grouped_row(UPN_1, street="Elsewhere"), grouped_row(UPN_2, dob="31/02/2015")]
    )
    with pytest.raises(PupilDetailsError) as refused:
        await pupil_details.import_file(None, world.school_a, bad_dob, "d.csv", LIMIT)
    problem = refused.value.problems[0]
    assert (problem.row, problem.column, problem.upn) == (3, "DOB", UPN_2)

    not_on_roll = to_csv(
        [GROUPED, grouped_row(UPN_1, street="Elsewhere"), grouped_row("Z999999999999")]
    )
    with pytest.raises(PupilDetailsError) as unknown:
        await pupil_details.import_file(None, world.school_a, not_on_roll, "d.csv", LIMIT)
    assert unknown.value.problems[0].row == 3
    assert "not on this school's roll" in unknown.value.problems[0].message

    # Another school's pupil is not on this school's roll either.
    other = to_csv([GROUPED, grouped_row("A370200124001")])
    with pytest.raises(PupilDetailsError):
        await pupil_details.import_file(None, world.school_a, other, "d.csv", LIMIT)

    assert await _counts() == before and await AuditEvent.count() == audits
    current = await pupil_details.current_details(world.pupil_a)
    assert current is not None and current.address_lines[0] == "1 Mill Lane"


async def test_contacts_by_hand_are_audited_and_survive_an_unchanged_import(world: World) -> None:
    dsl = await _viewer("dsl.a@test.example")
    file = to_csv([GROUPED, grouped_row(UPN_1)])
    await pupil_details.import_file(None, world.school_a, file, "d.csv", LIMIT)
    record = await pupil_details.details_record(world.pupil_a)
    mother = next(c for c in record.current_contacts if c.contact.name == "Jo Example")

    corrected = ContactForm.of(mother.contact)
    corrected.phones = "07700 900999"
    assert await pupil_details.correct_contact(dsl, world.pupil_a, mother.ref, corrected)
    ref = await pupil_details.add_contact(
        dsl,
        world.pupil_a,
        ContactForm(name="Nan Example", relationship="Grandmother", phones="07700 900555"),
    )
    rows = (
        await AuditEvent.select()
        .where(
            AuditEvent.action.is_in([Action.CONTACT_ADDED.value, Action.CONTACT_CORRECTED.value])
        )
        .order_by(AuditEvent.id)
    )
    detail = json.loads(rows[0]["detail"])
    assert detail["before"]["phones"] == ["07700 900123", "01632 960001"]
    assert detail["after"]["phones"] == ["07700 900999"]
    assert detail["pupil_id"] == world.pupil_a and rows[0]["account"] == dsl.user_id
    assert json.loads(rows[1]["detail"])["contact"] == ref

    # The MIS still says what it said: the correction and the added contact stand.
    await pupil_details.import_file(None, world.school_a, file, "d.csv", LIMIT)
    current = await pupil_details.current_details(world.pupil_a)
    assert current is not None
    phones = {c.name: c.phones for c in current.contacts}
    assert phones["Jo Example"] == ("07700 900999",) and "Nan Example" in phones

    # A new number from the MIS wins, and the hand-corrected version stays in the history.
    newer = grouped_row(UPN_1)
    newer[GROUPED.index("Contact 1 Mobile")] = "07700 900777"
    await pupil_details.import_file(None, world.school_a, to_csv([GROUPED, newer]), "d.csv", LIMIT)
    current = await pupil_details.current_details(world.pupil_a)
    assert current is not None
    jo = next(c for c in current.contacts if c.name == "Jo Example")
    assert jo.phones == ("07700 900777", "01632 960001")
    record = await pupil_details.details_record(world.pupil_a)
    assert len([c for c in record.contacts if c.ref == mother.ref]) == 3


async def test_contacts_are_scoped_and_for_school_staff_only(world: World) -> None:
    other_school = await _viewer("ao.b@test.example")
    la = await _viewer("cme@test.example")
    form = ContactForm(name="Someone", phones="07700 900100")
    with pytest.raises(NotFound):
        await pupil_details.add_contact(other_school, world.pupil_a, form)
    with pytest.raises(Refused):
        await pupil_details.add_contact(la, world.pupil_a, form)
    with pytest.raises(NotFound):
        await pupil_details.details_for_viewer(other_school, world.pupil_a)
    with pytest.raises(NotFound):
        await pupil_details.details_for_viewer(la, world.pupil_other_la)
    await pupil_details.details_for_viewer(la, world.pupil_a)
    assert await PupilContactVersion.count() == 0


async def test_pages_upload_contact_form_and_tel_links(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "ao.a@test.example")
    page = await client.get("/school/pupil-details")
    assert page.status_code == 200
    token = csrf_token(page.text)
    done = await client.post(
        "/school/pupil-details",
        data={"_csrf_token": token},
        files={"details": ("details.csv", to_csv([GROUPED, grouped_row(UPN_1)]), "text/csv")},
    )
    assert done.status_code == 200 and "Pupil details imported" in done.text
    refused = await client.post(
        "/school/pupil-details",
        data={"_csrf_token": token},
        files={
            "details": ("d.csv", to_csv([GROUPED, grouped_row(UPN_1, dob="yesterday")]), "text/csv")
        },
    )
    assert refused.status_code == 400 and "is not a date of birth" in refused.text

    pupil_page = await client.get(f"/school/pupils/{world.pupil_a}")
    assert 'href="tel:07700900123"' in pupil_page.text
    assert "Child looked after" in pupil_page.text and "Add a parent or carer" in pupil_page.text

    added = await post_form(
        client,
        f"/school/pupils/{world.pupil_a}",
        f"/school/pupil-details/pupils/{world.pupil_a}/contacts",
        {"name": "Nan Example", "phones": "07700 900555", "priority": "3"},
    )
    assert added.status_code == 303
    wrong = await post_form(
        client,
        f"/school/pupils/{world.pupil_a}",
        f"/school/pupil-details/pupils/{world.pupil_a}/contacts",
        {"name": "Nan Example", "phones": "ring her"},
    )
    assert wrong.status_code == 400 and "is not a phone number" in wrong.text
    assert 'value="Nan Example"' in wrong.text

    # Another school's pupil: not found, whether reading the form or posting it.
    assert (
        await client.get(f"/school/pupil-details/pupils/{world.pupil_b}/contacts/1")
    ).status_code == 404
    posted = await client.post(
        f"/school/pupil-details/pupils/{world.pupil_b}/contacts",
        data={"name": "X", "_csrf_token": token},
    )
    assert posted.status_code == 404


def test_command_line_import(tmp_path: Path) -> None:
    env = {**os.environ, "CME_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite"}
    env.pop("CME_REDIS_URL", None)
    cme = str(Path(sys.executable).parent / "cme")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False
        )

    assert run(cme, "migrate").returncode == 0
    run(cme, "la", "add", "--code", "370", "--name", "Example Council")
    run(cme, "school", "add", "--urn", "123456", "--name", "Example School", "--la", "370")
    path = tmp_path / "details.csv"
    path.write_bytes(to_csv([GROUPED, grouped_row(UPN_1)]))
    script = (
        "import argparse, sys\n"
        "import cme.storage\n"
        "from cme.cli.common import CommandError\n"
        "from cme.cli.pupil_details import import_pupil_details_command as command\n"
        "try:\n"
        "    command(argparse.Namespace(school='123456', file=sys.argv[1], json=True))\n"
        "except CommandError as exc:\n"
        "    print(exc, file=sys.stderr); sys.exit(1)\n"
    )
    refused = run(sys.executable, "-c", script, str(path))
    assert refused.returncode == 1 and "not on this school's roll" in refused.stderr
    assert json.loads(refused.stdout)["error"]["problems"][0]["row"] == 2

    from cme.demo_registers import to_csv as register_csv
    from cme.demo_registers import wide_rows
    from tests.integration.registers import grid

    g = grid()
    register = tmp_path / "register.csv"
    register.write_bytes(register_csv(wide_rows(g)))
    assert run(cme, "import-register", str(register), "--school", "123456").returncode == 0
    path.write_bytes(to_csv([GROUPED, grouped_row(g.pupils[0].upn)]))
    imported = run(sys.executable, "-c", script, str(path))
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert summary["school"] == "123456" and summary["pupils"] == 1
    assert summary["contacts_added"] == 2


async def test_two_contacts_of_the_same_name_are_two_people_and_stay_so(world: World) -> None:
    header = [
        "UPN",
        "Contact 1 Name",
        "Contact 1 Relationship",
        "Contact 2 Name",
        "Contact 2 Relationship",
    ]
    file = to_csv([header, [UPN_1, "Alex Example", "Father", "Alex Example", "Grandfather"]])
    first = await pupil_details.import_file(None, world.school_a, file, "d.csv", LIMIT)
    again = await pupil_details.import_file(None, world.school_a, file, "d.csv", LIMIT)
    assert first.contacts_added == 2
    assert (again.contacts_added, again.contacts_changed, again.contacts_ended) == (0, 0, 0)
    current = await pupil_details.current_details(world.pupil_a)
    assert current is not None
    assert [c.relationship for c in current.contacts] == ["Father", "Grandfather"]


async def test_demo_details_load_through_the_import(world: World) -> None:
    await _second_pupil(world)
    result = await pupil_details.seed_demo_details(world.school_a)
    assert result.pupils == 2 and result.contacts_added >= 2
    details = await pupil_details.current_details(world.pupil_a)
    assert details is not None and details.address_lines[1] == "Fernbridge"
    assert all(p.startswith(("07700 900", "01632 960")) for c in details.contacts for p in c.phones)


@pytest.mark.usefixtures("audit_writes_fail")
async def test_a_failed_audit_write_leaves_no_change(world: World) -> None:
    ao = await _viewer("ao.a@test.example")
    file = to_csv([GROUPED, grouped_row(UPN_1)])
    with pytest.raises(Exception, match="audit refused"):
        await pupil_details.import_file(ao, world.school_a, file, "d.csv", LIMIT)
    with pytest.raises(Exception, match="audit refused"):
        await pupil_details.add_contact(
            ao, world.pupil_a, ContactForm(name="Jo", phones="07700 900100")
        )
    assert await _counts() == (0, 0, 0)
