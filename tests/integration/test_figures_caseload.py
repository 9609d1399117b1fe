"""The caseload by stage and by outcome (issue 12) on both engines, when cases carry a stage
or outcome the tracker does not know (blank, missing, or a value no longer in use, as data
from before a change may): they are one "Not known" row, on the figures page and in the
termly pack alike, and no count is lost."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from cme.measures.figures import NOT_KNOWN
from cme.measures.periods import Period
from cme.storage.clock import utcnow
from cme.storage.measures.dashboard import CLOSED_SINCE, closed_by_outcome, open_by_stage
from cme.storage.measures.pack import THIS_TERM, termly_pack
from cme.storage.measures.scope import Scope
from cme.storage.tables import Case
from tests.integration.helpers import World, sign_in
from tests.integration.partnership_world import add_pupil
from tests.integration.test_case_actions import viewer
from tests.integration.test_figures_pages import page_tables

CME = "cme@test.example"
OCTOBER = Period(date(2024, 10, 1), date(2024, 10, 31))
# (stage, outcome, closed on): open at 31 October unless closed by then.
CASES = [
    ("with_la", None, None),
    ("", None, None),
    ("retired_stage", None, None),
    ("with_la", None, date(2024, 11, 4)),  # closed after October: "Closed since"
    ("", "returned", date(2024, 10, 14)),
    ("", None, date(2024, 10, 15)),
    ("", "retired_outcome", date(2024, 10, 16)),
    ("", "", date(2024, 10, 17)),
]


@pytest.fixture
async def la(world: World) -> World:
    for n, (stage, outcome, closed) in enumerate(CASES):
        # One open case per pupil: a pupil each.
        pupil = await add_pupil(world.school_a, f"Child{n}", "Case", "5")
        await Case.insert(
            Case(
                pupil=pupil,
                school=world.school_a,
                la=world.la_id,
                reason="unexplained",
                day_one=date(2024, 10, 1),
                clock_start=date(2024, 10, 1),
                opened_at=utcnow(),
                status="closed" if closed else "open",
                closed_on=closed,
                outcome=outcome,
                stage=stage,
            )
        )
    return world


BY_STAGE = [("With the LA", 1), (NOT_KNOWN, 2), (CLOSED_SINCE, 1)]
BY_OUTCOME = [("Returned to school", 1), (NOT_KNOWN, 3)]


async def test_unknown_stages_and_outcomes_are_one_not_known_row(la: World) -> None:
    scope = Scope(la.la_id)
    assert await open_by_stage(scope, OCTOBER) == BY_STAGE
    assert await closed_by_outcome(scope, OCTOBER) == BY_OUTCOME


async def test_the_page_and_the_pack_show_one_not_known_row(
    la: World, client: httpx.AsyncClient
) -> None:
    await sign_in(client, CME)
    page = await client.get(
        "/la/figures", params={"period": "dates", "from": "2024-10-01", "to": "2024-10-31"}
    )
    tables = page_tables(page.text)
    assert tables["open-by-stage"][1] == [[label, str(n)] for label, n in BY_STAGE]
    assert tables["closed-by-outcome"][1] == [[label, str(n)] for label, n in BY_OUTCOME]
    # The autumn's pack (by the months: to 31 December): three closed with an outcome not
    # known, hidden as fewer than five; none lost on the way.
    pack = await termly_pack(await viewer(CME), "2024-autumn")
    outcomes = pack.section("Cases by outcome").tables[0]
    assert outcomes.headings[:2] == ["Outcome", THIS_TERM]
    assert [[c.text for c in r[:2]] for r in outcomes.rows] == [
        ["Returned to school", "<5"],
        [NOT_KNOWN, "<5"],
    ]
    stages = pack.section("Cases by stage").tables[0]
    assert [r[0].text for r in stages.rows] == ["With the LA", NOT_KNOWN]
