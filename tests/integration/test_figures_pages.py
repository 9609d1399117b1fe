"""The figures pages (issue 12 §1 and §2) on both engines, on the small LA of the cross-check
lists (tests/integration/partnership_world.py): each page shows the figures the data layer
returns, in its tables; each table's .xlsx holds the page's table cell for cell and is on the
audit trail; a shared download hides small numbers; a school sees only itself, beside the
LA's average per 100 pupils; and bad addresses get a sentence, never an error page.
"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from cme.events import Action
from cme.measures.figures import Dimension
from cme.measures.periods import Grain, Period
from cme.storage.measures.backfill import fill_absence_days
from cme.storage.measures.dashboard import breakdown, dashboard
from cme.storage.tables import AuditEvent, PupilYear
from cme.web import figures_names as words
from cme.web.figures_choice import parse_choice
from cme.web.figures_names import DATES
from cme.web.figures_tables import breakdown_table, la_tables, per_100, school_tables
from tests.integration.helpers import World, sign_in
from tests.integration.partnership_world import CME, LA, OTHER_CME, build
from tests.integration.test_case_actions import viewer

# The registers and episodes are in the autumn of 2024, the cases' day one 8 September 2025.
SPAN = {"period": DATES, "from": "2024-09-01", "to": "2025-12-31", "grain": "month"}
PERIOD = Period(date(2024, 9, 1), date(2025, 12, 31))
AUTUMN = {"period": DATES, "from": "2024-09-01", "to": "2024-12-31"}
# A school's pupils on roll are those with a register in the year the period ends in.
SCHOOL_SPAN = {"period": DATES, "from": "2024-09-01", "to": "2025-08-31", "grain": "month"}
SCHOOL_PERIOD = Period(date(2024, 9, 1), date(2025, 8, 31))
DSL_A = "dsl.a@test.example"


@pytest.fixture
async def la(world: World) -> LA:
    found = await build(world)
    # The world writes registers straight into the table; the import would store these.
    await fill_absence_days()
    return found


# --- reading pages and workbooks ---------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table data-table> of a page: its headings and its rows' texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, tuple[list[str], list[list[str]]]] = {}
        self._slug: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._empty = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-table"):
            self._slug = found["data-table"]
            self.tables[str(self._slug)] = ([], [])
        elif self._slug and tag == "tr":
            self._row = []
        elif self._slug and self._row is not None and tag in ("th", "td"):
            self._cell = []
            self._empty = "colspan" in found  # the "None in this period" row

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._slug is None:
            return
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            if not self._empty:
                self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            headings, rows = self.tables[self._slug]
            if not headings:
                headings.extend(self._row)
            elif self._row:
                rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._slug = None


def page_tables(text: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    parser = _Tables()
    parser.feed(text)
    return parser.tables


def shown(value: Any, number_format: str) -> str:
    """A workbook cell as the page writes it (the page's dash for nothing, and "", are both
    blank)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if "%" in number_format:
        return f"{100 * value:.1f}%"
    if number_format == "0.0":  # a rate per 100, always to one place
        return f"{value:.1f}"
    if isinstance(value, float) and value % 1:
        return f"{value:.1f}"
    return f"{int(value):,}"


def workbook(content: bytes) -> tuple[str, list[str], list[list[str]], str]:
    """(title row, headings, rows as the page writes them, note)."""
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    title = str(rows[0][0].value)
    headings = [str(c.value) for c in rows[1]]
    body, note = [], ""
    for at, row in enumerate(rows[2:], start=2):
        if all(c.value is None for c in row):  # the blank row before the table's note
            note = str(rows[at + 1][0].value) if at + 1 < len(rows) else ""
            break
        body.append([shown(c.value, c.number_format) for c in row])
    return title, headings, body, note


def blank(rows: list[list[str]]) -> list[list[str]]:
    return [["" if c == "\u2013" else c for c in row] for row in rows]


