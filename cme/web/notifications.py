"""/notifications: a signed-in person's notices, newest first, and marking them read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from cme.errors import InvalidField
from cme.storage import notifications
from cme.web.pages import render, viewer_of


def _page_number(raw: str) -> int:
    raw = raw.strip() or "1"
    # ASCII digits only: str.isdigit also accepts "²".
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
        raise InvalidField("Page", "There is no such page of notifications.")
    return int(raw)


class NotificationsController(Controller):
    path = "/notifications"

    @get("/")
    async def index(self, request: Request[Any, Any, Any], page: FromQuery[str] = "1") -> Template:
        found = await notifications.list_for(viewer_of(request), _page_number(page))
        return render(
            request,
            "notifications.html",
            found=found,
            # The list shows the count as of this page, so the header agrees with it.
            unread_notifications=found.unread,
        )

    @post("/{notification_id:int}/open")
    async def open(
        self, request: Request[Any, Any, Any], notification_id: FromPath[int]
    ) -> Redirect:
        link = await notifications.mark_read(viewer_of(request), notification_id)
        return Redirect(link, status_code=303)

    @post("/read-all")
    async def read_all(self, request: Request[Any, Any, Any]) -> Redirect:
        await notifications.mark_all_read(viewer_of(request))
        return Redirect("/notifications", status_code=303)
