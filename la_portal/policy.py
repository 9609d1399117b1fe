"""The LA's thresholds, which every school's flags use."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from cme.errors import InvalidField
from cme.policy import Policy
from cme.storage.policies import policy_for_la, set_policy
from cme.web.guards import requires_la_admin
from cme.web.pages import render, viewer_of

LABELS = {
    "n_code_deadline_school_days": ("N code must be replaced within", "RULES: 5 school days"),
    "continuous_absence_school_days": (
        "Continuous unauthorised absence reported to the LA after",
        "Policy default: 10 school days",
    ),
    "sickness_school_days": ("LA sickness return after", "Policy default: 15 school days a year"),
    "removal_run_school_days": (
        "Removal from roll may be considered after",
        "Reg 9(1)(i): 20 school days. Change only if the regulations change.",
    ),
    "la_contact_school_days": (
        "Schools contact the LA if not resolved within",
        "Policy default: 3 school days",
    ),
}


class PolicyController(Controller):
    path = "/la/admin/policy"
    guards = [requires_la_admin]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        values: dict[str, Any],
        status: int = 200,
        error: str = "",
        saved: bool = False,
    ) -> Template:
        return render(
            request,
            "la/policy.html",
            status_code=status,
            values=values,
            labels=LABELS,
            defaults=asdict(Policy()),
            error=error,
            saved=saved,
        )

    @get("/")
    async def show(
        self, request: Request[Any, Any, Any], saved: FromQuery[bool] = False
    ) -> Template:
        policy = await policy_for_la(viewer_of(request).la_id)
        return await self._page(request, asdict(policy), saved=saved)

    @post("/")
    async def save(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await request.form()
        values = {f.name: str(form.get(f.name, "")).strip() for f in fields(Policy)}
        try:
            policy = Policy(**{k: int(v) for k, v in values.items()})
        except (ValueError, InvalidField) as exc:
            message = (
                str(exc) if "school days" in str(exc) else "Each threshold must be a whole number."
            )
            return await self._page(request, values, 400, error=message)
        await set_policy(viewer_of(request), policy)
        return Redirect("/la/admin/policy?saved=true", status_code=303)
