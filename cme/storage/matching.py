"""Matching the LA's police episodes with its pupils (`cme.matching`), and keeping people's
decisions: a confirmed pair stays linked, a rejected pair is never proposed again, whatever
later imports bring. Matching runs again after every episode or pupil-details import.

A pair is *linked* when the matcher put it in the `auto` band and nobody has undone it, or
when a person confirmed it; a `review` pair waits for a person.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from piccolo.columns import Column

from cme.access import Viewer
from cme.events import Action
from cme.matching.match import Proposal, match
from cme.matching.records import Person
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.organisations import lock_la
from cme.storage.tables import EpisodeMatch, LocalAuthority, MissingEpisode
from cme.storage.values import as_day

CONFIRMED = "confirmed"
REJECTED = "rejected"
# The condition for a linked pair, as SQL on `episode_match` named `m`: every page and list
# that shows a pupil's episodes uses this one, so they all agree on who is linked.
LINKED_SQL = "(m.decision = 'confirmed' OR (m.decision = '' AND m.band = 'auto'))"
# A pair waiting for a person: proposed for review, not yet decided.
WAITING_SQL = "(m.decision = '' AND m.band = 'review')"

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


def _pupil(r: dict[str, Any]) -> Person:
    """A pupil as the matcher sees them: the imported details where there are any, else the
    register's; a preferred name is one of the names the police may have written."""
    detailed = r["d_forename"] is not None
    preferred = " ".join(n for n in (r["preferred_forename"], r["preferred_surname"]) if n)
    return Person(
        id=str(r["id"]),
        forename=(r["d_forename"] if detailed else "") or r["legal_forename"] or "",
        surname=(r["d_surname"] if detailed else "") or r["legal_surname"] or "",
        date_of_birth=as_day(r["d_born"])
        if detailed and r["d_born"]
        else as_day(r["date_of_birth"]),
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
    """Match every episode of the LA against every pupil of its schools; people's decisions
    stay as they are. The results are stored in one transaction with their audit row."""
    run = await _rematch(la_id, viewer, only_if_owed=False)
    assert run is not None
    return run


async def rematch_if_owed(la_id: int) -> MatchRun | None:
    """Run matching unless a run since the last change has already done it (several imports
    in a row queue several jobs, and several workers may take them; only one does the work)."""
    row = (
        await LocalAuthority.select(LocalAuthority.matches_wanted, LocalAuthority.matches_done)
        .where(LocalAuthority.id == la_id)
        .first()
    )
    if row is None or row["matches_done"] >= row["matches_wanted"]:
        return None
    return await _rematch(la_id, None, only_if_owed=True)


async def _rematch(la_id: int, viewer: Viewer | None, only_if_owed: bool) -> MatchRun | None:
    # The change count is read before the records: a change made after this read is owed
    # again, and runs again.
    wanted = await _wanted(la_id)
    episodes = [
        _episode(dict(r)) for r in await MissingEpisode.select().where(MissingEpisode.la == la_id)
    ]
    # An LA with no episodes has nothing to match: its pupils need not be read.
    pupils = [_pupil(dict(r)) for r in await EpisodeMatch.raw(_PUPILS, la_id)] if episodes else []
    # Worked out with no transaction open, in a thread: a large LA takes seconds, in which
    # other writers (and, on the embedded default, the app's own pages) must not wait.
    proposals = await asyncio.to_thread(match, pupils, episodes) if pupils and episodes else []
    async with write_transaction():
        await lock_la(la_id)
        if only_if_owed and await _done(la_id) >= wanted:
            return None  # another run that read at least as much has stored its results
        run = MatchRun(episodes=len(episodes), pupils=len(pupils))
        await _store(la_id, proposals, run)
        await LocalAuthority.update(
            {LocalAuthority.matches_done: wanted, LocalAuthority.matches_run_at: utcnow()}
        ).where(LocalAuthority.id == la_id, LocalAuthority.matches_done <= wanted)
        await audit.record(Action.MATCHES_RUN, viewer=viewer, la_id=la_id, **asdict(run))
    return run


def _row(la_id: int, key: tuple[int, int], p: Proposal, now: datetime) -> EpisodeMatch:
    return EpisodeMatch(
        la=la_id,
        episode=key[0],
        pupil=key[1],
        decision="",
        proposed_at=now,
        score=p.score,
        weight=p.weight,
        band=p.band.value,
        reasons=_reasons(p),
        why=p.why,
    )


async def _store(la_id: int, proposals: list[Proposal], run: MatchRun) -> None:
    """The proposals, against the pairs stored now (read under the LA's lock, so a decision
    made while the matcher worked is honoured)."""
    stored = {
        (int(r["episode"]), int(r["pupil"])): dict(r)
        for r in await EpisodeMatch.select().where(EpisodeMatch.la == la_id)
    }
    settled = {e for (e, _), r in stored.items() if r["decision"] == CONFIRMED}
    now = utcnow()
    seen: set[tuple[int, int]] = set()
    new: list[EpisodeMatch] = []
    for p in proposals:
        key = (int(p.episode_id), int(p.pupil_id))
        row = stored.get(key)
        if row is not None and row["decision"]:
            seen.add(key)
            continue  # a person's decision stands
        if key[0] in settled:
            continue  # a person has said who this child is
        seen.add(key)
        if row is None:
            new.append(_row(la_id, key, p, now))
            continue
        reasons = _reasons(p)
        if (row["band"], row["reasons"], row["why"], round(row["score"], 9)) != (
            p.band.value,
            reasons,
            p.why,
            round(p.score, 9),
        ):
            values: dict[Column | str, Any] = {
                EpisodeMatch.score: p.score,
                EpisodeMatch.weight: p.weight,
                EpisodeMatch.band: p.band.value,
                EpisodeMatch.reasons: reasons,
                EpisodeMatch.why: p.why,
            }
            await EpisodeMatch.update(values).where(EpisodeMatch.id == row["id"])
            run.updated += 1
    for start in range(0, len(new), 500):
        await EpisodeMatch.insert(*new[start : start + 500])
    run.proposed = len(new)
    gone = [r["id"] for k, r in stored.items() if not r["decision"] and k not in seen]
    for start in range(0, len(gone), 500):
        await EpisodeMatch.delete().where(EpisodeMatch.id.is_in(gone[start : start + 500]))
    run.withdrawn = len(gone)
    counted = await EpisodeMatch.raw(
        f"SELECT COUNT(DISTINCT CASE WHEN {LINKED_SQL} THEN m.episode END) AS linked, "
        f"SUM(CASE WHEN {WAITING_SQL} THEN 1 ELSE 0 END) AS waiting "
        "FROM episode_match m WHERE m.la = {}",
        la_id,
    )
    run.linked = int(counted[0]["linked"] or 0)
    run.waiting = int(counted[0]["waiting"] or 0)


async def _done(la_id: int) -> int:
    row = (
        await LocalAuthority.select(LocalAuthority.matches_done)
        .where(LocalAuthority.id == la_id)
        .first()
    )
    return int(row["matches_done"]) if row else 0


async def _wanted(la_id: int) -> int:
    row = (
        await LocalAuthority.select(LocalAuthority.matches_wanted)
        .where(LocalAuthority.id == la_id)
        .first()
    )
    return int(row["matches_wanted"]) if row else 0


async def rematch_wanted(la_id: int) -> None:
    """Call in the transaction of any change to the LA's episodes or pupils: matching is then
    owed until a run that starts after the change has finished."""
    await LocalAuthority.update(
        {LocalAuthority.matches_wanted: LocalAuthority.matches_wanted + 1}
    ).where(LocalAuthority.id == la_id)


async def owed() -> dict[int, int]:
    """The LAs whose matching is owed, each with the change count a run would catch up to."""
    rows = await LocalAuthority.select(LocalAuthority.id, LocalAuthority.matches_wanted).where(
        LocalAuthority.matches_done < LocalAuthority.matches_wanted
    )
    return {int(r["id"]): int(r["matches_wanted"]) for r in rows}
