"""The Thresholds page's missing from home or care section: each form changes only its own
thresholds, mistakes are named in words and nothing is stored, and only LA administrators
may change them."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

import httpx
import pytest

from cme.episodes.interview import THEMES
from cme.policy import Policy
from cme.storage import accounts
from cme.storage.policies import policy_for_la, set_policy
from cme.storage.tables import Account, AuditEvent
from tests.integration.helpers import World, post_form, sign_in

PAGE = "/la/admin/policy"
MISSING = "/la/admin/policy/missing"
SCHOOL_DAYS = {
    "n_code_deadline_school_days": "5",
    "continuous_absence_school_days": "10",
    "sickness_school_days": "15",
    "la_contact_school_days": "3",
}
MISSING_FORM = {
    "repeat_episodes": "3",
    "repeat_window_length": "30",
    "repeat_window_unit": "days",
    "repeat_meeting_days": "5",
    "missing_escalation_hours": "12",
    "looked_after_escalation_hours": "36",
    "return_interview_hours": "48",
    "hampshire_interview_criteria": "yes",
    "extra_themes": "County lines\r\n\r\n  Going   to parties \r\nCounty lines",
}
NAMES = list(MISSING_FORM)


async def as_admin(world: World) -> None:
    """Store school-day thresholds an LA has changed, as the administrator would."""
    row = await Account.select(Account.id).where(Account.email == "admin@test.example").first()
    admin = await accounts.viewer_for_account(row["id"])
    await set_policy(admin, Policy(continuous_absence_school_days=8, sickness_school_days=12))


async def policy_changes() -> list[dict[str, object]]:
    """What each audited change of the thresholds changed, oldest first."""
    rows = (
        await AuditEvent.select(AuditEvent.detail)
        .where(AuditEvent.action == "policy.changed")
        .order_by(AuditEvent.id)
    )
    return [json.loads(row["detail"])["changes"] for row in rows]


async def test_saving_the_missing_section_keeps_the_school_day_thresholds(
    client: httpx.AsyncClient, world: World
) -> None:
    await as_admin(world)
    await sign_in(client, "admin@test.example")
    response = await post_form(client, PAGE, MISSING, MISSING_FORM)
    assert response.status_code == 303
    assert response.headers["location"].endswith("#missing-from-home")

    policy = await policy_for_la(world.la_id)
    assert policy == replace(
        Policy(continuous_absence_school_days=8, sickness_school_days=12),
        repeat_window_length=30,
        repeat_window_unit="days",
        repeat_meeting_days=5,
        missing_escalation_hours=12,
        looked_after_escalation_hours=36,
        return_interview_hours=48,
        hampshire_interview_criteria=True,
        extra_themes=("County lines", "Going to parties"),
    )
    assert await policy_for_la(world.other_la_id) == Policy(), "another LA is untouched"
    last = (await policy_changes())[-1]
    assert set(last) == {
        "repeat_window_length",
        "repeat_window_unit",
        "repeat_meeting_days",
        "missing_escalation_hours",
        "looked_after_escalation_hours",
        "return_interview_hours",
        "hampshire_interview_criteria",
        "extra_themes",
    }, "the audit trail records only what this form changed"

    page = await client.get(f"{PAGE}?missing_saved=true")
    text = html.unescape(page.text)
    assert "Missing from home or care thresholds saved" in text
    assert 'id="repeat_window_length" name="repeat_window_length"' in page.text
    assert 'value="30"' in page.text and 'value="36"' in page.text
    assert re.search(r'<option value="days" selected>', page.text)
    assert re.search(r'name="hampshire_interview_criteria" value="yes" checked', page.text)
    assert ">County lines\nGoing to parties</textarea>" in text
    assert 'name="continuous_absence_school_days"' in page.text
    assert 'value="8"' in page.text, "the school-day form shows the stored value"
    assert "Your LA has changed it from 72." in text
    assert "Your LA has changed it from 3 months." in text


async def test_saving_the_school_days_keeps_the_missing_thresholds(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    assert (await post_form(client, PAGE, MISSING, MISSING_FORM)).status_code == 303
    missing = await policy_for_la(world.la_id)

    form = {**SCHOOL_DAYS, "la_contact_school_days": "4"}
    assert (await post_form(client, PAGE, PAGE, form)).status_code == 303
    policy = await policy_for_la(world.la_id)
    assert policy == replace(missing, la_contact_school_days=4)
    assert policy.extra_themes == ("County lines", "Going to parties")
    assert policy.hampshire_interview_criteria is True
    assert set((await policy_changes())[-1]) == {"la_contact_school_days"}


async def test_an_unticked_box_and_an_emptied_list_are_saved_as_such(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    assert (await post_form(client, PAGE, MISSING, MISSING_FORM)).status_code == 303
    # A browser sends nothing for an unticked box.
    unticked = {k: v for k, v in MISSING_FORM.items() if k != "hampshire_interview_criteria"}
    response = await post_form(client, PAGE, MISSING, {**unticked, "extra_themes": " \r\n"})
    assert response.status_code == 303
    policy = await policy_for_la(world.la_id)
    assert policy.hampshire_interview_criteria is False
    assert policy.extra_themes == ()
    assert policy.return_interview_hours == 48


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        (
            "return_interview_hours",
            "96",
            "Hours from return within which the return interview is held: enter a whole "
            "number of hours from 1 to 72 (you typed \u201c96\u201d).",
        ),
        (
            "repeat_episodes",
            "three",
            "Episodes that make a child a repeat missing child: enter a whole number of "
            "episodes from 2 to 20 (you typed \u201cthree\u201d).",
        ),
        (
            "missing_escalation_hours",
            "",
            "Hours missing before a child's episode is escalated: enter a whole number of "
            "hours from 1 to 720.",
        ),
        (
            "repeat_window_unit",
            "weeks",
            "Unit of the window for counting repeat episodes: choose days or months.",
        ),
        (
            "extra_themes",
            "x" * 61,
            "The LA's own return interview themes: at most 30 themes of up to 60 characters each.",
        ),
    ],
)
async def test_a_bad_value_is_refused_in_words_beside_its_field_and_nothing_is_stored(
    client: httpx.AsyncClient, world: World, name: str, typed: str, message: str
) -> None:
    await as_admin(world)
    await sign_in(client, "admin@test.example")
    before = await policy_for_la(world.la_id)
    audited = len(await policy_changes())

    response = await post_form(client, PAGE, MISSING, {**MISSING_FORM, name: typed})
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert message in text
    assert name not in message
    assert f'id="{name}-error"' in response.text
    assert text.index(f'id="{name}-error"') < text.index(f'id="{name}"'), "beside its field"
    assert f'<a href="#{name}">' in response.text, "the summary links to the field"
    assert await policy_for_la(world.la_id) == before, "nothing stored"
    assert len(await policy_changes()) == audited

    # What was typed is shown back; the other form shows what is stored.
    assert re.search(r'name="looked_after_escalation_hours"[^>]*value="36"', response.text)
    if name in ("return_interview_hours", "repeat_episodes"):
        assert f'value="{typed}"' in response.text
    if name == "extra_themes":
        assert f">{typed}</textarea>" in response.text
    assert re.search(r'name="continuous_absence_school_days"[^>]*value="8"', response.text)


async def test_a_school_day_mistake_keeps_the_missing_section_as_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    assert (await post_form(client, PAGE, MISSING, MISSING_FORM)).status_code == 303
    bad = await post_form(client, PAGE, PAGE, {**SCHOOL_DAYS, "sickness_school_days": "0"})
    assert bad.status_code == 400
    assert 'id="sickness_school_days-error"' in bad.text
    assert re.search(r'name="return_interview_hours"[^>]*value="48"', bad.text)
    assert (await policy_for_la(world.la_id)).sickness_school_days == 15


async def test_the_section_explains_each_threshold_and_its_source(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, "admin@test.example")
    page = await client.get(PAGE)
    text = html.unescape(page.text)
    section = text[text.index('id="missing-from-home"') : text.index('id="daily-sweep"')]
    assert "RULES" not in section, "no internal jargon"
    for words in (
        "Hampshire",
        "Derbyshire counts 3 episodes in 30 days",
        "Barnsley",
        "72 hours is the statutory maximum",
        "Children who run away or go missing from home or care",
        "known mental-health needs",
        "Default 3.",
        "Default 3 months.",
        "Default 7.",
        "Default 24.",
        "Default 48.",
        "Default 72.",
        "Default: not ticked.",
    ):
        assert words in section, words
    assert section.count("Source:") == 8
    for theme in THEMES:
        assert f"<li>{theme}</li>" in section, "built-in themes are shown"
    assert 'name="extra_themes"' in section
    assert not any(f'name="{theme}"' in section for theme in THEMES), "read-only"
    for name in NAMES:
        assert f'for="{name}"' in section, f"{name} has a label"
        assert f'id="{name}"' in section
    assert 'action="/la/admin/policy/missing"' in section
    assert "Your LA has changed it" not in section, "defaults are not changes"


@pytest.mark.parametrize("email", ["dsl.a@test.example", "cme@test.example"])
async def test_only_an_la_administrator_may_change_them(
    client: httpx.AsyncClient, world: World, email: str
) -> None:
    await sign_in(client, email)
    assert (await client.get(PAGE)).status_code == 403
    # A form of their own gives a valid token: the refusal is the page's, not the token's.
    response = await post_form(client, "/account/password", MISSING, MISSING_FORM)
    assert response.status_code == 403
    assert "This page is for LA administrators." in response.text
    assert await policy_for_la(world.la_id) == Policy()
    assert await policy_changes() == []
