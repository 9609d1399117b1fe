from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from cme.attendance import FlagKind
from cme.storage import pupils
from cme.storage.flags import PupilFlag, flags_for_viewer
from cme.web.guards import requires_school_staff
from cme.web.pages import render, viewer_of
from cme.web.pupil_page import pupil_page
from school_portal.export import flags_workbook


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def group_by_pupil(flags: list[PupilFlag]) -> list[list[PupilFlag]]:
    """One entry per pupil, in the order of each pupil's most urgent flag."""
    groups: dict[int, list[PupilFlag]] = {}
    for f in flags:
        groups.setdefault(f.pupil_id, []).append(f)
    return list(groups.values())


class SchoolController(Controller):
    path = "/school"
    guards = [requires_school_staff]

    @get("/")
    async def home(self) -> Redirect:
        return Redirect("/school/today", status_code=303)

    @get("/today")
    async def today(
        self,
        request: Request[Any, Any, Any],
        on: FromQuery[str | None] = None,
        flag: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
    ) -> Template:
        viewer = viewer_of(request)
        assert viewer.school_id is not None
        chosen = _day(on)
        report = await flags_for_viewer(viewer, viewer.school_id, chosen)
        shown = [
            f
            for f in report.flags
            if (not flag or f.flag.kind.value == flag) and (not year or f.year_group == year)
        ]
        years = sorted({f.year_group for f in report.flags}, key=lambda y: (len(y), y))
        return render(
            request,
            "school/today.html",
            report=report,
            groups=group_by_pupil(shown),
            kinds=list(FlagKind),
            years=years,
            chosen_flag=flag or "",
            chosen_year=year or "",
            bad_date=bool(on) and chosen is None,
            requested=on or "",
        )

    @get("/today.xlsx")
    async def today_xlsx(
        self, request: Request[Any, Any, Any], on: FromQuery[str | None] = None
    ) -> Response[bytes]:
        viewer = viewer_of(request)
        assert viewer.school_id is not None
        report = await flags_for_viewer(viewer, viewer.school_id, _day(on))
        content = flags_workbook(viewer.school_name or "", report)
        name = f"flags-{viewer.school_urn}-{report.on or 'none'}.xlsx"
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @get("/pupils")
    async def pupil_list(self, request: Request[Any, Any, Any]) -> Template:
        viewer = viewer_of(request)
        return render(request, "school/pupils.html", pupils=await pupils.list_pupils(viewer))

    @get("/pupils/{pupil_id:int}")
    async def pupil(
        self,
        request: Request[Any, Any, Any],
        pupil_id: FromPath[int],
        on: FromQuery[str | None] = None,
    ) -> Template:
        return await pupil_page(request, pupil_id, back="/school/today", on=_day(on))