def texts(table: Any) -> tuple[list[str], list[list[str]]]:
    return table.headings, [[c.text for c in row] for row in table.rows]


async def audited() -> list[dict[str, Any]]:
    rows = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == Action.FIGURES_DOWNLOADED.value
    )
    return [json.loads(r["detail"]) for r in rows]


# --- the LA's page ---------------------------------------------------------------------


async def test_the_la_page_shows_the_figures_the_data_layer_returns(
    client: httpx.AsyncClient, la: LA
) -> None:
    await sign_in(client, CME)
    page = await client.get("/la/figures", params=SPAN)
    assert page.status_code == 200
    assert 'href="/la/figures" aria-current="page"' in page.text  # "Figures" in the nav
    board = await dashboard(la.me, PERIOD, Grain.MONTH)
    expected = la_tables(board)
    by_school = breakdown_table(Dimension.SCHOOL, await breakdown(la.me, PERIOD, Dimension.SCHOOL))
    expected[by_school.slug] = by_school
    got = page_tables(page.text)
    assert set(got) == set(expected)
    for slug, table in expected.items():
        assert got[slug] == texts(table), slug
    # Known by construction: 41 unexplained sessions of 8 children in LA 370 (the other
    # LA's are not counted), 12 episodes, three cases opened on 8 September 2025.
    headline = dict((r[0], r[1]) for r in got["headline"][1])
    assert headline["Unexplained absence sessions (N or O)"] == "41"
    assert headline["Children with unexplained absence"] == "8"
    assert headline["Missing from home or care: episodes"] == "12"
    assert headline["CME cases opened (day one in the period)"] == "3"
    assert re.search(r'data-card="Unexplained absence sessions">41<', page.text)
    schools = [r[0] for r in got["by-school"][1]]
    assert schools == ["School A", "School B", "Episodes not linked to a pupil"]
    months = [r[0] for r in got["trend"][1]]
    assert months[0] == "Sep 2024" and months[-1] == "Dec 2025" and len(months) == 16
    assert "1 Sep 2024 to 31 Dec 2025" in page.text
    assert page.text.count("<svg") >= 5  # two trend charts, two for cases, the breakdown
    # The termly packs of this year's and last year's terms that have begun.
    assert "/la/figures/pack?term=" in page.text and "/la/figures/pack.xlsx?term=" in page.text


async def test_each_download_holds_the_pages_table_and_is_audited(
    client: httpx.AsyncClient, la: LA
) -> None:
    await sign_in(client, CME)
    query = {**SPAN, "by": "year_group"}
    page = await client.get("/la/figures", params=query)
    tables = page_tables(page.text)
    assert set(tables) == {
        "headline",
        "trend",
        "open-by-stage",
        "closed-by-outcome",
        "by-year-group",
    }
    for slug, (headings, rows) in tables.items():
        link = re.search(rf'href="([^"]*/{slug}\.xlsx\?[^"]*)" download data-download=', page.text)
        assert link, slug
        got = await client.get(html.unescape(link.group(1)))
        assert got.status_code == 200, slug
        assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
        title, got_headings, got_rows, _ = workbook(got.content)
        assert got_headings == headings, slug
        assert got_rows == blank(rows), slug
        assert title.startswith("First LA: ") and "1 Sep 2024 to 31 Dec 2025" in title, slug
    details = await audited()
    assert [d["table"] for d in details] == [
        "Headline figures",
        "Month by month",
        words.STAGE_TITLE,
        words.OUTCOME_TITLE,
        "By year group",
    ]
    assert all(
        (d["from"], d["to"], d["shared"]) == ("2024-09-01", "2025-12-31", False) for d in details
    )


