"""What the LA's CME officers see of cross-matching: the proposals waiting for a person, most
likely first; the episodes the matcher linked by itself (any of which a person may undo); the
decisions made; and one proposal with the episode's other candidates, its look recorded in
the access log. Paged and counted in the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cme.access import Viewer
from cme.errors import NotFound
from cme.events import Action
from cme.matching.explain import FieldReason
from cme.storage import audit
from cme.storage.engine import write_transaction
from cme.storage.matching import CONFIRMED, REJECTED, WAITING_SQL
from cme.storage.tables import EpisodeMatch, LocalAuthority
from cme.storage.values import as_day, as_moment

PAGE_SIZE = 25


class Kind(StrEnum):
    WAITING = "waiting"
    LINKED = "linked"
    DECIDED = "decided"


_KIND_SQL = {
    Kind.WAITING: WAITING_SQL,
    Kind.LINKED: "m.decision = '' AND m.band = 'auto'",
    Kind.DECIDED: "m.decision <> ''",
}
# Most likely first; among equals, the newest report (the child most likely still at risk).
_ORDER = {
    Kind.WAITING: "m.score DESC, e.reported_at DESC, m.id",
    Kind.LINKED: "e.reported_at DESC, m.id",
    Kind.DECIDED: "m.decided_at DESC, m.id DESC",
}

_SELECT = """
SELECT m.id, m.episode, m.pupil, m.score, m.band, m.reasons, m.why, m.decision, m.decided_at,
       a.display_name AS decided_by, e.force, e.reference, e.reported_at, e.returned_at,
       e.forename AS e_forename, e.surname AS e_surname, e.date_of_birth AS e_born,
       p.legal_forename, p.legal_surname, p.upn, p.year_group, p.date_of_birth,
       s.name AS school_name
