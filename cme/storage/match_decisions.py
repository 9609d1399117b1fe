"""A CME officer's decisions on the matcher's proposals: confirm a pair (the episode is this
pupil's), reject it (never proposed again; for a pair the matcher linked, the link is undone),
or take a decision back when it was a mistake. Each is one transaction with its audit row.
Matching never changes a decided pair (`matching.py`)."""

from __future__ import annotations

from typing import Any

from cme.access import Viewer
from cme.errors import Conflict, NotFound
from cme.events import Action
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.matching import CONFIRMED, REJECTED, rematch_wanted
from cme.storage.organisations import lock_la
from cme.storage.scope import la_children_of
from cme.storage.tables import EpisodeMatch

GONE = (
    "This possible match is no longer proposed: matching ran again after an import and no "
    "longer finds these two records alike, or another pupil was confirmed for the episode."
)
CHANGED = (
    "This match changed while you were looking at it (matching ran again after an import). "
    "Check it again below before you decide."
)


async def _pair(viewer: Viewer, match_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await la_children_of(
        EpisodeMatch.select().where(EpisodeMatch.id == match_id), viewer, EpisodeMatch.la
    ).first()
    if row is None:
        raise NotFound(GONE)
    return row


async def decide(
    viewer: Viewer, match_id: int, confirm: bool, seen_score: float | None = None
) -> str:
    """Confirm or reject a proposed pair. `seen_score` is the likelihood the person was shown:
    if matching has changed the pair since, nothing is decided (Conflict). Returns the pair's
    band ("auto" for a link the matcher made)."""
    async with write_transaction():
        await lock_la(viewer.la_id)
        row = await _pair(viewer, match_id)
        if row["decision"]:
            raise Conflict(f"This match was {row['decision']} already.")
        if seen_score is not None and round(seen_score, 9) != round(row["score"], 9):
            raise Conflict(CHANGED)
        await EpisodeMatch.update(
            {
                EpisodeMatch.decision: CONFIRMED if confirm else REJECTED,
                EpisodeMatch.decided_by: viewer.user_id,
                EpisodeMatch.decided_at: utcnow(),
            }
        ).where(EpisodeMatch.id == match_id)
        if confirm:
            # A person has said who this child is: the other pupils proposed go.
            await EpisodeMatch.delete().where(
                EpisodeMatch.episode == row["episode"],
                EpisodeMatch.id != match_id,
                EpisodeMatch.decision == "",
            )
        await audit.record(
            Action.MATCH_CONFIRMED if confirm else Action.MATCH_REJECTED,
            viewer=viewer,
            episode_id=int(row["episode"]),
            pupil_id=int(row["pupil"]),
            band=row["band"],
        )
    return str(row["band"])


async def reopen(viewer: Viewer, match_id: int) -> None:
    """Take a confirmation or rejection back (a mistake, or the police have since said the
    episode is about another child): the pair waits again as the matcher last proposed it,
    and matching runs again so that pupils withdrawn by a confirmation are proposed again."""
    async with write_transaction():
        await lock_la(viewer.la_id)
        row = await _pair(viewer, match_id)
        if not row["decision"]:
            raise Conflict("Nobody has decided on this match yet: there is nothing to take back.")
        await EpisodeMatch.update(
            {
                EpisodeMatch.decision: "",
                EpisodeMatch.decided_by: None,
                EpisodeMatch.decided_at: None,
            }
        ).where(EpisodeMatch.id == match_id)
        await rematch_wanted(viewer.la_id)
        await audit.record(
            Action.MATCH_REOPENED,
            viewer=viewer,
            episode_id=int(row["episode"]),
            pupil_id=int(row["pupil"]),
            was=row["decision"],
        )
