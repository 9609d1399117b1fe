"""Importing the police's episode notifications: all or nothing, matched by force and
reference so that a re-import updates an episode and never duplicates it.

A re-import may correct anything about the episode, but not silently who the child is: a
changed name, birth date or gender may mean the reference now points at another child, so
the change waits on the episode (`pending_identity`) until a CME officer accepts or turns it
down (`episode_actions`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from cme.access import Viewer
from cme.episodes.episode import IDENTITY_LABELS, Child, Episode, force_key
from cme.errors import NotFound
from cme.events import Action
from cme.storage import audit
from cme.storage.clock import utcnow
from cme.storage.engine import write_transaction
from cme.storage.episode_children import child_for, raise_repeat_meetings
from cme.storage.episodes import CHILD_FIELDS
from cme.storage.matching import rematch_wanted
from cme.storage.organisations import lock_la
from cme.storage.policies import policy_for_la
from cme.storage.tables import LocalAuthority, MissingEpisode
from imports.episodes import EpisodesFile, ImportedEpisode, parse_episodes

_CHUNK = 400
# An episode is found by these; the first spelling of the force is kept.
KEY_FIELDS = ("force", "force_key", "reference")
IMPORT = "import"


@dataclass(frozen=True)
class IdentityChange:
    episode_id: int
    force: str
    reference: str
    # Identity field in words -> (as stored, as the file has it), both as text.
    changes: dict[str, tuple[str, str]]


@dataclass
class EpisodeImportResult:
    episodes: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    identity_changes: list[IdentityChange] = field(default_factory=list)
    meetings_raised: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["identity_changes"] = [
            {
                "episode_id": c.episode_id,
                "force": c.force,
                "reference": c.reference,
                "changes": {k: {"now": a, "file": b} for k, (a, b) in c.changes.items()},
            }
            for c in self.identity_changes
        ]
        return data


def episode_columns(episode: Episode) -> dict[str, Any]:
    """The stored columns of an episode, but for its LA, child, and bookkeeping."""
    values: dict[str, Any] = {
        f.name: getattr(episode, f.name) for f in fields(episode) if f.name != "child"
    }
    values["missing_from"] = episode.missing_from.value
    values["force_key"] = force_key(episode.force)
    risk = episode.risk
    values["risk_level"] = risk.value if risk is not None else ""
    values.update({k: getattr(episode.child, k) for k in CHILD_FIELDS})
    return values


def _given_columns(imported: ImportedEpisode) -> set[str]:
    given = set(imported.given) | (set(imported.child_given) & set(CHILD_FIELDS))
    if "risk_raw" in given:
        given.add("risk_level")
    return given - {"child"}


def _words(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def child_json(child: Child) -> str:
    data = asdict(child)
    data["date_of_birth"] = child.date_of_birth.isoformat() if child.date_of_birth else None
    return json.dumps(data, sort_keys=True)


async def import_file(
    viewer: Viewer | None, la_id: int, data: bytes, filename: str, max_bytes: int
) -> EpisodeImportResult:
    """Parse the file and import it, or raise EpisodesError with what to fix."""
    return await import_episodes(viewer, la_id, parse_episodes(data, filename, max_bytes))


async def import_episodes(
    viewer: Viewer | None, la_id: int, parsed: EpisodesFile
) -> EpisodeImportResult:
    if viewer is not None and (viewer.la_id != la_id or not viewer.sees_la_children):
        raise NotFound("no such LA")
    if not await LocalAuthority.exists().where(LocalAuthority.id == la_id):
        raise NotFound("no such LA")
    result = EpisodeImportResult(episodes=len(parsed.episodes), warnings=list(parsed.warnings))
    by = viewer.user_id if viewer is not None else None
    async with write_transaction():
        await lock_la(la_id)
        policy = await policy_for_la(la_id)
        stored = await _stored(la_id, parsed)
        touched: set[int] = set()
        now = utcnow()
        for imported in parsed.episodes:
            key = (force_key(imported.episode.force), imported.episode.reference)
            row = stored.get(key)
            if row is None:
                stored[key] = await _add(la_id, imported.episode, by, now)
                touched.add(int(stored[key]["child"]))
                result.added += 1
                continue
            touched.add(int(row["child"]))
            if await _update(row, imported, by, now, result):
                result.updated += 1
            else:
                result.unchanged += 1
        result.meetings_raised = await raise_repeat_meetings(la_id, touched, policy, viewer)
        if result.added or result.updated:
            await rematch_wanted(la_id)
        await audit.record(
            Action.EPISODES_IMPORTED,
            viewer=viewer,
            la_id=la_id,
            episodes=result.episodes,
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            identity_changes=len(result.identity_changes),
            meetings_raised=result.meetings_raised,
        )
    return result


async def _stored(la_id: int, parsed: EpisodesFile) -> dict[tuple[str, str], dict[str, Any]]:
    refs = sorted({e.episode.reference for e in parsed.episodes})
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(refs), _CHUNK):
        for r in await MissingEpisode.select().where(
            MissingEpisode.la == la_id, MissingEpisode.reference.is_in(refs[start : start + _CHUNK])
        ):
            found[(r["force_key"], r["reference"])] = dict(r)
    return found


async def _add(la_id: int, episode: Episode, by: int | None, now: Any) -> dict[str, Any]:
    child_id = await child_for(la_id, episode.child)
    values = episode_columns(episode)
    row = MissingEpisode(
        la=la_id,
        child=child_id,
        pending_identity="",
        source=IMPORT,
        created_at=now,
        updated_at=now,
        updated_by=by,
        **values,
    )
    added = await MissingEpisode.insert(row).returning(MissingEpisode.id)
    return {"id": added[0]["id"], "child": child_id, "pending_identity": "", **values}


async def _update(
    row: dict[str, Any],
    imported: ImportedEpisode,
    by: int | None,
    now: Any,
    result: EpisodeImportResult,
) -> bool:
    given = _given_columns(imported)
    values = episode_columns(imported.episode)
    changes = {
        k: v
        for k, v in values.items()
        if k in given and k not in (*CHILD_FIELDS, *KEY_FIELDS) and row[k] != v
    }
    identity = {k: values[k] for k in CHILD_FIELDS if k in given and row[k] != values[k]}
    pending = ""
    if identity:
        proposed = Child(**{k: identity.get(k, row[k]) for k in CHILD_FIELDS})
        pending = child_json(proposed)
        result.identity_changes.append(
            IdentityChange(
                int(row["id"]),
                row["force"],
                row["reference"],
                {IDENTITY_LABELS[k]: (_words(row[k]), _words(v)) for k, v in identity.items()},
            )
        )
    if pending != row["pending_identity"]:
        changes["pending_identity"] = pending
    if not changes:
        return False
    changes |= {"updated_at": now, "updated_by": by, "source": IMPORT}
    await MissingEpisode.update({getattr(MissingEpisode, k): v for k, v in changes.items()}).where(
        MissingEpisode.id == row["id"]
    )
    row.update(changes)
    return True
