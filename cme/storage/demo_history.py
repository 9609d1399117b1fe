"""Lives the demo LA's past year through, on its own dates (issue 12, Demo), so that the
partnership's figures have a year of history behind this term.

Everything goes through the paths people use, with the clock stopped at the moment each
thing happened (`cme.storage.demo_clock`): each school uploads its register every three
weeks (`cme.demo_history.upload`), and the import opens and closes the cases and writes the
absence days; the attendance officers, DSLs and CME officers work the year's stories
(`cme.demo_history.PAST_WORK`) through the case actions, from the day-one call to the
hand-off, the LA's enquiries, closing with where the child is now, and removal from roll;
the police's weekly files of episodes come in, the return interviews are recorded and the
repeat trigger's meetings held. Last, everyone's notices of that year are read.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from cme import demo_details
from cme.access import Viewer
from cme.cases.case import ENQUIRIES_FAILED, Status
from cme.cases.enquiries import Side
from cme.demo_data import SCHOOLS, demo_accounts, school_pupils
from cme.demo_episode_words import ACTIONS, AGENCIES
from cme.demo_episodes import DemoEpisode, to_csv
from cme.demo_history import (
    HANDED,
    LEFT,
    PastStory,
    SchoolPast,
    Year,
    school_past,
    upload,
)
from cme.demo_history_episodes import police_files
from cme.demo_registers import CP_PLAN, LOOKED_AFTER, Grid, stories, wide_rows
from cme.demo_registers import to_csv as register_csv
from cme.events import UploadStatus
from cme.roles import Role
from cme.storage import case_assign, pupil_details, uploads
from cme.storage.accounts import viewer_for_account
from cme.storage.case_actions import (
    record_contact,
    record_enquiry,
    record_no_sickness_reason,
    record_referral,
    record_screen,
)
from cme.storage.case_actions_end import (
    Whereabouts,
    close_case,
    hand_off,
    la_found,
    record_joint_review,
    remove_from_roll,
)
from cme.storage.clock import today as clock_today
from cme.storage.demo_cases import LA_ENQUIRIES, SCHOOL_ENQUIRIES, parent, viewers
from cme.storage.demo_clock import move_to, stopped_at
from cme.storage.episode_actions import record_interview, record_meeting
from cme.storage.episode_children import REPEAT
from cme.storage.episode_import import import_file as import_episodes
from cme.storage.notifications import mark_all_read
from cme.storage.tables import Account, InterventionMeeting, MissingEpisode, Pupil
from cme.storage.tables import Case as CaseRow
from cme.timeline import LONDON

MAX_BYTES = 10 * 1024 * 1024
# What happens first at one moment: the upload before anything worked from it.
_UPLOAD, _DETAILS, _CASE, _POLICE, _INTERVIEW, _MEETINGS, _READ = range(7)
# Where the children who left are now, as the person who closed the case wrote it.
_WHERE = {
    "new_school_other_la": (
        Whereabouts(new_school="Castlegate School", new_la="Northvale Council"),
        "The new school confirmed the child is on its roll; the family moved to be near relatives.",
    ),
    "new_school_this_la": (
        Whereabouts(new_school="Meadowbank School"),
        "Admissions confirmed the place; the child started there this week.",
    ),
    "elective_home_education": (
        Whereabouts(),
        "The parents wrote to the school that they are educating the child at home; the LA's "
        "elective home education team has been told.",
    ),
    "new_school_abroad": (
        Whereabouts(new_address="Cluj-Napoca, Romania"),
        "The mother emailed: the family has gone back to Romania and the child is at school there.",
    ),
    "moved_out_of_reasonable_distance": (
        Whereabouts(new_address="14 Quayside, Harbourne, Eastbrook"),
        "The family moved too far away to attend; Eastbrook Council's admissions team has "
        "their application for a school place.",
    ),
}
# The LA's later finding of a child removed from roll.
_FOUND = {
    "new_school_other_la": (
        Whereabouts(new_school="Harrowgate School", new_la="Westmoor Council"),
        "Westmoor's CME officer found the child on the roll of a school there.",
    ),
    "new_school_abroad": (
        Whereabouts(new_address="Porto, Portugal"),
        "The Home Office confirmed the family left the country; the child is at school there.",
    ),
}


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    seq: int
    run: Callable[[], Awaitable[Any]] = field(compare=False)


@dataclass(frozen=True)
class _Staff:
    attendance: Viewer
    dsl: Viewer


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


async def import_register(school_id: int, filename: str, grid: Grid) -> None:
    """A register imported as an uploaded file is."""
    content = register_csv(wide_rows(grid), bom=True)
    upload_id = await uploads.create_upload(school_id, filename, content)
    outcome = await uploads.run_import(upload_id)
    if outcome["status"] != UploadStatus.DONE:
        raise RuntimeError(f"the demo register did not import: {outcome['error']}")


def details_rows(seed: int, year: int) -> list[list[str]]:
    """The pupil-details export `cme demo` imports for the school's pupils of academic year
    `year` (the stories' looked-after children and those on a plan among them)."""
    school = SCHOOLS[seed]
    pupils = school_pupils(school, year)
    told = stories(school.urn, pupils)
    status = {s: {u for u, t in told.items() if t.status == s} for s in (LOOKED_AFTER, CP_PLAN)}
    return demo_details.pupils_rows(pupils, seed, status[LOOKED_AFTER], status[CP_PLAN])


class _Past:
    """The year's steps, run in time order with the clock at each one's moment."""

    def __init__(self, la_id: int, year: Year) -> None:
        self.la_id = la_id
        self.year = year
        self.steps: list[_Step] = []
        self.seq = itertools.count()
        self.done: dict[str, int] = {}
        self.officers: list[Viewer] = []

    def add(self, at: datetime, order: int, run: Callable[[], Awaitable[Any]]) -> None:
        heapq.heappush(self.steps, _Step(at, order, next(self.seq), run))

    def count(self, what: str) -> None:
        self.done[what] = self.done.get(what, 0) + 1

    async def run(self) -> None:
        if not self.steps:
            return
        with stopped_at(self.steps[0].at):
            while self.steps:
                step = heapq.heappop(self.steps)
                move_to(step.at)
                await step.run()

    # --- the registers ---------------------------------------------------------------

    def registers(self, school_id: int, seed: int, past: SchoolPast) -> None:
        open_days = self.year.open_days
        leaves = {
            upn: open_days[min(open_days.index(s.day_one) + s.ends, len(open_days) - 1)]
            for upn, s in past.stories.items()
            if s.work in LEFT
        }

        def on_roll(day: date) -> set[str]:
            return {p.upn for p in past.pupils if p.upn not in leaves or day < leaves[p.upn]}

        sent = self.year.uploads
        for i, day in enumerate(sent):
            kept = on_roll(sent[i + 1]) if i + 1 < len(sent) else set()
            grid = upload(past, self.year, day, sent[i - 1] if i else None, on_roll(day), kept)
            name = f"demo-register-{past.school.urn}-{day:%Y-%m-%d}.csv"
            self.add(_at(day, 15, 45), _UPLOAD, self._register(school_id, name, grid))
        self.add(_at(sent[0], 15, 50), _DETAILS, self._details(school_id, seed, past))

    def _register(self, school_id: int, name: str, grid: Grid) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await import_register(school_id, name, grid)
            self.count("registers")

        return run

    def _details(self, school_id: int, seed: int, past: SchoolPast) -> Callable[[], Awaitable[Any]]:
        """The pupils' details as the school first sent them: this year's pupils' as they still
        are (the same file `cme demo` imports for them later), and the leavers'."""
        on_roll = {p.upn for p in past.pupils}
        header, *rows = details_rows(seed, self.year.academic_year + 1)
        rows = [header] + [r for r in rows if r[0] in on_roll]
        leavers = demo_details.pupils_rows(past.leavers, 60 + seed)
        looked_after = demo_details.HEADER.index("Looked After")
        for row in leavers[1:]:
            row[looked_after] = "N"  # the children who left are no looked-after children
        content = demo_details.to_csv(rows + leavers[1:])
        return lambda: pupil_details.import_file(
            None, school_id, content, "demo-pupil-details.csv", MAX_BYTES
        )

    # --- the cases -------------------------------------------------------------------

    def cases(self, school_id: int, staff: _Staff, past: SchoolPast) -> None:
        for upn, story in past.stories.items():
            self._story(school_id, staff, upn, story)

    def _story(self, school_id: int, staff: _Staff, upn: str, story: PastStory) -> None:
        open_days = self.year.open_days
        s = open_days.index(story.day_one)
        opened = open_days.index(next(u for u in self.year.uploads if u >= story.day_one))
        after = opened + 1 - s

        def day(k: int) -> date:
            return open_days[min(s + k, len(open_days) - 1)]

        work = story.work
        add = self._case_step(school_id, upn)

        async def contact(case: int) -> None:
            who, number = await parent(await self._pupil(school_id, upn))
            await record_contact(
                staff.attendance,
                case,
                contact=who,
                via=number,
                method="phone",
                outcome="No answer; voicemail left asking the family to ring the school",
                at=_at(story.day_one, 9, 40),
            )

        add(_at(open_days[opened], 16, 5), contact)
        if work in ("contacted", "explained"):
            return
        for n, (kind, method, outcome) in enumerate(SCHOOL_ENQUIRIES[:2]):
            on = day(after + n)
            add(_at(on, 10 + n, 30), self._school_enquiry(staff, kind, method, outcome, on))
        refer = work == "referred"

        async def screen(case: int) -> None:
            await record_screen(
                staff.dsl,
                case,
                answers=["serious_attendance"] if refer else [],
                judgement={"sudden": "yes" if refer else "no", "bullying": "no"},
                notes="Screened after the school's calls and first enquiries.",
            )
            if refer:
                await record_referral(
                    staff.dsl,
                    case,
                    agency="both",
                    made_on=day(after),
                    made_by=staff.dsl.display_name,
                    reference=f"MASH-{case:05d}",
                )

        add(_at(day(after), 14), screen)
        if work in HANDED:
            self._la_side(school_id, staff, upn, story, day)
        if work == "school_closed":
            where, notes = _WHERE[story.outcome]
            add(
                _at(day(story.ends), 12),
                lambda case: close_case(
                    staff.dsl, case, outcome=story.outcome, notes=notes, where=where
                ),
            )

    def _la_side(
        self,
        school_id: int,
        staff: _Staff,
        upn: str,
        story: PastStory,
        day: Callable[[int], date],
    ) -> None:
        add = self._case_step(school_id, upn)

        def officer() -> Viewer:  # the officers are known by the time the steps run
            return self.officers[story.officer - 1]

        async def hand(case: int) -> None:
            await hand_off(staff.dsl, case)
            self.count("handed")

        add(_at(day(story.handed), 15), hand)
        add(
            _at(day(story.handed), 16, 30),
            lambda case: case_assign.assign(self.officers[0], [case], officer().user_id),
        )
        enquiries = 2 if story.work in ("la_closed", "removed") else 1
        for n, (kind, method, outcome) in enumerate(LA_ENQUIRIES[:enquiries]):
            on = day(story.handed + 1 + n)

            async def enquire(
                case: int,
                kind: str = kind,
                method: str = method,
                outcome: str = outcome,
                on: date = on,
            ) -> None:
                await record_enquiry(
                    officer(),
                    case,
                    side=Side.LA,
                    enquiry=kind,
                    made_on=on,
                    who=officer().display_name,
                    method=method,
                    outcome=outcome,
                )

            add(_at(on, 10 + n), enquire)

        def review(on: date, decision: str) -> Callable[[int], Awaitable[Any]]:
            return lambda case: record_joint_review(
                officer(),
                case,
                held_on=on,
                school_dsl=staff.dsl.display_name,
                cme_officer=officer().display_name,
                decision=decision,
                notes="Reviewed the enquiries so far and the child's vulnerability.",
                next_review_on=on + timedelta(days=14) if decision == "continue" else None,
            )

        if story.work == "la_closed":
            on = day(story.handed + 3)
            add(_at(on, 14), review(on, "continue"))
            where, notes = _WHERE[story.outcome]
            add(
                _at(day(story.ends), 12),
                lambda case: close_case(
                    officer(), case, outcome=story.outcome, notes=notes, where=where
                ),
            )
        if story.work != "removed":
            return
        on = day(story.ends)
        add(_at(on, 9), review(on, ENQUIRIES_FAILED))
        add(
            _at(on, 9, 30),
            lambda case: record_no_sickness_reason(
                staff.dsl,
                case,
                confirmed=True,
                note="No medical evidence and no word from the family since day one.",
            ),
        )

        async def remove(case: int) -> None:
            await remove_from_roll(
                staff.dsl, case, notes="Whereabouts unknown after the school's and LA's enquiries."
            )
            self.count("removed")

        add(_at(on, 10), remove)
        where, notes = _FOUND[story.outcome]
        found = _at(day(story.ends + story.found), 11)
        self._case_step(school_id, upn, Status.REMOVED)(
            found,
            lambda case: la_found(officer(), case, outcome=story.outcome, notes=notes, where=where),
        )

    def _school_enquiry(
        self, staff: _Staff, kind: str, method: str, outcome: str, on: date
    ) -> Callable[[int], Awaitable[Any]]:
        return lambda case: record_enquiry(
            staff.attendance,
            case,
            side=Side.SCHOOL,
            enquiry=kind,
            made_on=on,
            who=staff.attendance.display_name,
            method=method,
            outcome=outcome,
        )

    def _case_step(
        self, school_id: int, upn: str, status: Status = Status.OPEN
    ) -> Callable[[datetime, Callable[[int], Awaitable[Any]]], None]:
        """Adds a step that acts on the child's latest case in `status`, found when it runs."""

        def add(at: datetime, act: Callable[[int], Awaitable[Any]]) -> None:
            async def run() -> None:
                pupil = await self._pupil(school_id, upn)
                row = (
                    await CaseRow.select(CaseRow.id)
                    .where(CaseRow.pupil == pupil, CaseRow.status == status.value)
                    .order_by(CaseRow.id, ascending=False)
                    .first()
                )
                if row is None:
                    raise RuntimeError(f"the demo's past case of {upn} is not {status.value}")
                await act(int(row["id"]))
                self.count("case_actions")

            self.add(at, _CASE, run)

        return add

    async def _pupil(self, school_id: int, upn: str) -> int:
        row = (
            await Pupil.select(Pupil.id).where(Pupil.school == school_id, Pupil.upn == upn).first()
        )
        if row is None:
            raise RuntimeError(f"the demo's past pupil {upn} is not on the roll")
        return int(row["id"])

    # --- the police's episodes -------------------------------------------------------

    def episodes(self, past: Sequence[DemoEpisode]) -> None:
        files = police_files(tuple(past))
        for n, file in enumerate(files):
            name = f"demo-police-episodes-{file.imported_at:%Y-%m-%d}.csv"
            self.add(file.imported_at, _POLICE, self._police(file.episodes, name))
            for e in file.episodes:
                if e.interview is None:
                    continue
                i = e.interview
                when = i.done_at or i.declined_at or i.offered_at
                assert when is not None
                at = max(when + timedelta(hours=1), file.imported_at + timedelta(minutes=20))
                self.add(at, _INTERVIEW, self._interview(e, n))
        if files:
            # Each Monday the officers hold the meetings the trigger called the week before.
            monday = files[0].imported_at + timedelta(hours=2)
            while monday <= files[-1].imported_at + timedelta(days=14):
                self.add(monday, _MEETINGS, self._meetings)
                monday += timedelta(days=7)

    def _police(self, episodes: tuple[DemoEpisode, ...], name: str) -> Callable[[], Awaitable[Any]]:
        async def run() -> None:
            done = await import_episodes(None, self.la_id, to_csv(episodes), name, MAX_BYTES)
            self.done["episodes"] = self.done.get("episodes", 0) + done.added
            self.done["meetings_raised"] = self.done.get("meetings_raised", 0) + (
                done.meetings_raised
            )

        return run

    def _interview(self, episode: DemoEpisode, n: int) -> Callable[[], Awaitable[Any]]:
        async def run() -> None:
            row = (
                await MissingEpisode.select(MissingEpisode.id)
                .where(
                    MissingEpisode.la == self.la_id, MissingEpisode.reference == episode.reference
                )
                .first()
            )
            if row is None or episode.interview is None:
                raise RuntimeError(f"the demo's past episode {episode.reference} is missing")
            officer = self.officers[n % len(self.officers)]
            await record_interview(officer, int(row["id"]), episode.interview)
            self.count("interviews")

        return run

    async def _meetings(self) -> None:
        """Hold the repeat meetings called at least four days ago, four to nine days after
        they were called."""
        on = clock_today()
        waiting = await InterventionMeeting.select(
            InterventionMeeting.id, InterventionMeeting.child, InterventionMeeting.triggered_on
        ).where(
            InterventionMeeting.la == self.la_id,
            InterventionMeeting.trigger == REPEAT,
            InterventionMeeting.held_on.is_null(),
            InterventionMeeting.triggered_on <= on - timedelta(days=4),
        )
        for m in waiting:
            held = min(m["triggered_on"] + timedelta(days=4 + int(m["id"]) % 6), on)
            await record_meeting(
                self.officers[0],
                int(m["child"]),
                int(m["id"]),
                held,
                AGENCIES,
                ACTIONS,
                held + timedelta(days=42),
            )
            self.count("meetings_held")

    # --- last ------------------------------------------------------------------------

    def read_everything(self) -> None:
        """Everyone has read that year's notices by the time this term began."""
        last = max(s.at for s in self.steps) + timedelta(hours=1)

        async def run() -> None:
            emails = [a.email for a in demo_accounts()]
            for row in await Account.select(Account.id).where(Account.email.is_in(emails)):
                await mark_all_read(await viewer_for_account(int(row["id"])))

        self.add(last, _READ, run)


async def seed_demo_history(
    la_id: int,
    school_ids: Sequence[int],
    today: date,
    year: Year,
    episodes: Sequence[DemoEpisode],
) -> dict[str, int]:
    """Live the demo LA's past year through, once its schools and people exist; returns how
    much was done. Every case it opens is closed (or removed and found) before this term."""
    past = _Past(la_id, year)
    past.officers = await viewers(Role.CME_OFFICER, la=la_id, school=None)
    for seed, (school, school_id) in enumerate(zip(SCHOOLS, school_ids, strict=True)):
        attendance = await viewers(Role.ATTENDANCE_OFFICER, school=school_id)
        dsl = await viewers(Role.DSL, school=school_id)
        history = school_past(school, today, year)
        past.registers(school_id, seed, history)
        past.cases(school_id, _Staff(attendance[0], dsl[0]), history)
    past.episodes(episodes)
    past.read_everything()
    await past.run()
    return past.done
