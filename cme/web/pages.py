"""Rendering helpers and the error pages every portal shares."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_500_INTERNAL_SERVER_ERROR

from cme.access import Viewer
from cme.errors import NotFound, UserError
from cme.timeline import LONDON


def viewer_of(request: Request[Any, Any, Any]) -> Viewer:
    user = request.scope.get("user")
    if not isinstance(user, Viewer):
        raise NotAuthorizedException("Sign in to continue.")
    return user


def render(
    request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any
) -> Template:
    user = request.scope.get("user")
    return Template(
        template_name=template,
        context={"viewer": user if isinstance(user, Viewer) else None, **context},
        status_code=status_code,
    )


def london(value: datetime | date | None, fmt: str = "%d %b %Y %H:%M") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime(fmt)
    return value.strftime(fmt if "%H" not in fmt else "%d %b %Y")


def uk_date(value: date | str | None) -> str:
    """dd/mm/yyyy, from a date or an ISO date string (as import summaries store them)."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return value.strftime("%d/%m/%Y") if value else ""


def home_for(viewer: Viewer) -> str:
    return "/school" if viewer.role.works_in_school else "/la"


def _error(request: Request[Any, Any, Any], status: int, title: str, message: str) -> Response[Any]:
    return render(request, "error.html", status_code=status, title=title, message=message)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 401 or isinstance(exc, NotAuthorizedException):
        if request.method == "GET":
            return Redirect(f"/signin?next={request.url.path}")
        return _error(request, 401, "Please sign in", "Your session has ended. Sign in again.")
    if status == 403:
        detail = str(exc.detail or "")
        if "CSRF" in detail:
            return _error(
                request,
                403,
                "The form had expired",
                "For your security the form could not be accepted. Go back, reload the page "
                "and try again.",
            )
        return _error(request, 403, "You do not have access to this page", detail)
    if status == 404:
        return _error(
            request, 404, "Not found", "There is no such page, or it is not one you can see."
        )
    if status == 413:
        return _error(request, 413, "File too large", str(exc.detail))
    return _error(request, status, "Something was wrong with that request", str(exc.detail))


def not_found(request: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    return _error(
        request,
        HTTP_404_NOT_FOUND,
        "Not found",
        "There is no such record, or it is not one you can see.",
    )


def user_error(request: Request[Any, Any, Any], exc: UserError) -> Response[Any]:
    """A refusal or a bad value that reached no form able to show it beside the field."""
    if isinstance(exc, NotFound):
        return not_found(request, exc)
    return _error(request, 400, "That could not be done", str(exc))


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error on %s", request.url.path)
    return _error(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The tracker could not complete that. Nothing was changed; please try again, and tell "
        "your LA administrator if it keeps happening.",
    )
