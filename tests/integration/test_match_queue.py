"""Cross-matching in the LA portal (issue 11), on both engines: matching runs by itself after
an import (as a job, and still when the job queue was down), the review queue most likely
first, one proposal side by side with its reasons, confirming or rejecting with the next
proposal opening, undoing a link the matcher made, the download, the access log and scope."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date

import httpx
import pytest
from openpyxl import load_workbook

from cme.events import Action
from cme.jobs.arq_queue import ArqQueue
from cme.jobs.inprocess import InProcessQueue
from cme.jobs.tasks import JOBS, queue_owed_matching
from cme.storage import match_decisions, matching
from cme.storage.episode_import import import_file
from cme.storage.episode_tasks import REVIEW_MATCHES, episode_tasks
from cme.storage.pupil_details import import_file as import_details
from cme.storage.tables import AuditEvent, EpisodeMatch, LocalAuthority, Pupil
from tests.integration.helpers import World, csrf_token, sign_in
from tests.integration.test_case_actions import viewer
from tests.integration.test_episode_pages import text_of
from tests.integration.test_jobs import arq_queue, run_burst_worker  # noqa: F401  (fixture)

CME = "cme@test.example"
HEADER = "Force,Reference,Reported At,Missing From,Forename,Surname,DOB,Gender,Risk Level\n"
# Jamie Example is two pupils (schools A and B) with one birthday: an episode about "Jamie
# Example" can only be decided by a person. Marnie Quillfeather is one of a kind.
JAMIE = "Demo Police,M/1,01/11/2026 20:00,Home,Jamie,Example,06/05/2014,F,Medium"
MARNIE = "Demo Police,M/2,02/11/2026 20:00,Home,Marnie,Quillfeather,17/03/2012,F,Low"


async def pupils(world: World) -> int:
    """The two Jamies, and Marnie in school A; returns Marnie's id."""
    for pupil in (world.pupil_a, world.pupil_b):
        await Pupil.update(
            {Pupil.legal_forename: "Jamie", Pupil.date_of_birth: date(2014, 5, 6)}
        ).where(Pupil.id == pupil)
    rows = await Pupil.insert(
        Pupil(
            school=world.school_a,
            upn="A370200124099",
            legal_forename="Marnie",
            legal_surname="Quillfeather",
            date_of_birth=date(2012, 3, 17),
            gender="F",
            year_group="7",
            reg_group="7Q",
        )
    ).returning(Pupil.id)
    return int(rows[0]["id"])


