"""Sign-in, sign-out and the session cookie.

Sessions are rows in the database (only a hash of the id is stored), so every app process
shares them and signing out ends them everywhere. A new id is issued at every sign-in.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template

from cme.errors import InvalidField, NotFound, UserError
from cme.settings import Settings
from cme.storage import accounts, passwords
from cme.web.pages import (
    SESSION_COOKIE,
    MustChangePassword,
    field_errors,
    home_for,
    notice_cookie,
    render,
    viewer_of,
)

__all__ = ["SESSION_COOKIE", "SessionAuthentication", "SignInController"]

# The only pages open to someone who must choose a password first.
PASSWORD_PAGE = "/account/password"  # noqa: S105  (a path, not a password)
OPEN_WHILE_CHANGING = frozenset({PASSWORD_PAGE, "/signout"})
URL_FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


_LINK_TOKEN = re.compile(r"(/password/)[^/?#\s\"]+")


class HideLinkTokens(logging.Filter):
    """Keeps one-time password links out of the access log (`cme serve`): anyone who can
    read the log could otherwise use a link before the person it was issued to."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _LINK_TOKEN.sub(r"\1[hidden]", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                _LINK_TOKEN.sub(r"\1[hidden]", a) if isinstance(a, str) else a for a in record.args
            )
        return True


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
        state = await accounts.session_for_token(token, _idle(connection)) if token else None
        if state is None:
            raise NotAuthorizedException("Sign in to continue.")
        if state.must_change_password and connection.url.path not in OPEN_WHILE_CHANGING:
            raise MustChangePassword()
        return AuthenticationResult(user=state.viewer, auth=token)


@dataclass
class SignInForm:
    email: str = ""
    password: str = ""
    next: str = ""


@dataclass
class ChooseForm:
    password: str = ""
    confirm: str = ""


@dataclass
class ChangeForm:
    current: str = ""
    password: str = ""
    confirm: str = ""


# Field labels (as InvalidField names them) to the inputs of the password forms.
PASSWORD_FIELDS = {
    "Current password": "current",
    "Password": "password",
    "New password": "password",
    "Confirm password": "confirm",
}


def _session_cookie(request: Request[Any, Any, Any], token: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        secure=_settings(request).secure_cookies,
        path="/",
    )


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
    async def signin(
        self, request: Request[Any, Any, Any], data: Annotated[SignInForm, URL_FORM]
    ) -> Template | Redirect:
        email = data.email
        result = await accounts.sign_in(email, data.password)
        next_path = _safe_next(data.next)
        if result.viewer is None:
            return render(
                request,
                "signin.html",
                status_code=400,
                next=next_path or "",
                email=email,
                message=result.message,
            )
        token = await accounts.start_session(
            result.viewer.user_id, _idle(request), replacing=request.cookies.get(SESSION_COOKIE)
        )
        return Redirect(
            next_path or home_for(result.viewer),
            status_code=303,
            cookies=[_session_cookie(request, token)],
        )

    @post("/signout")
    async def signout(self, request: Request[Any, Any, Any]) -> Redirect:
        await accounts.sign_out(viewer_of(request), request.cookies.get(SESSION_COOKIE))
        response = Redirect(
            "/signin",
            status_code=303,
            cookies=[notice_cookie("signed_out", _settings(request).secure_cookies)],
        )
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/password/{token:str}", exclude_from_auth=True)
    async def choose_form(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        try:
            holder = await passwords.link_holder(token)
        except UserError as exc:
            return _link_problem(request, exc)
        return render(request, "password_choose.html", holder=holder, token=token, errors={})

    @post("/password/{token:str}", exclude_from_auth=True)
    async def choose(
        self,
        request: Request[Any, Any, Any],
        token: FromPath[str],
        data: Annotated[ChooseForm, URL_FORM],
    ) -> Template | Redirect:
        try:
            holder = await passwords.link_holder(token)
            account_id = await passwords.choose_with_link(token, data.password, data.confirm)
        except InvalidField as exc:
            return render(
                request,
                "password_choose.html",
                status_code=400,
                holder=holder,
                token=token,
                errors=field_errors(exc, PASSWORD_FIELDS),
            )
        except UserError as exc:
            return _link_problem(request, exc)
        return await _signed_in(request, account_id, "password_set")

    @get(PASSWORD_PAGE)
    async def change_form(self, request: Request[Any, Any, Any]) -> Template:
        return await _change_page(request)

    @post(PASSWORD_PAGE)
    async def change(
        self, request: Request[Any, Any, Any], data: Annotated[ChangeForm, URL_FORM]
    ) -> Template | Redirect:
        viewer = viewer_of(request)
        try:
            await passwords.change_own(viewer, data.current, data.password, data.confirm)
        except UserError as exc:
            return await _change_page(request, 400, errors=field_errors(exc, PASSWORD_FIELDS))
        return await _signed_in(request, viewer.user_id, "password_changed")

    @get("/")
    async def home(self, request: Request[Any, Any, Any]) -> Redirect:
        return Redirect(home_for(viewer_of(request)), status_code=303)


def _link_problem(request: Request[Any, Any, Any], exc: UserError) -> Template:
    status = 404 if isinstance(exc, NotFound) else 400
    return render(request, "password_link_problem.html", status_code=status, problem=exc)


async def _change_page(
    request: Request[Any, Any, Any], status: int = 200, errors: dict[str, str] | None = None
) -> Template:
    forced = await accounts.must_change_password(viewer_of(request).user_id)
    return render(
        request,
        "password_change.html",
        status_code=status,
        forced=forced,
        hide_nav=forced,
        errors=errors or {},
    )


async def _signed_in(request: Request[Any, Any, Any], account_id: int, notice: str) -> Redirect:
    """A fresh session after a password is chosen (choosing one ends every other session)."""
    token = await accounts.start_session(
        account_id, _idle(request), replacing=request.cookies.get(SESSION_COOKIE)
    )
    viewer = await accounts.viewer_for_account(account_id)
    return Redirect(
        home_for(viewer),
        status_code=303,
        cookies=[
            _session_cookie(request, token),
            notice_cookie(notice, _settings(request).secure_cookies),
        ],
    )
