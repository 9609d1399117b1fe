"""Uploading the pupil-details export, and adding or correcting a contact by hand.

Pupil-details files are small (a row or a few per pupil), so they are imported in the
request and the result shown at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from cme.errors import NotFound, UserError
from cme.jobs.tasks import queue_matching
from cme.pupil_details import ContactForm
from cme.settings import Settings
from cme.storage import pupil_details
from cme.web.guards import requires_school_staff
from cme.web.pages import field_errors, notice_cookie, render, viewer_of
from imports.pupil_details import PupilDetailsError

URL_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
CONTACT_FIELDS = {
    "Name": "name",
    "Relationship": "relationship",
    "Phone numbers": "phones",
    "Email address": "email",
    "Address": "address",
    "Postcode": "postcode",
    "Priority": "priority",
}


@dataclass
class DetailsUpload:
    details: UploadFile | None = None


class PupilDetailsController(Controller):
    path = "/school/pupil-details"
    guards = [requires_school_staff]

    def _page(self, request: Request[Any, Any, Any], status: int = 200, **values: Any) -> Template:
        settings: Settings = request.app.state.settings
        return render(
            request,
            "school/pupil_details.html",
            status_code=status,
            limit_mb=settings.max_upload_bytes // (1024 * 1024),
            **values,
        )

    @get("/")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return self._page(request)

    @post("/")
    async def upload(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[DetailsUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        viewer = viewer_of(request)
        if viewer.school_id is None:  # the guard admits school staff only
            raise NotFound("no school")
        file = data.details
        if not isinstance(file, UploadFile) or not file.filename:
            return self._page(request, 400, error="Choose the pupil details file to upload.")
        content = await file.read()
        if not content:
            return self._page(request, 400, error=f"{file.filename} is empty.")
        settings: Settings = request.app.state.settings
        try:
            result = await pupil_details.import_file(
                viewer, viewer.school_id, content, file.filename, settings.max_upload_bytes
            )
        except PupilDetailsError as exc:
            return self._page(request, 400, refusal=exc, filename=file.filename)
        await queue_matching(request.app.state.jobs)
        return self._page(request, result=result, filename=file.filename)

    async def _contact_page(
        self,
        request: Request[Any, Any, Any],
        pupil_id: int,
        ref: int | None,
        form: ContactForm | None = None,
        errors: dict[str, str] | None = None,
    ) -> Template:
        pupil, contact = await pupil_details.contact_for_viewer(viewer_of(request), pupil_id, ref)
        if form is None and contact is not None:
            form = ContactForm.of(contact)
        return render(
            request,
            "school/pupil_details_contact.html",
            status_code=400 if errors else 200,
            pupil=pupil,
            ref=ref,
            form=form,
            errors=errors or {},
        )

    @get("/pupils/{pupil_id:int}/contacts/new")
    async def new_contact(
        self, request: Request[Any, Any, Any], pupil_id: FromPath[int]
    ) -> Template:
        return await self._contact_page(request, pupil_id, None)

    @post("/pupils/{pupil_id:int}/contacts")
    async def add_contact(
        self,
        request: Request[Any, Any, Any],
        pupil_id: FromPath[int],
        data: Annotated[ContactForm, URL_FORM],
    ) -> Template | Redirect:
        try:
            await pupil_details.add_contact(viewer_of(request), pupil_id, data)
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            errors = field_errors(exc, CONTACT_FIELDS)
            return await self._contact_page(request, pupil_id, None, data, errors)
        return _back_to_pupil(request, pupil_id, "contact_added")

    @get("/pupils/{pupil_id:int}/contacts/{ref:int}")
    async def contact(
        self, request: Request[Any, Any, Any], pupil_id: FromPath[int], ref: FromPath[int]
    ) -> Template:
        return await self._contact_page(request, pupil_id, ref)

    @post("/pupils/{pupil_id:int}/contacts/{ref:int}")
    async def correct_contact(
        self,
        request: Request[Any, Any, Any],
        pupil_id: FromPath[int],
        ref: FromPath[int],
        data: Annotated[ContactForm, URL_FORM],
    ) -> Template | Redirect:
        try:
            changed = await pupil_details.correct_contact(viewer_of(request), pupil_id, ref, data)
        except UserError as exc:
            if isinstance(exc, NotFound):
                raise
            errors = field_errors(exc, CONTACT_FIELDS)
            return await self._contact_page(request, pupil_id, ref, data, errors)
        return _back_to_pupil(request, pupil_id, "contact_corrected" if changed else "")


def _back_to_pupil(request: Request[Any, Any, Any], pupil_id: int, notice: str) -> Redirect:
    redirect = Redirect(f"/school/pupils/{pupil_id}#contacts", status_code=303)
    if notice:
        settings: Settings = request.app.state.settings
        redirect.cookies.append(notice_cookie(notice, settings.secure_cookies))
    return redirect
