"""The pupil page, shared by the school and LA portals: details, flags and the calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request
from litestar.response import Template

from cme.storage.flags import pupil_record
from cme.web import calendar_view
from cme.web.pages import render, viewer_of


async def pupil_page(
    request: Request[Any, Any, Any], pupil_id: int, back: str, on: date | None = None
) -> Template:
    """`back` may name `{school_id}`, filled in from the pupil's record."""
    record = await pupil_record(viewer_of(request), pupil_id, on)
    run = next((f for f in record.flags if f.run_school_days), None)
    months = calendar_view.months(
        record.marks,
        record.school_days,
        record.closed_days,
        run.since if run else None,
        record.on if run else None,
    )
    return render(
        request,
        "pupil.html",
        pupil=record.pupil,
        flags=record.flags,
        on=record.on,
        run=run,
        months=months,
        legend=calendar_view.LEGEND,
        back=back.format(school_id=record.pupil["school.id"]),
    )
