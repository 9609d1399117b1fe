"""A pupil's linked police episodes on the pupil page and the case timeline, on both engines:
shown to the LA's CME officers and the DSL of the pupil's school only; only linked pairs (the
matcher's auto band not undone, or confirmed by a person); in time order among the case's
events; and the look recorded in the access log."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest

from cme.episodes.episode import Child, Episode, MissingFrom
from cme.events import Action
from cme.storage import accounts
from cme.storage.clock import utcnow
from cme.storage.episode_actions import add_episode
from cme.storage.episode_import import import_file
from cme.storage.match_decisions import decide
from cme.storage.matching import rematch
from cme.storage.pupil_episodes import linked_episodes
from cme.storage.tables import Account, AuditEvent, CaseEvent, EpisodeMatch, Pupil
from cme.timeline import LONDON
from tests.integration.helpers import PASSWORD, World, sign_in
from tests.integration.test_case_actions import DAY_ONE, open_case, viewer

CME = "cme@test.example"
DSL_A = "dsl.a@test.example"
AO_A = "ao.a@test.example"
DSL_B = "dsl.b@test.example"
ADMIN = "admin@test.example"
OTHER_CME = "cme.other@test.example"
BORN = date(2014, 5, 6)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def listed(page: str) -> list[int]:
    """The episodes the pupil page's section lists, in order."""
    return [int(i) for i in re.findall(r'<tr data-episode="(\d+)"', page)]


def timeline(page: str) -> list[str]:
    """The case timeline's entries in order, as their element ids."""
    part = page.split('id="timeline"')[1].split("</section>")[0]
    return re.findall(r'<li data-kind="[^"]+" id="event-([^"]+)"', part)


async def episode(reference: str, reported: datetime, **more: Any) -> int:
    officer = await viewer(CME)
    return await add_episode(
        officer,
        Episode(
            force="Testshire Police",
            reference=reference,
            reported_at=reported,
            child=Child("Testchild0", "Example", date_of_birth=BORN, gender="F"),
            **more,
        ),
    )


async def pair(world: World, episode_id: int, pupil: int, band: str, decision: str = "") -> None:
    """A proposed pair as matching stores it, and what a person decided on it."""
    decided = decision and decision != "undone"
    officer = await Account.select(Account.id).where(Account.email == CME).first()
    assert officer is not None
    await EpisodeMatch.insert(
        EpisodeMatch(
            la=world.la_id,
            episode=episode_id,
            pupil=pupil,
            score=0.99 if band == "auto" else 0.6,
            weight=10.0,
            band=band,
            reasons="[]",
            decision=decision,
            decided_by=officer["id"] if decision else None,
            decided_at=utcnow() if decided else None,
            proposed_at=utcnow(),
        )
    )


@dataclass
class Linked:
    world: World
    ids: dict[str, int]
    case_id: int

    def of(self, *keys: str) -> list[int]:
        return [self.ids[k] for k in keys]


@pytest.fixture
async def linked(world: World) -> Linked:
    """Pupil A (school A) with episodes in every state of linking, and an open case (day one
    DAY_ONE) with two events of its own; one episode of pupil B."""
    await accounts.add_account(
        email=DSL_B, password=PASSWORD, role="dsl", school_urn="100002", la_code=None
    )
    ids = {
        # Long before the case: on the pupil page, not on the case's timeline.
        "old": await episode(
            "OLD/1",
            london(DAY_ONE - timedelta(days=90), 19),
            returned_at=london(DAY_ONE - timedelta(days=89), 8),
        ),
        "auto": await episode(
            "AUTO/1",
            london(DAY_ONE - timedelta(days=3), 20),
            returned_at=london(DAY_ONE - timedelta(days=2), 9),
            risk_raw="High",
            where_found="At a friend's flat in Northtown",
        ),
        "confirmed": await episode(
            "CONF/1",
            london(DAY_ONE + timedelta(days=10), 22),
            missing_from=MissingFrom.CARE,
            looked_after=True,
        ),
        "review": await episode("REV/1", london(DAY_ONE + timedelta(days=1), 21)),
        "rejected": await episode("REJ/1", london(DAY_ONE + timedelta(days=2), 21)),
        "undone": await episode("UNDO/1", london(DAY_ONE + timedelta(days=4), 21)),
        "pupil_b": await episode("B/1", london(DAY_ONE + timedelta(days=6), 21)),
    }
    a = world.pupil_a
    await pair(world, ids["old"], a, "auto")
    await pair(world, ids["auto"], a, "auto")
    await pair(world, ids["confirmed"], a, "review", "confirmed")
    await pair(world, ids["review"], a, "review")
    await pair(world, ids["rejected"], a, "review", "rejected")
    await pair(world, ids["undone"], a, "auto", "undone")
    await pair(world, ids["pupil_b"], world.pupil_b, "auto")
    case_id = await open_case(a, world.school_a, world.la_id)
    for kind, at, detail in (
        ("opened", london(DAY_ONE, 18), {"reason": "unexplained", "day_one": str(DAY_ONE)}),
        ("note", london(DAY_ONE + timedelta(days=5), 11), {"text": "Spoke to the family."}),
    ):
        await CaseEvent.insert(
            CaseEvent(case=case_id, at=at.astimezone(UTC), kind=kind, detail=json.dumps(detail))
        )
    return Linked(world, ids, case_id)


