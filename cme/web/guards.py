"""Which roles may open which pages. Row-level scoping is the data layer's job, not this."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from cme.access import Viewer
from cme.roles import Role


def _viewer(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer:
    user = connection.user
    if not isinstance(user, Viewer):
        raise PermissionDeniedException("Sign in to see this page.")
    return user


def requires_school_staff(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    if not _viewer(connection).role.works_in_school:
        raise PermissionDeniedException("This page is for school staff.")


def requires_la_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not _viewer(connection).role.works_in_la:
        raise PermissionDeniedException("This page is for local authority staff.")


def requires_la_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if _viewer(connection).role is not Role.LA_ADMIN:
        raise PermissionDeniedException("This page is for LA administrators.")


def requires_cme_officer(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    if _viewer(connection).role is not Role.CME_OFFICER:
        raise PermissionDeniedException("This page is for the LA's CME officers.")


def requires_pupil_access(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    if not _viewer(connection).sees_pupils:
        raise PermissionDeniedException("Your role does not give access to pupils' records.")
