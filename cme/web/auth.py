"""Sign-in, sign-out and the session cookie.

Sessions are rows in the database (only a hash of the id is stored), so every app process
shares them and signing out ends them everywhere. A new id is issued at every sign-in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from cme.settings import Settings
from cme.storage import accounts
from cme.web.pages import home_for, render, viewer_of

SESSION_COOKIE = "cme_session"


def _settings(connection: ASGIConnection[Any, Any, Any, Any]) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


def _idle(connection: ASGIConnection[Any, Any, Any, Any]) -> timedelta:
    return timedelta(minutes=_settings(connection).session_idle_minutes)


class SessionAuthentication(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        viewer = await accounts.viewer_for_session(token, _idle(connection)) if token else None
        if viewer is None:
            raise NotAuthorizedException("Sign in to continue.")
        return AuthenticationResult(user=viewer, auth=token)


def _safe_next(value: str | None) -> str | None:
    # Only paths on this site: "//evil.example" and "https://…" would be open redirects.
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


class SignInController(Controller):
    path = "/"

    @get("/signin", exclude_from_auth=True)
    async def signin_form(
        self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None
    ) -> Template:
        return render(request, "signin.html", next=_safe_next(next) or "", email="", message="")

    @post("/signin", exclude_from_auth=True)
    async def signin(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await request.form()
        email = str(form.get("email", ""))
        result = await accounts.sign_in(email, str(form.get("password", "")))
        next_path = _safe_next(str(form.get("next", "")))
        if result.viewer is None:
            return render(
                request,
                "signin.html",
                status_code=400,
                next=next_path or "",
                email=email,
                message=result.message,
            )
        settings = _settings(request)
        token = await accounts.start_session(
            result.viewer.user_id, _idle(request), replacing=request.cookies.get(SESSION_COOKIE)
        )
        return Redirect(
            next_path or home_for(result.viewer),
            status_code=303,
            cookies=[
                Cookie(
                    key=SESSION_COOKIE,
                    value=token,
                    httponly=True,
                    samesite="lax",
                    secure=settings.secure_cookies,
                    path="/",
                )
            ],
        )

    @post("/signout")
    async def signout(self, request: Request[Any, Any, Any]) -> Redirect:
        await accounts.sign_out(viewer_of(request), request.cookies.get(SESSION_COOKIE))
        response = Redirect("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Redirect:
        return Redirect(home_for(viewer_of(request)), status_code=303)

    @get("/health", exclude_from_auth=True)
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}
