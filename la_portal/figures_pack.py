"""The partnership's termly pack (issue 12 §3), for the LA's CME officers: a printable page
and the same figures as an .xlsx workbook. Both have small numbers hidden: the pack goes
beyond the LA."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template
from litestar.status_codes import HTTP_404_NOT_FOUND

from cme.exports.partnership_pack import workbook
from cme.measures.tables import SUPPRESSION_NOTE
from cme.storage.measures.pack import UnknownTerm, pack_download, termly_pack
from cme.web.guards import requires_cme_officer
from cme.web.pages import render, viewer_of
from school_portal.export import XLSX

BASE = "/la/figures/pack"


def _no_such_term(request: Request[Any, Any, Any], exc: UnknownTerm) -> Template:
    return render(
        request,
        "la/figures_pack.html",
        status_code=HTTP_404_NOT_FOUND,
        pack=None,
        problem=str(exc),
        terms=exc.terms,
        suppression=SUPPRESSION_NOTE,
    )


@get(BASE, guards=[requires_cme_officer])
async def figures_pack(
    request: Request[Any, Any, Any], term: FromQuery[str | None] = None
) -> Template:
    """The pack as a page to read and print (A4)."""
    try:
        pack = await termly_pack(viewer_of(request), term)
    except UnknownTerm as exc:
        return _no_such_term(request, exc)
    return render(
        request, "la/figures_pack.html", pack=pack, terms=pack.terms, suppression=SUPPRESSION_NOTE
    )


@get(f"{BASE}.xlsx", guards=[requires_cme_officer])
async def figures_pack_xlsx(
    request: Request[Any, Any, Any], term: FromQuery[str | None] = None
) -> Response[bytes] | Template:
    """The pack as a workbook: a contents sheet and a sheet per measure."""
    viewer = viewer_of(request)
    try:
        pack = await pack_download(viewer, term)
    except UnknownTerm as exc:
        return _no_such_term(request, exc)
    name = f"termly-pack-{pack.la_code}-{pack.term_key}.xlsx"
    return Response(
        workbook(pack),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
