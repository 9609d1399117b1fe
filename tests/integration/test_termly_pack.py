"""The partnership's termly pack (issue 12 §3) on both engines: the printable page and the
workbook hold the same figures, which are `counts.figures` with small numbers hidden, for the
term and the same term last year; only the LA's CME officers may make it; an unknown term is
said so; each download is in the access log.

The LA is tests/integration/helpers.build_world's, with unexplained absences and cases added
below in the autumns of 2023 and 2024 (no LA term dates: the terms are the months).
"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date, timedelta

import httpx
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cme.errors import Refused
from cme.events import Action
from cme.exports.partnership_pack import CONTENTS
from cme.measures.figures import SUPPRESSED
from cme.measures.periods import Period, term_key
from cme.measures.tables import WITHHELD, Cell, FigureTable, headline
from cme.storage.calendar_facts import term_dates
from cme.storage.clock import today, utcnow
from cme.storage.measures import counts
from cme.storage.measures.pack import LAST_YEAR, THIS_TERM, offered_terms, termly_pack
from cme.storage.measures.scope import Scope
from cme.storage.tables import AbsenceDay, AuditEvent, Case, Pupil
from tests.integration.helpers import World, sign_in
from tests.integration.test_case_actions import viewer

CME = "cme@test.example"
AUTUMN_2024 = Period(date(2024, 9, 1), date(2024, 12, 31))
AUTUMN_2023 = Period(date(2023, 9, 1), date(2023, 12, 31))
PACK = "/la/figures/pack?term=2024-autumn"
XLSX = "/la/figures/pack.xlsx?term=2024-autumn"


async def _pupil(school: int, n: int) -> int:
    rows = await Pupil.insert(
        Pupil(
            school=school,
            upn=f"T{school}P{n:03d}",
            legal_forename=f"Child{n}",
            legal_surname="Example",
            gender="M" if n % 2 else "F",
            year_group=str(7 + n % 3),
            reg_group="7A",
        )
    ).returning(Pupil.id)
    return int(rows[0]["id"])


async def _absent(pupil: int, school: int, day: date, sessions: int) -> None:
    year = day.year if day.month >= 9 else day.year - 1
    await AbsenceDay.insert(
        AbsenceDay(
            pupil=pupil,
            school=school,
            academic_year=year,
            day=day,
            week=day - timedelta(days=day.weekday()),
            sessions=sessions,
        )
    )


async def _case(pupil: int, school: int, la: int, day_one: date, closed: date | None) -> None:
    await Case.insert(
        Case(
            pupil=pupil,
            school=school,
            la=la,
            reason="unexplained",
            day_one=day_one,
            clock_start=day_one,
            opened_at=utcnow(),
            status="closed" if closed else "open",
            closed_on=closed,
            outcome="returned" if closed else None,
            stage="" if closed else "school_enquiries",
        )
    )


@pytest.fixture
async def la(world: World) -> World:
    """Autumn 2024: six children of school A absent two sessions each, one of school B one
    session; two cases, one closed. Autumn 2023: five of school A absent a session each.
    School C (another LA): a child absent in autumn 2024."""
    pupils = [await _pupil(world.school_a, n) for n in range(1, 7)]
    for p in pupils:
        await _absent(p, world.school_a, date(2024, 10, 7), 2)
    await _absent(world.pupil_b, world.school_b, date(2024, 10, 8), 1)
    for p in pupils[:5]:
        await _absent(p, world.school_a, date(2023, 10, 9), 1)
    await _absent(world.pupil_other_la, world.school_other_la, date(2024, 10, 7), 2)
    await _case(pupils[0], world.school_a, world.la_id, date(2024, 10, 7), None)
    await _case(pupils[1], world.school_a, world.la_id, date(2024, 10, 7), date(2024, 11, 1))
    return world


def _table(page: str, slug: str, when: str = "this-term") -> list[list[str]]:
    """The rows (headings first) of the page's table `slug` for this term (or `when`
    "last-year"), as the reader sees them."""
    found = re.search(
        rf'<table class="pack-table[^"]*" data-table="{slug}" data-when="{when}">(.*?)</table>',
        page,
        re.S,
    )
    assert found, f"no {slug} table on the page"
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)
    ]


def _sheet_table(sheet: Worksheet, first_heading: str) -> list[list[object]]:
    """The rows of the sheet's first table headed `first_heading`, headings first."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == first_heading)
    end = next((i for i in range(start, len(rows)) if rows[i][0] is None), len(rows))
    return [
        [v for v in r if v is not None] for r in rows[start:end] if len(r) > 1 and r[1] is not None
    ]


async def _expected(la_id: int) -> FigureTable:
    scope = Scope(la_id)
    now = (await counts.figures(scope, AUTUMN_2024))["all"]
    then = (await counts.figures(scope, AUTUMN_2023))["all"]
    table = headline(now, matches_waiting=0, compare=[(LAST_YEAR, then)], heading=THIS_TERM)
    return table.shareable()