async def test_a_shared_download_hides_small_numbers(client: httpx.AsyncClient, la: LA) -> None:
    await sign_in(client, CME)
    page = await client.get("/la/figures", params=SPAN)
    link = re.search(r'href="([^"]*/headline\.xlsx\?[^"]*share=1[^"]*)"', page.text)
    assert link and "small numbers hidden" in page.text
    got = await client.get(html.unescape(link.group(1)))
    title, _, rows, note = workbook(got.content)
    values = {r[0]: r[1] for r in rows}
    # 8 children: shown. 3 cases opened: fewer than five, hidden.
    assert values["Children with unexplained absence"] == "8"
    assert values["CME cases opened (day one in the period)"] == "<5"
    assert "small numbers hidden" in title and "Small numbers are hidden" in note
    unshared = page_tables(page.text)["headline"][1]
    assert dict((r[0], r[1]) for r in unshared)["CME cases opened (day one in the period)"] == "3"
    assert [d["shared"] for d in await audited()] == [True]


async def test_every_breakdown_and_one_school(client: httpx.AsyncClient, la: LA) -> None:
    await sign_in(client, CME)
    for dimension in Dimension:
        page = await client.get("/la/figures", params={**SPAN, "by": dimension.value})
        assert page.status_code == 200, dimension
        expected = breakdown_table(dimension, await breakdown(la.me, PERIOD, dimension))
        assert page_tables(page.text)[expected.slug] == texts(expected), dimension
    school_b = la.world.school_b
    page = await client.get("/la/figures", params={**SPAN, "school": str(school_b)})
    board = await dashboard(la.me, PERIOD, Grain.MONTH, school_b)
    assert page_tables(page.text)["headline"] == texts(la_tables(board)["headline"])
    assert "Figures for <strong>School B</strong>" in page.text
    got = await client.get("/la/figures/headline.xlsx", params={**SPAN, "school": str(school_b)})
    title, _, rows, _ = workbook(got.content)
    assert title.startswith("School B: ")
    assert rows == blank(page_tables(page.text)["headline"][1])
    assert (await audited())[-1]["school"] == school_b


# --- a school's page ---------------------------------------------------------------------


async def test_a_school_sees_itself_beside_the_las_average(
    client: httpx.AsyncClient, la: LA
) -> None:
    await sign_in(client, DSL_A)
    # Another school asked for in the address changes nothing: the school sees itself.
    page = await client.get(
        "/school/figures",
        params={**SCHOOL_SPAN, "school": str(la.world.school_b), "by": "gender"},
    )
    assert page.status_code == 200
    assert 'href="/school/figures" aria-current="page"' in page.text
    me = await viewer(DSL_A)
    board = await dashboard(me, SCHOOL_PERIOD, Grain.MONTH)
    assert board.school_name == "School A"
    tables = page_tables(page.text)
    for slug, table in school_tables(board).items():
        assert tables[slug] == texts(table), slug
    gender = breakdown_table(Dimension.GENDER, await breakdown(me, SCHOOL_PERIOD, Dimension.GENDER))
    assert tables["by-gender"] == texts(gender)
    # Per 100 pupils on roll (a register in the year the period ends in), worked out here.
    on_roll = PupilYear.count().where(PupilYear.academic_year == 2024)
    pupils_a = await on_roll.where(PupilYear.school == la.world.school_a)
    pupils_la = await PupilYear.count().where(
        (PupilYear.academic_year == 2024)
        & PupilYear.school.is_in([la.world.school_a, la.world.school_b])
    )
    assert pupils_a > 0 and pupils_la > pupils_a
    assert (board.pupils, board.la_pupils) == (pupils_a, pupils_la)
    headline = {r[0]: r[1:] for r in tables["headline"][1]}
    own, theirs = board.figures, board.la_figures
    assert theirs is not None
    sessions = headline["Unexplained absence sessions (N or O)"]
    assert sessions[1] == per_100(own.unexplained_absence_sessions, pupils_a).text
    assert sessions[2] == per_100(theirs.unexplained_absence_sessions, pupils_la).text
    assert float(sessions[1]) == round(100 * own.unexplained_absence_sessions / pupils_a, 1)
    assert headline["Cases referred to the LA"][1:] == ["", ""]  # no rate for this one
    assert tables["headline"][0][-1] == "LA average per 100 pupils"
    assert "Police matches" not in page.text  # the LA's queue is not a school's business
    assert "School B" not in page.text
    # The DSL is told of police episodes and hidden missing: their rows, column, series.
    assert "Missing from home or care: episodes" in headline
    assert "Children hidden missing (not linked to an episode)" in headline
    assert "Episodes" in tables["trend"][0] and "Hidden missing" in tables["by-gender"][0]
    assert "Missing episodes" in page.text
    # Its downloads: the page's tables, no shared variant, on the audit trail.
    assert "share=1" not in page.text
    for slug in ("headline", "trend", "by-gender"):
        got = await client.get(
            f"/school/figures/{slug}.xlsx", params={**SCHOOL_SPAN, "by": "gender"}
        )
        assert got.status_code == 200, slug
        title, headings, rows, _ = workbook(got.content)
        assert (headings, rows) == (tables[slug][0], blank(tables[slug][1])), slug
        assert title.startswith("School A: ")
    assert len(await audited()) == 3
    # Breakdowns a school's page does not offer are not there to download.
    assert (await client.get("/school/figures/by-school.xlsx")).status_code == 404


