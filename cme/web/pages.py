"""Rendering helpers and the error pages every portal shares."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, cast

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.middleware.csrf import generate_csrf_token
from litestar.response import Redirect, Template
from litestar.response.base import ASGIResponse
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_500_INTERNAL_SERVER_ERROR
from litestar.utils.scope.state import ScopeState

from cme.access import Viewer
from cme.errors import InvalidField, NotFound, UserError
from cme.timeline import LONDON

SESSION_COOKIE = "cme_session"
# A one-off message for the next page shown (after a redirect): its code, never free text,
# so that a planted cookie can only choose among these.
NOTICE_COOKIE = "cme_notice"
NOTICES = {
    "signed_out": "You have signed out.",
    "password_changed": "Your password has been changed.",
    "password_set": "Your password is set and you are signed in.",
    "user_saved": "Changes saved.",
    "user_deactivated": "Account deactivated. Its sessions have ended and it cannot sign in.",
    "user_reactivated": "Account reactivated. It can sign in again.",
    "user_unlocked": "Account unlocked. It can sign in again now.",
    "leave_recorded": "Leave of absence recorded.",
    "leave_withdrawn": "Leave of absence withdrawn.",
    "contact_added": "Contact added.",
    "contact_corrected": "Contact corrected. The earlier details are kept in the pupil's history.",
    "cases_assigned": "Cases assigned. Each case's timeline records who assigned it and when.",
    "cases_unassigned": "The cases are no longer assigned to anyone.",
    "cases_unchanged": "Nothing changed: those cases were already assigned that way.",
}


class MustChangePassword(HTTPException):
    """The signed-in person must choose a password before any other page."""

    status_code = 303


def viewer_of(request: Request[Any, Any, Any]) -> Viewer:
    user = request.scope.get("user")
    if not isinstance(user, Viewer):
        raise NotAuthorizedException("Sign in to continue.")
    return user


def render(
    request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any
) -> Template:
    user = request.scope.get("user")
    cookies: list[Cookie] = []
    code = request.cookies.get(NOTICE_COOKIE)
    if code is not None:
        context.setdefault("notice", NOTICES.get(code, ""))
        cookies.append(Cookie(key=NOTICE_COOKIE, value="", max_age=0, path="/"))
    page_class = _SignedInPage if isinstance(user, Viewer) else Template
    return page_class(
        template_name=template,
        context={"viewer": user if isinstance(user, Viewer) else None, **context},
        status_code=status_code,
        cookies=cookies,
    )


def render_section(
    request: Request[Any, Any, Any],
    template: str,
    notices: Mapping[str, str],
    status_code: int = 200,
    **context: Any,
) -> Template:
    """`render` for a section with notices of its own: a notice a form left (`saved`) is
    shown once in the section's words, else in the shared ones."""
    code = request.cookies.get(NOTICE_COOKIE)
    if code is not None and code in notices:
        context.setdefault("notice", notices[code])
    return render(request, template, status_code=status_code, **context)


class _SignedInPage(Template):
    """A page for a signed-in person: the header's count of unread notifications is read
    (one COUNT) as the page is sent, so every page has it and no controller need ask."""

    def to_asgi_response(
        self, app: Any, request: Request[Any, Any, Any], **kwargs: Any
    ) -> ASGIResponse:
        render_page = super().to_asgi_response

        async def respond(scope: Any, receive: Any, send: Any) -> None:
            viewer = scope.get("user")
            if isinstance(viewer, Viewer) and "unread_notifications" not in self.context:
                self.context["unread_notifications"] = await _unread(request, viewer)
            await render_page(app, request, **kwargs)(scope, receive, send)

        return cast(ASGIResponse, respond)


async def _unread(request: Request[Any, Any, Any], viewer: Viewer) -> int | None:
    from cme.storage import notifications

    try:
        return await notifications.unread_count(viewer)
    except Exception:
        # The page (perhaps the error page for this very failure) is still shown, without
        # the count.
        request.logger.exception("could not count unread notifications")
        return None


def saved(request: Request[Any, Any, Any], to: str, code: str) -> Redirect:
    """After a form is done: go on to `to`, which shows the notice `code` once."""
    secure: bool = request.app.state.settings.secure_cookies
    return Redirect(to, status_code=303, cookies=[notice_cookie(code, secure)])


def notice_cookie(code: str, secure: bool) -> Cookie:
    """Shows NOTICES[code] on the next page rendered, once."""
    return Cookie(
        key=NOTICE_COOKIE,
        value=code,
        max_age=120,
        path="/",
        httponly=True,
        secure=secure,
        samesite="lax",
    )


def field_errors(exc: UserError, fields: Mapping[str, str]) -> dict[str, str]:
    """The message keyed by the form input it is about, so the form can show it beside that
    input. `fields` maps field labels (as InvalidField names them, any case) to input
    names; a message about no input of the form is keyed "" and shown above it."""
    if isinstance(exc, InvalidField):
        name = {k.lower(): v for k, v in fields.items()}.get(exc.field.lower())
        if name:
            return {name: str(exc)}
    return {"": str(exc)}


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
    if isinstance(exc, MustChangePassword):
        return Redirect("/account/password", status_code=303)
    if status == 404:
        if "user" not in request.scope:
            # No route matched, so the session was never looked up: do it here, so that a
            # signed-in person keeps their header and navigation on the "not found" page.
            return cast(Response[Any], _NotFoundWithSession())
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


def id_out_of_range(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An id in the address too large for the database's integers (SQLite raises
    OverflowError, PostgreSQL's driver a DataError): no such record, as for any other id."""
    if isinstance(exc, OverflowError) or "out of int32 range" in str(exc):
        return not_found(request, NotFound(str(exc)))
    return server_error(request, exc)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error on %s", request.url.path)
    return _error(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The tracker could not complete that. Nothing was changed; please try again, and tell "
        "your LA administrator if it keeps happening.",
    )


class _NotFoundWithSession(Response[Any]):
    def __init__(self) -> None:
        super().__init__(content=None, status_code=HTTP_404_NOT_FOUND)

    def to_asgi_response(
        self, app: Any, request: Request[Any, Any, Any], **kwargs: Any
    ) -> ASGIResponse:
        async def respond(scope: Any, receive: Any, send: Any) -> None:
            from cme.storage import accounts

            settings = request.app.state.settings
            token = request.cookies.get(SESSION_COOKIE)
            state = None
            if token:
                idle = timedelta(minutes=settings.session_idle_minutes)
                state = await accounts.session_for_token(token, idle)
            cookies: list[Cookie] = []
            if state is not None:
                scope["user"] = state.viewer
                # The CSRF middleware did not run either; the sign-out form needs its token.
                csrf = request.app.csrf_config
                token_value = request.cookies.get(csrf.cookie_name) if csrf else None
                if csrf and not token_value:
                    token_value = generate_csrf_token(csrf.secret)
                    cookies.append(
                        Cookie(
                            key=csrf.cookie_name,
                            value=token_value,
                            path=csrf.cookie_path,
                            secure=csrf.cookie_secure,
                            httponly=csrf.cookie_httponly,
                            samesite=csrf.cookie_samesite,
                        )
                    )
                ScopeState.from_scope(scope).csrf_token = token_value or ""
            page = _error(
                request, 404, "Not found", "There is no such page, or it is not one you can see."
            )
            assert isinstance(page, Template)
            if state is not None and state.must_change_password:
                page.context["hide_nav"] = True
            page.cookies.extend(cookies)
            await page.to_asgi_response(None, request, **kwargs)(scope, receive, send)

        return cast(ASGIResponse, respond)
