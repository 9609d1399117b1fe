"""The pupil page, shared by the school and LA portals: details, flags and the calendar."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request
from litestar.response import Template

from cme.storage.flags import pupil_record
from cme.web import calendar_view, flag_words
from cme.web.pages import render, viewer_of
from cme.web.pupil_sections import pupil_sections


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def local_path(value: str | None, portal: str) -> str | None:
    """`value` if it is a path inside `portal` ("/school/") of this site, else None: a Back
    link taken from the address must never lead to another site."""
    if not value or not value.startswith(portal) or "\\" in value or "//" in value:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def with_query(path: str, **params: str | None) -> str:
    """`path` with the non-empty `params` as its query string."""
    kept = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(kept)}" if kept else path


async def pupil_page(
    request: Request[Any, Any, Any],
    pupil_id: int,
    back: str,
    on: str | None = None,
    portal: str = "/school/",
) -> Template:
    """`back` is where the Back link goes unless the address names a local `back` of its
    own (the list the user came from, with its day and filters); it may name `{school_id}`,
    filled in from the pupil's record."""
    chosen = parse_day(on)
    record = await pupil_record(viewer_of(request), pupil_id, chosen)
    first = record.flags[0] if record.flags else None
    run_since = first.run_since if first and first.run_school_days else None
    months = calendar_view.months(
        record.marks,
        record.school_days,
        record.closed_days,
        run_since,
        record.on if run_since else None,
        chosen=record.on,
    )
    back_to = local_path(request.query_params.get("back"), portal)
    viewer = viewer_of(request)
    sections = await pupil_sections(viewer, record.pupil, portal)
    return render(
        request,
        "pupil.html",
        pupil=record.pupil,
        flags=record.flags,
        on=record.on,
        is_school_day=record.is_school_day,
        bad_date=bool(on) and chosen is None,
        requested=on or "",
        first_day=record.school_days[0] if record.school_days else None,
        last_day=record.school_days[-1] if record.school_days else None,
        run=first if run_since else None,
        policy=record.policy,
        words=flag_words,
        months=months,
        legend=calendar_view.LEGEND,
        back=back_to or back.format(school_id=record.pupil["school.id"]),
        back_param=back_to or "",
        **sections,
    )
