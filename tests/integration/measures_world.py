"""A small LA whose partnership figures are known by construction
(tests/integration/test_partnership_figures.py works every expected number out by hand from
the tables below).

LA 370 has School A and School B; School C is in LA 380 and must never be counted. Registers
are imported through the real import (`apply_register`, which also writes the absence days
and brings cases up to the register) for every weekday from Mon 2 Sep to Fri 29 Nov 2024;
School B was closed for an INSET day on Fri 18 Oct. Every pupil is in school on the last day,
so the import opens no case; the cases below are rows, as the other integration tests make
them. British Summer Time ends on Sun 27 Oct 2024: London is UTC+1 before, UTC after.

Pupils (school, year, gender, postcode, statuses) and their unexplained (N/O) marks:

  key  sch yr gender postcode      statuses          marks
  amy  A   5  F      DM1 4AB (*)   -                 N N Tue 1, Wed 2, Thu 3 Oct (a 3-day run)
  ben  A   5  M      "dm14ab"      -                 Mon 30 Sep N am / pm in; Fri 1 Nov am in / O pm
  cal  A   6  M      DM2 7XY       sen_support       N N Mon 7 - Fri 11 Oct (linked)
  dee  A   6  F      "" (blank)    -                 N N 15-16 Oct; O O Thu 24, Fri 25, Mon 28 Oct
  eve  A   5  F      (no details)  -                 N N Mon 4 Nov, no mark Tue 5, N N Wed 6, Thu 7
  fay  A   5  F      DM10 1AA      looked_after      Tue 8 Oct N am, I pm (linked, 3 episodes)
  gil  A   5  U      DM1 9ZZ       -                 N N 18-19 Nov, in 20 Nov, N N 21-22 Nov
  gus  B   7  M      DM2 3CD       ehcp              O O Mon 14 - Wed 16 Oct (linked, confirmed)
  hal  B   7  M      DM1 2EF       looked_after,     Thu 17 Oct in am / N pm (match waiting)
                                   sen_support
  ivy  B   8  F      DM10 5GH      looked_after=no   Tue 22 Oct N am / L pm (linked)
  jo   B   8  ""     DM2 1AA       ehcp, sen_support N N Mon 23 - Thu 26 Sep; N N Thu 31 Oct,
                                                     Fri 1 Nov, Mon 4 Nov (link rejected)
  kit  C   5  F      -             -                 N N Tue 1 - Fri 4 Oct (other LA, linked)
  lou  C   5  M      -             -                 N N Mon 7 - Wed 9 Oct (other LA)
  (*) Amy also has an older address, ZZ9 9ZZ, ended; an ended looked-after status; and SEN
  support recorded as "no". The world's own pupils (pupil_a: A, Y5, F; pupil_b: B, Y5, F)
  have no register and no details.

Cases (LA 370 unless said; handed = handed to the LA, London time; days = referral_days,
the school days after day one up to the hand-over by the school's register):

  case pupil   day one  closed    status/stage               outcome            handed          days
  k1   amy     1 Oct    -         open/school_enquiries
  k2   cal     7 Oct    14 Oct    closed/closed              returned
  k3   gus     14 Oct   -         open/with_la                                  21 Oct 10:00     4
  k4   dee     30 Sep   1 Nov     closed/closed              absence_explained
  k5   jo      25 Sep   31 Oct    removed/missing_education  removed_missing    30 Sep 23:30     3
  k6   hal     13 Sep   -         open/with_la                                  1 Oct 00:30     12
  k7   ivy     3 Oct    -         open/with_la                                  31 Oct 23:59    19
  k8   kit     10 Oct   -         open/with_la (LA 380)                         10 Oct 12:00    99
  k9   fay     14 Oct   -         open/with_la                                  16 Oct 12:00     2
  k10  ben     28 Oct   -         open/with_la                                  1 Nov 00:00      4
  k11  eve     4 Nov    -         open/day_one
  k12  pupil_a 31 Oct   31 Oct    closed/closed              returned
  (k3: 15, 16, 17, 21 Oct - School B was closed on the 18th; k5: 26, 27, 30 Sep; k6: 16-20,
  23-27 Sep, 30 Sep, 1 Oct; k7: 4 Oct and 7 Oct - 31 Oct less the 18th; k9: 15, 16 Oct;
  k10: 29, 30, 31 Oct, 1 Nov. k8's 99 is not by any calendar: it only has to show if it leaks.)

Police episodes (London times; interview = return interview, hours after the return):

  ep   child  reported           returned          link                interview
  e1   Cal    Sun 6 Oct 22:00    Sat 12 Oct 10:00  auto -> cal         held +71h59
  e2   Gus    Mon 14 Oct 00:30   Mon 14 Oct 08:00  confirmed -> gus    held +72h01
  e3   Ivy    Sun 20 Oct 21:00   Mon 21 Oct 09:00  auto -> ivy         declined +10h
  e4   Zed    Tue 1 Oct 00:30    Tue 1 Oct 06:00   none                held +2h
  e6   Jo     Sat 26 Oct 12:00   (not back)        rejected -> jo      -
  e7   Hal    Thu 17 Oct 12:00   Thu 17 Oct 18:00  review (waiting)    -
  e9   Yan    Mon 30 Sep 23:30   Tue 1 Oct 01:00   none                -
  e11  Xan    Fri 25 Oct 20:00   Sat 26 Oct 10:00  none                held Tue 29 Oct 09:30
                                  (BST)                                (GMT: 72h30 elapsed)
  e12  Wes    Wed 9 Oct 10:00    Wed 9 Oct 12:00   none                held +72h00 exactly
  f1   Fay    Tue 10 Sep 20:00   Wed 11 Sep 07:00  auto -> fay         -
  f2   Fay    Wed 2 Oct 20:00    Thu 3 Oct 07:00   auto -> fay         held +1h
  f3   Fay    Tue 5 Nov 20:00    Wed 6 Nov 07:00   auto -> fay         -
  o1   Kit    Tue 8 Oct 07:00    -                 auto -> kit (LA 380)
  o2   Ola    Wed 9 Oct 07:00    -                 review (LA 380, waiting)
  Fay's third episode in three months fires the repeat trigger on Tue 5 Nov.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cme.access import Viewer
from cme.demo_data import DemoPupil, make_upn
from cme.demo_registers import Grid, to_csv, weekdays, wide_rows
from cme.episodes.interview import Interview
from cme.storage.episode_actions import record_interview
from cme.storage.registers import apply_register
from cme.storage.tables import Case, Pupil, PupilDetailVersion, PupilStatusVersion
from cme.timeline import LONDON
from imports.register import parse_register
from tests.integration.helpers import World
from tests.integration.partnership_world import episode, link
from tests.integration.test_case_actions import open_case, viewer

CME = "cme@test.example"
OTHER_CME = "cme.other@test.example"
DSL_A = "dsl.a@test.example"
AO_A = "ao.a@test.example"
ADMIN = "admin@test.example"

DAYS = weekdays(date(2024, 9, 2), date(2024, 11, 29))
INSET_B = date(2024, 10, 18)
PRESENT = ("/", "\\")


def london(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass(frozen=True)
class Kid:
    key: str
    school: str  # "a", "b" or "c"
    year: str
    gender: str
    marks: dict[date, tuple[str, str]]


def both(code: str, *days: date) -> dict[date, tuple[str, str]]:
    return {d: (code, code) for d in days}


def d(month: int, day: int) -> date:
    return date(2024, month, day)


KIDS = [
    Kid("amy", "a", "5", "F", both("N", d(10, 1), d(10, 2), d(10, 3))),
    Kid("ben", "a", "5", "M", {d(9, 30): ("N", "\\"), d(11, 1): ("/", "O")}),
    Kid("cal", "a", "6", "M", both("N", *weekdays(d(10, 7), d(10, 11)))),
    Kid(
        "dee",
        "a",
        "6",
        "F",
        both("N", d(10, 15), d(10, 16)) | both("O", d(10, 24), d(10, 25), d(10, 28)),
    ),
    Kid("eve", "a", "5", "F", both("N", d(11, 4), d(11, 6), d(11, 7)) | both("", d(11, 5))),
    Kid("fay", "a", "5", "F", {d(10, 8): ("N", "I")}),
    Kid("gil", "a", "5", "U", both("N", d(11, 18), d(11, 19), d(11, 21), d(11, 22))),
    Kid("gus", "b", "7", "M", both("O", d(10, 14), d(10, 15), d(10, 16))),
    Kid("hal", "b", "7", "M", {d(10, 17): ("/", "N")}),
    Kid("ivy", "b", "8", "F", {d(10, 22): ("N", "L")}),
    Kid(
        "jo",
        "b",
        "8",
        "",
        both("N", *weekdays(d(9, 23), d(9, 26))) | both("N", d(10, 31), d(11, 1), d(11, 4)),
    ),
    Kid("kit", "c", "5", "F", both("N", *weekdays(d(10, 1), d(10, 4)))),
    Kid("lou", "c", "5", "M", both("N", *weekdays(d(10, 7), d(10, 9)))),
]

KID = {k.key: k for k in KIDS}
ESTABLISHMENT = {"a": "1001", "b": "1002", "c": "2001"}


def pupil_of(kid: Kid, serial: int) -> DemoPupil:
    born = date(2024 - int(kid.year) - 5, 11, 1)
    return DemoPupil(
        upn=make_upn("370", ESTABLISHMENT[kid.school], 2024 - int(kid.year), serial),
        legal_forename=kid.key.capitalize(),
        legal_surname="Measure",
        date_of_birth=born,
        gender=kid.gender,
        year_group=kid.year,
        reg_group=f"{kid.year}A",
    )


def register_file(kids: list[tuple[Kid, DemoPupil]], days: list[date] = DAYS) -> bytes:
    marks: dict[str, list[str]] = {}
    for kid, pupil in kids:
        row: list[str] = []
        for day in days:
            closed = kid.school == "b" and day == INSET_B
            row += ["#", "#"] if closed else list(kid.marks.get(day, PRESENT))
        marks[pupil.upn] = row
    return to_csv(wide_rows(Grid([p for _, p in kids], days, marks)))


async def import_register(school_id: int, content: bytes) -> None:
    await apply_register(school_id, parse_register(content, "register.csv", 10_000_000))


@dataclass
class Measures:
    world: World
    me: Viewer
    pupils: dict[str, int]
    upns: dict[str, DemoPupil]
    cases: dict[str, int]
    episodes: dict[str, int]

    def school(self, key: str) -> int:
        w = self.world
        return {"a": w.school_a, "b": w.school_b, "c": w.school_other_la}[key]


async def _details(pupils: dict[str, int]) -> None:
    def detail(key: str, postcode: str, since: datetime, until: datetime | None = None) -> Any:
        return PupilDetailVersion(
            pupil=pupils[key],
            legal_forename=key.capitalize(),
            legal_surname="Measure",
            gender="",
            address="1 Test Street",
            postcode=postcode,
            valid_from=since,
            valid_to=until,
            source="import",
        )

    start, moved = london(9, 1), london(9, 20)
    await PupilDetailVersion.insert(
        detail("amy", "ZZ9 9ZZ", start, moved),  # her old address: not counted
        detail("amy", "DM1 4AB", moved),
        detail("ben", "dm14ab", start),
        detail("cal", "DM2 7XY", start),
        detail("dee", "", start),
        detail("fay", "DM10 1AA", start),
        detail("gil", "DM1 9ZZ", start),
        detail("gus", "DM2 3CD", start),
        detail("hal", "DM1 2EF", start),
        detail("ivy", "DM10 5GH", start),
        detail("jo", "DM2 1AA", start),
    )

    def status(key: str, name: str, value: bool = True, until: datetime | None = None) -> Any:
        return PupilStatusVersion(
            pupil=pupils[key],
            status=name,
            value=value,
            valid_from=start,
            valid_to=until,
            source="import",
        )

    await PupilStatusVersion.insert(
        status("amy", "looked_after", until=moved),  # ended: not looked after now
        status("amy", "sen_support", value=False),  # recorded as no
        status("cal", "sen_support"),
        status("fay", "looked_after"),
        status("gus", "ehcp"),
        status("hal", "looked_after"),
        status("hal", "sen_support"),
        status("ivy", "looked_after", value=False),
        status("jo", "ehcp"),
        status("jo", "sen_support"),
    )


# (pupil, day one, closed on, removed on, status, stage, outcome, handed, referral days)
CASES: dict[str, tuple[str, date, date | None, date | None, str, str, str | None, Any, Any]] = {
    "k1": ("amy", d(10, 1), None, None, "open", "school_enquiries", None, None, None),
    "k2": ("cal", d(10, 7), d(10, 14), None, "closed", "closed", "returned", None, None),
    "k3": ("gus", d(10, 14), None, None, "open", "with_la", None, london(10, 21, 10), 4),
    "k4": ("dee", d(9, 30), d(11, 1), None, "closed", "closed", "absence_explained", None, None),
    "k5": (
        "jo",
        d(9, 25),
        d(10, 31),
        d(10, 31),
        "removed",
        "missing_education",
        "removed_missing_education",
        london(9, 30, 23, 30),
        3,
    ),
    "k6": ("hal", d(9, 13), None, None, "open", "with_la", None, london(10, 1, 0, 30), 12),
    "k7": ("ivy", d(10, 3), None, None, "open", "with_la", None, london(10, 31, 23, 59), 19),
    "k8": ("kit", d(10, 10), None, None, "open", "with_la", None, london(10, 10, 12), 99),
    "k9": ("fay", d(10, 14), None, None, "open", "with_la", None, london(10, 16, 12), 2),
    "k10": ("ben", d(10, 28), None, None, "open", "with_la", None, london(11, 1, 0, 0), 4),
    "k11": ("eve", d(11, 4), None, None, "open", "day_one", None, None, None),
    "k12": ("pupil_a", d(10, 31), d(10, 31), None, "closed", "closed", "returned", None, None),
}


async def _cases(m: Measures) -> None:
    for key, (who, day_one, closed, removed, status, stage, outcome, handed, took) in CASES.items():
        pupil = m.pupils[who]
        school = m.school(KID[who].school) if who in KID else m.world.school_a
        la = m.world.other_la_id if who == "kit" else m.world.la_id
        case_id = await open_case(pupil, school, la)
        await Case.update(
            {
                Case.day_one: day_one,
                Case.clock_start: day_one,
                Case.closed_on: closed,
                Case.removed_on: removed,
                Case.status: status,
                Case.stage: stage,
                Case.outcome: outcome,
                Case.handed_to_la_at: handed,
                Case.referral_days: took,
            }
        ).where(Case.id == case_id)
        m.cases[key] = case_id


async def _episodes(m: Measures) -> None:
    me, la = m.me, m.world.la_id
    ep = m.episodes
    ep["e1"] = await episode(me, "E/1", "Cal Measure", london(10, 6, 22), london(10, 12, 10))
    ep["e2"] = await episode(me, "E/2", "Gus Measure", london(10, 14, 0, 30), london(10, 14, 8))
    ep["e3"] = await episode(me, "E/3", "Ivy Measure", london(10, 20, 21), london(10, 21, 9))
    ep["e4"] = await episode(me, "E/4", "Zed Nobody", london(10, 1, 0, 30), london(10, 1, 6))
    ep["e6"] = await episode(me, "E/6", "Jo Measure", london(10, 26, 12), None)
    ep["e7"] = await episode(me, "E/7", "Hal Measure", london(10, 17, 12), london(10, 17, 18))
    ep["e9"] = await episode(me, "E/9", "Yan Other", london(9, 30, 23, 30), london(10, 1, 1))
    ep["e11"] = await episode(me, "E/11", "Xan Third", london(10, 25, 20), london(10, 26, 10))
    ep["e12"] = await episode(me, "E/12", "Wes Fourth", london(10, 9, 10), london(10, 9, 12))
    ep["f1"] = await episode(me, "F/1", "Fay Measure", london(9, 10, 20), london(9, 11, 7))
    ep["f2"] = await episode(me, "F/2", "Fay Measure", london(10, 2, 20), london(10, 3, 7))
    ep["f3"] = await episode(me, "F/3", "Fay Measure", london(11, 5, 20), london(11, 6, 7))
    p = m.pupils
    for key, who in (("e1", "cal"), ("e3", "ivy"), ("f1", "fay"), ("f2", "fay"), ("f3", "fay")):
        await link(la, ep[key], p[who])
    await link(la, ep["e2"], p["gus"], band="review", decision="confirmed")
    await link(la, ep["e6"], p["jo"], band="auto", decision="rejected")
    await link(la, ep["e7"], p["hal"], band="review")
    # Return interviews, through the officer's own action.
    held = [
        ("e1", london(10, 12, 10) + timedelta(hours=71, minutes=59)),
        ("e2", london(10, 14, 8) + timedelta(hours=72, minutes=1)),
        ("e4", london(10, 1, 8)),
        ("e11", london(10, 29, 9, 30)),  # GMT: 72h30 after 10:00 BST on the 26th
        ("e12", london(10, 12, 12)),  # 72 hours exactly
        ("f2", london(10, 3, 8)),
    ]
    for key, at in held:
        await record_interview(me, ep[key], Interview(done_at=at, done_by="Return Worker"))
    await record_interview(me, ep["e3"], Interview(declined_at=london(10, 21, 19)))
    # The other LA's.
    other = await viewer(OTHER_CME)
    ep["o1"] = await episode(other, "O/1", "Kit Measure", london(10, 8, 7), None)
    ep["o2"] = await episode(other, "O/2", "Ola Elsewhere", london(10, 9, 7), None)
    await link(m.world.other_la_id, ep["o1"], p["kit"])
    await link(m.world.other_la_id, ep["o2"], p["lou"], band="review")


async def build(world: World) -> Measures:
    me = await viewer(CME)
    made = {k.key: pupil_of(k, n + 1) for n, k in enumerate(KIDS)}
    m = Measures(world, me, {}, made, {}, {})
    for school in ("a", "b", "c"):
        kids = [(k, made[k.key]) for k in KIDS if k.school == school]
        await import_register(m.school(school), register_file(kids))
    rows = await Pupil.select(Pupil.id, Pupil.upn)
    by_upn = {r["upn"]: int(r["id"]) for r in rows}
    m.pupils = {k: by_upn[p.upn] for k, p in made.items()}
    m.pupils |= {"pupil_a": world.pupil_a, "pupil_b": world.pupil_b}
    await _details(m.pupils)
    await _cases(m)
    await _episodes(m)
    return m
