"""The thresholds page: the removal rule is the law's, errors name the threshold in words and
keep what was typed, every default says where it comes from."""

from __future__ import annotations

import html

import httpx
import pytest

from cme.errors import InvalidField
from cme.policy import Policy
from cme.storage import accounts
from cme.storage.policies import policy_for_la, set_policy
from cme.storage.tables import Account, AuditEvent, LocalAuthority
from tests.integration.helpers import World, post_form, sign_in

PAGE = "/la/admin/policy"
FORM = {
    "n_code_deadline_school_days": "5",
    "continuous_absence_school_days": "10",
    "sickness_school_days": "15",
    "la_contact_school_days": "3",
}


async def test_removal_threshold_cannot_be_changed_by_a_crafted_post(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE)
    assert 'name="removal_run_school_days"' not in page.text, "shown, not editable"
    assert "20 school days" in page.text and "9(1)(i)" in page.text

    crafted = {**FORM, "continuous_absence_school_days": "8", "removal_run_school_days": "12"}
    response = await post_form(client, PAGE, PAGE, crafted)
    assert response.status_code == 303
    policy = await policy_for_la(world.la_id)
    assert policy.continuous_absence_school_days == 8, "the rest of the form was saved"
    assert policy.removal_run_school_days == 20
    stored = await LocalAuthority.select(LocalAuthority.policy).where(
        LocalAuthority.id == world.la_id
    )
    assert '"removal_run_school_days": 20' in stored[0]["policy"]


async def test_storage_refuses_another_removal_threshold(world: World) -> None:
    row = await Account.select(Account.id).where(Account.email == "admin@test.example").first()
    admin = await accounts.viewer_for_account(row["id"])
    with pytest.raises(InvalidField, match="set by law at 20 school days"):
        await set_policy(admin, Policy(removal_run_school_days=12))
    assert (await policy_for_la(world.la_id)).removal_run_school_days == 20
    assert not await AuditEvent.exists().where(AuditEvent.action == "policy.changed")


async def test_a_value_stored_before_the_law_was_fixed_reads_back_as_the_law(
    world: World,
) -> None:
    await LocalAuthority.update(
        {LocalAuthority.policy: Policy(removal_run_school_days=12).to_json()}
    ).where(LocalAuthority.id == world.la_id)
    assert (await policy_for_la(world.la_id)).removal_run_school_days == 20


async def test_error_names_the_threshold_in_words_and_keeps_what_was_typed(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    before = await policy_for_la(world.la_id)
    typed = {**FORM, "n_code_deadline_school_days": "7", "sickness_school_days": "fifteen"}
    response = await post_form(client, PAGE, PAGE, typed)
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "Sickness absence reported to the LA: enter a whole number of school days" in text
    assert 'id="sickness_school_days-error"' in response.text
    assert 'value="fifteen"' in response.text and 'value="7"' in response.text
    assert await policy_for_la(world.la_id) == before, "nothing saved"
    assert not await AuditEvent.exists().where(AuditEvent.action == "policy.changed")

    out_of_range = await post_form(client, PAGE, PAGE, {**FORM, "la_contact_school_days": "0"})
    assert out_of_range.status_code == 400
    assert "Unresolved absence handed to the LA: enter a whole number" in html.unescape(
        out_of_range.text
    )
    assert 'value="0"' in out_of_range.text


async def test_each_threshold_says_where_its_default_comes_from(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    text = html.unescape((await client.get(PAGE)).text)
    assert "RULES" not in text, "no internal jargon"
    # Five school-day thresholds, and eight missing-from-home settings below them.
    assert text.count("Source:") == 5 + 8
    for source in (
        "Working together to improve school attendance",
        "Children missing education",
        "Local CME protocols",
        "health needs",
        "Regulations 2024",
    ):
        assert source in text


async def test_the_core_names_the_threshold_in_words() -> None:
    with pytest.raises(InvalidField) as raised:
        Policy(sickness_school_days=0)
    assert raised.value.field == "Sickness absence reported to the LA"
    assert "sickness_school_days" not in str(raised.value)