def police_file(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


async def owed_for(la_id: int) -> bool:
    return la_id in await matching.owed()


async def until_matched(la_id: int) -> None:
    """Wait for the background job to finish the run an import made owed."""
    for _ in range(400):
        if not await owed_for(la_id):
            return
        await asyncio.sleep(0.025)
    raise AssertionError("matching was still owed after 10 s")


async def test_importing_through_the_page_queues_matching(
    client: httpx.AsyncClient, world: World
) -> None:
    marnie = await pupils(world)
    await sign_in(client, CME)
    page = await client.get("/la/episodes/import")
    done = await client.post(
        "/la/episodes/import",
        files={"episodes": ("police.csv", police_file(JAMIE, MARNIE), "text/csv")},
        data={"_csrf_token": csrf_token(page.text)},
    )
    assert done.status_code == 200
    await until_matched(world.la_id)
    rows = await EpisodeMatch.select().where(EpisodeMatch.la == world.la_id)
    bands = {int(r["pupil"]): r["band"] for r in rows}
    assert bands[marnie] == "auto"
    assert bands[world.pupil_a] == bands[world.pupil_b] == "review"
    assert world.pupil_other_la not in bands
    la = await LocalAuthority.select().where(LocalAuthority.id == world.la_id).first()
    assert la["matches_done"] == la["matches_wanted"] >= 1
    assert la["matches_run_at"] is not None


async def test_matching_owed_while_the_queue_was_down_is_run_by_the_sweep(
    db: object, world: World
) -> None:
    marnie = await pupils(world)
    # An import with no job queue at all (the command line's storage call, Redis down).
    await import_file(None, world.la_id, police_file(MARNIE), "police.csv", 10**7)
    assert await owed_for(world.la_id)
    assert not await EpisodeMatch.exists()
    queue = InProcessQueue(JOBS)
    await queue.start()
    try:
        result = await queue_owed_matching({"queue": queue})
        assert result["queued"] >= 1
        await until_matched(world.la_id)
    finally:
        await queue.close()
    [row] = await EpisodeMatch.select().where(EpisodeMatch.la == world.la_id)
    assert int(row["pupil"]) == marnie
    # Nothing changed since: a second sweep finds nothing owed and queues nothing.
    assert await matching.rematch_if_owed(world.la_id) is None


async def test_a_pupil_details_import_that_changes_details_makes_matching_owed(
    db: object, world: World
) -> None:
    await pupils(world)
    await import_file(None, world.la_id, police_file(MARNIE), "police.csv", 10**7)
    await matching.rematch(world.la_id)
    assert not await owed_for(world.la_id)
    upn = (await Pupil.select(Pupil.upn).where(Pupil.id == world.pupil_a).first())["upn"]
    details = (
        "UPN,Legal Forename,Legal Surname,DOB,Gender,Address Line 1,Post code\n"
        f"{upn},Jamie,Example,06/05/2014,F,1 Mill Lane,DM1 1AA\n"
    ).encode()
    await import_details(None, world.school_a, details, "details.csv", 10**7)
    assert await owed_for(world.la_id)
    run = await matching.rematch_if_owed(world.la_id)
    assert run is not None and run.pupils == 3
    assert not await owed_for(world.la_id)


async def with_matches(client: httpx.AsyncClient, world: World) -> int:
    marnie = await pupils(world)
    await import_file(None, world.la_id, police_file(JAMIE, MARNIE), "police.csv", 10**7)
    await matching.rematch(world.la_id)
    await sign_in(client, CME)
    return marnie


def match_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-match="(\d+)"', page)]


async def match_of(pupil: int) -> int:
    row = await EpisodeMatch.select(EpisodeMatch.id).where(EpisodeMatch.pupil == pupil).first()
    return int(row["id"])


async def test_the_queue_most_likely_first_and_each_tab_counted(
    client: httpx.AsyncClient, world: World
) -> None:
    marnie = await with_matches(client, world)
    page = await client.get("/la/matches")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Waiting for review (2)" in words and "Linked by the matcher (1)" in words
    assert "Decided (0)" in words
    waiting = match_ids(page.text)
    scores = {
        int(r["id"]): r["score"]
        for r in await EpisodeMatch.select().where(EpisodeMatch.band == "review")
    }
    assert sorted(waiting) == sorted(scores)
    assert [scores[i] for i in waiting] == sorted(scores.values(), reverse=True)
    linked = await client.get("/la/matches", params={"kind": "linked"})
    assert match_ids(linked.text) == [await match_of(marnie)]
    assert "Marnie Quillfeather" in linked.text


async def test_a_proposal_side_by_side_confirmed_and_the_next_one_opens(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    first, second = match_ids((await client.get("/la/matches")).text)
    page = await client.get(f"/la/matches/{first}")
    assert page.status_code == 200
    words = text_of(page.text)
    # Both records' values and how they agreed, field by field.
    assert "Date of birth 6 May 2014 6 May 2014 Exact" in words
    assert "Other pupils proposed for this episode" in words
    assert "Why a person must decide: Another pupil also fits" in words
    assert 'data-key="c"' in page.text and 'data-key="r"' in page.text
    viewed = await AuditEvent.select().where(AuditEvent.action == Action.MATCH_VIEWED.value)
    assert len(viewed) == 1
    sent = await client.post(
        f"/la/matches/{first}",
        data={"decision": "confirm", "_csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    # Confirming one Jamie withdraws the other for this episode: nothing else waits.
    assert sent.headers["location"] == "/la/matches"
    decided = {int(r["id"]): r["decision"] for r in await EpisodeMatch.select()}
    assert decided[first] == "confirmed" and second not in decided
    audit = await AuditEvent.select().where(AuditEvent.action == Action.MATCH_CONFIRMED.value)
    assert len(audit) == 1
    done = await client.get("/la/matches", params={"kind": "decided"})
    assert match_ids(done.text) == [first]
    assert "Confirmed by" in text_of(done.text)


async def test_rejecting_goes_on_to_the_next_and_is_never_proposed_again(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    first, second = match_ids((await client.get("/la/matches")).text)
    page = await client.get(f"/la/matches/{first}")
    sent = await client.post(
        f"/la/matches/{first}",
        data={"decision": "reject", "_csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert sent.headers["location"] == f"/la/matches/{second}"
    shown = await client.get(sent.headers["location"])
    assert "this pupil will not be proposed for this episode again" in shown.text
    await import_file(None, world.la_id, police_file(JAMIE), "police.csv", 10**7)
    await matching.rematch(world.la_id)
    rows = {int(r["id"]): r["decision"] for r in await EpisodeMatch.select()}
    assert rows[first] == "rejected" and rows[second] == ""


async def test_a_link_the_matcher_made_can_be_undone(
    client: httpx.AsyncClient, world: World
) -> None:
    marnie = await with_matches(client, world)
    linked = await match_of(marnie)
    page = await client.get(f"/la/matches/{linked}")
    assert "Undo the link" in page.text and 'data-key="u"' in page.text
    assert "Why it was linked: The child's own details agree" in text_of(page.text)
    sent = await client.post(
        f"/la/matches/{linked}",
        data={"decision": "reject", "_csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    words = text_of(sent.text)
    assert "Link undone: this pupil will not be proposed" in words
    assert "Link undone by" in words
    assert "Undo the link" not in sent.text  # decided: no buttons any more
    await matching.rematch(world.la_id)
    row = await EpisodeMatch.select().where(EpisodeMatch.id == linked).first()
    assert row["decision"] == "rejected" and row["band"] == "auto"


async def test_a_decision_with_no_answer_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    first = match_ids((await client.get("/la/matches")).text)[0]
    page = await client.get(f"/la/matches/{first}")
    sent = await client.post(
        f"/la/matches/{first}", data={"decision": "", "_csrf_token": csrf_token(page.text)}
    )
    assert sent.status_code == 400
    assert "Choose whether this is the same child" in sent.text
    assert not await EpisodeMatch.exists().where(EpisodeMatch.decision != "")


async def test_the_download_holds_what_the_tab_shows(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    for kind in ("waiting", "linked"):
        page = await client.get("/la/matches", params={"kind": kind})
        got = await client.get("/la/matches.xlsx", params={"kind": kind})
        assert got.status_code == 200
        sheet = load_workbook(io.BytesIO(got.content)).active
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        assert len(rows) == len(match_ids(page.text))
        pupils_shown = re.findall(r'class="child" data-label="Pupil"><strong>([^<]+)<', page.text)
        assert [r[7] for r in rows] == pupils_shown
    downloads = await AuditEvent.select().where(AuditEvent.action == Action.LIST_DOWNLOADED.value)
    assert len(downloads) == 2


async def test_only_the_las_cme_officers_see_or_decide_matches(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    first = match_ids((await client.get("/la/matches")).text)[0]
    token = csrf_token((await client.get(f"/la/matches/{first}")).text)
    await client.post("/signout", data={"_csrf_token": token})
    await sign_in(client, "cme.other@test.example")
    assert match_ids((await client.get("/la/matches")).text) == []
    assert (await client.get(f"/la/matches/{first}")).status_code == 404
    other = await client.get("/la/matches")
    sent = await client.post(
        f"/la/matches/{first}",
        data={"decision": "confirm", "_csrf_token": csrf_token(other.text)},
        follow_redirects=False,
    )
    # Answered as for a match withdrawn since the page opened: back to their own queue.
    assert (sent.status_code, sent.headers["location"]) == (303, "/la/matches")
    assert not await EpisodeMatch.exists().where(EpisodeMatch.decision != "")
    for email in ("admin@test.example", "dsl.a@test.example"):
        async with httpx.AsyncClient(
            transport=client._transport, base_url="http://testserver"
        ) as fresh:
            await sign_in(fresh, email)
            assert (await fresh.get("/la/matches")).status_code == 403
            assert (await fresh.get(f"/la/matches/{first}")).status_code == 403
            assert (await fresh.get("/la/matches.xlsx")).status_code == 403


async def test_the_officers_tasks_point_to_the_matches_waiting(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    tasks = await episode_tasks(await viewer(CME))
    [task] = [t for t in tasks if t.what == REVIEW_MATCHES]
    assert (task.child, task.href) == ("2 possible matches waiting for review", "/la/matches")
    other = await episode_tasks(await viewer("cme.other@test.example"))
    assert not any(t.what == REVIEW_MATCHES for t in other)
    first = match_ids((await client.get("/la/matches")).text)[0]
    await match_decisions.decide(await viewer(CME), first, confirm=True)
    assert not any(t.what == REVIEW_MATCHES for t in await episode_tasks(await viewer(CME)))


@pytest.mark.redis
async def test_matching_runs_as_a_job_on_redis(arq_queue: ArqQueue, world: World) -> None:  # noqa: F811
    marnie = await pupils(world)
    await import_file(None, world.la_id, police_file(MARNIE, JAMIE), "police.csv", 10**7)
    # Two requests after the same change queue one job.
    assert (await queue_owed_matching({"queue": arq_queue}))["queued"] == 1
    assert (await queue_owed_matching({"queue": arq_queue}))["queued"] == 0
    await run_burst_worker(arq_queue, JOBS, {"queue": arq_queue})
    assert not await owed_for(world.la_id)
    results = [j.result for j in await arq_queue.pool.all_job_results()]
    assert [r["status"] for r in results] == ["done"]
    assert results[0]["linked"] == 1 and results[0]["waiting"] == 2
    linked = await EpisodeMatch.select().where(EpisodeMatch.band == "auto")
    assert [int(r["pupil"]) for r in linked] == [marnie]


async def test_a_decision_taken_back_waits_again_and_the_withdrawn_come_back(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    first, second = match_ids((await client.get("/la/matches")).text)
    officer = await viewer(CME)
    await match_decisions.decide(officer, first, confirm=True)
    assert not await EpisodeMatch.exists().where(EpisodeMatch.id == second)
    page = await client.get(f"/la/matches/{first}")
    assert "Take this decision back" in page.text
    sent = await client.post(
        f"/la/matches/{first}/reopen",
        data={"_csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert "Decision taken back" in text_of(sent.text)
    assert "Confirm: same child" in sent.text
    row = await EpisodeMatch.select().where(EpisodeMatch.id == first).first()
    assert (row["decision"], row["decided_by"], row["decided_at"]) == ("", None, None)
    audit = await AuditEvent.select().where(AuditEvent.action == Action.MATCH_REOPENED.value)
    assert len(audit) == 1
    # Matching runs again: the other Jamie is proposed again beside her.
    await until_matched(world.la_id)
    waiting = await EpisodeMatch.select().where(EpisodeMatch.band == "review")
    assert {int(r["pupil"]) for r in waiting} == {world.pupil_a, world.pupil_b}
    again = await client.post(
        f"/la/matches/{first}/reopen", data={"_csrf_token": csrf_token(sent.text)}
    )
    assert again.status_code == 409
    assert "there is nothing to take back" in again.text


async def test_a_match_that_changed_or_went_since_the_page_opened_is_not_decided(
    client: httpx.AsyncClient, world: World
) -> None:
    await with_matches(client, world)
    first, second = match_ids((await client.get("/la/matches")).text)
    page = await client.get(f"/la/matches/{first}")
    token = csrf_token(page.text)
    # Matching ran again meanwhile and gave the pair another likelihood.
    await EpisodeMatch.update({EpisodeMatch.score: 0.123}).where(EpisodeMatch.id == first)
    seen = re.search(r'name="score" value="([^"]+)"', page.text)
    assert seen is not None
    changed = await client.post(
        f"/la/matches/{first}",
        data={"decision": "confirm", "score": seen.group(1), "_csrf_token": token},
    )
    assert changed.status_code == 409
    assert "This match changed while you were looking at it" in changed.text
    assert "12% likely" in text_of(changed.text)
    # And a pair withdrawn by a run: back to the queue, saying why.
    await EpisodeMatch.delete().where(EpisodeMatch.id == second)
    gone = await client.post(
        f"/la/matches/{second}",
        data={"decision": "reject", "_csrf_token": token},
        follow_redirects=True,
    )
    assert "This possible match is no longer proposed" in text_of(gone.text)
    assert not await EpisodeMatch.exists().where(EpisodeMatch.decision != "")


async def test_skipping_goes_down_the_queue_and_round_again(
    client: httpx.AsyncClient, world: World
) -> None:
    await pupils(world)
    await Pupil.insert(
        Pupil(
            school=world.school_b,
            upn="B370200124098",
            legal_forename="Jamie",
            legal_surname="Example",
            date_of_birth=date(2014, 5, 6),
            gender="F",
            year_group="5",
            reg_group="5B",
        )
    )
    await import_file(None, world.la_id, police_file(JAMIE), "police.csv", 10**7)
    await matching.rematch(world.la_id)
    await sign_in(client, CME)
    order = match_ids((await client.get("/la/matches")).text)
    assert len(order) == 3
    visited, at = [], order[0]
    for _ in range(4):
        visited.append(at)
        page = await client.get(f"/la/matches/{at}")
        skip = re.search(r'href="/la/matches/(\d+)" id="skip"', page.text)
        assert skip is not None
        at = int(skip.group(1))
    assert visited == [*order, order[0]]


async def test_an_id_too_large_for_the_database_is_simply_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    for path in ("/la/matches/99999999999999999999", "/la/episodes/99999999999999999999"):
        got = await client.get(path)
        assert got.status_code == 404, path
        assert "There is no such record" in got.text