def _in_sheet(cell: Cell) -> object:
    return cell.value if isinstance(cell.value, int | float) else cell.text


async def _download(client: httpx.AsyncClient, url: str = XLSX) -> dict[str, Worksheet]:
    got = await client.get(url)
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"].endswith('termly-pack-370-2024-autumn.xlsx"')
    book = load_workbook(io.BytesIO(got.content))
    return {name: book[name] for name in book.sheetnames}


async def test_the_page_and_the_workbook_show_counts_figures_with_small_numbers_hidden(
    la: World, client: httpx.AsyncClient
) -> None:
    await sign_in(client, CME)
    page = await client.get(PACK)
    assert page.status_code == 200
    expected = await _expected(la.la_id)
    shown = _table(page.text, "headline")
    assert shown[0] == ["Measure", "This term", "Same term last year"]
    assert shown[1:] == [[c.text for c in row] for row in expected.rows]
    sheets = await _download(client)
    in_book = _sheet_table(sheets["Headline"], "Measure")
    assert in_book[0] == ["Measure", "This term", "Same term last year"]
    # A blank cell (last year's column of a figure only known now) reads back as nothing.
    assert in_book[1:] == [[_in_sheet(c) for c in row if c.text] for row in expected.rows]
    # The figures known by construction: 13 sessions of 7 children; 5 of 5 last year; two
    # cases opened and one closed, hidden as fewer than five.
    by_label = {row[0]: row[1:] for row in in_book}
    assert by_label["Unexplained absence sessions (N or O)"] == [13, 5]
    assert by_label["Children with unexplained absence"] == [7, 5]
    assert by_label["CME cases opened (day one in the period)"] == [SUPPRESSED, 0]
    assert by_label["CME cases closed (removals included)"] == [SUPPRESSED, 0]
    assert (
        "Autumn term 2023/24" in page.text and "1 September 2024 to 31 December 2024" in page.text
    )