FROM episode_match m
JOIN missing_episode e ON e.id = m.episode
JOIN pupil p ON p.id = m.pupil
JOIN school s ON s.id = p.school
LEFT JOIN account a ON a.id = m.decided_by
"""


@dataclass(frozen=True)
class Proposal:
    id: int
    episode_id: int
    pupil_id: int
    score: float
    band: str  # "auto" or "review"
    decision: str  # "", "confirmed" or "rejected"
    decided_by: str
    decided_at: datetime | None
    reasons: tuple[FieldReason, ...]
    why: str  # why the matcher linked the pair itself, or left it to a person
    force: str
    reference: str
    reported_at: datetime
    returned_at: datetime | None
    episode_name: str
    episode_born: date | None
    pupil_name: str
    pupil_born: date | None
    upn: str
    year_group: str
    school_name: str

    @property
    def waiting(self) -> bool:
        return not self.decision and self.band == "review"

    @property
    def linked(self) -> bool:
        return self.decision == CONFIRMED or (not self.decision and self.band == "auto")

    @property
    def undone(self) -> bool:
        return self.decision == REJECTED and self.band == "auto"


@dataclass(frozen=True)
class Queue:
    kind: Kind
    rows: list[Proposal]
    total: int
    pages: int
    page: int
    counts: dict[Kind, int]


@dataclass(frozen=True)
class Status:
    run_at: datetime | None
    owed: bool  # an import has changed episodes or pupils since matching last ran


@dataclass(frozen=True)
class ProposalPage:
    proposal: Proposal
    others: list[Proposal]  # the episode's other candidates, most likely first
    next_id: int | None  # the next proposal waiting, for working down the queue


def _proposal(r: dict[str, Any]) -> Proposal:
    return Proposal(
        id=int(r["id"]),
        episode_id=int(r["episode"]),
        pupil_id=int(r["pupil"]),
        score=float(r["score"]),
        band=r["band"],
        decision=r["decision"],
        decided_by=r["decided_by"] or "",
        decided_at=as_moment(r["decided_at"]),
        reasons=tuple(FieldReason(**f) for f in json.loads(r["reasons"] or "[]")),
        why=r["why"] or "",
        force=r["force"],
        reference=r["reference"],
        reported_at=as_moment(r["reported_at"]) or datetime.min,
        returned_at=as_moment(r["returned_at"]),
        episode_name=f"{r['e_forename']} {r['e_surname']}".strip(),
        episode_born=as_day(r["e_born"]),
        pupil_name=f"{r['legal_forename']} {r['legal_surname']}".strip(),
        pupil_born=as_day(r["date_of_birth"]),
        upn=r["upn"],
        year_group=r["year_group"],
        school_name=r["school_name"],
    )


def _la(viewer: Viewer) -> int:
    """The LA whose matches the viewer may see: only LA staff who see children."""
    if not viewer.sees_la_children:
        raise NotFound("Matches are for the LA's CME officers.")
    return viewer.la_id


async def counts(viewer: Viewer) -> dict[Kind, int]:
    la_id = _la(viewer)
    sums = ", ".join(
        f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {kind.value}"
        for kind, cond in _KIND_SQL.items()
    )
    row = (await EpisodeMatch.raw(f"SELECT {sums} FROM episode_match m WHERE m.la = {{}}", la_id))[
        0
    ]
    return {kind: int(row[kind.value] or 0) for kind in Kind}


async def queue(viewer: Viewer, kind: Kind, page: int = 1, every_page: bool = False) -> Queue:
    """One page of proposals of this kind (or, for the download, all of them)."""
    la_id = _la(viewer)
    found = await counts(viewer)
    total = found[kind]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    limit = "" if every_page else f" LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"
    rows = await EpisodeMatch.raw(
        f"{_SELECT} WHERE m.la = {{}} AND {_KIND_SQL[kind]} ORDER BY {_ORDER[kind]}{limit}",
        la_id,
    )
    return Queue(kind, [_proposal(dict(r)) for r in rows], total, pages, page, found)


async def status(viewer: Viewer) -> Status:
    row = (
        await LocalAuthority.select(
            LocalAuthority.matches_run_at,
            LocalAuthority.matches_wanted,
            LocalAuthority.matches_done,
        )
        .where(LocalAuthority.id == _la(viewer))
        .first()
    )
    if row is None:
        return Status(None, False)
    return Status(
        as_moment(row["matches_run_at"]), int(row["matches_done"]) < int(row["matches_wanted"])
    )


async def view_proposal(viewer: Viewer, match_id: int) -> ProposalPage:
    """One proposal, with the other pupils proposed for the same episode, if the viewer may
    see it (NotFound otherwise); the look is recorded in the access log."""
    la_id = _la(viewer)
    async with write_transaction():
        rows = await EpisodeMatch.raw(
            f"{_SELECT} WHERE m.la = {{}} AND m.id = {{}}", la_id, match_id
        )
        if not rows:
            raise NotFound("There is no such possible match, or it is not one of your LA's.")
        proposal = _proposal(dict(rows[0]))
        others = [
            _proposal(dict(r))
            for r in await EpisodeMatch.raw(
                f"{_SELECT} WHERE m.la = {{}} AND m.episode = {{}} AND m.id <> {{}} "
                "AND m.decision = '' ORDER BY m.score DESC, m.id",
                la_id,
                proposal.episode_id,
                match_id,
            )
        ]
        await audit.record(
            Action.MATCH_VIEWED,
            viewer=viewer,
            episode_id=proposal.episode_id,
            pupil_id=proposal.pupil_id,
        )
    return ProposalPage(proposal, others, await next_waiting(viewer, after=match_id))


async def next_waiting(viewer: Viewer, after: int | None = None) -> int | None:
    """The proposal waiting for a person that comes after `after` in the queue's order
    (most likely first), going round to the top when `after` was the last; None when
    nothing else waits."""
    la_id = _la(viewer)
    waiting = _KIND_SQL[Kind.WAITING]
    if after is not None:
        # Compared with the current row's own values, in the database: the same order as the
        # page, whatever the engine makes of timestamps.
        later = await EpisodeMatch.raw(
            "SELECT m.id FROM episode_match m JOIN missing_episode e ON e.id = m.episode "
            "JOIN episode_match c ON c.id = {} JOIN missing_episode ce ON ce.id = c.episode "
            f"WHERE m.la = {{}} AND {waiting} AND (m.score < c.score OR (m.score = c.score "
            "AND (e.reported_at < ce.reported_at OR (e.reported_at = ce.reported_at "
            f"AND m.id > c.id)))) ORDER BY {_ORDER[Kind.WAITING]} LIMIT 1",
            after,
            la_id,
        )
        if later:
            return int(later[0]["id"])
    first = await EpisodeMatch.raw(
        "SELECT m.id FROM episode_match m JOIN missing_episode e ON e.id = m.episode "
        f"WHERE m.la = {{}} AND {waiting} AND m.id <> {{}} "
        f"ORDER BY {_ORDER[Kind.WAITING]} LIMIT 1",
        la_id,
        after if after is not None else -1,
    )
    return int(first[0]["id"]) if first else None
