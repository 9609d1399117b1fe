"""The LA's thresholds, which every school's flags use, the thresholds for children missing
from home or care, and the time of its daily sweep.

Each form changes only its own thresholds: it starts from the LA's stored policy, so saving
one never puts the other's back to the defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from cme.episodes.interview import THEMES
from cme.errors import InvalidField, UserError
from cme.policy import (
    FIXED_BY_LAW,
    HIGHEST,
    LOWEST,
    MAX_THEME_LENGTH,
    MAX_THEMES,
    NAMES,
    RANGES,
    WINDOW_UNITS,
    Policy,
    check_themes,
    check_threshold,
)
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

    def parse(self, stored: Policy) -> tuple[Policy | None, dict[str, str]]:
        """The stored policy with these thresholds as typed, or the message for each
        threshold typed wrongly."""
        values: dict[str, Any] = {}
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
        try:
            return replace(stored, **values), {}
        except InvalidField as exc:  # a window over the most months, checked with its unit
            name = next((n for n in NAMES if NAMES[n] == exc.field), "repeat_window_length")
            return None, {name: str(exc)}


@dataclass(frozen=True)
class MissingThreshold:
    name: str
    label: str
    unit: str
    hint: str
    source: str


STATUTORY_REASONS = (
    "missing 2 or more times, hurt or harmed while away, at risk of sexual or criminal "
    "exploitation or trafficking, in contact with people posing a risk, or involved in crime "
    "while away; and always for a looked-after child"
)

# The repeat trigger's window (a length and a unit) and the extra themes are laid out apart.
REPEAT_COUNT = MissingThreshold(
    "repeat_episodes",
    "A child is flagged as going missing repeatedly after",
    "episodes",
    "Episodes reported within the window below. The child is flagged for a multi-agency "
    "intervention meeting; a single very high-risk episode can always be flagged by hand.",
    "Hampshire\u2019s missing children protocol: 3 episodes in 3 months call a multi-agency "
    "intervention meeting within a week. Derbyshire counts 3 episodes in 30 days.",
)
REPEAT_WINDOW = MissingThreshold(
    "repeat_window_length",
    "\u2026 within a window of",
    "days or months",
    "Counted back from the day of the latest episode, both ends included: 3 months back from "
    "31 May starts on 28 February (29 in a leap year); 30 days are the latest day and the 29 "
    "before it; at most 12 months. Each episode counts towards one meeting only, and none on "
    "or before the day of a meeting held counts again.",
    "Hampshire: 3 months. Derbyshire: 30 days.",
)
MISSING_THRESHOLDS = [
    MissingThreshold(
        "repeat_meeting_days",
        "The intervention meeting is due within",
        "days",
        "Calendar days from the episode that reached the count.",
        "Hampshire: within a week (7 days).",
    ),
    MissingThreshold(
        "missing_escalation_hours",
        "A child still missing is escalated after",
        "hours",
        "Hours from when the child was last seen (or reported missing, if the police do not "
        "know). The episode is shown as an escalation on the episodes list and the CME "
        "officers\u2019 task lists.",
        "Local missing children protocols (for example Hampshire, Barnsley): a child missing "
        "over 24 hours needs more than the usual follow-up.",
    ),
    MissingThreshold(
        "looked_after_escalation_hours",
        "A looked-after child still missing is escalated after",
        "hours",
        "The child\u2019s social worker tells a senior manager.",
        "Hampshire: a child in care absent for 48 hours, the social worker informs a senior "
        "manager. Barnsley: a senior manager is told within 3 days and the lead member within "
        "7 days.",
    ),
    MissingThreshold(
        "return_interview_hours",
        "The return interview is held within",
        "hours",
        "Elapsed hours from the child\u2019s return (a clock change does not move the "
        "deadline). An interview not held by then is overdue and goes on the CME officers\u2019 "
        "task lists. 72 hours is the statutory maximum: your LA may set fewer, never more.",
        "DfE statutory guidance \u201cChildren who run away or go missing from home or "
        "care\u201d (2014): an independent return interview within 72 hours of the child\u2019s "
        "return, as every local protocol (Barnsley, Hampshire, Barnet, Essex, Hertfordshire) "
        "requires.",
    ),
]
HAMPSHIRE = MissingThreshold(
    "hampshire_interview_criteria",
    "Also mark out the return interviews Hampshire offers for more reasons",
    "",
    "When ticked, a return interview is also shown as especially needed when the child was "
    "missing over 24 hours or has known mental-health needs (Hampshire\u2019s third reason, 3 "
    "or more episodes, is already covered by the statutory 2 or more). Without it, the reasons "
    f"are the statutory ones: {STATUTORY_REASONS}.",
    "Hampshire\u2019s missing children protocol.",
)
EXTRA_THEMES = MissingThreshold(
    "extra_themes",
    "Your LA\u2019s own return interview themes",
    "",
    f"One theme per line, at most {MAX_THEMES}, each up to {MAX_THEME_LENGTH} characters. "
    "They are offered beside the themes every LA has when a return interview is recorded.",
    "Local protocols (Barnsley, Hampshire, Barnet, Essex, Hertfordshire) ask the LA to record "
    "what each return interview found, so that themes can be reported to the safeguarding "
    "partnership.",
)
WHOLE_NUMBERS = [REPEAT_COUNT.name, REPEAT_WINDOW.name, *(t.name for t in MISSING_THRESHOLDS)]
UNIT_WORDS = {"days": "Days", "months": "Months"}
TICKED = "yes"


@dataclass
class MissingForm:
    """The missing-from-home thresholds as typed. An unticked checkbox sends nothing, hence
    its empty default; the themes arrive one per line."""

    repeat_episodes: str = ""
    repeat_window_length: str = ""
    repeat_window_unit: str = ""
    repeat_meeting_days: str = ""
    missing_escalation_hours: str = ""
    looked_after_escalation_hours: str = ""
    return_interview_hours: str = ""
    hampshire_interview_criteria: str = ""
    extra_themes: str = ""

    @classmethod
    def of(cls, policy: Policy) -> MissingForm:
        return cls(
            **{name: str(getattr(policy, name)) for name in WHOLE_NUMBERS},
            repeat_window_unit=policy.repeat_window_unit,
            hampshire_interview_criteria=TICKED if policy.hampshire_interview_criteria else "",
            extra_themes="\n".join(policy.extra_themes),
        )

    def parse(self, stored: Policy) -> tuple[Policy | None, dict[str, str]]:
        """The stored policy with these thresholds as typed, or the message for each one
        typed wrongly."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in WHOLE_NUMBERS:
            typed = str(getattr(self, name)).strip()
            try:
                values[name] = check_threshold(name, int(typed))
            except (ValueError, InvalidField):
                low, high, unit = RANGES[name]
                errors[name] = (
                    f"{NAMES[name]}: enter a whole number of {unit} from {low} to {high}"
                    + (f" (you typed \u201c{typed}\u201d)." if typed else ".")
                )
        if self.repeat_window_unit in WINDOW_UNITS:
            values["repeat_window_unit"] = self.repeat_window_unit
        else:
            errors["repeat_window_unit"] = f"{NAMES['repeat_window_unit']}: choose days or months."
        values["hampshire_interview_criteria"] = self.hampshire_interview_criteria == TICKED
        try:
            values["extra_themes"] = check_themes(self.extra_themes.splitlines())
        except InvalidField as exc:
            errors["extra_themes"] = str(exc)
        if errors:
            return None, errors
        return replace(stored, **values), {}


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
        missing: MissingForm | None = None,
        missing_saved: bool = False,
    ) -> Template:
        la_id = viewer_of(request).la_id
        stored = await policy_for_la(la_id)
        return render(
            request,
            "la/policy.html",
            status_code=status,
            form=asdict(form or PolicyForm.of(stored)),
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
            missing=asdict(missing or MissingForm.of(stored)),
            missing_saved=missing_saved,
            repeat_count=REPEAT_COUNT,
            repeat_window=REPEAT_WINDOW,
            missing_thresholds=MISSING_THRESHOLDS,
            hampshire=HAMPSHIRE,
            extra_themes=EXTRA_THEMES,
            units=[(unit, UNIT_WORDS[unit]) for unit in WINDOW_UNITS],
            ticked=TICKED,
            built_in_themes=THEMES,
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        saved: FromQuery[bool] = False,
        sweep_saved: FromQuery[bool] = False,
        missing_saved: FromQuery[bool] = False,
    ) -> Template:
        return await self._page(
            request, saved=saved, sweep_saved=sweep_saved, missing_saved=missing_saved
        )

    @post("/")
    async def save(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[PolicyForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        policy, errors = data.parse(await policy_for_la(viewer.la_id))
        if policy is None:
            return await self._page(request, data, 400, errors=errors)
        await set_policy(viewer, policy, only=EDITABLE)
        return Redirect(f"{PAGE}?saved=true", status_code=303)

    @post("/missing")
    async def save_missing(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[MissingForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        policy, errors = data.parse(await policy_for_la(viewer.la_id))
        if policy is None:
            return await self._page(request, status=400, errors=errors, missing=data)
        await set_policy(viewer, policy, only=[f.name for f in fields(MissingForm)])
        return Redirect(f"{PAGE}?missing_saved=true#missing-from-home", status_code=303)

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