async def audit_rows(action: Action) -> list[dict[str, Any]]:
    rows = await AuditEvent.select(AuditEvent.detail, AuditEvent.school).where(
        AuditEvent.action == action.value
    )
    return [{**json.loads(r["detail"]), "school": r["school"]} for r in rows]


async def test_a_cme_officer_sees_the_linked_episodes_with_links(
    client: httpx.AsyncClient, linked: Linked
) -> None:
    world = linked.world
    await sign_in(client, CME)
    page = await client.get(f"/la/pupils/{world.pupil_a}")
    assert page.status_code == 200, page.text
    assert "Missing from home or care" in page.text
    # Newest first; the review pair, the rejected and undone ones and pupil B's are not here.
    assert listed(page.text) == linked.of("confirmed", "auto", "old")
    for key in ("confirmed", "auto", "old"):
        assert f'href="/la/episodes/{linked.ids[key]}"' in page.text
    words = text_of(page.text)
    me = await Account.select(Account.display_name).where(Account.email == CME).first()
    assert me is not None
    assert f"Confirmed as this pupil by {me['display_name']}" in words
    assert "Matched to this pupil by the LA's cross-match" in words
    assert "Still missing" in words and "Care placement" in words and "High" in words
    reported = london(DAY_ONE - timedelta(days=3), 20)
    assert f"{reported:%a} {reported.day} {reported:%b %Y}, 20:00" in words  # London time
    # Details are the LA's episode page's business, not repeated here.
    assert "At a friend's flat" not in words

    [logged] = await audit_rows(Action.MISSING_CHILD_VIEWED)
    assert logged["pupil_id"] == world.pupil_a and logged["school"] == world.school_a
    assert sorted(logged["episode_ids"]) == sorted(linked.of("old", "auto", "confirmed"))


async def test_the_schools_dsl_sees_them_with_their_details_inline(
    client: httpx.AsyncClient, linked: Linked
) -> None:
    world = linked.world
    await sign_in(client, DSL_A)
    page = await client.get(f"/school/pupils/{world.pupil_a}")
    assert page.status_code == 200, page.text
    assert listed(page.text) == linked.of("confirmed", "auto", "old")
    assert "/la/episodes/" not in page.text
    words = text_of(page.text)
    assert "Where found At a friend's flat in Northtown" in words
    assert "Police reference AUTO/1" in words
    assert "Looked after Yes" in words
    assert len(await audit_rows(Action.MISSING_CHILD_VIEWED)) == 1
    # The LA's audit trail names the child whose episodes were shown.
    client.cookies.clear()
    await sign_in(client, ADMIN)
    trail = text_of((await client.get("/la/admin/audit")).text)
    assert "Example, Testchild0 (UPN A370200124000): 3 episodes" in trail


@pytest.mark.parametrize("email", [AO_A, DSL_B, ADMIN, OTHER_CME])
async def test_nobody_else_sees_them_or_learns_they_exist(
    client: httpx.AsyncClient, linked: Linked, email: str
) -> None:
    world = linked.world
    await sign_in(client, email)
    portal = "/school" if email in (AO_A, DSL_B) else "/la"
    page = await client.get(f"{portal}/pupils/{world.pupil_a}")
    if email == AO_A:
        assert page.status_code == 200
        assert "Missing from home or care" not in page.text
        assert listed(page.text) == []
        case = await client.get(f"/school/cases/{linked.case_id}")
        assert case.status_code == 200
        assert timeline(case.text) == [e for e in timeline(case.text) if "episode" not in e]
        assert len(timeline(case.text)) == 2
    else:
        assert page.status_code in (403, 404)
    found = await linked_episodes(await viewer(email), world.pupil_a)
    assert found.episodes == []
    # A DSL and a CME officer may see episodes, but not of this school's or LA's children.
    assert found.allowed == (email in (DSL_B, OTHER_CME))
    assert await audit_rows(Action.MISSING_CHILD_VIEWED) == []


