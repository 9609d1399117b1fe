"""The case page, shared by the school and LA portals: what the viewer may do on the case,
the page's values, and posting its forms (parsed in `case_forms`). Controllers stay thin:
they name the portal and the action."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Redirect, Template

from cme.access import Viewer
from cme.cases import screen
from cme.cases.case import Case, EventKind
from cme.cases.clock import Step
from cme.cases.enquiries import CHECKLISTS, METHODS, Side
from cme.cases.outcomes import CLOSING, FOUND
from cme.errors import NotFound, Refused, UserError
from cme.pupil_details import STATUS_LABELS, PupilDetails
from cme.roles import Role
from cme.storage import case_actions as act
from cme.storage import case_actions_end as end
from cme.storage.case_views import CasePage, case_page
from cme.storage.cases import load_case
from cme.storage.clock import today
from cme.storage.pupil_details import current_details
from cme.storage.pupil_episodes import LEAD_IN
from cme.web import case_words
from cme.web.case_forms import ACTIONS, LA_ACTIONS, SCHOOL_ACTIONS, form_errors
from cme.web.pages import NOTICE_COOKIE, notice_cookie, render, viewer_of
from cme.web.pupil_episodes_view import merged, timeline_lines

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Shown once after a form is saved (the notice cookie names one of these codes).
CASE_NOTICES = {
    "contact": "Contact attempt recorded.",
    "screen": "Vulnerability screen recorded.",
    "screen_refer": (
        "Vulnerability screen recorded. Refer to police and children's social care now, then "
        "record the referral."
    ),
    "referral": "Referral recorded.",
    "school_enquiry": "Enquiry recorded.",
    "la_enquiry": "Enquiry recorded.",
    "note": "Note added.",
    "hand_off": "Case handed to the LA. Its CME officers have been told.",
    "joint_review": "Joint review recorded.",
    "no_sickness": "Declaration recorded.",
    "close": "Case closed.",
    "remove": "Removed from roll. The deletion return is ready to download below.",
    "found": "Recorded that the child has been found.",
}


def allowed(viewer: Viewer, case: Case, portal: str) -> set[str]:
    """The forms the viewer's role may use on the case in this portal, as the use cases
    themselves enforce them: the page offers nothing it would refuse for the role."""
    role = viewer.role
    can: set[str] = set()
    if role is Role.LA_ADMIN:
        return can
    can.add("note")
    handed = case.handed_to_la_at is not None
    if portal == "/school" and role.works_in_school and case.is_open:
        can |= {"contact", "school_enquiry"}
        if role is Role.DSL:
            can |= {"screen", "referral", "no_sickness", "close", "remove"}
            if not handed:
                can.add("hand_off")
    if portal == "/la" and role is Role.CME_OFFICER and handed:
        if case.is_open or case.on_cme_list:
            can.add("la_enquiry")
        if case.is_open:
            can |= {"joint_review", "close"}
        if case.on_cme_list:
            can.add("found")
    return can


def _contact_choices(details: PupilDetails | None) -> dict[str, list[Any]]:
    """Who the school might contact, and each number, email and address on record (with a
    link to call or write where there is one)."""
    people: list[str] = []
    ways: list[tuple[str, str | None]] = []
    for c in sorted(details.contacts if details else (), key=lambda c: c.priority):
        people.append(f"{c.name} ({c.relationship})" if c.relationship else c.name)
        ways += [(f"{p} ({c.name})", "tel:" + "".join(p.split())) for p in c.phones]
        if c.email:
            ways.append((f"{c.email} ({c.name})", f"mailto:{c.email}"))
        if c.address_lines:
            ways.append((f"{', '.join((*c.address_lines, c.postcode))} ({c.name})", None))
    if details and details.address_lines:
        home = ", ".join((*details.address_lines, details.postcode))
        ways.append((f"{home} (home address)", None))
    return {"people": people, "ways": ways}


def _checklist(case: Case, side: Side) -> list[dict[str, Any]]:
    made = case.enquiries(side)
    return [
        {"key": key, "label": label, "made": [e for e in made if e.detail.get("kind") == key]}
        for key, label in CHECKLISTS[side].items()
    ]


async def case_context(viewer: Viewer, page: CasePage, portal: str) -> dict[str, Any]:
    case = page.case
    can = allowed(viewer, case, portal)
    details = await current_details(case.pupil_id) if "contact" in can else None
    prefill = await act.screen_prefill(case.pupil_id) if "screen" in can else {}
    return {
        "page": page,
        "case": case,
        "state": page.state,
        "pupil": page.pupil,
        "portal": portal,
        "can": can,
        "episodes_lead_in_days": LEAD_IN.days,
        "timeline": merged(
            [case_words.describe(e) for e in case.events], timeline_lines(page.episodes)
        ),
        "reason": case_words.REASONS.get(case.reason.value, ""),
        "outcome_words": case_words.outcome_words,
        "choices": _contact_choices(details),
        "prefill": prefill,
        "status_labels": STATUS_LABELS,
        "must_refer": screen.MUST_REFER,
        "judgement": screen.JUDGEMENT,
        "judgement_answers": act.JUDGEMENT_ANSWERS,
        "agencies": act.AGENCIES,
        "methods": METHODS,
        "decisions": end.DECISIONS,
        "closing": [(o.value, o.label) for o in CLOSING],
        "found_outcomes": [(o.value, o.label) for o in FOUND],
        "school_checklist": _checklist(case, Side.SCHOOL),
        "la_checklist": _checklist(case, Side.LA),
        "steps": {s.value: s.label for s in Step},
        "today": today(),
        "deletion_returns": [d for d in page.documents if d["kind"] == end.DELETION_RETURN],
        "removed_events": case.of_kind(EventKind.REMOVED),
    }


async def show_case(
    request: Request[Any, Any, Any],
    case_id: int,
    portal: str,
    status: int = 200,
    **extra: Any,
) -> Template:
    viewer = viewer_of(request)
    page = await case_page(viewer, case_id)
    context = await case_context(viewer, page, portal)
    code = request.cookies.get(NOTICE_COOKIE)
    if code in CASE_NOTICES:
        context["notice"] = CASE_NOTICES[code]
    context.setdefault("errors", {})
    context.update(extra)
    context.setdefault("values", {})
    return render(request, "case.html", status_code=status, **context)


async def post_action(
    request: Request[Any, Any, Any], case_id: int, portal: str, name: str
) -> Template | Redirect:
    """Save one of the case's forms: back to the case page with a notice, or the page again
    with the message beside the form and what was typed kept."""
    allowed_here = SCHOOL_ACTIONS if portal == "/school" else LA_ACTIONS
    if name not in allowed_here:
        raise NotFound("no such action")
    form = await request.form()
    try:
        done = await ACTIONS[name](viewer_of(request), case_id, form)
    except UserError as exc:
        if isinstance(exc, NotFound):
            raise
        reasons = exc.reasons if isinstance(exc, Refused) else []
        values = {k: form.getall(k) if k.endswith("must_refer") else v for k, v in form.items()}
        return await show_case(
            request,
            case_id,
            portal,
            400,
            errors=form_errors(name, exc),
            reasons=reasons,
            open_form=name,
            values=values,
        )
    if done == "screen":
        page = await load_case(case_id)
        done = "screen_refer" if page.must_refer_pending else "screen"
    secure: bool = request.app.state.settings.secure_cookies
    return Redirect(
        f"{portal}/cases/{case_id}",
        status_code=303,
        cookies=[notice_cookie(done, secure)],
    )


async def download(viewer: Viewer, case_id: int, doc_id: int | None = None) -> Response[bytes]:
    """A document kept on the case; without `doc_id`, its newest deletion return."""
    filename, content = await end.document(viewer, case_id, doc_id)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