# Words that would tell an attendance officer police episodes, or hidden missing, exist.
EPISODE_WORDS = ("episode", "missing from home", "hidden missing", "return interview", "repeat")


def _told_of_episodes(text: str) -> list[str]:
    return [w for w in EPISODE_WORDS if w in text.casefold()]


async def test_an_attendance_officer_is_not_told_of_episodes(
    client: httpx.AsyncClient, la: LA
) -> None:
    await sign_in(client, "ao.a@test.example")
    seen = []
    for by in words.SCHOOL_DIMENSIONS:
        page = await client.get("/school/figures", params={**SCHOOL_SPAN, "by": by.value})
        assert page.status_code == 200, by
        assert _told_of_episodes(page.text) == [], by
        tables = page_tables(page.text)
        seen.append(tables[by.slug])
        # Nor in any download: every table the page offers.
        for slug in tables:
            got = await client.get(
                f"/school/figures/{slug}.xlsx", params={**SCHOOL_SPAN, "by": by.value}
            )
            assert got.status_code == 200, slug
            title, headings, rows, note = workbook(got.content)
            assert (headings, rows) == (tables[slug][0], blank(tables[slug][1])), slug
            everything = " ".join([title, note, *headings, *(c for r in rows for c in r)])
            assert _told_of_episodes(everything) == [], slug
    # What is left is still there: the absence, the cases, their breakdowns.
    headline = {r[0]: r[1] for r in page_tables(page.text)["headline"][1]}
    assert headline["Unexplained absence sessions (N or O)"] != "0"
    assert "CME cases opened (day one in the period)" in headline
    assert all("Children absent" in headings for headings, _ in seen)
    assert 'data-card="Unexplained absence sessions"' in page.text


# --- who may see what --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "paths"),
    [
        ("admin@test.example", ["/la/figures", "/la/figures/headline.xlsx", "/school/figures"]),
        ("dsl.a@test.example", ["/la/figures", "/la/figures/by-school.xlsx"]),
        ("ao.a@test.example", ["/la/figures"]),
        (CME, ["/school/figures", "/school/figures/headline.xlsx"]),
    ],
)
async def test_who_may_open_which_figures(
    client: httpx.AsyncClient, la: LA, email: str, paths: list[str]
) -> None:
    await sign_in(client, email)
    for path in paths:
        assert (await client.get(path)).status_code == 403, path
    assert await audited() == []


