"""The LA's missing-episode pages (issue 10), on both engines: the list's filters and counts,
its Excel download, importing a police file through the page, a re-import's change to a
child's identity accepted or turned down, the return interview, calling and recording
intervention meetings, entering and correcting an episode by hand, and scope from outside.

Episodes are dated back from the real clock by days or hours, so that what is open, due,
overdue or escalated is so by a wide margin whenever the tests run."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from cme.access import Viewer
from cme.episodes.episode import Child, Episode, MissingFrom
from cme.episodes.interview import Interview
from cme.events import Action
from cme.storage.clock import utcnow
from cme.storage.episode_actions import add_episode, record_interview
from cme.storage.tables import AuditEvent, InterventionMeeting, MissingEpisode, ReturnInterview
from cme.timeline import LONDON
from la_portal.episode_export import HEADERS
from tests.integration.helpers import World, csrf_token, post_form, sign_in
from tests.integration.test_case_actions import viewer

CME = "cme@test.example"
OTHER_CME = "cme.other@test.example"
FORCE = "Testshire Police"


def ago(**delta: float) -> datetime:
    return utcnow() - timedelta(**delta)


def parts(at: datetime) -> tuple[str, str]:
    """A moment as the page's date and time boxes send it (London)."""
    local = at.astimezone(LONDON)
    return local.date().isoformat(), f"{local:%H:%M}"


def uk(at: datetime) -> str:
    """A moment as a police file writes it: dd/mm/yyyy hh:mm, London."""
    return f"{at.astimezone(LONDON):%d/%m/%Y %H:%M}"