async def test_the_breakdowns_hide_small_numbers_and_last_year_is_below_in_the_workbook(
    la: World, client: httpx.AsyncClient
) -> None:
    await sign_in(client, CME)
    page = await client.get(PACK)
    schools = {row[0]: row[1:3] for row in _table(page.text, "by-school")[1:]}
    # School B: one child's one session, hidden as the count of children is.
    assert schools == {"School A": ["12", "6"], "School B": [SUPPRESSED, SUPPRESSED]}
    sheets = await _download(client)
    sheet = sheets["By school"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    titles = [r[0] for r in rows if r[0] and str(r[0]).startswith("School: ")]
    assert titles == ["School: Autumn term 2024/25", "School: Autumn term 2023/24"]
    a_rows = [r[:3] for r in rows if r[0] == "School A"]
    assert a_rows == [["School A", 12, 6], ["School A", 5, 5]]
    assert next(r[:3] for r in rows if r[0] == "School B") == ["School B", SUPPRESSED, SUPPRESSED]
    contents = [list(r) for r in sheets[CONTENTS].iter_rows(values_only=True)]
    listed = [
        r[0] for r in contents[next(i for i, r in enumerate(contents) if r[0] == "Sheet") + 1 :]
    ]
    assert listed == list(sheets)[1:]
    assert {
        "Headline",
        "Cases by stage",
        "Cases by outcome",
        "By school",
        "By area",
        "By year group",
        "By gender",
        "By looked-after status",
        "By SEN",
        "Weekly trend",
    } == set(listed)
    outcomes = _sheet_table(sheets["Cases by outcome"], "Outcome")
    assert outcomes == [["Outcome", THIS_TERM, LAST_YEAR], ["Returned to school", SUPPRESSED, 0]]


def _captions(page: str) -> list[tuple[str, str]]:
    """Each table of the page as (data-when, caption), in page order."""
    return re.findall(
        r'<table class="pack-table[^"]*" data-table="[^"]*" data-when="([^"]*)">\s*'
        r"<caption>([^<]*)</caption>",
        page,
    )


async def test_the_page_carries_every_table_of_the_workbook_last_year_included(
    la: World, client: httpx.AsyncClient
) -> None:
    await sign_in(client, CME)
    pack = await termly_pack(await viewer(CME), "2024-autumn")
    page = (await client.get(PACK)).text
    expected = [
        (when, t.title)
        for section in pack.sections
        for when, tables in (("this-term", section.tables), ("last-year", section.earlier))
        for t in tables
    ]
    assert [(w, html.unescape(c)) for w, c in _captions(page)] == expected
    assert sum(1 for w, _ in expected if w == "last-year") == 6  # a breakdown each
    sheets = await _download(client)
    for section in pack.sections:
        titles = {r[0] for r in sheets[section.sheet].iter_rows(values_only=True)}
        for t in (*section.tables, *section.earlier):
            assert t.title in titles, (section.sheet, t.title)
    # Last year's school breakdown, as printed: School A's five children, a session each.
    last_year = _table(page, "by-school", "last-year")
    assert last_year[0][0] == "School" and ["School A", "5", "5"] == last_year[1][:3]
    assert "the same term last year</h3>" in page


async def test_with_nothing_from_last_year_there_is_no_last_year_column(
    la: World, client: httpx.AsyncClient
) -> None:
    await sign_in(client, CME)
    page = await client.get("/la/figures/pack?term=2023-autumn")
    assert page.status_code == 200
    assert _table(page.text, "headline")[0] == ["Measure", "This term"]
    assert "the tracker holds no records from the same term last year" in page.text
    sessions = _table(page.text, "headline")[1]
    assert sessions == ["Unexplained absence sessions (N or O)", "5"]


async def test_only_the_las_cme_officers_may_make_the_pack(
    la: World, client: httpx.AsyncClient
) -> None:
    for email in ("admin@test.example", "ao.a@test.example", "dsl.a@test.example"):
        await sign_in(client, email)
        for url in (PACK, XLSX):
            assert (await client.get(url)).status_code == 403, (email, url)
    with pytest.raises(Refused):
        await termly_pack(await viewer("dsl.a@test.example"), "2024-autumn")
    assert await AuditEvent.count().where(AuditEvent.action == Action.PACK_DOWNLOADED.value) == 0
    # Another LA's officer: their own LA only (one child, one absence day: withheld).
    other = await termly_pack(await viewer("cme.other@test.example"), "2024-autumn")
    assert other.la_name == "Second LA"
    first = other.section("Headline").tables[0].rows[0]
    assert [c.text for c in first] == ["Unexplained absence sessions (N or O)", WITHHELD]


@pytest.mark.parametrize(
    ("term", "words"),
    [
        ("2024-winter", "There is no term called"),
        ("2099-autumn", "has not started yet"),
        # Years no pack can be made for (nor a year before them compared with).
        ("0000-autumn", "There is no term called"),
        ("0001-autumn", "There is no term called"),
        ("1999-autumn", "There is no term called"),
        ("9999-summer", "There is no term called"),
        ("2100-autumn", "There is no term called"),
    ],
)
async def test_a_term_that_cannot_be_packed_is_a_clear_message(
    la: World, client: httpx.AsyncClient, term: str, words: str
) -> None:
    await sign_in(client, CME)
    for url in (f"/la/figures/pack?term={term}", f"/la/figures/pack.xlsx?term={term}"):
        got = await client.get(url)
        assert got.status_code == 404, url
        assert words in html.unescape(got.text)
        assert 'value="2024-autumn"' in got.text  # the terms it can be made for
    assert await AuditEvent.count().where(AuditEvent.action == Action.PACK_DOWNLOADED.value) == 0


async def test_the_first_and_last_terms_a_key_may_name_are_pages_not_errors(
    la: World, client: httpx.AsyncClient
) -> None:
    await sign_in(client, CME)
    first = await client.get("/la/figures/pack?term=2000-autumn")
    assert first.status_code == 200
    assert _table(first.text, "headline")[1] == ["Unexplained absence sessions (N or O)", "0"]
    # The last: named, but not started.
    last = await client.get("/la/figures/pack?term=2099-summer")
    assert last.status_code == 404 and "has not started yet" in html.unescape(last.text)


async def test_the_default_is_the_current_term(la: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, CME)
    page = await client.get("/la/figures/pack")
    assert page.status_code == 200
    current = offered_terms(await term_dates(la.la_id), today())[0]
    assert f'<option value="{term_key(current)}" selected>' in page.text
    assert f'href="/la/figures/pack.xlsx?term={term_key(current)}"' in page.text


async def test_each_download_is_in_the_access_log_and_reading_the_page_is_not(
    la: World, client: httpx.AsyncClient
) -> None:
    await sign_in(client, CME)
    await client.get(PACK)
    assert await AuditEvent.count().where(AuditEvent.action == Action.PACK_DOWNLOADED.value) == 0
    await _download(client)
    rows = await AuditEvent.select(
        AuditEvent.account.email, AuditEvent.la, AuditEvent.detail
    ).where(AuditEvent.action == Action.PACK_DOWNLOADED.value)
    assert len(rows) == 1
    detail = json.loads(rows[0]["detail"])
    assert rows[0]["account.email"] == CME and rows[0]["la"] == la.la_id
    assert detail["term"] == "Autumn term 2024/25" and detail["term_key"] == "2024-autumn"
    assert (detail["first_day"], detail["last_day"]) == ("2024-09-01", "2024-12-31")
    assert detail["last_year"].startswith("Autumn term 2023/24")