async def test_no_linked_episodes_says_so_to_those_who_may_see_them(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, DSL_A)
    page = await client.get(f"/school/pupils/{world.pupil_a}")
    assert "Missing from home or care" in page.text
    assert "No police episodes of going missing" in html.unescape(page.text)
    assert await audit_rows(Action.MISSING_CHILD_VIEWED) == []


@pytest.mark.parametrize(("email", "portal"), [(CME, "/la"), (DSL_A, "/school")])
async def test_the_case_timeline_puts_the_episodes_in_time_order(
    client: httpx.AsyncClient, linked: Linked, email: str, portal: str
) -> None:
    await sign_in(client, email)
    page = await client.get(f"{portal}/cases/{linked.case_id}")
    assert page.status_code == 200, page.text
    events = [
        int(r["id"])
        for r in await CaseEvent.select(CaseEvent.id)
        .where(CaseEvent.case == linked.case_id)
        .order_by(CaseEvent.id)
    ]
    auto, confirmed = linked.ids["auto"], linked.ids["confirmed"]
    # The old episode ended long before the case; the unlinked ones are not the child's.
    assert timeline(page.text) == [
        f"episode-{auto}-missing",
        f"episode-{auto}-returned",
        str(events[0]),
        str(events[1]),
        f"episode-{confirmed}-missing",
    ]
    words = text_of(page.text.split('id="timeline"')[1])
    assert "Went missing from a care placement (reported to the police)" in words
    assert "Returned after going missing" in words
    assert "shown from 28 days before day one" in words
    if email == CME:
        assert f'href="/la/episodes/{auto}"' in page.text
    else:
        assert "/la/episodes/" not in page.text
    [logged] = [r for r in await audit_rows(Action.CASE_VIEWED) if r["case_id"] == linked.case_id]
    assert logged["episode_ids"] == [auto, confirmed]


async def test_the_matchers_auto_link_shows_until_a_person_undoes_it(world: World) -> None:
    """Through the real import and matching: an exact match is linked without a person;
    rejecting it takes it off the pupil's record; a confirmed review pair comes on."""
    await Pupil.update({Pupil.date_of_birth: BORN}).where(Pupil.id == world.pupil_a)
    header = "Force,Reference,Reported At,Missing From,Forename,Surname,DOB,Gender,Risk Level\n"
    row = "Demo Police,M/1,01/11/2025 20:00,Home,Testchild0,Example,06/05/2014,F,Medium\n"
    await import_file(None, world.la_id, (header + row).encode(), "police.csv", 10**7)
    await rematch(world.la_id)
    officer, dsl = await viewer(CME), await viewer(DSL_A)
    [match] = await EpisodeMatch.select().where(EpisodeMatch.pupil == world.pupil_a)
    assert match["band"] == "auto"
    for who in (officer, dsl):
        found = await linked_episodes(who, world.pupil_a)
        assert [e.id for e in found.episodes] == [match["episode"]]
        assert not found.episodes[0].link.confirmed
    assert (await linked_episodes(officer, world.pupil_a)).episodes[0].page == (
        f"/la/episodes/{match['episode']}"
    )
    assert (await linked_episodes(dsl, world.pupil_a)).episodes[0].page is None
    await decide(officer, match["id"], confirm=False)
    assert (await linked_episodes(officer, world.pupil_a)).episodes == []

    # A review pair waits for a person, then counts once confirmed.
    other = await episode("REV/2", london(date(2025, 11, 3), 21))
    await pair(world, other, world.pupil_a, "review")
    assert (await linked_episodes(officer, world.pupil_a)).episodes == []
    [waiting] = await EpisodeMatch.select(EpisodeMatch.id).where(EpisodeMatch.episode == other)
    await decide(officer, waiting["id"], confirm=True)
    [shown] = (await linked_episodes(dsl, world.pupil_a)).episodes
    assert shown.id == other and shown.link.confirmed and shown.link.by
