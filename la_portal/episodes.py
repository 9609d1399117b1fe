"""Police episodes of children missing from home or care, for the LA's CME officers: the list
with its filters and download, importing the police's file, entering and correcting an
episode by hand, the episode page with its return interview and any change to the child's
identity an import left waiting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from cme.episodes.forms import (
    EPISODE_ERRORS,
    EPISODE_LABELS,
    ESPECIALLY_FIELDS,
    INTERVIEW_ERRORS,
    INTERVIEW_LABELS,
    EpisodeForm,
    InterviewForm,
)
from cme.errors import InvalidField, NotFound, UserError
from cme.jobs.tasks import queue_matching
from cme.settings import Settings
from cme.storage.episode_actions import add_episode, edit_episode, record_interview, settle_identity
from cme.storage.episode_import import import_file
from cme.storage.episode_list import PAGE_SIZE, Filters, State, episode_list
from cme.storage.episode_pages import interview_themes, view_episode
from cme.web.guards import requires_cme_officer
from cme.web.pages import field_errors, render_section, saved, viewer_of
from cme.web.pupil_page import with_query
from imports.episodes import EpisodesError
from la_portal import episode_words as words
from la_portal.episode_export import episodes_download
from school_portal.export import XLSX

LIST = "/la/episodes"
_FILTER_KEYS = ("state", "risk", "looked_after", "missing_from", "from", "to", "attention", "child")

# Shown once on the page a form returns to (the notice cookie names one of these codes).
NOTICES = {
    "episode_added": "Episode recorded.",
    "episode_saved": "Changes saved.",
    "episode_unchanged": "Nothing changed: the episode already had those details.",
    "identity_accepted": "The police's new details for the child are now on the episode.",
    "identity_kept": "The child's details are kept as they were. The police's change is set "
    "aside; a later file with the same change will ask again.",
    "interview_recorded": "Return interview recorded.",
    "meeting_called": "Meeting called. It stays on the CME officers' task lists until it is "
    "recorded as held.",
    "meeting_recorded": "Meeting recorded.",
}


def page(
    request: Request[Any, Any, Any], template: str, status: int = 200, **values: Any
) -> Template:
    """Render with this section's notice, if a form has just been saved."""
    return render_section(request, template, NOTICES, status, words=words, **values)


def _filters(request: Request[Any, Any, Any]) -> Filters:
    return Filters.parse({k: request.query_params.get(k) for k in (*_FILTER_KEYS, "page")})


@dataclass
class EpisodesUpload:
    episodes: UploadFile | None = None