def rows_of(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-episode="(\d+)"', page)]


def text_of(page: str) -> str:
    """The page's words, tags and spacing left out, for phrases that cross tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def add(
    who: Viewer,
    reference: str,
    surname: str,
    forename: str,
    reported: datetime,
    returned: datetime | None = None,
    **more: Any,
) -> int:
    return await add_episode(
        who,
        Episode(
            force=FORCE,
            reference=reference,
            reported_at=reported,
            child=Child(forename, surname, date_of_birth=date(2012, 5, 4)),
            returned_at=returned,
            **more,
        ),
    )


@dataclass
class Load:
    world: World
    me: Viewer
    ids: dict[str, int]

    def of(self, *keys: str) -> set[int]:
        return {self.ids[k] for k in keys}

    async def child(self, key: str) -> int:
        row = await MissingEpisode.select(MissingEpisode.child).where(
            MissingEpisode.id == self.ids[key]
        )
        return int(row[0]["child"])


@pytest.fixture
async def load(world: World) -> Load:
    """In LA 370: a child still missing (escalated, high risk), a looked-after child back
    four days without an interview (overdue), a child back two hours ago (due), a child
    missing from school whose interview was held in time, and a child missing three times in
    two months (the repeat trigger fires); in LA 380 one child."""
    me = await viewer(CME)
    ids = {
        "open": await add(me, "OPEN/1", "Adams", "Amy", ago(days=3), risk_raw="High"),
        "overdue": await add(
            me,
            "LAC/1",
            "Baker",
            "Ben",
            ago(days=5),
            ago(days=4),
            missing_from=MissingFrom.CARE,
            looked_after=True,
            risk_raw="Medium",
        ),
        "due": await add(me, "DUE/1", "Clark", "Cai", ago(hours=10), ago(hours=2), risk_raw="low"),
        "school": await add(
            me,
            "SCH/1",
            "Davies",
            "Dee",
            ago(days=21),
            ago(days=20, hours=20),
            missing_from=MissingFrom.SCHOOL,
        ),
    }
    await record_interview(
        me, ids["school"], Interview(done_at=ago(days=20), done_by="Jo Worker", done_where="Home")
    )
    for n, days in enumerate((60, 40, 30), start=1):
        ids[f"repeat{n}"] = await add(
            me, f"REP/{n}", "Evans", "Eve", ago(days=days), ago(days=days - 1), risk_raw="Low"
        )
        await record_interview(me, ids[f"repeat{n}"], Interview(declined_at=ago(days=days - 2)))
    other = await viewer(OTHER_CME)
    ids["other_la"] = await add(other, "OTH/1", "Fox", "Fin", ago(days=2))
    return Load(world, me, ids)


async def listed(client: httpx.AsyncClient, **query: str) -> tuple[list[int], str]:
    page = await client.get("/la/episodes", params=query)
    assert page.status_code == 200
    return rows_of(page.text), page.text


# --- The list ----------------------------------------------------------------------------------


async def test_the_list_puts_open_first_and_each_filter_narrows_it(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, CME)
    rows, page = await listed(client)
    assert rows == [
        load.ids[k] for k in ("open", "due", "overdue", "school", "repeat3", "repeat2", "repeat1")
    ]
    words = text_of(page)
    assert "7 episodes, 1 still missing" in words
    assert "Missing over 24 hours" in words and "Still missing" in words
    assert "Especially needed: Looked after: always offered" in words
    assert "Police: “High”" in words
    first = page.split(f'data-episode="{load.ids["repeat1"]}"')[1].split("</tr>")[0]
    assert "badge-repeat" in first and "badge-looked-after" not in first
    lac = page.split(f'data-episode="{load.ids["overdue"]}"')[1].split("</tr>")[0]
    assert "badge-looked-after" in lac and 'data-state="overdue"' in lac

    async def only(**query: str) -> set[int]:
        return set((await listed(client, **query))[0])

    assert await only(state="open") == load.of("open")
    assert await only(state="returned") == load.of(
        "overdue", "due", "school", "repeat1", "repeat2", "repeat3"
    )
    assert await only(risk="high") == load.of("open")
    assert await only(risk="none") == load.of("school")
    assert await only(risk="medium_up") == load.of("open", "overdue")
    assert await only(looked_after="yes") == load.of("overdue")
    assert await only(missing_from="school") == load.of("school")
    assert await only(missing_from="care") == load.of("overdue")
    assert await only(attention="interview_overdue") == load.of("overdue")
    assert await only(attention="interview_waiting") == load.of("overdue", "due")
    assert await only(attention="escalated") == load.of("open")
    assert await only(attention="repeat") == load.of("repeat1", "repeat2", "repeat3")
    period = {
        "from": (ago(days=45)).astimezone(LONDON).date().isoformat(),
        "to": (ago(days=15)).astimezone(LONDON).date().isoformat(),
    }
    assert await only(**period) == load.of("school", "repeat2", "repeat3")
    rows, page = await listed(client, state="open", risk="high")
    assert "1 episode, 1 still missing" in text_of(page)
    rows, page = await listed(client, missing_from="other")
    assert rows == [] and "No episode matches these filters" in page


async def test_an_la_with_no_episodes_says_what_to_do(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    page = await client.get("/la/episodes")
    assert page.status_code == 200
    assert "No police episodes are recorded yet" in page.text
    assert 'href="/la/episodes/import"' in page.text and 'href="/la/episodes/new"' in page.text
    assert 'href="/la/episodes" aria-current="page"' in page.text  # the nav item


async def test_the_download_holds_exactly_the_filtered_rows_as_text_and_is_audited(
    client: httpx.AsyncClient, load: Load
) -> None:
    formula = '=HYPERLINK("http://evil.example/","Click")'
    await MissingEpisode.update({MissingEpisode.surname: formula}).where(
        MissingEpisode.id == load.ids["due"]
    )
    await sign_in(client, CME)
    query = {"state": "returned", "attention": "interview_waiting"}
    rows, _ = await listed(client, **query)
    got = await client.get("/la/episodes.xlsx", params=query)
    assert got.status_code == 200
    assert got.headers["content-disposition"] == 'attachment; filename="missing-episodes-370.xlsx"'
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert "2 episodes, 0 still missing" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == HEADERS
    lines = list(sheet.iter_rows(min_row=3))
    reference = HEADERS.index("Police reference")
    refs = {load.ids["due"]: "DUE/1", load.ids["overdue"]: "LAC/1"}
    assert [r[reference].value for r in lines] == [refs[i] for i in rows]
    surnames = [c for r in lines for c in r if c.value == formula]
    assert surnames and all(c.data_type == "s" for c in surnames)
    lac = next(r for r in lines if r[reference].value == "LAC/1")
    assert lac[HEADERS.index("Looked after")].value == "Yes"
    assert lac[HEADERS.index("Return interview")].value == "Overdue"
    assert lac[HEADERS.index("Missing from")].value == "Care placement"

    logged = await AuditEvent.select(AuditEvent.detail, AuditEvent.account.email).where(
        AuditEvent.action == Action.LIST_DOWNLOADED.value
    )
    assert len(logged) == 1 and logged[0]["account.email"] == CME
    detail = json.loads(logged[0]["detail"])
    assert detail["list"] == "missing_episodes"
    assert detail["filters"] == query
    assert detail["episodes"] == 2 and detail["children"] == 2


# --- Importing through the page -----------------------------------------------------------------

HEADER = [
    "Force",
    "Reference",
    "Date Reported",
    "Forename",
    "Surname",
    "DOB",
    "Gender",
    "Missing From",
    "Risk",
    "Date Found",
]


def police_file(*rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


def police_row(reference: str, surname: str, dob: str = "04/05/2012", **more: str) -> list[str]:
    values = {
        "Force": FORCE,
        "Reference": reference,
        "Date Reported": uk(ago(days=6)),
        "Forename": "Gus",
        "Surname": surname,
        "DOB": dob,
        "Gender": "M",
        "Missing From": "Home",
        "Risk": "Medium",
        "Date Found": uk(ago(days=5)),
        **more,
    }
    return [values[h] for h in HEADER]


async def upload(client: httpx.AsyncClient, content: bytes) -> httpx.Response:
    form = await client.get("/la/episodes/import")
    assert form.status_code == 200
    return await client.post(
        "/la/episodes/import",
        data={"_csrf_token": csrf_token(form.text)},
        files={"episodes": ("police.csv", content, "text/csv")},
    )


async def test_an_import_through_the_page_then_a_reimport_updates_and_never_duplicates(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    first = police_file(police_row("IMP/1", "Green"), police_row("IMP/2", "Hughes"))
    done = await upload(client, first)
    assert done.status_code == 200, done.text
    words = text_of(done.text)
    assert "Episodes imported from police.csv" in words
    assert "Episodes in the file 2 Added 2 Updated 0 Unchanged 0" in words
    assert await MissingEpisode.count() == 2

    again = await upload(
        client,
        police_file(
            police_row("IMP/1", "Green"), police_row("IMP/2", "Hughes", **{"Risk": "High"})
        ),
    )
    assert "Added 0 Updated 1 Unchanged 1" in text_of(again.text)
    assert await MissingEpisode.count() == 2
    rows = await MissingEpisode.select(MissingEpisode.risk_raw).where(
        MissingEpisode.reference == "IMP/2"
    )
    assert rows[0]["risk_raw"] == "High"
    imported = await AuditEvent.count().where(AuditEvent.action == Action.EPISODES_IMPORTED.value)
    assert imported == 2


async def test_a_refused_file_lists_every_problem_and_changes_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    bad = police_file(
        police_row("BAD/1", "Irwin", dob="not a date"),
        police_row("BAD/2", "Jones", **{"Date Reported": "yesterday-ish"}),
    )
    refused = await upload(client, bad)
    assert refused.status_code == 400
    assert "The episodes in police.csv were not imported" in refused.text
    assert "Nothing was changed" in refused.text
    problems = refused.text.split('id="import-problems"')[1].split("</table>")[0]
    assert problems.count("<tr>") == 3  # the heading and one row per problem
    assert "not a date" in problems and "yesterday-ish" in problems
    assert "Gus Irwin" in problems and "Gus Jones" in problems
    assert await MissingEpisode.count() == 0
    empty = await client.post(
        "/la/episodes/import",
        data={"_csrf_token": csrf_token(refused.text)},
        files={"episodes": ("police.csv", b"", "text/csv")},
    )
    assert empty.status_code == 400 and "police.csv is empty" in empty.text


async def identity_change(client: httpx.AsyncClient, **changed: str) -> int:
    """Import an episode, then a file that changes the child's identity; the episode's id."""
    await upload(client, police_file(police_row("ID/1", "Kemp")))
    again = await upload(client, police_file(police_row("ID/1", "Kemp", **changed)))
    assert again.status_code == 200
    row = await MissingEpisode.select(MissingEpisode.id).where(MissingEpisode.reference == "ID/1")
    episode_id = int(row[0]["id"])
    section = again.text.split('id="identity-changes"')[1]
    assert f'href="/la/episodes/{episode_id}#identity"' in section
    return episode_id


async def test_accepting_an_identity_change_applies_it(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    episode_id = await identity_change(client, Surname="Kempe")
    page = await client.get(f"/la/episodes/{episode_id}")
    changes = text_of(page.text.split('id="identity-changes"')[1].split("</table>")[0])
    assert "Surname Kemp Kempe (changed)" in changes and "Forename Gus Gus" in changes
    stored = await MissingEpisode.select(MissingEpisode.surname).where(
        MissingEpisode.id == episode_id
    )
    assert stored[0]["surname"] == "Kemp"  # not applied silently

    accepted = await post_form(
        client,
        f"/la/episodes/{episode_id}",
        f"/la/episodes/{episode_id}/identity",
        {"accept": "yes"},
    )
    assert accepted.status_code == 303
    shown = await client.get(accepted.headers["location"])
    assert "now on the episode" in shown.text and 'id="identity-changes"' not in shown.text
    row = await MissingEpisode.select(
        MissingEpisode.surname, MissingEpisode.pending_identity
    ).where(MissingEpisode.id == episode_id)
    assert row[0]["surname"] == "Kempe" and row[0]["pending_identity"] == ""
    confirmed = Action.EPISODE_IDENTITY_CONFIRMED.value
    assert await AuditEvent.count().where(AuditEvent.action == confirmed) == 1


async def test_turning_down_an_identity_change_keeps_the_child(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    episode_id = await identity_change(client, DOB="05/05/2012")
    page = await client.get(f"/la/episodes/{episode_id}")
    assert "Date of birth 04/05/2012 05/05/2012 (changed)" in text_of(page.text)
    wrong = await post_form(
        client,
        f"/la/episodes/{episode_id}",
        f"/la/episodes/{episode_id}/identity",
        {"accept": "maybe"},
    )
    assert wrong.status_code == 400 and "accept the change or turn it down" in wrong.text
    kept = await post_form(
        client,
        f"/la/episodes/{episode_id}",
        f"/la/episodes/{episode_id}/identity",
        {"accept": "no"},
    )
    assert kept.status_code == 303
    row = await MissingEpisode.select(
        MissingEpisode.date_of_birth, MissingEpisode.pending_identity
    ).where(MissingEpisode.id == episode_id)
    assert row[0]["date_of_birth"] == date(2012, 5, 4) and row[0]["pending_identity"] == ""
    again = await post_form(
        client,
        f"/la/episodes/{episode_id}",
        f"/la/episodes/{episode_id}/identity",
        {"accept": "no"},
    )
    assert again.status_code == 400 and "no change to the child" in again.text


# --- The episode page and the return interview -------------------------------------------------


async def test_the_episode_page_shows_the_deadline_and_is_audited(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, CME)
    page = await client.get(f"/la/episodes/{load.ids['overdue']}")
    assert page.status_code == 200
    words = text_of(page.text)
    row = await MissingEpisode.select(MissingEpisode.returned_at).where(
        MissingEpisode.id == load.ids["overdue"]
    )
    due = (row[0]["returned_at"] + timedelta(hours=72)).astimezone(LONDON)
    assert f"Due by {due:%a} {due.day} {due:%b %H:%M} — 72 hours after the return" in words
    assert "Missed: not held yet" in words
    assert "Looked after: always offered" in words
    for theme in ("Exploitation risk (criminal)", "Placement issues"):
        assert f'value="{theme}"' in page.text
    viewed = await AuditEvent.select(AuditEvent.detail).where(
        AuditEvent.action == Action.EPISODE_VIEWED.value
    )
    assert len(viewed) == 1
    assert json.loads(viewed[0]["detail"])["reference"] == "LAC/1"


async def test_recording_the_interview_updates_its_state(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, CME)
    episode = f"/la/episodes/{load.ids['due']}"
    held_on, held_at = parts(ago(hours=1))
    form = {
        "offered_on": held_on,
        "offered_time": held_at,
        "offered_by": "Sam Offerer",
        "done_on": held_on,
        "done_time": held_at,
        "done_by": "Jo Worker",
        "done_where": "At school",
        "notes": "Went to see friends.",
    }
    both = await post_form(
        client,
        episode,
        f"{episode}/interview",
        {**form, "declined_on": held_on, "declined_time": held_at},
    )
    assert both.status_code == 400
    assert "cannot be both held and declined" in both.text
    assert 'id="declined_on-error"' in both.text and 'value="Jo Worker"' in both.text
    assert await ReturnInterview.count().where(ReturnInterview.episode == load.ids["due"]) == 0

    page = await client.get(episode)
    token = csrf_token(page.text)
    done = await client.post(
        f"{episode}/interview",
        data={
            **form,
            "themes": ["Peer influence", "School issues"],
            "_csrf_token": token,
        },
    )
    assert done.status_code == 303
    shown = await client.get(done.headers["location"])
    assert "Return interview recorded." in shown.text
    assert 'data-state="done in time"' in shown.text
    assert "Met: held within the deadline" in text_of(shown.text)
    assert 'value="Peer influence" checked' in shown.text
    stored = await ReturnInterview.select().where(ReturnInterview.episode == load.ids["due"])
    assert json.loads(stored[0]["themes"]) == ["Peer influence", "School issues"]
    assert stored[0]["done_by"] == "Jo Worker"

    forged = await post_form(
        client, episode, f"{episode}/interview", {**form, "themes": "Anything I like"}
    )
    assert forged.status_code == 400 and "Choose the themes from the list." in forged.text
    listed_rows, _ = await listed(client, attention="interview_waiting")
    assert load.ids["due"] not in listed_rows


async def test_a_time_the_clocks_skipped_is_refused_beside_the_field(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, CME)
    episode = f"/la/episodes/{load.ids['due']}"
    skipped = await post_form(
        client,
        episode,
        f"{episode}/interview",
        {"offered_on": "2026-03-29", "offered_time": "01:30"},
    )
    assert skipped.status_code == 400
    error = skipped.text.split('id="offered_time-error"')[1].split("</p>")[0]
    assert "did not happen in the UK" in error and "02:30" in error


# --- Entering and correcting by hand ----------------------------------------------------------


HAND = {
    "force": "Testshire  Police",
    "reference": "hand 1",
    "reported_on": "",
    "reported_time": "",
    "missing_from": "care",
    "forename": "Hal",
    "surname": "Lane",
    "date_of_birth": "2013-01-02",
    "risk_raw": "Very high",
    "exploitation_risk": "yes",
}


async def test_an_episode_entered_and_corrected_by_hand(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    missing = await post_form(client, "/la/episodes/new", "/la/episodes/new", HAND)
    assert missing.status_code == 400
    assert 'id="reported_on-error"' in missing.text
    assert "Enter the date and time the child was reported missing." in missing.text
    assert 'value="Hal"' in missing.text and 'value="hand 1"' in missing.text
    assert await MissingEpisode.count() == 0

    day, clock = parts(ago(hours=30))
    added = await post_form(
        client,
        "/la/episodes/new",
        "/la/episodes/new",
        {**HAND, "reported_on": day, "reported_time": clock},
    )
    assert added.status_code == 303
    page = await client.get(added.headers["location"])
    assert "Episode recorded." in page.text
    words = text_of(page.text)
    assert "Testshire Police reference HAND1" in words
    assert "At risk of exploitation or trafficking: Yes" in words
    assert "Looked-after child missing over" not in words and "Missing over 24 hours" in words
    row = await MissingEpisode.select().first()
    assert row is not None
    assert row["looked_after"] is True and row["risk_level"] == "very high"
    assert row["source"] == "hand"

    edit = f"/la/episodes/{row['id']}/edit"
    form = await client.get(edit)
    assert form.status_code == 200 and 'value="HAND1"' in form.text
    back_day, back_clock = parts(ago(hours=2))
    values = {**HAND, "reference": "HAND1", "reported_on": day, "reported_time": clock}
    later = await post_form(
        client, edit, edit, {**values, "returned_on": back_day, "returned_time": "25:00"}
    )
    assert later.status_code == 400 and 'id="returned_time-error"' in later.text
    saved = await post_form(
        client, edit, edit, {**values, "returned_on": back_day, "returned_time": back_clock}
    )
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"])
    assert "Changes saved." in shown.text and 'data-state="due"' in shown.text
    unchanged = await post_form(
        client, edit, edit, {**values, "returned_on": back_day, "returned_time": back_clock}
    )
    assert "Nothing changed" in (await client.get(unchanged.headers["location"])).text
    same = await post_form(
        client, "/la/episodes/new", "/la/episodes/new", {**values, "force": "testshire police"}
    )
    assert same.status_code == 400 and "is already recorded" in same.text
    assert await MissingEpisode.count() == 1


async def test_a_time_the_clocks_showed_twice_is_taken_as_the_first(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, CME)
    added = await post_form(
        client,
        "/la/episodes/new",
        "/la/episodes/new",
        {**HAND, "reported_on": "25/10/2026", "reported_time": "01:30"},
    )
    assert added.status_code == 303
    row = await MissingEpisode.select(MissingEpisode.reported_at).first()
    assert row is not None
    assert row["reported_at"] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    page = await client.get(added.headers["location"])
    assert "Sun 25 Oct 2026, 01:30" in text_of(page.text)


# --- Meetings ----------------------------------------------------------------------------------


async def test_the_repeat_trigger_shows_and_its_meeting_is_recorded(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, CME)
    child = await load.child("repeat1")
    page = await client.get(f"/la/missing-children/{child}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Fired 1 time" in words and "3 episodes in 3 months" in words
    assert set(rows_of(page.text)) == load.of("repeat1", "repeat2", "repeat3")
    meeting = await InterventionMeeting.select().where(InterventionMeeting.child == child)
    assert len(meeting) == 1 and meeting[0]["trigger"] == "repeat"
    m = meeting[0]["id"]
    action = f"/la/missing-children/{child}/meetings/{m}"
    here = f"/la/missing-children/{child}"
    today = utcnow().astimezone(LONDON).date()
    no_agencies = await post_form(client, here, action, {"held_on": today.isoformat()})
    assert no_agencies.status_code == 400
    assert f'id="meeting-{m}-agencies-error"' in no_agencies.text
    assert "Name the agencies that took part." in no_agencies.text
    recorded = await post_form(
        client,
        here,
        action,
        {
            "held_on": today.isoformat(),
            "agencies": "Police\nChildren's social care",
            "actions": "Weekly check-ins",
            "review_on": (today + timedelta(days=28)).isoformat(),
        },
    )
    assert recorded.status_code == 303
    shown = await client.get(recorded.headers["location"])
    assert "Meeting recorded." in shown.text and 'data-held="yes"' in shown.text
    row = await InterventionMeeting.select().where(InterventionMeeting.id == m)
    assert row[0]["held_on"] == today and row[0]["agencies"] == "Police\nChildren's social care"


async def test_calling_a_meeting_by_hand(client: httpx.AsyncClient, load: Load) -> None:
    await sign_in(client, CME)
    child = await load.child("open")
    here = f"/la/missing-children/{child}"
    assert "No meeting has been called for this child." in (await client.get(here)).text
    blank = await post_form(client, here, f"{here}/meetings", {"reason": "  "})
    assert blank.status_code == 400 and 'id="call-reason-error"' in blank.text
    called = await post_form(
        client,
        here,
        f"{here}/meetings",
        {"reason": "High risk: seen with older men", "episode": str(load.ids["open"])},
    )
    assert called.status_code == 303
    shown = await client.get(called.headers["location"])
    assert "Meeting called." in shown.text and "Called by hand" in shown.text
    rows = await InterventionMeeting.select().where(InterventionMeeting.child == child)
    assert [(r["trigger"], r["episode"]) for r in rows] == [("hand", load.ids["open"])]
    foreign = await post_form(
        client, here, f"{here}/meetings", {"reason": "x", "episode": str(load.ids["repeat1"])}
    )
    assert foreign.status_code == 404
    assert await InterventionMeeting.count().where(InterventionMeeting.child == child) == 1


# --- Scope from outside ------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["admin@test.example", "dsl.a@test.example", "ao.a@test.example"])
async def test_only_the_las_cme_officers_open_these_pages(
    client: httpx.AsyncClient, load: Load, email: str
) -> None:
    await sign_in(client, email)
    child = await load.child("open")
    for path in (
        "/la/episodes",
        "/la/episodes.xlsx",
        "/la/episodes/import",
        "/la/episodes/new",
        f"/la/episodes/{load.ids['open']}",
        f"/la/episodes/{load.ids['open']}/edit",
        f"/la/missing-children/{child}",
    ):
        assert (await client.get(path)).status_code in (403, 404), path
    home = await client.get("/la" if email.startswith("admin") else "/school/today")
    assert 'href="/la/episodes"' not in home.text
    assert (
        await AuditEvent.count().where(
            AuditEvent.action.is_in(
                [
                    Action.LIST_DOWNLOADED.value,
                    Action.EPISODE_VIEWED.value,
                    Action.MISSING_CHILD_VIEWED.value,
                ]
            )
        )
        == 0
    )


async def test_another_las_officer_finds_none_of_these(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, OTHER_CME)
    rows, _ = await listed(client, state="all")
    assert rows == [load.ids["other_la"]]
    sheet = load_workbook(io.BytesIO((await client.get("/la/episodes.xlsx")).content)).active
    refs = [
        r[HEADERS.index("Police reference")] for r in sheet.iter_rows(min_row=3, values_only=True)
    ]
    assert refs == ["OTH/1"]
    mine = load.ids["overdue"]
    child = await load.child("overdue")
    for path in (
        f"/la/episodes/{mine}",
        f"/la/episodes/{mine}/edit",
        f"/la/missing-children/{child}",
    ):
        assert (await client.get(path)).status_code == 404, path
    own = f"/la/episodes/{load.ids['other_la']}"
    day, clock = parts(ago(hours=1))
    for action, data in (
        (f"/la/episodes/{mine}/interview", {"offered_on": day, "offered_time": clock}),
        (f"/la/episodes/{mine}/identity", {"accept": "yes"}),
        (f"/la/episodes/{mine}/edit", {**HAND, "reported_on": day, "reported_time": clock}),
        (f"/la/missing-children/{child}/meetings", {"reason": "Concern"}),
    ):
        assert (await post_form(client, own, action, data)).status_code == 404, action
    assert await ReturnInterview.count().where(ReturnInterview.episode == mine) == 0
    assert await InterventionMeeting.count().where(InterventionMeeting.child == child) == 0


async def test_forms_without_the_csrf_token_are_refused(
    client: httpx.AsyncClient, load: Load
) -> None:
    await sign_in(client, CME)
    day, clock = parts(ago(hours=1))
    refused = await client.post(
        f"/la/episodes/{load.ids['due']}/interview", data={"offered_on": day, "offered_time": clock}
    )
    assert refused.status_code == 403
    assert await ReturnInterview.count().where(ReturnInterview.episode == load.ids["due"]) == 0
