"""A small LA whose cross-check lists are known (tests/integration/test_partnership_lists.py).

Registers are in the autumn of 2024 (British Summer Time until 27 October): every weekday
from 2 September to 20 December is present unless a child below says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cme.access import Viewer
from cme.episodes.episode import Child, Episode
from cme.marks import symbol_for
from cme.storage.bulk import Connection
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.episode_actions import add_episode
from cme.storage.measures.absence_days import store_absence_days
from cme.storage.tables import Case, EpisodeMatch, Pupil, PupilYear
from cme.timeline import LONDON, Session, apply, blank_year, position
from tests.integration.helpers import World
from tests.integration.test_case_actions import open_case, viewer

CME = "cme@test.example"
OTHER_CME = "cme.other@test.example"
AUTUMN = (date(2024, 9, 2), date(2024, 12, 20))
WHOLE = {"from": "2024-09-01", "to": "2024-12-31"}
AM, PM = Session.AM, Session.PM


def london(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


async def add_pupil(school: int, forename: str, surname: str, year: str) -> int:
    rows = await Pupil.insert(
        Pupil(
            school=school,
            upn=f"T{school}{forename}",
            legal_forename=forename,
            legal_surname=surname,
            gender="F",
            year_group=year,
            reg_group=f"{year}A",
        )
    ).returning(Pupil.id)
    return int(rows[0]["id"])


async def register(
    pupil: int,
    school: int,
    marks: dict[tuple[date, Session], str] | None = None,
    last: date = AUTUMN[1],
) -> None:
    """Present ('/', '\\') every weekday of the autumn up to `last`, then `marks` (codes)."""
    updates: dict[int, str] = {}
    day = AUTUMN[0]
    while day <= last:
        if day.weekday() < 5:
            updates[position(day, AM)] = "/"
            updates[position(day, PM)] = "\\"
        day += timedelta(days=1)
    for (day, session), code in (marks or {}).items():
        updates[position(day, session)] = symbol_for(code)
    year = apply(blank_year(2024), updates)
    await PupilYear.insert(PupilYear(pupil=pupil, school=school, academic_year=2024, marks=year))
    # As the import does: the lists read the absence days stored with the marks.
    async with write_transaction():
        await store_absence_days(Connection(), school, {(pupil, 2024): year})


async def episode(
    who: Viewer, ref: str, name: str, reported: datetime, returned: datetime | None
) -> int:
    forename, surname = name.split()
    return await add_episode(
        who,
        Episode(
            force="Testshire Police",
            reference=ref,
            reported_at=reported,
            child=Child(forename, surname, date_of_birth=date(2013, 3, 3)),
            returned_at=returned,
        ),
    )


async def link(
    la: int, episode_id: int, pupil: int, band: str = "auto", decision: str = ""
) -> None:
    await EpisodeMatch.insert(
        EpisodeMatch(
            la=la,
            episode=episode_id,
            pupil=pupil,
            band=band,
            decision=decision,
            score=0.99,
            weight=20.0,
            reasons="[]",
            proposed_at=utcnow(),
        )
    )


def days(first: date, last: date, code: str = "N") -> dict[tuple[date, Session], str]:
    found = {}
    day = first
    while day <= last:
        if day.weekday() < 5:
            found[(day, AM)] = found[(day, PM)] = code
        day += timedelta(days=1)
    return found


@dataclass
class LA:
    world: World
    me: Viewer
    ids: dict[str, int]

    def name(self, key: str) -> str:
        return key.capitalize()


async def build(world: World) -> LA:
    """The LA's children, episodes, links, registers and cases (see each child's line)."""
    me = await viewer(CME)
    a, b = world.school_a, world.school_b
    ids: dict[str, int] = {}
    for key, school, year in (
        ("ava", a, "5"),  # absent during an episode; a part-day that week
        ("cody", b, "7"),  # marked present during a confirmed episode: a conflict
        ("rita", a, "5"),  # link rejected; an unexplained run during that episode
        ("rory", a, "5"),  # proposed for review only, never decided
        ("cara", a, "5"),  # open case, one past and one open episode
        ("cleo", b, "7"),  # closed case, one past episode
        ("remy", a, "5"),  # repeat missing
        ("hana", b, "7"),  # hidden missing: two runs
        ("liam", a, "5"),  # the same run as Hana's, but linked
        ("pia", a, "5"),  # hidden missing: a part-day absence
        ("pat", b, "7"),  # part-day absences and an episode
    ):
        ids[key] = await add_pupil(school, key.capitalize(), "Test", year)
    ep = {}
    ep["ava"] = await episode(
        me, "AVA/1", "Ava Test", london(2024, 10, 8, 7), london(2024, 10, 9, 12)
    )
    ep["cody"] = await episode(
        me, "COD/1", "Cody Test", london(2024, 10, 14, 20), london(2024, 10, 16, 8)
    )
    ep["rita"] = await episode(
        me, "RIT/1", "Rita Test", london(2024, 10, 20, 22), london(2024, 10, 22, 18)
    )
    ep["rory"] = await episode(
        me, "ROR/1", "Rory Test", london(2024, 10, 9, 20), london(2024, 10, 11, 7)
    )
    ep["cara1"] = await episode(
        me, "CAR/1", "Cara Test", london(2024, 9, 7, 10), london(2024, 9, 7, 18)
    )
    ep["cara2"] = await episode(me, "CAR/2", "Cara Test", london(2024, 10, 18, 22), None)
    ep["cleo"] = await episode(
        me, "CLE/1", "Cleo Test", london(2024, 9, 14, 10), london(2024, 9, 14, 18)
    )
    ep["remy1"] = await episode(
        me, "REM/1", "Remy Test", london(2024, 11, 4, 20), london(2024, 11, 5, 10)
    )
    ep["remy2"] = await episode(
        me, "REM/2", "Remy Test", london(2024, 11, 11, 20), london(2024, 11, 12, 7)
    )
    ep["remy3"] = await episode(
        me, "REM/3", "Remy Test", london(2024, 11, 25, 20), london(2024, 11, 26, 7)
    )
    ep["liam"] = await episode(
        me, "LIA/1", "Liam Test", london(2024, 9, 7, 10), london(2024, 9, 7, 18)
    )
    ep["pat"] = await episode(
        me, "PAT/1", "Pat Test", london(2024, 9, 14, 10), london(2024, 9, 14, 18)
    )
    la_id = world.la_id
    for key in ("ava", "cara1", "cara2", "cleo", "remy1", "remy2", "remy3", "liam", "pat"):
        await link(la_id, ep[key], ids[key.rstrip("123")])
    await link(la_id, ep["cody"], ids["cody"], band="review", decision="confirmed")
    await link(la_id, ep["rita"], ids["rita"], band="auto", decision="rejected")
    await link(la_id, ep["rory"], ids["rory"], band="review")
    # Registers. Ava: N on Tue 8 Oct (both) and Wed 9 Oct morning, back at school after lunch.
    await register(
        ids["ava"],
        a,
        {(date(2024, 10, 8), AM): "N", (date(2024, 10, 8), PM): "N", (date(2024, 10, 9), AM): "N"},
    )
    # Cody: at school on Tue 15 Oct (late in the afternoon) while the police had him missing.
    await register(ids["cody"], b, {(date(2024, 10, 15), PM): "L"})
    await register(ids["rita"], a, days(date(2024, 10, 21), date(2024, 10, 23)))
    await register(ids["rory"], a, days(date(2024, 10, 10), date(2024, 10, 10)))
    # Cara is off the register after her open episode began (no marks: nothing to read).
    await register(ids["cara"], a, last=date(2024, 10, 18))
    await register(ids["cleo"], b)
    # Remy's episodes' weeks: 4-10 Nov, 11-17 Nov, 25 Nov-1 Dec (15 days, 30 sessions).
    await register(
        ids["remy"],
        a,
        {
            (date(2024, 11, 5), AM): "N",  # during his first episode; back after lunch
            (date(2024, 11, 12), AM): "I",
            (date(2024, 11, 13), AM): "O",
            (date(2024, 11, 13), PM): "O",
            (date(2024, 11, 29), PM): "X",  # not a possible session
            # Outside his episodes' weeks: not counted.
            (date(2024, 11, 18), AM): "N",
            (date(2024, 11, 18), PM): "N",
        },
    )
    # Hana: Mon 7 - Thu 10 Oct (4 days), then Thu 17 - Mon 21 Oct across a weekend (3 days).
    hana = days(date(2024, 10, 7), date(2024, 10, 10)) | days(
        date(2024, 10, 17), date(2024, 10, 21), "O"
    )
    await register(ids["hana"], b, hana)
    await register(ids["liam"], a, days(date(2024, 10, 7), date(2024, 10, 10)))
    await register(ids["pia"], a, {(date(2024, 10, 3), PM): "O"})
    await register(ids["pat"], b, {(date(2024, 10, 1), AM): "N", (date(2024, 10, 2), PM): "O"})
    # Cases: Cara's open (12 school days missing, with the LA), Cleo's closed; Rita's open
    # but her only episode's link was rejected.
    cara_case = await open_case(ids["cara"], a, la_id)
    await Case.update({Case.stage: "with_la", Case.days_missing: 12}).where(Case.id == cara_case)
    cleo_case = await open_case(ids["cleo"], b, la_id)
    await Case.update({Case.status: "closed", Case.stage: "closed", Case.days_missing: 4}).where(
        Case.id == cleo_case
    )
    await open_case(ids["rita"], a, la_id)
    # In the other LA: a linked child absent during an episode, and a hidden run.
    other = await viewer(OTHER_CME)
    elsewhere = await episode(other, "OTH/1", "Testchild2 Example", london(2024, 10, 8, 7), None)
    await link(world.other_la_id, elsewhere, world.pupil_other_la)
    await register(
        world.pupil_other_la,
        world.school_other_la,
        days(date(2024, 10, 8), date(2024, 10, 11)),
        last=date(2024, 10, 11),
    )
    hidden_elsewhere = await add_pupil(world.school_other_la, "Olly", "Elsewhere", "5")
    await register(
        hidden_elsewhere, world.school_other_la, days(date(2024, 10, 7), date(2024, 10, 11))
    )
    ids |= {f"ep_{k}": v for k, v in ep.items()}
    return LA(world, me, ids)
