"""Loads the demo local authority, schools, accounts, pupils and a term of registers."""

from __future__ import annotations

import csv
import io
from datetime import date

from cme import demo_data, demo_details, demo_registers
from cme.demo_episodes import afternoons_missed
from cme.events import UploadStatus
from cme.storage import (
    accounts,
    calendar_facts,
    demo_cases,
    demo_episodes,
    organisations,
    pupil_details,
    uploads,
)
from cme.storage.tables import LocalAuthority
from cme.timeline import academic_year

# The school sent its first register at the end of the first week, so the tracker has looked
# at every day since: absences that began and ended after it have their cases, closed.
FIRST_UPLOAD_OPEN_DAYS = 5


async def seed_demo(today: date | None = None) -> bool:
    """Seed the demo LA; False (and nothing changed) if it is already there.

    Each school gets a term of registers ending on the last weekday up to `today`, imported
    through the same path as an uploaded file, so the Today page is full on first run.
    """
    if await LocalAuthority.exists().where(LocalAuthority.code == demo_data.LA_CODE):
        return False
    la_id = await organisations.add_la(demo_data.LA_CODE, demo_data.LA_NAME)
    days, closed = demo_registers.term_ending(today or date.today())
    # Terms behind and ahead of the registers, so that due dates are projected over holidays.
    year = academic_year(days[-1])
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
    # The afternoons some children the police report missing skip, from the same plan as the
    # episodes seeded below.
    open_days = [d for d in days if d not in closed]
    missed = afternoons_missed(demo_episodes.plan_for(today or date.today()), open_days)
    for seed, (school, school_id) in enumerate(zip(demo_data.SCHOOLS, school_ids, strict=True)):
        pupils = demo_data.school_pupils(school, year)
        told = demo_registers.stories(school.urn, pupils)
        grid = demo_registers.make_grid(
            pupils, days, closed, seed=seed, habits=demo_registers.HABITS[seed]
        )
        demo_registers.tell(grid, closed, told, first_open=FIRST_UPLOAD_OPEN_DAYS)
        demo_registers.miss_afternoons(grid, missed)
        first = demo_registers.first_days(grid, closed, FIRST_UPLOAD_OPEN_DAYS)
        await _import(school_id, f"demo-register-{school.urn}-first-week.csv", first)
        await _import(school_id, f"demo-register-{school.urn}.csv", grid)
        await _details(school_id, pupils, told, seed)
    # Cases at every stage, worked through the same actions people use (so the timelines and
    # the audit trail are real).
    await demo_cases.seed_demo_cases(la_id, school_ids, today or date.today())
    await demo_episodes.seed_demo_episodes(la_id, today or date.today())
    return True


async def _import(school_id: int, filename: str, grid: demo_registers.Grid) -> None:
    content = demo_registers.to_csv(demo_registers.wide_rows(grid), bom=True)
    upload_id = await uploads.create_upload(school_id, filename, content)
    outcome = await uploads.run_import(upload_id)
    if outcome["status"] != UploadStatus.DONE:
        raise RuntimeError(f"the demo register did not import: {outcome['error']}")


async def _details(
    school_id: int,
    pupils: list[demo_data.DemoPupil],
    told: dict[str, demo_registers.Story],
    seed: int,
) -> None:
    """The pupils' contacts and statuses, imported as an uploaded pupil-details file is; the
    stories' looked-after children and those on a child protection plan among them."""
    children = [
        demo_details.DemoChild(
            p.upn, p.legal_forename, p.legal_surname, f"{p.date_of_birth:%d/%m/%Y}", p.gender
        )
        for p in sorted(pupils, key=lambda p: p.upn)
    ]
    with_status = {
        status: {upn for upn, story in told.items() if story.status == status}
        for status in (demo_registers.LOOKED_AFTER, demo_registers.CP_PLAN)
    }
    out = io.StringIO()
    csv.writer(out).writerows(
        demo_details.demo_rows(
            children,
            seed,
            looked_after=with_status[demo_registers.LOOKED_AFTER],
            cp_plan=with_status[demo_registers.CP_PLAN],
        )
    )
    await pupil_details.import_file(
        None, school_id, out.getvalue().encode(), "demo-pupil-details.csv", 10 * 1024 * 1024
    )
