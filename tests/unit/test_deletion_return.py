"""The deletion return workbook (RULES.md §6), read back as the LA would open it."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import load_workbook

from cme.cases.absences import Reason
from cme.cases.case import Case, Event, EventKind, Status
from cme.cases.outcomes import Outcome
from cme.exports.deletion_return import NOT_KNOWN, SHEET, build
from cme.pupil_details import Contact, PupilDetails

REMOVED_ON = date(2024, 11, 29)
PUPIL: dict[str, Any] = {
    "upn": "A123456789012",
    "legal_forename": "Testy",
    "legal_surname": "Example",
    "date_of_birth": date(2015, 3, 4),
    "gender": "F",
    "year_group": "4",
    "school.name": "Riverside Primary (test)",
    "school.urn": "900001",
}
SCHOOL = {
    "name": "Riverside Primary (test)",
    "urn": "900001",
    "la_code": "370",
    "la_name": "Testshire",
}

MOTHER = Contact(
    name="Pat Example",
    relationship="Mother",
    lives_with_pupil=True,
    phones=("+44 7700 900123", "01632 960001"),
    priority=1,
)
FATHER = Contact(
    name="Sam Example",
    relationship="Father",
    lives_with_pupil=False,
    phones=("07700 900456",),
    address_lines=("9 Far Lane", "Othertown"),
    postcode="ZZ9 9ZZ",
    priority=2,
)
DETAILS = PupilDetails(
    legal_forename="Testy",
    legal_surname="Example",
    preferred_forename="Tess",
    preferred_surname="Example",
    date_of_birth=date(2015, 3, 4),
    gender="Female",
    address_lines=("1 Test Street", "Testville"),
    postcode="ZZ1 1ZZ",
    contacts=(FATHER, MOTHER),
)


def _case(removed_detail: dict[str, Any] | None = None) -> Case:
    events = [
        Event(1, EventKind.OPENED, datetime(2024, 10, 28, 9, tzinfo=UTC), None, {}),
        Event(
            9,
            EventKind.REMOVED,
            datetime(2024, 11, 29, 15, tzinfo=UTC),
            "dsl@test",
            removed_detail or {},
        ),
    ]
    return Case(
        id=7,
        pupil_id=3,
        school_id=1,
        la_id=1,
        status=Status.REMOVED,
        reason=Reason.UNEXPLAINED,
        day_one=date(2024, 10, 28),
        clock_start=date(2024, 10, 28),
        outcome=Outcome.REMOVED_MISSING.value,
        removed_on=REMOVED_ON,
        events=events,
    )


def _read(data: bytes) -> tuple[list[str], dict[str, list[Any]], Any]:
    book = load_workbook(io.BytesIO(data))
    sheet = book[SHEET]
    by_label: dict[str, list[Any]] = {}
    for label, value in sheet.iter_rows(min_row=2, max_col=2, values_only=True):
        if label is not None and value is not None:
            by_label.setdefault(label, []).append(value)
    return book.sheetnames, by_label, sheet


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def test_the_return_names_the_child_the_parents_the_ground_and_dates() -> None:
    name, data = build(DETAILS, PUPIL, SCHOOL, _case(), REMOVED_ON)
    assert name == "deletion-return-900001-A123456789012-2024-11-29.xlsx"
    sheets, rows, sheet = _read(data)
    assert sheets == [SHEET]
    assert "Testy Example" in sheet["A1"].value
    assert rows["Legal name"] == ["Testy Example"]
    assert rows["Preferred name"] == ["Tess Example"]
    assert rows["UPN"] == ["A123456789012"]
    assert _day(rows["Date of birth"][0]) == date(2015, 3, 4)
    assert rows["Last known address"] == ["1 Test Street, Testville, ZZ1 1ZZ"]
    assert rows["Parent the child lives with"] == ["Pat Example (Mother)"]
    assert rows["Their address"] == ["1 Test Street, Testville, ZZ1 1ZZ"]
    # An emergency number per parent, in priority order; "+44" stays text, not a formula.
    assert rows["Emergency phone"] == ["+44 7700 900123", "07700 900456"]
    assert rows["Address"] == ["9 Far Lane, Othertown, ZZ9 9ZZ"]
    assert rows["Ground for deletion"] == [Outcome.REMOVED_MISSING.ground]
    assert _day(rows["Date removed from roll"][0]) == REMOVED_ON
    assert _day(rows["First day of absence (day one)"][0]) == date(2024, 10, 28)
    assert _day(rows["Date produced"][0]) == REMOVED_ON
    assert rows["School"] == ["Riverside Primary (test)"]
    assert rows["URN"] == ["900001"]
    assert rows["Local authority"] == ["Testshire (LA code 370)"]
    assert rows["New school"] == [NOT_KNOWN]
    assert rows["Last day of attendance"] == [NOT_KNOWN]


def test_a_known_new_address_school_and_last_day_are_given() -> None:
    detail = {
        "new_address": "5 New Road, Elsewhere",
        "new_school": "Elsewhere Academy",
        "new_la": "Elsewhere Council",
        "new_school_starts_on": "2024-12-02",
        "last_attended_on": "2024-10-25",
    }
    _, data = build(DETAILS, PUPIL, SCHOOL, _case(detail), REMOVED_ON)
    _, rows, _ = _read(data)
    assert rows["New address"] == ["5 New Road, Elsewhere"]
    assert rows["New school"] == ["Elsewhere Academy"]
    assert rows["New school's LA"] == ["Elsewhere Council"]
    assert _day(rows["Start date at the new school"][0]) == date(2024, 12, 2)
    assert _day(rows["Last day of attendance"][0]) == date(2024, 10, 25)


def test_missing_details_say_not_known_never_blank() -> None:
    _, data = build(None, PUPIL, SCHOOL, _case(), REMOVED_ON)
    _, rows, sheet = _read(data)
    assert rows["Legal name"] == ["Testy Example"]
    for label in (
        "Last known address",
        "Parent the child lives with",
        "Their address",
        "Emergency phone",
        "New address",
        "New school",
        "Start date at the new school",
        "Last day of attendance",
    ):
        assert rows[label] == [NOT_KNOWN], label
    # Every line has a value, apart from the section headings.
    headings = {
        "The child",
        "Parents and carers",
        "Where the child may be now",
        "The deletion",
        "School and local authority",
        "Produced",
    }
    for label, value in sheet.iter_rows(min_row=2, max_col=2, values_only=True):
        assert label is None or value not in (None, "") or label in headings, label


def test_a_contact_without_a_phone_says_not_known() -> None:
    details = PupilDetails(
        legal_forename="Testy",
        legal_surname="Example",
        contacts=(Contact(name="Lee Carer", lives_with_pupil=True),),
    )
    _, data = build(details, PUPIL, SCHOOL, _case(), REMOVED_ON)
    _, rows, _ = _read(data)
    assert rows["Parent the child lives with"] == ["Lee Carer"]
    assert rows["Their address"] == [NOT_KNOWN]
    assert rows["Emergency phone"] == [NOT_KNOWN]


def test_text_that_looks_like_a_formula_is_stored_as_text() -> None:
    evil = PupilDetails(
        legal_forename='=HYPERLINK("http://example.invalid","x")',
        legal_surname="Example",
        address_lines=("@SUM(1+1)",),
        contacts=(Contact(name="-2+3", lives_with_pupil=True, phones=("=1+1",)),),
    )
    _, data = build(evil, PUPIL, SCHOOL, _case(), REMOVED_ON)
    _, rows, sheet = _read(data)
    assert rows["Legal name"] == ['=HYPERLINK("http://example.invalid","x") Example']
    assert rows["Emergency phone"] == ["=1+1"]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
