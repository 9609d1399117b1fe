"""Cross-matching for the LA's CME officers: the proposals waiting for a person, most likely
first; one proposal beside its episode's other candidates, with each field's agreement, to
confirm or reject with one key; the episodes linked without a person, any of which can be
undone; the decisions made; and each list as an .xlsx download."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from cme.errors import NotFound, UserError
from cme.jobs.tasks import queue_matching
from cme.storage import match_queue
from cme.storage.match_decisions import GONE, decide, reopen
from cme.storage.match_queue import Kind
from cme.web.guards import requires_cme_officer
from cme.web.pages import render_section, saved, viewer_of
from cme.web.pupil_page import with_query
from la_portal import match_words as words
from la_portal.match_export import matches_download
from school_portal.export import XLSX

LIST = "/la/matches"

NOTICES = {
    "confirmed": "Confirmed: the episode is now on the pupil's record.",
    "rejected": "Rejected: this pupil will not be proposed for this episode again.",
    "undone": "Link undone: this pupil will not be proposed for this episode again.",
    "reopened": "Decision taken back: the match waits for a decision again. Matching runs again "
    "in a moment, so any other pupil it proposed for the episode comes back too.",
    "gone": GONE,
}


def _kind(request: Request[Any, Any, Any]) -> Kind:
    try:
        return Kind(request.query_params.get("kind") or Kind.WAITING)
    except ValueError:
        return Kind.WAITING


def _page_number(request: Request[Any, Any, Any]) -> int:
    try:
        return max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        return 1


def _page(
    request: Request[Any, Any, Any], template: str, status: int = 200, **values: Any
) -> Template:
    return render_section(request, template, NOTICES, status, words=words, **values)


class MatchesController(Controller):
    path = LIST
    guards = [requires_cme_officer]

    @get("/")
    async def matches(self, request: Request[Any, Any, Any]) -> Template:
        viewer = viewer_of(request)
        kind = _kind(request)
        found = await match_queue.queue(viewer, kind, _page_number(request))
        return _page(
            request,
            "la/matches.html",
            found=found,
            run=await match_queue.status(viewer),
            kinds=list(Kind),
            link=lambda **q: with_query(LIST, kind=kind.value, **q),
            download=with_query(f"{LIST}.xlsx", kind=kind.value),
            first=(found.page - 1) * match_queue.PAGE_SIZE + 1 if found.total else 0,
            last=min(found.total, found.page * match_queue.PAGE_SIZE),
        )

    async def _proposal_page(
        self, request: Request[Any, Any, Any], match_id: int, status: int = 200, **values: Any
    ) -> Template:
        found = await match_queue.view_proposal(viewer_of(request), match_id)
        return _page(
            request,
            "la/match.html",
            status,
            found=found,
            p=found.proposal,
            rows=words.field_rows(found.proposal),
            **values,
        )

    @get("/{match_id:int}")
    async def proposal(self, request: Request[Any, Any, Any], match_id: FromPath[int]) -> Template:
        return await self._proposal_page(request, match_id)

    @post("/{match_id:int}")
    async def decision(
        self, request: Request[Any, Any, Any], match_id: FromPath[int]
    ) -> Template | Redirect:
        """Confirm or reject; from the queue, go straight on to the next proposal waiting."""
        viewer = viewer_of(request)
        form = await request.form()
        answer = str(form.get("decision") or "")
        try:
            seen = float(str(form.get("score") or ""))
        except ValueError:
            seen = None
        if answer not in ("confirm", "reject"):
            error = "Choose whether this is the same child (confirm) or not (reject)."
            return await self._proposal_page(request, match_id, 400, error=error)
        try:
            band = await decide(viewer, match_id, confirm=answer == "confirm", seen_score=seen)
        except NotFound:
            # Withdrawn by a matching run since the page opened (or never this LA's: the
            # same answer, which tells nothing of other LAs).
            return saved(request, LIST, "gone")
        except UserError as exc:
            return await self._proposal_page(request, match_id, 409, error=str(exc))
        if band == "auto":  # a link the matcher made: stay on it, to see it undone or kept
            code = "confirmed" if answer == "confirm" else "undone"
            return saved(request, f"{LIST}/{match_id}", code)
        code = "confirmed" if answer == "confirm" else "rejected"
        following = await match_queue.next_waiting(viewer, after=match_id)
        return saved(request, f"{LIST}/{following}" if following is not None else LIST, code)

    @post("/{match_id:int}/reopen")
    async def take_back(
        self, request: Request[Any, Any, Any], match_id: FromPath[int]
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        try:
            await reopen(viewer, match_id)
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            return await self._proposal_page(request, match_id, 409, error=str(exc))
        await queue_matching(request.app.state.jobs)
        return saved(request, f"{LIST}/{match_id}", "reopened")


@get(f"{LIST}.xlsx", guards=[requires_cme_officer])
async def matches_xlsx(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every proposal of the chosen kind, in the page's order (a path beside the
    controller's: `.xlsx` is not a child of /la/matches)."""
    viewer = viewer_of(request)
    kind = _kind(request)
    content = await matches_download(viewer, kind)
    return Response(
        content,
        media_type=XLSX,
        headers={
            "Content-Disposition": (
                f'attachment; filename="matches-{kind.value}-{viewer.la_code}.xlsx"'
            )
        },
    )
