from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from cme.access import Viewer
from cme.attendance import FlagKind
from cme.errors import NotFound
from cme.storage import pupils
from cme.storage.case_views import case_ids_on
from cme.storage.flags import current_flags, flags_download, flags_for_viewer, pupils_download
from cme.storage.tasks import tasks_for
from cme.web import flag_words
from cme.web.guards import requires_school_staff
from cme.web.pages import render, viewer_of
from cme.web.pupil_page import parse_day, pupil_page, with_query
from school_portal.export import XLSX, flags_workbook, pupils_workbook


def _school_of(viewer: Viewer) -> int:
    # The guard admits school staff only; this keeps the rule true under `python -O` too.
    if viewer.school_id is None:
        raise NotFound("no such school")
    return viewer.school_id


@dataclass(frozen=True)
class TodayFilters:
    """The Today page's choices, as the address gives them; anything unknown means "all"."""

    on: str
    flag: FlagKind | None
    year: str

    @classmethod
    def parse(cls, on: str | None, flag: str | None, year: str | None) -> TodayFilters:
        kind = next((k for k in FlagKind if k.value == flag), None)
        return cls(on or "", kind, (year or "").strip())

    def query(self, on: str | None = None) -> dict[str, str | None]:
        return {
            "on": on if on is not None else self.on,
            "flag": self.flag.value if self.flag else None,
            "year": self.year,
        }


def _download(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


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
        chosen = TodayFilters.parse(on, flag, year)
        report = await flags_for_viewer(viewer, _school_of(viewer), parse_day(on))
        shown = report.only(chosen.flag, chosen.year or None)
        groups = shown.by_child()
        cases = (
            await case_ids_on(
                viewer, _school_of(viewer), report.on, [g[0].pupil_id for g in groups]
            )
            if report.on
            else {}
        )
        day = report.on.isoformat() if report.on else ""
        here = with_query("/school/today", **chosen.query(day))
        before = [d for d in report.school_days if report.on and d < report.on]
        after = [d for d in report.school_days if report.on and d > report.on]
        step = {
            "previous": with_query("/school/today", **chosen.query(before[-1].isoformat()))
            if before
            else None,
            "next": with_query("/school/today", **chosen.query(after[0].isoformat()))
            if after
            else None,
        }
        return render(
            request,
            "school/today.html",
            report=report,
            cases=cases,
            groups=groups,
            # Each child's first flag (name, UPN, year) and all their flags, as the rows show.
            rows=[(g[0], [f.flag for f in g]) for g in groups],
            kinds=list(FlagKind),
            years=report.year_groups,
            chosen=chosen,
            here=here,
            step=step,
            download=with_query("/school/today.xlsx", **chosen.query(day)),
            latest=report.school_days[-1] if report.school_days else None,
            bad_date=bool(on) and parse_day(on) is None,
            requested=on or "",
            policy=report.policy,
            words=flag_words,
            # What is due on the person's cases today: shown with the latest register day, the
            # page they sign in to (not when looking back at another day).
            tasks=await tasks_for(viewer)
            if report.school_days and report.on == report.school_days[-1]
            else None,
        )

    @get("/today.xlsx")
    async def today_xlsx(
        self,
        request: Request[Any, Any, Any],
        on: FromQuery[str | None] = None,
        flag: FromQuery[str | None] = None,
        year: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        viewer = viewer_of(request)
        chosen = TodayFilters.parse(on, flag, year)
        report = await flags_download(
            viewer, _school_of(viewer), parse_day(on), chosen.flag, chosen.year or None
        )
        content = flags_workbook(viewer.school_name or "", report, chosen.flag, chosen.year)
        return _download(content, f"flags-{viewer.school_urn}-{report.on or 'none'}.xlsx")

    @get("/pupils")
    async def pupil_list(
        self, request: Request[Any, Any, Any], q: FromQuery[str | None] = None
    ) -> Template:
        viewer = viewer_of(request)
        school_id = _school_of(viewer)
        search = (q or "").strip()
        found = await pupils.list_pupils(viewer, school_id, search=search)
        return render(
            request,
            "school/pupils.html",
            pupils=found,
            flags=await current_flags(viewer, school_id),
            search=search,
            here=with_query("/school/pupils", q=search),
            download=with_query("/school/pupils.xlsx", q=search),
            words=flag_words,
        )

    @get("/pupils.xlsx")
    async def pupil_list_xlsx(
        self, request: Request[Any, Any, Any], q: FromQuery[str | None] = None
    ) -> Response[bytes]:
        viewer = viewer_of(request)
        school_id = _school_of(viewer)
        search = (q or "").strip()
        found, flags = await pupils_download(viewer, school_id, search)
        content = pupils_workbook(viewer.school_name or "", found, flags, search)
        return _download(content, f"pupils-{viewer.school_urn}.xlsx")

    @get("/pupils/{pupil_id:int}")
    async def pupil(
        self,
        request: Request[Any, Any, Any],
        pupil_id: FromPath[int],
        on: FromQuery[str | None] = None,
    ) -> Template:
        return await pupil_page(
            request, pupil_id, back=with_query("/school/today", on=on), on=on, portal="/school/"
        )
