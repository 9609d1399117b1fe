"""Reading police missing-episode files: the header spellings forces and LAs use, dates and
times in every form they come in (UK clock time, with the clock changes, read as UTC), and
refusals that say exactly which row and column to fix."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

import pytest
import xlsxwriter

from cme.episodes.episode import MissingFrom
from imports.episodes import EpisodesError, EpisodesFile, ImportedEpisode, parse_episodes

LIMIT = 10 * 1024 * 1024
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
HEAD = ["Force", "Reference", "Reported", "Forename", "Surname"]
ROW = ["Fernshire Police", "FP/26/1001", "05/10/2026 14:30", "Tess", "Example"]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, s: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, s, tzinfo=UTC)


def parse(rows: Sequence[Sequence[object]], name: str = "episodes.csv") -> EpisodesFile:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return parse_episodes(out.getvalue().encode(), name, LIMIT, now=NOW)


def one(head: list[str], row: list[object]) -> ImportedEpisode:
    (found,) = parse([HEAD + head, ROW + row]).episodes
    return found


def refusal(rows: Sequence[Sequence[object]]) -> EpisodesError:
    with pytest.raises(EpisodesError) as err:
        parse(rows)
    return err.value


def problem_at(head: list[str], row: list[object]) -> tuple[int | None, str | None, str]:
    """The one problem of a file of one episode: row, column and message."""
    error = refusal([HEAD + head, ROW + row])
    assert error.message == (
        "The episodes were not imported: 1 problem(s) to fix in the file. Nothing was changed."
    )
    (problem,) = error.problems
    assert problem.name == "Tess Example"
    return problem.row, problem.column, problem.message


def xlsx(sheets: dict[str, Sequence[Sequence[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    when = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    clock = book.add_format({"num_format": "hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, when)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, time):
                    sheet.write_datetime(r, c, value, clock)
                else:
                    sheet.write(r, c, value)
        if name in hidden:
            sheet.hide()
    book.close()
    return out.getvalue()


def test_a_full_row_as_a_force_exports_it() -> None:
    found = parse(
        [
            ["Missing persons export", "", "", ""],
            [],
            [
                "Police Force",
                "Occurrence Number",
                "Date/Time Reported",
                "Date Last Seen",
                "Missing From",
                "First Name",
                "Family Name",
                "Aliases",
                "Date of Birth",
                "Sex",
                "Address Line 1",
                "Town",
                "Post Code",
                "Home LA",
                "LAC (Y/N)",
                "Risk Grading",
                "Date Found",
                "Location Found",
                "Found in Company Of",
                "Safe & Well Check",
                "Circumstances of Disappearance",
                "CSE",
                "Hurt",
                "Offending While Missing",
                "Mental Health",
                "Risky Contacts",
                "Officer",
            ],
            [
                "  Fernshire   Police ",
                " fp/26 1001 ",
                "05/10/2026 14:30",
                "05/10/2026 09:15",
                "Foster placement",
                "Tess",
                "Example",
                "Tee",
                "03/04/2012",
                "F",
                "1 Mill Lane",
                "Fernbridge",
                "fb12ab",
                "Fernshire",
                "Y",
                "  Medium   risk ",
                "06/10/2026 08:00",
                "Fernbridge bus station",
                "Two older boys",
                "06/10/2026",
                "Left after an argument.\nPhone switched off.",
                "yes",
                "N",
                "",
                "no",
                "TRUE",
                "PC Example",
            ],
        ]
    )
    assert found.warnings == ['Columns not used: "Officer".']
    (imported,) = found.episodes
    assert (imported.row, imported.sheet) == (4, None)
    e = imported.episode
    assert (e.force, e.reference) == ("Fernshire Police", "FP/261001")
    assert e.reported_at == utc(2026, 10, 5, 13, 30)
    assert e.last_seen_at == utc(2026, 10, 5, 8, 15)
    assert e.missing_from is MissingFrom.CARE and e.looked_after
    child = e.child
    assert (child.forename, child.surname, child.other_names) == ("Tess", "Example", "Tee")
    assert (child.date_of_birth, child.gender) == (date(2012, 4, 3), "F")
    assert (e.address, e.postcode, e.responsible_la) == (
        "1 Mill Lane\nFernbridge",
        "FB1 2AB",
        "Fernshire",
    )
    assert (e.risk_raw, e.risk_scheme) == ("Medium risk", "")
    assert e.returned_at == utc(2026, 10, 6, 7, 0)
    assert (e.where_found, e.who_with) == ("Fernbridge bus station", "Two older boys")
    assert e.safe_and_well_on == date(2026, 10, 6)
    assert e.circumstances == "Left after an argument.\nPhone switched off."
    assert (e.exploitation_risk, e.harmed, e.crime_while_away, e.mental_health) == (
        True,
        False,
        False,
        False,
    )
    assert e.risky_contacts
    assert imported.given == {
        "force",
        "reference",
        "reported_at",
        "last_seen_at",
        "missing_from",
        "child",
        "address",
        "postcode",
        "responsible_la",
        "looked_after",
        "risk_raw",
        "risk_scheme",
        "returned_at",
        "where_found",
        "who_with",
        "safe_and_well_on",
        "circumstances",
        "exploitation_risk",
        "harmed",
        "mental_health",
        "risky_contacts",
    }, "a blank cell (crime while away) gives nothing: a re-import keeps what is stored"
    assert imported.child_given == {
        "forename",
        "surname",
        "other_names",
        "date_of_birth",
        "gender",
    }


def test_columns_the_file_does_not_have_are_not_given() -> None:
    imported = one([], [])
    assert imported.given == {"force", "reference", "reported_at", "child"}
    assert imported.child_given == {"forename", "surname"}
    e = imported.episode
    assert e.last_seen_at is None and e.returned_at is None and e.address == ""
    assert e.missing_from is MissingFrom.OTHER and not e.looked_after


@pytest.mark.parametrize(
    ("header", "field", "cell", "value"),
    [
        ("Police Force", "force", "Fernshire Police", "Fernshire Police"),
        ("Reporting Force", "force", "Fernshire Police", "Fernshire Police"),
        ("Police Reference", "reference", "fp1", "FP1"),
        ("Crime Reference", "reference", "fp1", "FP1"),
        ("Occurrence Number", "reference", "fp1", "FP1"),
        ("Incident Number", "reference", "fp1", "FP1"),
        ("URN", "reference", "fp1", "FP1"),
        ("Ref", "reference", "fp1", "FP1"),
        ("Reported At", "reported_at", "05/10/2026 14:30", utc(2026, 10, 5, 13, 30)),
        ("Date Reported", "reported_at", "05/10/2026 14:30", utc(2026, 10, 5, 13, 30)),
        ("Reported Date Time", "reported_at", "05/10/2026 14:30", utc(2026, 10, 5, 13, 30)),
        ("Last Seen", "last_seen_at", "05/10/2026 12:00", utc(2026, 10, 5, 11)),
        ("Last Seen At", "last_seen_at", "05/10/2026 12:00", utc(2026, 10, 5, 11)),
        ("Location Type", "missing_from", "Home", MissingFrom.HOME),
        ("Missing From Type", "missing_from", "School", MissingFrom.SCHOOL),
        ("Given Name", "forename", "Tessa", "Tessa"),
        ("Last Name", "surname", "Examples", "Examples"),
        ("Middle Names", "other_names", "Jo", "Jo"),
        ("Also Known As", "other_names", "Jo", "Jo"),
        ("DOB", "date_of_birth", "03/04/2012", date(2012, 4, 3)),
        ("Gender", "gender", "Female", "Female"),
        ("Home Address", "address", "1 Mill Lane", "1 Mill Lane"),
        ("Postcode", "postcode", "FB1 2AB", "FB1 2AB"),
        ("Responsible LA", "responsible_la", "Fernshire", "Fernshire"),
        ("Responsible Local Authority", "responsible_la", "Fernshire", "Fernshire"),
        ("Placing Authority", "responsible_la", "Fernshire", "Fernshire"),
        ("Looked After", "looked_after", "Yes", True),
        ("CLA", "looked_after", "Y", True),
        ("Child in Care", "looked_after", "true", True),
        ("Looked After Status", "looked_after", "No", False),
        ("Risk", "risk_raw", "High", "High"),
        ("Risk Level", "risk_raw", "High", "High"),
        ("Risk Assessment", "risk_raw", "High", "High"),
        ("Risk Scheme", "risk_scheme", "Force model 2024", "Force model 2024"),
        ("Risk Model", "risk_scheme", "Force model 2024", "Force model 2024"),
        ("Grading Scheme", "risk_scheme", "Force model 2024", "Force model 2024"),
        ("Found At", "returned_at", "06/10/2026 08:00", utc(2026, 10, 6, 7)),
        ("Returned", "returned_at", "06/10/2026 08:00", utc(2026, 10, 6, 7)),
        ("Returned At", "returned_at", "06/10/2026 08:00", utc(2026, 10, 6, 7)),
        ("Found Date Time", "returned_at", "06/10/2026 08:00", utc(2026, 10, 6, 7)),
        ("Date Returned", "returned_at", "06/10/2026 08:00", utc(2026, 10, 6, 7)),
        ("Where Found", "where_found", "Park", "Park"),
        ("Found Location", "where_found", "Park", "Park"),
        ("Who With", "who_with", "Friends", "Friends"),
        ("Found With", "who_with", "Friends", "Friends"),
        ("Safe and Well", "safe_and_well_on", "07/10/2026", date(2026, 10, 7)),
        ("Safe and Well Date", "safe_and_well_on", "07/10/2026", date(2026, 10, 7)),
        ("Prevention Interview Date", "safe_and_well_on", "07/10/2026", date(2026, 10, 7)),
        ("Details", "circumstances", "Ran off", "Ran off"),
        ("Notes", "circumstances", "Ran off", "Ran off"),
        ("Summary", "circumstances", "Ran off", "Ran off"),
        ("Harmed", "harmed", "Y", True),
        ("Exploitation Risk", "exploitation_risk", "Y", True),
        ("CCE", "exploitation_risk", "Y", True),
        ("Exploitation", "exploitation_risk", "Y", True),
        ("Contact With People Posing a Risk", "risky_contacts", "Y", True),
        ("Crime While Away", "crime_while_away", "Y", True),
        ("Mental Health (Y/N)", "mental_health", "Y", True),
    ],
)
def test_header_spellings(header: str, field: str, cell: str, value: object) -> None:
    required = {"force": 0, "reference": 1, "reported_at": 2, "forename": 3, "surname": 4}
    head, row = list(HEAD), list[object](ROW)
    if field in required:
        head[required[field]], row[required[field]] = header, cell
    else:
        head.append(header)
        row.append(cell)
    (imported,) = parse([head, row]).episodes
    if field in ("forename", "surname", "other_names", "date_of_birth", "gender"):
        assert getattr(imported.episode.child, field) == value
        assert field in imported.child_given and "child" in imported.given
    else:
        assert getattr(imported.episode, field) == value
        assert field in imported.given


def test_headers_are_folded() -> None:
    (imported,) = parse(
        [
            ["POLICE_FORCE", "police reference", "Date-Reported", "first name", "SURNAME"],
            ROW,
        ]
    ).episodes
    assert imported.episode.reference == "FP/26/1001"


@pytest.mark.parametrize(
    ("cell", "at"),
    [
        # Summer (BST, UTC+1)
        ("05/10/2026 14:30", utc(2026, 10, 5, 13, 30)),
        ("5/10/2026 2:30pm", utc(2026, 10, 5, 13, 30)),
        ("5/10/2026 2:30 PM", utc(2026, 10, 5, 13, 30)),
        ("05/10/2026 14:30:45", utc(2026, 10, 5, 13, 30, 45)),
        ("05/10/2026 12:15am", utc(2026, 10, 4, 23, 15)),
        ("05/10/2026 1430hrs", utc(2026, 10, 5, 13, 30)),
        ("05/10/2026", utc(2026, 10, 4, 23, 0)),
        ("05.10.2026 14.30", utc(2026, 10, 5, 13, 30)),
        ("5 Oct 2026 14:30", utc(2026, 10, 5, 13, 30)),
        ("05-October-2026", utc(2026, 10, 4, 23, 0)),
        ("2026-10-05T14:30", utc(2026, 10, 5, 13, 30)),
        ("2026-10-05 14:30:00", utc(2026, 10, 5, 13, 30)),
        ("2026-10-05", utc(2026, 10, 4, 23, 0)),
        ("2026-10-05T14:30:00Z", utc(2026, 10, 5, 14, 30)),
        ("2026-10-05T14:30:00+02:00", utc(2026, 10, 5, 12, 30)),
        ("2026-10-05 14:30-0100", utc(2026, 10, 5, 15, 30)),
        ("46300.6041666667", utc(2026, 10, 5, 13, 30)),
        ("46300", utc(2026, 10, 4, 23, 0)),
        # Winter (GMT, UTC+0)
        ("20/10/2026 14:30", utc(2026, 10, 20, 13, 30)),
        ("30/10/2026 14:30", utc(2026, 10, 30, 14, 30)),
        ("05/01/2026 14:30", utc(2026, 1, 5, 14, 30)),
    ],
)
def test_date_and_time_forms(cell: str, at: datetime) -> None:
    (imported,) = parse([HEAD, [*ROW[:2], cell, *ROW[3:]]]).episodes
    assert imported.episode.reported_at == at
    assert imported.episode.reported_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("cell", "at"),
    [
        ("29/03/2026 00:30", utc(2026, 3, 29, 0, 30)),  # GMT, before the change
        ("29/03/2026 02:30", utc(2026, 3, 29, 1, 30)),  # BST, after it
        ("25/10/2026 00:30", utc(2026, 10, 24, 23, 30)),  # BST
        ("25/10/2026 02:30", utc(2026, 10, 25, 2, 30)),  # GMT
    ],
)
def test_times_either_side_of_the_clock_change(cell: str, at: datetime) -> None:
    found = parse([["Force", "Ref", "Reported", "Surname"], ["Fernshire Police", "1", cell, "Ex"]])
    assert found.episodes[0].episode.reported_at == at
    assert found.warnings == []


def test_a_time_that_did_not_happen_when_the_clocks_went_forward() -> None:
    row, column, message = problem_at(["Last Seen"], ["29/03/2026 01:30"])
    assert (row, column) == (2, "Last Seen")
    assert message.startswith("29/03/2026 01:30 did not happen in the UK: the clocks went forward")


def test_a_time_that_happened_twice_takes_the_first_and_says_so() -> None:
    found = parse(
        [[*HEAD, "Last Seen"], [*ROW[:2], "25/10/2026 09:00", *ROW[3:], "25/10/2026 01:30"]]
    )
    assert found.episodes[0].episode.last_seen_at == utc(2026, 10, 25, 0, 30)
    (warning,) = found.warnings
    assert warning.startswith('Row 2, column "Last Seen": 25/10/2026 01:30 happened twice')
    assert "read as the first (British Summer Time)" in warning


def test_xlsx_with_date_cells_serial_numbers_and_a_separate_time_column() -> None:
    data = xlsx(
        {
            "Episodes": [
                [
                    "Force",
                    "URN",
                    "Date Reported",
                    "Time Reported",
                    "Last Seen",
                    "Found",
                    "DOB",
                    "Surname",
                    "Safe and Well",
                ],
                [
                    "Fernshire Police",
                    1001,
                    datetime(2026, 10, 5, 14, 30),
                    time(15, 45),
                    46300.375,
                    datetime(2026, 12, 1, 9, 0),
                    date(2012, 4, 3),
                    "Example",
                    datetime(2026, 12, 2, 10, 0),
                ],
                ["Fernshire Police", 1002, date(2026, 10, 5), "", "", "", "", "Other", ""],
            ]
        }
    )
    first, second = parse_episodes(data, "episodes.xlsx", LIMIT, now=utc(2027, 1, 1)).episodes
    assert (first.sheet, first.row, first.episode.reference) == ("Episodes", 2, "1001")
    assert first.episode.reported_at == utc(2026, 10, 5, 14, 45)  # the time column's time
    assert first.episode.last_seen_at == utc(2026, 10, 5, 8, 0)  # 09:00 BST
    assert first.episode.returned_at == utc(2026, 12, 1, 9, 0)  # GMT
    assert first.episode.child.date_of_birth == date(2012, 4, 3)
    assert first.episode.safe_and_well_on == date(2026, 12, 2)
    assert second.episode.reported_at == utc(2026, 10, 4, 23, 0)  # midnight BST


def test_a_bad_time_in_a_time_column() -> None:
    row, column, message = problem_at(["Time Reported"], ["teatime"])
    assert (row, column) == (2, "Time Reported")
    assert "'teatime' is not a time of day" in message


def test_several_sheets_hidden_and_unrelated_ones_left_out() -> None:
    data = xlsx(
        {
            "Notes": [["Read me"], ["This export lists missing episodes."]],
            "October": [HEAD, ROW],
            "November": [HEAD, ["Fernshire Police", "FP/26/1002", "02/11/2026 10:00", "Jo", "Ex"]],
            "Lookups": [HEAD, ["Other Police", "X", "01/01/2026", "A", "B"]],
            "December": [HEAD],
        },
        hidden=("Lookups",),
    )
    found = parse_episodes(data, "episodes.xlsx", LIMIT, now=utc(2026, 12, 1))
    assert [(e.sheet, e.episode.reference) for e in found.episodes] == [
        ("October", "FP/26/1001"),
        ("November", "FP/26/1002"),
    ]
    assert found.warnings == ['Sheet "December" has no episode rows.']


@pytest.mark.parametrize(
    ("cell", "kind", "looked_after"),
    [
        ("Home", MissingFrom.HOME, False),
        ("family home", MissingFrom.HOME, False),
        ("Care placement", MissingFrom.CARE, True),
        ("CHILDREN'S HOME", MissingFrom.CARE, True),
        ("Childrens Home", MissingFrom.CARE, True),
        ("Residential care", MissingFrom.CARE, True),
        ("School", MissingFrom.SCHOOL, False),
        ("Other", MissingFrom.OTHER, False),
        ("", MissingFrom.OTHER, False),
    ],
)
def test_missing_from_words(cell: str, kind: MissingFrom, looked_after: bool) -> None:
    imported = one(["Missing From", "Looked After"], [cell, ""])
    assert imported.episode.missing_from is kind
    assert imported.episode.looked_after is looked_after


def test_care_placement_makes_the_child_looked_after_without_a_column() -> None:
    imported = one(["Missing From"], ["Foster care"])
    assert imported.episode.looked_after and "looked_after" in imported.given
    assert "looked_after" not in one(["Missing From"], ["Home"]).given


@pytest.mark.parametrize(
    ("head", "row", "risk_raw", "scheme"),
    [
        (["Risk"], ["  no   apparent risk "], "no apparent risk", "College of Policing 2021"),
        (["Risk"], ["Absent"], "Absent", "ACPO 2013 (absent / missing)"),
        (["Risk"], ["HIGH"], "HIGH", ""),
        (["Risk", "Risk Scheme"], ["Absent", "Force model"], "Absent", "Force model"),
    ],
)
def test_risk_words_are_kept_and_the_scheme_read(
    head: list[str], row: list[object], risk_raw: str, scheme: str
) -> None:
    imported = one(head, row)
    assert (imported.episode.risk_raw, imported.episode.risk_scheme) == (risk_raw, scheme)
    assert {"risk_raw", "risk_scheme"} <= imported.given


# --- refusals ---


def test_missing_required_columns_lists_the_headers_and_what_is_needed() -> None:
    error = refusal([["Force", "Date Reported", "Notes"], ["Fernshire Police", "05/10/2026", ""]])
    assert error.message.startswith(
        "The file has no column for the police reference (Reference, Occurrence Number…) or "
        "the child's forename or surname, so no episode could be read. Headers found: "
        '"Force", "Date Reported", "Notes". Needed: columns for the police force'
    )
    assert error.problems == []


def test_a_file_with_no_known_header_at_all() -> None:
    error = refusal([["Name", "Age"], ["Tess", "14"]])
    assert "no column for the police force (Force), the police reference" in error.message
    assert 'Headers found: "Name", "Age".' in error.message


def test_no_rows_below_the_header() -> None:
    error = refusal([["Episodes"], HEAD, [], ["", "", ""]])
    assert error.message == "No episode rows were found below the header row (row 2)."


def test_a_picture_is_refused_in_the_words_of_this_import() -> None:
    with pytest.raises(EpisodesError) as err:
        parse_episodes(b"%PDF-1.7\n" + bytes(200), "episodes.csv", LIMIT, now=NOW)
    assert "is not a spreadsheet: it is a PDF document" in err.value.message
    assert "the police's missing-episode file" in err.value.message
    assert "register" not in err.value.message


def test_missing_force() -> None:
    error = refusal([HEAD, ["", *ROW[1:]]])
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.name) == (2, "Force", "Tess Example")
    assert problem.message == "This row has no police force: fill it in, or delete the row."


def test_missing_reference() -> None:
    error = refusal([HEAD, [ROW[0], "  ", *ROW[2:]]])
    (problem,) = error.problems
    assert (problem.row, problem.column) == (2, "Reference")
    assert problem.message == "This row has no police reference: fill it in, or delete the row."


def test_missing_reported_time() -> None:
    error = refusal([HEAD, ROW, [*ROW[:1], "FP2", "", *ROW[3:]]])
    (problem,) = error.problems
    assert (problem.row, problem.column) == (3, "Reported")
    assert "no date and time the child was reported missing" in problem.message


def test_missing_name() -> None:
    error = refusal([HEAD, [*ROW[:3], "", ""]])
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.name) == (2, "Surname", None)
    assert "no name for the child" in problem.message


@pytest.mark.parametrize(
    ("column", "cell", "words"),
    [
        ("Reported", "yesterday", "'yesterday' is not a date and time: write it as dd/mm/yyyy"),
        ("Reported", "31/09/2026 10:00", "'31/09/2026 10:00' is not a date and time"),
        ("Reported", "05/10/2026 25:00", "'05/10/2026 25:00' is not a date and time"),
        ("Reported", "05/10/2026 14", "'05/10/2026 14' is not a date and time"),
        ("Last Seen", "last night", "'last night' is not a date and time"),
        ("Last Seen", "2026-10-05T09:00+99:00", "'2026-10-05T09:00+99:00' is not a date and"),
        ("Last Seen", "05/10/1850 09:00", "05/10/1850 09:00 is not a date and time of an episode"),
        ("Found At", "13/13/2026", "'13/13/2026' is not a date and time"),
        ("DOB", "31/02/2012", "'31/02/2012' is not a date: write it as dd/mm/yyyy"),
        ("Safe and Well", "done", "'done' is not a date"),
    ],
)
def test_unreadable_dates_and_times(column: str, cell: str, words: str) -> None:
    head, row = list(HEAD), list[object](ROW)
    if column in head:
        row[head.index(column)] = cell
    else:
        head.append(column)
        row.append(cell)
    error = refusal([head, row])
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.value) == (2, column, cell)
    assert problem.message.startswith(words)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("03/04/2027", "This date of birth is in the future: check it."),
        ("31/12/1989", "This date of birth is before 1990, so not a child's: check it."),
    ],
)
def test_impossible_dates_of_birth(cell: str, words: str) -> None:
    assert problem_at(["DOB"], [cell]) == (2, "DOB", words)
    (problem,) = refusal([[*HEAD, "DOB"], [*ROW, cell]]).problems
    assert problem.value == cell


def test_reported_in_the_future() -> None:
    error = refusal([HEAD, [*ROW[:2], "01/11/2026 14:30", *ROW[3:]]])  # NOW is 12:00 UTC
    (problem,) = error.problems
    assert (problem.row, problem.column, problem.value) == (
        2,
        "Reported",
        "01/11/2026 14:30",
    )
    assert problem.message == "01/11/2026 14:30 is in the future: check the date and time."


def test_reported_less_than_an_hour_ahead_is_a_clock_a_little_fast() -> None:
    imported = one([], [])
    assert imported.episode.reported_at < NOW
    found = parse([HEAD, [*ROW[:2], "01/11/2026 12:59", *ROW[3:]]])
    assert found.episodes[0].episode.reported_at == utc(2026, 11, 1, 12, 59)


def test_found_in_the_future() -> None:
    row, column, message = problem_at(["Found At"], ["02/11/2026 10:00"])
    assert (row, column) == (2, "Found At")
    assert message == "02/11/2026 10:00 is in the future: check the date and time."


def test_last_seen_after_reported() -> None:
    row, column, message = problem_at(["Last Seen"], ["05/10/2026 15:00"])
    assert (row, column) == (2, "Last Seen")
    assert message == (
        "The child was last seen (05/10/2026 15:00) after they were reported missing "
        "(05/10/2026 14:30), which cannot be: check both times."
    )


def test_found_before_last_seen() -> None:
    row, column, message = problem_at(
        ["Last Seen", "Returned At"], ["05/10/2026 09:00", "05/10/2026 08:00"]
    )
    assert (row, column) == (2, "Returned At")
    assert message.startswith("The child was found (05/10/2026 08:00) before they were last seen")


def test_found_long_before_reported() -> None:
    row, column, message = problem_at(["Date Found"], ["04/09/2026 14:00"])
    assert (row, column) == (2, "Date Found")
    assert message == (
        "The child was found (04/09/2026 14:00) more than 30 days before they were reported "
        "missing (05/10/2026 14:30): check both dates."
    )


def test_found_shortly_before_the_report_reached_the_police() -> None:
    imported = one(["Date Found"], ["05/10/2026 10:00"])
    assert imported.episode.returned_at == utc(2026, 10, 5, 9, 0)


def test_an_unknown_place_missing_from() -> None:
    row, column, message = problem_at(["Missing From"], ["Hospital"])
    assert (row, column) == (2, "Missing From")
    assert message == (
        "'Hospital' is not a place a child goes missing from: write Home, Care placement, "
        "School or Other."
    )


def test_a_yes_no_column_with_another_answer() -> None:
    row, column, message = problem_at(["Harmed"], ["maybe"])
    assert (row, column) == (2, "Harmed")
    assert message.startswith("'maybe' is not Yes or No")


@pytest.mark.parametrize(
    ("header", "limit"),
    [
        ("Forename", 200),
        ("Other Names", 200),
        ("Reference", 100),
        ("Force", 100),
        ("Postcode", 12),
        ("Circumstances", 4000),
        ("Where Found", 4000),
    ],
)
def test_text_longer_than_kept(header: str, limit: int) -> None:
    head, row = list(HEAD), list[object](ROW)
    if header in head:
        row[head.index(header)] = "A" * (limit + 1)
    else:
        head.append(header)
        row.append("A" * (limit + 1))
    error = refusal([head, row])
    (problem,) = error.problems
    assert (problem.row, problem.column) == (2, header)
    assert problem.message == f"This is longer than {limit} characters."
    row[-1 if header not in HEAD else head.index(header)] = "A" * limit
    assert len(parse([head, row]).episodes) == 1


def test_identical_rows_are_one_episode_and_blanks_take_the_other_rows_values() -> None:
    found = parse(
        [
            [*HEAD, "Found At", "Risk"],
            [*ROW, "", "High"],
            [*ROW, "", "High"],
            ["FERNSHIRE POLICE", "fp/26/1001", *ROW[2:], "06/10/2026 08:00", ""],
        ]
    )
    (imported,) = found.episodes
    assert imported.row == 2
    assert imported.episode.force == "Fernshire Police"
    assert imported.episode.returned_at == utc(2026, 10, 6, 7, 0)
    assert imported.episode.risk_raw == "High"


def test_rows_of_one_episode_that_disagree_name_both_rows() -> None:
    error = refusal(
        [
            [*HEAD, "Risk", "Last Seen"],
            [*ROW, "High", "05/10/2026 09:00"],
            ["Other Police", *ROW[1:], "Low", "05/10/2026 09:00"],
            [*ROW[:4], "Exemple", "Low", "05/10/2026 10:00"],
        ]
    )
    assert [(p.row, p.column) for p in error.problems] == [
        (4, "Surname"),
        (4, "Risk"),
        (4, "Last Seen"),
    ]
    messages = [p.message for p in error.problems]
    assert messages[0] == (
        "Episode Fernshire Police FP/26/1001 has a different surname on row 2 ('Example') than "
        "here ('Exemple'). Make the rows agree."
    )
    assert "different risk on row 2 ('High') than here ('Low')" in messages[1]
    assert "time last seen on row 2 (05/10/2026 09:00) than here (05/10/2026 10:00)" in messages[2]


def test_rows_of_one_episode_on_two_sheets_that_disagree() -> None:
    data = xlsx({"A": [HEAD, ROW], "B": [HEAD, [*ROW[:3], "Tessa", "Example"]]})
    with pytest.raises(EpisodesError) as err:
        parse_episodes(data, "episodes.xlsx", LIMIT, now=NOW)
    (problem,) = err.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("B", 2, "Forename")
    assert "different forename on sheet \"A\", row 2 ('Tess')" in problem.message


def test_problems_are_all_counted_and_the_first_20_listed() -> None:
    rows: list[list[str]] = [HEAD] + [["", f"FP{n}", *ROW[2:]] for n in range(25)]
    error = refusal(rows)
    assert error.message.startswith("The episodes were not imported: 25 problem(s)")
    assert len(error.problems) == 21
    assert error.problems[-1].message == "... and 5 more"
    assert error.problems[19].row == 21


def test_unused_columns_are_a_warning() -> None:
    found = parse([[*HEAD, "Officer", "Station"], [*ROW, "PC Example", "Central"]])
    assert found.warnings == ['Columns not used: "Officer", "Station".']


def test_a_date_cell_at_a_time_that_did_not_happen() -> None:
    data = xlsx({"Episodes": [HEAD, [*ROW[:2], datetime(2026, 3, 29, 1, 30), *ROW[3:]]]})
    with pytest.raises(EpisodesError) as err:
        parse_episodes(data, "episodes.xlsx", LIMIT, now=NOW)
    (problem,) = err.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Episodes",
        2,
        "Reported",
        "29/03/2026 01:30",
    )
    assert "did not happen in the UK" in problem.message
