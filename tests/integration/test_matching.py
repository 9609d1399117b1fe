"""Matching the LA's episodes with its pupils, stored: proposals with their reasons, a
person's decisions kept through every later run (a rejected pair is not proposed again after
a re-import), scoping — on both engines."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cme.errors import Conflict, NotFound
from cme.storage.episode_import import import_file
from cme.storage.match_decisions import decide
from cme.storage.matching import CONFIRMED, REJECTED, rematch
from cme.storage.tables import EpisodeMatch, Pupil
from tests.integration.helpers import World
from tests.integration.test_case_actions import viewer

HEADER = "Force,Reference,Reported At,Missing From,Forename,Surname,DOB,Gender,Risk Level\n"


async def pupils(world: World) -> None:
    """Testchild0 and Testchild1 Example (schools A and B) get birth dates."""
    await Pupil.update({Pupil.date_of_birth: date(2014, 5, 6)}).where(Pupil.id == world.pupil_a)
    await Pupil.update({Pupil.date_of_birth: date(2013, 1, 9), Pupil.gender: "M"}).where(
        Pupil.id == world.pupil_b
    )


async def police(world: World, *rows: str) -> None:
    content = (HEADER + "\n".join(rows) + "\n").encode()
    await import_file(None, world.la_id, content, "police.csv", 10**7)


EXACT = "Demo Police,M/1,01/11/2026 20:00,Home,Testchild0,Example,06/05/2014,F,Medium"
SWAPPED = "Demo Police,M/2,02/11/2026 20:00,Home,Testchild1,Example,01/09/2013,M,Low"


async def test_proposals_with_reasons_and_decisions_that_stand(world: World) -> None:
    await pupils(world)
    await police(world, EXACT, SWAPPED)
    run = await rematch(world.la_id)
    assert (run.episodes, run.pupils) == (2, 2)  # LA 370's pupils only
    rows = {r["pupil"]: dict(r) for r in await EpisodeMatch.select()}
    assert rows[world.pupil_a]["band"] == "auto"
    reasons = json.loads(rows[world.pupil_a]["reasons"])
    assert {r["field"] for r in reasons} >= {"forename", "surname", "date_of_birth"}
    officer = await viewer("cme@test.example")
    swapped = rows.get(world.pupil_b)
    assert swapped is not None, "day and month swapped is still proposed"
    await decide(officer, swapped["id"], confirm=False)
    with pytest.raises(Conflict):
        await decide(officer, swapped["id"], confirm=True)
    await decide(officer, rows[world.pupil_a]["id"], confirm=True)
    # A re-import and another run: the rejected pair is not proposed again, the confirmed one
    # stays.
    await police(world, EXACT, SWAPPED)
    again = await rematch(world.la_id)
    assert again.proposed == 0
    decided = {r["pupil"]: r["decision"] for r in await EpisodeMatch.select()}
    assert decided == {world.pupil_a: CONFIRMED, world.pupil_b: REJECTED}


async def test_nobody_outside_the_las_cme_officers_decides(world: World) -> None:
    await pupils(world)
    await police(world, EXACT)
    await rematch(world.la_id)
    [row] = await EpisodeMatch.select()
    for email in ("cme.other@test.example", "admin@test.example", "dsl.a@test.example"):
        with pytest.raises(NotFound):
            await decide(await viewer(email), row["id"], confirm=True)
    assert (await EpisodeMatch.select(EpisodeMatch.decision))[0]["decision"] == ""
