"""Matching the LA's police episodes with its pupils (`cme.matching`), and keeping people's
decisions: a confirmed pair stays linked, a rejected pair is never proposed again, whatever
later imports bring. Matching runs again after every episode or pupil-details import.

A pair is *linked* when the matcher put it in the `auto` band and nobody has undone it, or
when a person confirmed it; a `review` pair waits for a person.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from piccolo.columns import Column

from cme.access import Viewer
from cme.errors import Conflict, NotFound
from cme.events import Action
from cme.matching.match import Band, Proposal, match
from cme.matching.records import Person
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.organisations import lock_la
from cme.storage.scope import la_children_of
from cme.storage.tables import EpisodeMatch, MissingEpisode

CONFIRMED = "confirmed"
REJECTED = "rejected"

_PUPILS = """
SELECT p.id, p.legal_forename, p.legal_surname, p.date_of_birth, p.gender,
       d.legal_forename AS d_forename, d.legal_surname AS d_surname,
       d.preferred_forename, d.preferred_surname, d.former_surnames,
       d.date_of_birth AS d_born, d.gender AS d_gender, d.address, d.postcode
FROM pupil p JOIN school s ON s.id = p.school
LEFT JOIN pupil_detail d ON d.pupil = p.id AND d.valid_to IS NULL
WHERE s.la = {}
ORDER BY p.id
"""


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _pupil(r: dict[str, Any]) -> Person:
    """A pupil as the matcher sees them: the imported details where there are any, else the
    register's; a preferred name is one of the names the police may have written."""
    detailed = r["d_forename"] is not None
    preferred = " ".join(n for n in (r["preferred_forename"], r["preferred_surname"]) if n)
    return Person(
        id=str(r["id"]),
        forename=(r["d_forename"] if detailed else "") or r["legal_forename"] or "",
        surname=(r["d_surname"] if detailed else "") or r["legal_surname"] or "",
        date_of_birth=_day(r["d_born"]) if detailed and r["d_born"] else _day(r["date_of_birth"]),
        gender=(r["d_gender"] if detailed else "") or r["gender"] or "",
        address=(r["address"] or "") if detailed else "",
        postcode=(r["postcode"] or "") if detailed else "",
        other_names=preferred if detailed else "",
        former_surnames=(r["former_surnames"] or "") if detailed else "",
    )


def _episode(r: dict[str, Any]) -> Person:
    return Person(
        id=str(r["id"]),
        forename=r["forename"],
        surname=r["surname"],
        date_of_birth=r["date_of_birth"],
        gender=r["gender"],
        address=r["address"],
        postcode=r["postcode"],
        other_names=r["other_names"],
    )


@dataclass
class MatchRun:
    episodes: int = 0
    pupils: int = 0
    proposed: int = 0  # new pairs
    updated: int = 0
    withdrawn: int = 0  # undecided pairs the matcher no longer proposes
    linked: int = 0  # episodes linked to a pupil, by the matcher or a person
    waiting: int = 0  # pairs waiting for a person


def _reasons(p: Proposal) -> str:
    return json.dumps([asdict(r) for r in p.reasons], sort_keys=True)


async def rematch(la_id: int, viewer: Viewer | None = None) -> MatchRun:
    """Match every episode of the LA against every pupil of its schools, in one transaction
    with its audit row; people's decisions stay as they are."""
    run = MatchRun()
    async with write_transaction():
        await lock_la(la_id)
        pupils = [_pupil(dict(r)) for r in await EpisodeMatch.raw(_PUPILS, la_id)]
        episodes = [
            _episode(dict(r))
            for r in await MissingEpisode.select().where(MissingEpisode.la == la_id)
        ]
        run.pupils, run.episodes = len(pupils), len(episodes)
        stored = {
            (int(r["episode"]), int(r["pupil"])): dict(r)
            for r in await EpisodeMatch.select().where(EpisodeMatch.la == la_id)
        }
        settled = {e for (e, _), r in stored.items() if r["decision"] == CONFIRMED}
        proposals = match(pupils, episodes) if pupils and episodes else []
        now = utcnow()
        seen: set[tuple[int, int]] = set()
        for p in proposals:
            key = (int(p.episode_id), int(p.pupil_id))
            row = stored.get(key)
            if row is not None and row["decision"]:
                seen.add(key)
                continue  # a person's decision stands
            if key[0] in settled:
                continue  # a person has said who this child is
            seen.add(key)
            reasons = _reasons(p)
            if row is None:
                await EpisodeMatch.insert(
                    EpisodeMatch(
                        la=la_id,
                        episode=key[0],
                        pupil=key[1],
                        decision="",
                        proposed_at=now,
                        score=p.score,
                        weight=p.weight,
                        band=p.band.value,
                        reasons=reasons,
                    )
                )
                run.proposed += 1
            elif (row["band"], row["reasons"], round(row["score"], 9)) != (
                p.band.value,
                reasons,
                round(p.score, 9),
            ):
                values: dict[Column | str, Any] = {
                    EpisodeMatch.score: p.score,
                    EpisodeMatch.weight: p.weight,
                    EpisodeMatch.band: p.band.value,
                    EpisodeMatch.reasons: reasons,
                }
                await EpisodeMatch.update(values).where(EpisodeMatch.id == row["id"])
                run.updated += 1
        gone = [r["id"] for k, r in stored.items() if not r["decision"] and k not in seen]
        if gone:
            await EpisodeMatch.delete().where(EpisodeMatch.id.is_in(gone))
        run.withdrawn = len(gone)
        linked = await EpisodeMatch.select(EpisodeMatch.episode).where(
            EpisodeMatch.la == la_id,
            (EpisodeMatch.decision == CONFIRMED)
            | ((EpisodeMatch.decision == "") & (EpisodeMatch.band == Band.AUTO.value)),
        )
        run.linked = len({r["episode"] for r in linked})
        run.waiting = await EpisodeMatch.count().where(
            EpisodeMatch.la == la_id,
            EpisodeMatch.decision == "",
            EpisodeMatch.band == Band.REVIEW.value,
        )
        await audit.record(Action.MATCHES_RUN, viewer=viewer, la_id=la_id, **asdict(run))
    return run


async def decide(viewer: Viewer, match_id: int, confirm: bool) -> None:
    """A person's decision on a proposed pair: confirm it (the episode is this pupil's) or
    reject it (never proposed again; an auto link is undone)."""
    async with write_transaction():
        await lock_la(viewer.la_id)
        row = await la_children_of(
            EpisodeMatch.select().where(EpisodeMatch.id == match_id), viewer, EpisodeMatch.la
        ).first()
        if row is None:
            raise NotFound("There is no such proposed match, or it is not one of your LA's.")
        if row["decision"]:
            raise Conflict(f"This match was {row['decision']} already.")
        await EpisodeMatch.update(
            {
                EpisodeMatch.decision: CONFIRMED if confirm else REJECTED,
                EpisodeMatch.decided_by: viewer.user_id,
                EpisodeMatch.decided_at: utcnow(),
            }
        ).where(EpisodeMatch.id == match_id)
        await audit.record(
            Action.MATCH_CONFIRMED if confirm else Action.MATCH_REJECTED,
            viewer=viewer,
            episode_id=int(row["episode"]),
            pupil_id=int(row["pupil"]),
            band=row["band"],
        )
