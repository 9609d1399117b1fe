"""The LA's thresholds, which every school's flags use, and the time of its daily sweep."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from cme.errors import InvalidField, UserError
from cme.policy import FIXED_BY_LAW, HIGHEST, LOWEST, NAMES, Policy, check_threshold
from cme.storage import daily_sweep
from cme.storage.policies import policy_for_la, set_policy
from cme.web.guards import requires_la_admin
from cme.web.pages import field_errors, render, viewer_of

PAGE = "/la/admin/policy"


@dataclass(frozen=True)
class Threshold:
    name: str
    label: str
    hint: str
    source: str


THRESHOLDS = [
    Threshold(
        "n_code_deadline_school_days",
        "An N code must be replaced with the real reason within",
        "After this, a child still coded N (reason not yet known) is shown as overdue.",
        "DfE guidance \u201cWorking together to improve school attendance\u201d (2024): "
        "N is temporary and should be replaced within 5 school days.",
    ),
    Threshold(
        "continuous_absence_school_days",
        "Continuous unauthorised absence is reported to the LA after",
        "A run of this many school days coded G, N or O is flagged for a CME referral.",
        "DfE statutory guidance \u201cChildren missing education\u201d (2016, updated 2024): "
        "schools tell the LA of a child absent without permission for 10 school days or more. "
        "Your LA may choose fewer.",
    ),
    Threshold(
        "sickness_school_days",
        "Sickness absence is reported to the LA after",
        "School days coded I (illness) in an academic year before the LA is told and "
        "education at home or in hospital is considered.",
        "DfE statutory guidance \u201cArranging education for children who cannot attend "
        "school because of health needs\u201d, with \u201cWorking together to improve school "
        "attendance\u201d (2024): the LA arranges education (section 19, Education Act 1996) "
        "when illness means 15 or more school days missed, at once or over a year.",
    ),
    Threshold(
        "la_contact_school_days",
        "The school contacts the LA if a child is not found within",
        "School days of unexplained absence after which the school hands its enquiries to "
        "the LA\u2019s education welfare or CME officer.",
        "Local CME protocols (for example Barnsley, Hampshire, Barnet, Essex, "
        "Hertfordshire), in line with \u201cKeeping children safe in education\u201d: "
        "3 school days.",
    ),
]

# Shown, never editable: the value is the law's, not the LA's.
FIXED = Threshold(
    "removal_run_school_days",
    "Removal from roll may be considered after",
    "School days of continuous absence coded G, N or O, once the school and the LA have "
    "jointly made reasonable enquiries and not found the child.",
    "The law: regulation 9(1)(i) of the School Attendance (Pupil Registration) (England) "
    "Regulations 2024, which replaced the Education (Pupil Registration) (England) "
    "Regulations 2006. It can change only if the regulations change.",
)

EDITABLE = [t.name for t in THRESHOLDS]


@dataclass
class PolicyForm:
    """What was typed, kept as text so that a mistake is shown back exactly as typed. A
    value for the fixed threshold is not a field here, so a crafted one is never read."""

    n_code_deadline_school_days: str = ""
    continuous_absence_school_days: str = ""
    sickness_school_days: str = ""
    la_contact_school_days: str = ""

    @classmethod
    def of(cls, policy: Policy) -> PolicyForm:
        return cls(**{name: str(getattr(policy, name)) for name in EDITABLE})

    def parse(self) -> tuple[Policy | None, dict[str, str]]:
        """The policy typed, or the message for each threshold typed wrongly."""
        values: dict[str, int] = {}
        errors: dict[str, str] = {}
        for f in fields(self):
            typed = str(getattr(self, f.name)).strip()
            try:
                values[f.name] = check_threshold(f.name, int(typed))
            except (ValueError, InvalidField):
                errors[f.name] = (
                    f"{NAMES[f.name]}: enter a whole number of school days from {LOWEST} "
                    f"to {HIGHEST}" + (f" (you typed \u201c{typed}\u201d)." if typed else ".")
                )
        if errors:
            return None, errors
        return replace(Policy(), **values), {}


@dataclass
class SweepForm:
    sweep_time: str = ""


class PolicyController(Controller):
    path = PAGE
    guards = [requires_la_admin]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        form: PolicyForm | None = None,
        status: int = 200,
        errors: dict[str, str] | None = None,
        saved: bool = False,
        sweep_time: str | None = None,
        sweep_saved: bool = False,
    ) -> Template:
        la_id = viewer_of(request).la_id
        if form is None:
            form = PolicyForm.of(await policy_for_la(la_id))
        return render(
            request,
            "la/policy.html",
            status_code=status,
            form=asdict(form),
            thresholds=THRESHOLDS,
            fixed=FIXED,
            fixed_value=FIXED_BY_LAW[FIXED.name],
            defaults=asdict(Policy()),
            lowest=LOWEST,
            highest=HIGHEST,
            errors=errors or {},
            saved=saved,
            sweep_time=(
                sweep_time if sweep_time is not None else await daily_sweep.sweep_time_for_la(la_id)
            ),
            default_sweep_time=daily_sweep.DEFAULT_SWEEP_TIME,
            last_sweep=await daily_sweep.last_sweep(la_id),
            sweep_saved=sweep_saved,
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        saved: FromQuery[bool] = False,
        sweep_saved: FromQuery[bool] = False,
    ) -> Template:
        return await self._page(request, saved=saved, sweep_saved=sweep_saved)

    @post("/")
    async def save(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[PolicyForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        policy, errors = data.parse()
        if policy is None:
            return await self._page(request, data, 400, errors=errors)
        await set_policy(viewer_of(request), policy)
        return Redirect(f"{PAGE}?saved=true", status_code=303)

    @post("/sweep")
    async def save_sweep_time(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[SweepForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        try:
            await daily_sweep.set_sweep_time(viewer_of(request), data.sweep_time)
        except UserError as exc:
            errors = field_errors(exc, {daily_sweep.FIELD: "sweep_time"})
            return await self._page(request, status=400, errors=errors, sweep_time=data.sweep_time)
        return Redirect(f"{PAGE}?sweep_saved=true#daily-sweep", status_code=303)
