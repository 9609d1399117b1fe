"""`cme demo` has a year of history behind this term (issue 12, Demo): the previous academic
year's registers with unexplained absence in every month school was open, cases opened,
handed to the LA, closed with where the child went and removed from roll, and police
episodes with their return interviews, each done on its own date through the same paths as
this term's.

The demo is seeded once per engine for the whole module; the tests only read it, and the
module empties the tables afterwards as the `db` fixture does.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from cme.cases.case import EventKind, Status
from cme.cases.outcomes import Outcome
from cme.demo_history import past_year
from cme.demo_registers import term_ending
from cme.episodes.interview import RETURN_INTERVIEW_HOURS
from cme.events import Action
from cme.storage.clock import today
from cme.storage.demo_episodes import plan_for
from cme.storage.flags import register_calendar
from cme.storage.tables import (
    AbsenceDay,
    AuditEvent,
    CaseEvent,
    InterventionMeeting,
    MissingEpisode,
    RegisterUpload,
    ReturnInterview,
    School,
)
from cme.storage.tables import Case as CaseRow
from cme.timeline import LONDON, academic_year, year_start


def _months_back(n: int) -> list[date]:
    """The first days of this month and the `n - 1` months before it."""
    first = today().replace(day=1)
    found = []
    for _ in range(n):
        found.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return found


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _past_academic_year() -> tuple[date, date]:
    year = past_year(today()).academic_year
    return year_start(year), year_start(year + 1) - timedelta(days=1)


async def test_every_month_school_was_open_has_unexplained_absence(demo: object) -> None:
    months = _months_back(12)
    open_months: set[date] = set()
    for school in await School.select(School.id):
        days, closed = await register_calendar(int(school["id"]))
        open_months |= {d.replace(day=1) for d in days if d not in closed}
    # August is the summer holiday: every other month of the year had school.
    assert len(open_months & set(months)) >= 10
    for first in sorted(open_months & set(months)):
        rows = AbsenceDay.count().where(
            AbsenceDay.day >= first, AbsenceDay.day < _next_month(first), AbsenceDay.sessions > 0
        )
        assert await rows >= 5, f"unexplained absence in {first:%B %Y}"
    # The previous year's registers came every few weeks through the upload path, from its
    # first weeks to the last day before this term.
    past = past_year(today())
    before = datetime.combine(term_ending(today())[0][0], time(0), LONDON)
    uploads = await RegisterUpload.select(RegisterUpload.uploaded_at).where(
        RegisterUpload.uploaded_at < before
    )
    sent = sorted({u["uploaded_at"].astimezone(LONDON).date() for u in uploads})
    assert sent == list(past.uploads) and len(uploads) == 2 * len(sent) >= 20


async def test_absence_varies_by_week_and_rises_before_the_holidays(demo: object) -> None:
    first, last = _past_academic_year()
    weeks: Counter[date] = Counter()
    for row in await AbsenceDay.select(AbsenceDay.week, AbsenceDay.sessions).where(
        AbsenceDay.day >= first, AbsenceDay.day <= last
    ):
        weeks[row["week"]] += int(row["sessions"])
    assert len(weeks) >= 30
    counts = sorted(weeks.values())
    assert counts[-1] >= 1.8 * counts[len(counts) // 2], "some weeks far above the usual"
    # The last weeks before the holidays against the usual week.
    days = past_year(today()).days
    before_holidays = {
        d - timedelta(days=d.weekday())
        for d, after in pairwise(days)
        if after - d > timedelta(days=3)
    }
    usual = counts[len(counts) // 2]
    assert sum(weeks[w] for w in before_holidays) > usual * len(before_holidays) * 1.3
    # Some children were away several days in a row, unexplained.
    runs = Counter(
        (r["pupil"], r["run_start"])
        for r in await AbsenceDay.select(AbsenceDay.pupil, AbsenceDay.run_start).where(
            AbsenceDay.day >= first, AbsenceDay.day <= last, AbsenceDay.run_start.is_not_null()
        )
    )
    assert len([n for n in runs.values() if n >= 3]) >= 10


async def test_last_years_cases_were_handed_over_closed_and_removed(demo: object) -> None:
    first, last = _past_academic_year()
    cases = await CaseRow.select().where(CaseRow.day_one >= first, CaseRow.day_one <= last)
    assert len(cases) >= 100
    # Every one of them ended before this term: this term's open cases are this term's.
    assert all(c["status"] != Status.OPEN.value for c in cases)
    outcomes = Counter(c["outcome"] for c in cases)
    assert outcomes[Outcome.RETURNED.value] >= 20 and outcomes[Outcome.ABSENCE_EXPLAINED.value]
    located = {o for o in outcomes if o and Outcome(o).located} - {
        Outcome.RETURNED.value,
        Outcome.ABSENCE_EXPLAINED.value,
    }
    assert len(located) >= 4, "closed with where the child is now"
    removed = [c for c in cases if c["removed_on"] is not None]
    assert removed and all(first <= c["removed_on"] <= last for c in removed)
    # Found again by the LA: the children missing education now are this term's.
    assert all(c["la_closed_on"] and c["la_outcome"] for c in removed)
    handed = [c for c in cases if c["handed_to_la_at"] is not None]
    assert len(handed) >= 5
    assert len({c["referral_days"] for c in handed}) >= 3, "handed over after varying days"
    assert all(c["handed_to_la_at"].astimezone(LONDON).date() >= c["day_one"] for c in handed)


async def test_the_timelines_and_audit_trail_are_on_last_years_dates(demo: object) -> None:
    first, last = _past_academic_year()
    cases = {
        int(c["id"]): c
        for c in await CaseRow.select(CaseRow.id, CaseRow.day_one, CaseRow.handed_to_la_at).where(
            CaseRow.day_one >= first,
            CaseRow.day_one <= last,
            CaseRow.handed_to_la_at.is_not_null(),
        )
    }
    events = await CaseEvent.select(CaseEvent.case, CaseEvent.at, CaseEvent.kind).where(
        CaseEvent.case.is_in(list(cases))
    )
    kinds = Counter(e["kind"] for e in events)
    for kind in (
        EventKind.CONTACT_ATTEMPT,
        EventKind.ENQUIRY,
        EventKind.SCREEN,
        EventKind.HANDED_OFF,
        EventKind.JOINT_REVIEW,
        EventKind.REMOVED,
        EventKind.LA_CLOSED,
        EventKind.CLOSED,
    ):
        assert kinds[kind.value] >= 1, kind
    for e in events:
        day = e["at"].astimezone(LONDON).date()
        assert cases[int(e["case"])]["day_one"] <= day <= last + timedelta(days=60), e["kind"]
        if e["kind"] == EventKind.HANDED_OFF.value:
            assert e["at"] == cases[int(e["case"])]["handed_to_la_at"]
    handed = await AuditEvent.select(AuditEvent.at).where(
        AuditEvent.action == Action.CASE_HANDED_OFF.value
    )
    assert len([a for a in handed if academic_year(a["at"].date()) == academic_year(first)]) >= 5


async def test_episodes_all_year_with_return_interviews(demo: object) -> None:
    plan = plan_for(today())
    assert len(plan.history) >= 100
    assert await MissingEpisode.count() == len(plan.every)
    months = _months_back(13)
    interviews = await ReturnInterview.select(
        ReturnInterview.done_at,
        ReturnInterview.declined_at,
        ReturnInterview.episode.reported_at,
        ReturnInterview.episode.returned_at,
    )
    held = [i for i in interviews if i["done_at"] is not None]
    with_interviews = {
        i["episode.reported_at"].astimezone(LONDON).date().replace(day=1) for i in held
    }
    assert len(with_interviews & set(months)) >= 10
    past = {e.reference for e in plan.history}
    rows = await ReturnInterview.select(
        ReturnInterview.done_at,
        ReturnInterview.declined_at,
        ReturnInterview.recorded_at,
        ReturnInterview.episode.reference,
        ReturnInterview.episode.returned_at,
    )
    last_year = [r for r in rows if r["episode.reference"] in past]
    assert len(last_year) == len([e for e in plan.history if e.interview])
    hours = timedelta(hours=RETURN_INTERVIEW_HOURS)
    in_time = [
        r for r in last_year if r["done_at"] and r["done_at"] - r["episode.returned_at"] <= hours
    ]
    late = [
        r for r in last_year if r["done_at"] and r["done_at"] - r["episode.returned_at"] > hours
    ]
    declined = [r for r in last_year if r["declined_at"]]
    assert len(in_time) > 0.6 * len(last_year) and late and declined
    # Recorded when they happened, not on the day the demo was loaded.
    assert all(
        r["recorded_at"] < datetime.combine(today(), time(0), LONDON) - timedelta(days=60)
        for r in last_year
    )
    # Some children went missing again and again: the repeat trigger's meetings, all held.
    repeat = Counter(e.child for e in plan.history)
    assert len([c for c, n in repeat.items() if n >= 3]) >= 3
    meetings = await InterventionMeeting.select().where(
        InterventionMeeting.episode.reference.is_in(sorted(past))
    )
    assert len(meetings) >= 3
    assert all(m["held_on"] and m["held_on"] >= m["triggered_on"] for m in meetings)