async def test_another_las_school_is_not_found_and_its_figures_stay_its_own(
    client: httpx.AsyncClient, la: LA
) -> None:
    await sign_in(client, CME)
    elsewhere = {**SPAN, "school": str(la.world.school_other_la)}
    assert (await client.get("/la/figures", params=elsewhere)).status_code == 404
    got = await client.get("/la/figures/headline.xlsx", params=elsewhere)
    assert got.status_code == 404
    assert await audited() == []
    # The other LA's officer sees their LA's figures: none of these children.
    client.cookies.clear()
    await sign_in(client, OTHER_CME)
    page = await client.get("/la/figures", params=AUTUMN)
    headline = {r[0]: r[1] for r in page_tables(page.text)["headline"][1]}
    # Its two children: four and five days unexplained, both sessions of each.
    assert headline["Unexplained absence sessions (N or O)"] == "18"
    assert headline["Missing from home or care: episodes"] == "1"
    assert "School A" not in page.text and "School C" in page.text


# --- what the address may hold -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"by": "postcode"}, "That breakdown is not one the page offers"),
        ({"period": DATES, "from": "2024-13-01", "to": "2024-12-31"}, "The From date could"),
        ({"period": DATES, "from": "2024-12-01", "to": "2024-09-01"}, "The To date is before"),
        ({"period": DATES, "from": "2001-01-01", "to": "2024-09-01"}, "three years or less"),
        ({"period": DATES, "from": "2024-09-01"}, "enter both a From and a To date"),
        ({"period": DATES, "from": "9999-12-01", "to": "9999-12-31"}, "between 2000 and 2099"),
        ({"period": "2019-autumn"}, "That period is not one the page offers"),
        ({"grain": "year"}, "Choose week by week or month by month"),
        ({"school": "School A"}, "That school could not be read"),
        ({"school": "99999999999"}, "That school could not be read"),
    ],
)
async def test_a_bad_address_is_said_and_the_default_shown(
    client: httpx.AsyncClient, la: LA, query: dict[str, str], said: str
) -> None:
    await sign_in(client, CME)
    page = await client.get("/la/figures", params=query)
    assert page.status_code == 200
    problems = page.text.split('id="problems"', 1)[1].split("</div>", 1)[0]
    assert said in html.unescape(problems)
    assert "headline" in page_tables(page.text)
    got = await client.get("/la/figures/headline.xlsx", params=query)
    assert got.status_code == 200  # the download falls back as the page does


async def test_unknown_tables_and_schools_are_not_found(client: httpx.AsyncClient, la: LA) -> None:
    await sign_in(client, CME)
    assert (await client.get("/la/figures/nothing.xlsx")).status_code == 404
    assert (await client.get("/la/figures", params={"school": "999999"})).status_code == 404


def test_new_dates_typed_with_the_period_left_as_it_was_are_the_persons_own() -> None:
    today = date(2026, 11, 23)
    typed = {"period": "year", "was": "year", "from": "2026-10-01", "to": "2026-10-31"}
    choice = parse_choice(typed, today, [], words.LA_DIMENSIONS)
    assert choice.period_key == DATES
    assert (choice.period.first, choice.period.last) == (date(2026, 10, 1), date(2026, 10, 31))
    # The period changed: its own dates, whatever the boxes still held.
    switched = {**typed, "period": "last-year"}
    choice = parse_choice(switched, today, [], words.LA_DIMENSIONS)
    assert (choice.period.first, choice.period.last) == (date(2025, 9, 1), date(2026, 8, 31))
    # The dates the form showed, sent back unchanged: the period as chosen.
    shown = {"period": "year", "was": "year", "from": "2026-09-01", "to": "2026-11-23"}
    assert parse_choice(shown, today, [], words.LA_DIMENSIONS).period_key == "year"
    # A term under way is read up to today.
    autumn = parse_choice({"period": "2026-autumn"}, today, [], words.LA_DIMENSIONS)
    assert (autumn.period.first, autumn.period.last) == (date(2026, 9, 1), today)
    assert autumn.period.name == "Autumn term 2026/27 so far"
