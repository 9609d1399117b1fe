"""Reading pupil-details exports: both contact layouts, the header spellings MIS exports use,
and refusals that say exactly which row and column to fix."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import xlsxwriter

from cme.errors import InvalidField
from cme.pupil_details import Contact, ContactForm, tel_href
from imports.pupil_details import PupilDetailsError, parse_pupil_details

LIMIT = 10 * 1024 * 1024
UPN = "A370200124001"
UPN_2 = "A370200124002"


def parse(rows: list[list[object]], name: str = "details.csv"):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return parse_pupil_details(out.getvalue().encode(), name, LIMIT)


def refusal(rows: list[list[object]]) -> PupilDetailsError:
    with pytest.raises(PupilDetailsError) as err:
        parse(rows)
    return err.value


def xlsx(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Pupils")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, book.add_format({"num_format": "dd/mm/yyyy"}))
            else:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def test_grouped_contacts_and_statuses() -> None:
    found = parse(
        [
            [
                "UPN",
                "Legal Surname",
                "Legal Forename",
                "Preferred Name",
                "Address Line 1",
                "Town",
                "Post Code",
                "CLA (Y/N)",
                "CP Plan",
                "SEN Status",
                "Contact 1 Name",
                "Contact 1 Relationship",
                "Contact 1 Lives With Pupil",
                "Contact 1 Mobile",
                "Contact 1 Email",
                "Contact 2 Name",
                "Contact 2 Telephone",
                "Notes",
            ],
            [
                UPN,
                "Example",
                "Tess",
                "Tee",
                "1 Mill Lane",
                "Fernbridge",
                "fb12ab",
                "Y",
                "",
                "E",
                "Jo Example",
                "Mother",
                "yes",
                "07700 900123; 07700 900124",
                "jo@example.org",
                "Sam Example",
                "01632 960001",
                "anything",
            ],
        ]
    )
    assert found.layout == "contact columns"
    assert found.warnings == ['Columns not used: "Notes".']
    (pupil,) = found.pupils
    d = pupil.details
    assert (d.legal_forename, d.legal_surname, d.preferred_forename) == ("Tess", "Example", "Tee")
    assert d.address_lines == ("1 Mill Lane", "Fernbridge") and d.postcode == "FB1 2AB"
    assert pupil.statuses == {
        "looked_after": True,
        "child_protection_plan": False,
        "sen_support": False,
        "ehcp": True,
    }
    assert d.contacts == (
        Contact(
            "Jo Example",
            "Mother",
            True,
            ("07700 900123", "07700 900124"),
            "jo@example.org",
            priority=1,
        ),
        Contact("Sam Example", phones=("01632 960001",), priority=2),
    )
    assert "date_of_birth" not in pupil.given and "address_lines" in pupil.given


def test_one_row_per_contact_repeats_the_upn() -> None:
    found = parse(
        [
            [
                "upn",
                "surname",
                "forename",
                "contact_name",
                "relationship",
                "contact phone",
                "Contact Priority",
                "free school meals",
            ],
            [UPN, "Example", "Tess", "Sam Example", "Father", "07700 900124", "2", "TRUE"],
            [UPN, "Example", "Tess", "Jo Example", "Mother", "07700 900123", "1", "true"],
            [UPN, "Example", "Tess", "Jo Example", "Mother", "01632 960001", "1", ""],
            [UPN_2, "Other", "Otto", "", "", "", "", "No"],
        ]
    )
    assert found.layout == "one row per contact"
    first, second = found.pupils
    assert [c.name for c in first.details.contacts] == ["Jo Example", "Sam Example"]
    assert first.details.contacts[0].phones == ("07700 900123", "01632 960001")
    assert first.statuses == {"free_school_meals": True}
    assert second.details.contacts == () and second.statuses == {"free_school_meals": False}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("First Name", "legal_forename"),
        ("FORENAME", "legal_forename"),
        ("Legal surname", "legal_surname"),
        ("Last Name", "legal_surname"),
        ("Known As", "preferred_forename"),
        ("Previous Surnames", "former_surnames"),
        ("Date of Birth", "date_of_birth"),
        ("Sex", "gender"),
        ("Postal Code", "postcode"),
    ],
)
def test_header_spellings(header: str, field: str) -> None:
    value = "01/02/2015" if field == "date_of_birth" else "AB1 2CD"
    (pupil,) = parse([["Unique Pupil Number", header], [UPN, value]]).pupils
    assert field in pupil.given
    got = getattr(pupil.details, field)
    assert got == (date(2015, 2, 1) if field == "date_of_birth" else "AB1 2CD")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Looked After Child", "looked_after"),
        ("Child Protection Plan (Yes/No)", "child_protection_plan"),
        ("Child in Need", "child_in_need"),
        ("Section 47 Enquiries", "s47_enquiries"),
        ("S47", "s47_enquiries"),
        ("SEN Support", "sen_support"),
        ("EHC Plan", "ehcp"),
        ("Young Carer?", "young_carer"),
        ("FSM Eligible", "free_school_meals"),
    ],
)
@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("Y", True),
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("N", False),
        ("No", False),
        ("false", False),
        ("", False),
    ],
)
def test_status_headers_and_yes_no_values(header: str, key: str, cell: str, value: bool) -> None:
    (pupil,) = parse([["UPN", header], [UPN, cell]]).pupils
    assert pupil.statuses == {key: value}


def test_xlsx_with_dates_booleans_and_numbers_for_phones() -> None:
    data = xlsx(
        [
            ["Pupil details export"],
            [],
            ["UPN", "DOB", "Young Carer", "Parent 1 Name", "Parent 1 Home Phone"],
            [UPN, date(2015, 4, 3), True, "Jo Example", 7700900123],
        ]
    )
    (pupil,) = parse_pupil_details(data, "details.xlsx", LIMIT).pupils
    assert pupil.details.date_of_birth == date(2015, 4, 3)
    assert pupil.statuses == {"young_carer": True}
    assert pupil.details.contacts[0].phones == ("07700900123",)


def test_a_contact_at_the_pupils_address_keeps_no_address_of_its_own() -> None:
    (pupil,) = parse(
        [
            [
                "UPN",
                "Address 1",
                "Postcode",
                "Contact 1 Name",
                "Contact 1 Address 1",
                "Contact 1 Postcode",
            ],
            [UPN, "1 Mill Lane", "FB1 2AB", "Jo", "1 MILL LANE", "fb1 2ab"],
        ]
    ).pupils
    assert pupil.details.contacts[0].address_lines == ()


def test_missing_upn_column_lists_the_headers() -> None:
    error = refusal([["Surname", "Forename"], ["Example", "Tess"]])
    assert "no UPN column" in error.message
    assert '"Surname", "Forename"' in error.message


def test_bad_date_of_birth_names_row_column_and_value() -> None:
    error = refusal(
        [["UPN", "Surname", "DOB"], [UPN, "Example", "01/01/2015"], [UPN_2, "Other", "31/02/2015"]]
    )
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.value, problem.upn) == (
        3,
        "DOB",
        "31/02/2015",
        UPN_2,
    )
    assert "dd/mm/yyyy" in problem.message
    assert error.message.startswith("The pupil details were not imported: 1 problem")


def test_bad_yes_no_value() -> None:
    error = refusal([["UPN", "Looked After (Y/N)"], [UPN, "maybe"]])
    (problem,) = error.problems
    assert (problem.row, problem.column) == (2, "Looked After (Y/N)")
    assert "'maybe' is not Yes or No" in problem.message


def test_duplicate_rows_that_disagree() -> None:
    error = refusal(
        [
            ["UPN", "Surname", "CP Plan", "Contact 1 Name", "Contact 1 Relationship"],
            [UPN, "Example", "Y", "Jo", "Mother"],
            [UPN, "Exemple", "N", "Jo", "Aunt"],
        ]
    )
    messages = [p.message for p in error.problems]
    assert [p.row for p in error.problems] == [3, 3, 3]
    assert "different legal surname on row 2 ('Example') than here ('Exemple')" in messages[0]
    assert "child protection plan" in messages[1]
    assert "Contact Jo" in messages[2] and "relationship" in messages[2]


def test_rows_that_agree_are_one_pupil() -> None:
    found = parse([["UPN", "Surname"], [UPN, "Example"], [UPN, "Example"], [UPN, ""]])
    assert len(found.pupils) == 1


def test_other_row_problems() -> None:
    error = refusal(
        [
            ["UPN", "Surname", "Contact 1 Name", "Contact 1 Phone", "Contact 1 Email"],
            ["", "Nameless", "", "", ""],
            [UPN, "Example", "", "07700 900123", ""],
            [UPN_2, "Other", "Jo", "ring her", "not-an-email"],
        ]
    )
    assert [(p.row, p.column) for p in error.problems] == [
        (2, "UPN"),
        (3, "Contact 1 Name"),
        (4, "Contact 1 Email"),
    ]
    assert "no UPN" in error.problems[0].message
    assert "no name" in error.problems[1].message


def test_a_picture_is_refused_as_not_a_spreadsheet() -> None:
    with pytest.raises(PupilDetailsError) as err:
        parse_pupil_details(b"%PDF-1.7\n" + bytes(200), "details.csv", LIMIT)
    assert "is not a spreadsheet" in err.value.message
    assert "pupil details exported" in err.value.message


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("07700 900123", "tel:07700900123"),
        ("+44 (0)7700 900123", "tel:+447700900123"),
        ("01632 960001 ext 12", "tel:01632960001"),
        ("(01632) 960-001", "tel:01632960001"),
        ("none", None),
    ],
)
def test_tel_links(phone: str, href: str | None) -> None:
    assert tel_href(phone) == href


def test_contact_form_checks_what_people_type() -> None:
    contact = ContactForm(
        name="  Jo  Example ",
        phones="07700 900123\n\n01632 960001",
        lives_with_pupil="yes",
        postcode="fb12ab",
        priority="",
    ).contact()
    assert contact == Contact(
        "Jo Example", "", True, ("07700 900123", "01632 960001"), postcode="FB1 2AB", priority=1
    )
    for form, field in (
        (ContactForm(), "Name"),
        (ContactForm(name="Jo", phones="call"), "Phone numbers"),
        (ContactForm(name="Jo", email="jo@"), "Email address"),
        (ContactForm(name="Jo", priority="first"), "Priority"),
    ):
        with pytest.raises(InvalidField) as err:
            form.contact()
        assert err.value.field == field