class EpisodesController(Controller):
    path = LIST
    guards = [requires_cme_officer]

    @get("/")
    async def episodes(self, request: Request[Any, Any, Any]) -> Template:
        filters = _filters(request)
        found = await episode_list(viewer_of(request), filters)
        shown = min(filters.page, found.pages)
        return page(
            request,
            "la/episodes.html",
            found=found,
            f=filters,
            states=list(State),
            link=lambda **changes: with_query(LIST, **filters.query(**changes)),
            download=with_query(f"{LIST}.xlsx", **filters.query()),
            shown_page=shown,
            first=(shown - 1) * PAGE_SIZE + 1 if found.total else 0,
            last=min(found.total, shown * PAGE_SIZE),
        )

    def _import_page(
        self, request: Request[Any, Any, Any], status: int = 200, **values: Any
    ) -> Template:
        settings: Settings = request.app.state.settings
        return page(
            request,
            "la/episodes_import.html",
            status,
            limit_mb=settings.max_upload_bytes // (1024 * 1024),
            **values,
        )

    @get("/import")
    async def import_form(self, request: Request[Any, Any, Any]) -> Template:
        return self._import_page(request)

    @post("/import")
    async def import_episodes(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[EpisodesUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        """Small files: imported in the request, all or nothing, and the result shown."""
        viewer = viewer_of(request)
        file = data.episodes
        if not isinstance(file, UploadFile) or not file.filename:
            return self._import_page(
                request, 400, error="Choose the police's episodes file to upload."
            )
        content = await file.read()
        if not content:
            return self._import_page(request, 400, error=f"{file.filename} is empty.")
        settings: Settings = request.app.state.settings
        try:
            result = await import_file(
                viewer, viewer.la_id, content, file.filename, settings.max_upload_bytes
            )
        except EpisodesError as exc:
            return self._import_page(request, 400, refusal=exc, filename=file.filename)
        await queue_matching(request.app.state.jobs)
        return self._import_page(request, result=result, filename=file.filename)

    def _form_page(
        self,
        request: Request[Any, Any, Any],
        form: EpisodeForm,
        status: int = 200,
        errors: dict[str, str] | None = None,
        **values: Any,
    ) -> Template:
        return page(
            request,
            "la/episode_form.html",
            status,
            form=form,
            errors=errors or {},
            labels=EPISODE_LABELS,
            especially=ESPECIALLY_FIELDS,
            **values,
        )

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        return self._form_page(request, EpisodeForm())

    @post("/new")
    async def add(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = EpisodeForm.from_form(await request.form())
        try:
            episode_id = await add_episode(viewer_of(request), form.episode())
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            return self._form_page(request, form, 400, field_errors(exc, EPISODE_ERRORS))
        await queue_matching(request.app.state.jobs)
        return saved(request, f"{LIST}/{episode_id}", "episode_added")

    @get("/{episode_id:int}/edit")
    async def edit(self, request: Request[Any, Any, Any], episode_id: FromPath[int]) -> Template:
        found = await view_episode(viewer_of(request), episode_id)
        return self._form_page(request, EpisodeForm.of(found.view.episode), view=found.view)

    @post("/{episode_id:int}/edit")
    async def save(
        self, request: Request[Any, Any, Any], episode_id: FromPath[int]
    ) -> Template | Redirect:
        form = EpisodeForm.from_form(await request.form())
        viewer = viewer_of(request)
        try:
            changed = await edit_episode(viewer, episode_id, form.episode())
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            # Read only now, so that another LA's episode is not found whatever was typed.
            found = await view_episode(viewer, episode_id)
            errors = field_errors(exc, EPISODE_ERRORS)
            return self._form_page(request, form, 400, errors, view=found.view)
        if changed:
            await queue_matching(request.app.state.jobs)
        code = "episode_saved" if changed else "episode_unchanged"
        return saved(request, f"{LIST}/{episode_id}", code)

    async def _episode_page(
        self,
        request: Request[Any, Any, Any],
        episode_id: int,
        status: int = 200,
        form: InterviewForm | None = None,
        **values: Any,
    ) -> Template:
        found = await view_episode(viewer_of(request), episode_id)
        view = found.view
        return page(
            request,
            "la/episode.html",
            status,
            found=found,
            view=view,
            e=view.episode,
            hours=found.policy.return_interview_hours,
            form=form or InterviewForm.of(view.interview),
            labels=INTERVIEW_LABELS,
            episode_labels=EPISODE_LABELS,
            especially=ESPECIALLY_FIELDS,
            identity=words.identity_rows(view.episode.child, view.pending) if view.pending else [],
            errors=values.pop("errors", {}),
            **values,
        )

    @get("/{episode_id:int}")
    async def episode(self, request: Request[Any, Any, Any], episode_id: FromPath[int]) -> Template:
        return await self._episode_page(request, episode_id)

    @post("/{episode_id:int}/identity")
    async def identity(
        self, request: Request[Any, Any, Any], episode_id: FromPath[int]
    ) -> Template | Redirect:
        answer = str((await request.form()).get("accept") or "")
        try:
            if answer not in ("yes", "no"):
                raise InvalidField("Accept", "Choose whether to accept the change or turn it down.")
            await settle_identity(viewer_of(request), episode_id, accept=answer == "yes")
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            return await self._episode_page(request, episode_id, 400, identity_error=str(exc))
        if answer == "yes":
            await queue_matching(request.app.state.jobs)
        code = "identity_accepted" if answer == "yes" else "identity_kept"
        return saved(request, f"{LIST}/{episode_id}", code)

    @post("/{episode_id:int}/interview")
    async def interview(
        self, request: Request[Any, Any, Any], episode_id: FromPath[int]
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        form = InterviewForm.from_form(await request.form())
        try:
            themes = await interview_themes(viewer, episode_id)
            await record_interview(viewer, episode_id, form.interview(themes))
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            errors = field_errors(exc, INTERVIEW_ERRORS)
            return await self._episode_page(request, episode_id, 400, form, errors=errors)
        return saved(request, f"{LIST}/{episode_id}#interview", "interview_recorded")


@get(f"{LIST}.xlsx", guards=[requires_cme_officer])
async def episodes_xlsx(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The list as filtered on the page, every page of it (a path beside the controller's:
    `.xlsx` is not a child of /la/episodes)."""
    viewer = viewer_of(request)
    content, _ = await episodes_download(viewer, _filters(request))
    return Response(
        content,
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="missing-episodes-{viewer.la_code}.xlsx"'
        },
    )
