"""Loads the demo local authority, schools, accounts, pupils, the year before this term and
this term's registers, cases and police episodes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from cme import demo_data, demo_details, demo_registers
from cme.demo_episodes import afternoons_missed
from cme.demo_history import past_pupils, past_year
from cme.storage import (
    accounts,
    calendar_facts,
    demo_cases,
    demo_episodes,
    demo_history,
    organisations,
    pupil_details,
)
from cme.storage.demo_clock import stopped_at
from cme.storage.tables import LocalAuthority
from cme.timeline import LONDON, academic_year

# The school sent its first register at the end of the first week, so the tracker has looked
# at every day since: absences that began and ended after it have their cases, closed.
FIRST_UPLOAD_OPEN_DAYS = 5


async def seed_demo(today: date | None = None) -> bool:
    """Seed the demo LA; False (and nothing changed) if it is already there.

    The LA and its people were set up before the previous academic year, which is lived
    through on its own dates (`cme.storage.demo_history`). Then each school gets a term of
    registers ending on the last weekday up to `today`, imported through the same path as an
    uploaded file, so the Today page is full on first run.
    """
    if await LocalAuthority.exists().where(LocalAuthority.code == demo_data.LA_CODE):
        return False
    today = today or date.today()
    days, closed = demo_registers.term_ending(today)
    year = academic_year(days[-1])
    past = past_year(today)
    with stopped_at(datetime.combine(past.days[0] - timedelta(days=7), time(9), LONDON)):
        la_id = await organisations.add_la(demo_data.LA_CODE, demo_data.LA_NAME)
        # Terms behind and ahead of the registers, so that due dates are projected over
        # holidays.
        await calendar_facts.seed_demo_terms(la_id, [year - 1, year])
        school_ids = [
            await organisations.add_school(school.urn, school.name, demo_data.LA_CODE)
            for school in demo_data.SCHOOLS
        ]
        # The staff first, so that what the registers open is already theirs to be told about.
        for account in demo_data.demo_accounts():
            await accounts.add_account(
                email=account.email,
                password=demo_data.DEMO_PASSWORD,
                role=account.role,
                display_name=account.display_name,
                school_urn=account.school_urn,
                la_code=None if account.school_urn else demo_data.LA_CODE,
            )
    plan = demo_episodes.plan_for(today)
    await demo_history.seed_demo_history(la_id, school_ids, today, past, plan.history)
    # The afternoons some children the police report missing skip, from the same plan as the
    # episodes seeded below.
    open_days = [d for d in days if d not in closed]
    missed = afternoons_missed(plan, open_days)
    for seed, (school, school_id) in enumerate(zip(demo_data.SCHOOLS, school_ids, strict=True)):
        pupils = demo_data.school_pupils(school, year)
        told = demo_registers.stories(school.urn, pupils)
        grid = demo_registers.make_grid(
            pupils, days, closed, seed=seed, habits=demo_registers.HABITS[seed]
        )
        demo_registers.tell(grid, closed, told, first_open=FIRST_UPLOAD_OPEN_DAYS)
        demo_registers.miss_afternoons(grid, missed)
        first = demo_registers.first_days(grid, closed, FIRST_UPLOAD_OPEN_DAYS)
        await demo_history.import_register(
            school_id, f"demo-register-{school.urn}-first-week.csv", first
        )
        await demo_history.import_register(school_id, f"demo-register-{school.urn}.csv", grid)
        # The new pupils' contacts and statuses, imported as an uploaded pupil-details file
        # is (the others' came last year, as they still are).
        known = {p.upn for p in past_pupils(school, past.academic_year)}
        header, *rows = demo_history.details_rows(seed, year)
        await pupil_details.import_file(
            None,
            school_id,
            demo_details.to_csv([header, *(r for r in rows if r[0] not in known)]),
            "demo-pupil-details.csv",
            demo_history.MAX_BYTES,
        )
    # Cases at every stage, worked through the same actions people use (so the timelines and
    # the audit trail are real).
    await demo_cases.seed_demo_cases(la_id, school_ids, today)
    await demo_episodes.seed_demo_episodes(la_id, today)
    return True
