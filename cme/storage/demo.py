"""Loads the demo local authority, schools, accounts and pupils (`cme demo`)."""

from __future__ import annotations

from cme import demo_data
from cme.storage import accounts, organisations
from cme.storage.engine import write_transaction
from cme.storage.tables import LocalAuthority, Pupil


async def seed_demo() -> bool:
    """Seed the demo LA; False (and nothing changed) if it is already there."""
    if await LocalAuthority.exists().where(LocalAuthority.code == demo_data.LA_CODE):
        return False
    await organisations.add_la(demo_data.LA_CODE, demo_data.LA_NAME)
    for seed, (urn, name, establishment, years) in enumerate(demo_data.SCHOOLS):
        school_id = await organisations.add_school(urn, name, demo_data.LA_CODE)
        pupils = demo_data.demo_pupils(establishment, years, per_year=8, seed=seed)
        async with write_transaction():
            await Pupil.insert(*[Pupil(school=school_id, **vars(p)) for p in pupils])
    for account in demo_data.demo_accounts():
        await accounts.add_account(
            email=account.email,
            password=demo_data.DEMO_PASSWORD,
            role=account.role,
            display_name=account.display_name,
            school_urn=account.school_urn,
            la_code=None if account.school_urn else demo_data.LA_CODE,
        )
    return True
