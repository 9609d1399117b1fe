"""The LA's list of police episodes: open ones (not yet returned) first, then by when they
were reported, filtered and paged in the database; and the CME officer's episode tasks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from cme.access import Viewer
from cme.episodes.episode import MissingFrom, RiskLevel
from cme.policy import Policy
from cme.storage.clock import utcnow
from cme.storage.episode_children import REPEAT
from cme.storage.episodes import EpisodeView, times_missing, view_of
from cme.storage.policies import policy_for_la
from cme.storage.tables import InterventionMeeting, MissingEpisode, ReturnInterview
from cme.storage.values import day_from_text
from cme.timeline import LONDON

PAGE_SIZE = 50


class State(StrEnum):
    ALL = "all"
    OPEN = "open"
    RETURNED = "returned"


class Risk(StrEnum):
    HIGH = "high"  # high or very high
    MEDIUM_UP = "medium_up"
    LOW_DOWN = "low_down"  # low, no apparent risk, absent
    NONE = "none"  # not graded, or in words not known here


class Attention(StrEnum):
    INTERVIEW_OVERDUE = "interview_overdue"
    INTERVIEW_WAITING = "interview_waiting"
    ESCALATED = "escalated"
    REPEAT = "repeat"
    IDENTITY = "identity"


ATTENTION_WORDS = {
    Attention.INTERVIEW_OVERDUE: "Return interview overdue",
    Attention.INTERVIEW_WAITING: "Return interview not yet held",
    Attention.ESCALATED: "Missing longer than the escalation time",
    Attention.REPEAT: "Repeat missing children",
    Attention.IDENTITY: "Changed identity to check",
}
RISK_WORDS = {
    Risk.HIGH: "High or very high",
    Risk.MEDIUM_UP: "Medium or higher",
    Risk.LOW_DOWN: "Low, no apparent risk or absent",
    Risk.NONE: "Not graded",
}
_RISK_SQL = {
    Risk.HIGH: (RiskLevel.HIGH, RiskLevel.VERY_HIGH),
    Risk.MEDIUM_UP: (RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.VERY_HIGH),
    Risk.LOW_DOWN: (RiskLevel.LOW, RiskLevel.NO_APPARENT_RISK, RiskLevel.ABSENT),
}


def _choice(kind: type[StrEnum], value: str | None) -> Any:
    return next((k for k in kind if k.value == value), None)


@dataclass(frozen=True)
class Filters:
    """The list's choices; anything unknown in an address means "any"."""

    state: State = State.ALL
    risk: Risk | None = None
    looked_after: bool | None = None
    missing_from: MissingFrom | None = None
    since: date | None = None  # reported on or after, London day
    until: date | None = None  # reported on or before
    attention: Attention | None = None
    child: int | None = None
    page: int = 1

    @classmethod
    def parse(cls, query: dict[str, str | None]) -> Filters:
        looked = query.get("looked_after")
        page = (query.get("page") or "").strip()
        child = (query.get("child") or "").strip()
        return cls(
            state=_choice(State, query.get("state")) or State.ALL,
            risk=_choice(Risk, query.get("risk")),
            looked_after={"yes": True, "no": False}.get(looked or ""),
            missing_from=_choice(MissingFrom, query.get("missing_from")),
            since=day_from_text(query.get("from")),
            until=day_from_text(query.get("to")),
            attention=_choice(Attention, query.get("attention")),
            child=int(child) if child.isascii() and child.isdigit() and len(child) < 10 else None,
            page=max(
                1,
                min(
                    int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1, 100_000
                ),
            ),
        )

    def query(self, **changes: Any) -> dict[str, str | None]:
        """The address's query with `changes`; a new filter starts again at page one."""
        f = replace(self, **changes)
        if "page" not in changes:
            f = replace(f, page=1)
        return {
            "state": f.state.value if f.state is not State.ALL else None,
            "risk": f.risk.value if f.risk else None,
            "looked_after": None if f.looked_after is None else ("yes" if f.looked_after else "no"),
            "missing_from": f.missing_from.value if f.missing_from else None,
            "from": f.since.isoformat() if f.since else None,
            "to": f.until.isoformat() if f.until else None,
            "attention": f.attention.value if f.attention else None,
            "child": str(f.child) if f.child else None,
            "page": str(f.page) if f.page > 1 else None,
        }

    @property
    def any(self) -> bool:
        return any(v for k, v in self.query().items() if k != "page")


# An episode `e` whose child has returned and whose interview is neither held nor declined:
# the list's filters and the task lists ask the same.
WAITING_FOR_INTERVIEW = (
    "e.returned_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM return_interview i WHERE "
    "i.episode = e.id AND (i.done_at IS NOT NULL OR i.declined_at IS NOT NULL))"
)


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LONDON)


def _where(viewer: Viewer, f: Filters, policy: Policy, now: datetime) -> tuple[str, list[Any]]:
    if not viewer.sees_la_children:
        return "1 = 0", []
    parts: list[str] = ["e.la = {}"]
    args: list[Any] = [viewer.la_id]
    if f.state is State.OPEN:
        parts.append("e.returned_at IS NULL")
    elif f.state is State.RETURNED:
        parts.append("e.returned_at IS NOT NULL")
    if f.risk is Risk.NONE:
        known = ", ".join(f"'{r.value}'" for r in RiskLevel if r is not RiskLevel.OTHER)
        parts.append(f"e.risk_level NOT IN ({known})")
    elif f.risk is not None:
        parts.append(f"e.risk_level IN ({', '.join(repr(r.value) for r in _RISK_SQL[f.risk])})")
    if f.looked_after is not None:
        parts.append("e.looked_after = {}")
        args.append(f.looked_after)
    if f.missing_from is not None:
        parts.append("e.missing_from = {}")
        args.append(f.missing_from.value)
    if f.since is not None:
        parts.append("e.reported_at >= {}")
        args.append(_london_midnight(f.since))
    if f.until is not None:
        parts.append("e.reported_at < {}")
        args.append(_london_midnight(f.until + timedelta(days=1)))
    if f.child is not None:
        parts.append("e.child = {}")
        args.append(f.child)
    if f.attention is Attention.INTERVIEW_WAITING:
        parts.append(WAITING_FOR_INTERVIEW)
    elif f.attention is Attention.INTERVIEW_OVERDUE:
        parts.append(f"{WAITING_FOR_INTERVIEW} AND e.returned_at < {{}}")
        args.append(now - timedelta(hours=policy.return_interview_hours))
    elif f.attention is Attention.ESCALATED:
        parts.append(
            "e.returned_at IS NULL AND (COALESCE(e.last_seen_at, e.reported_at) < {} OR "
            "(e.looked_after = {} AND COALESCE(e.last_seen_at, e.reported_at) < {}))"
        )
        args += [
            now - timedelta(hours=policy.missing_escalation_hours),
            True,
            now - timedelta(hours=policy.looked_after_escalation_hours),
        ]
    elif f.attention is Attention.REPEAT:
        parts.append(
            f"EXISTS (SELECT 1 FROM intervention_meeting m WHERE m.child = e.child AND "
            f"m.trigger = '{REPEAT}')"
        )
    elif f.attention is Attention.IDENTITY:
        parts.append("e.pending_identity <> ''")
    return " AND ".join(parts), args


@dataclass(frozen=True)
class EpisodeRow:
    view: EpisodeView
    repeat: bool


@dataclass(frozen=True)
class EpisodeList:
    rows: list[EpisodeRow]
    total: int
    pages: int
    open: int


_ORDER = "ORDER BY CASE WHEN e.returned_at IS NULL THEN 0 ELSE 1 END, e.reported_at DESC, e.id DESC"


async def episode_list(
    viewer: Viewer, filters: Filters, now: datetime | None = None, every_page: bool = False
) -> EpisodeList:
    """The page of episodes the filters choose (or, for the download, every one of them)."""
    now = now or utcnow()
    policy = await policy_for_la(viewer.la_id)
    where, args = _where(viewer, filters, policy, now)
    counted = await MissingEpisode.raw(
        "SELECT COUNT(*) AS n, SUM(CASE WHEN e.returned_at IS NULL THEN 1 ELSE 0 END) AS open "
        f"FROM missing_episode e WHERE {where}",
        *args,
    )
    total = int(counted[0]["n"] or 0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    limit = "" if every_page else f" LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"
    ids = [
        int(r["id"])
        for r in await MissingEpisode.raw(
            f"SELECT e.id FROM missing_episode e WHERE {where} {_ORDER}{limit}", *args
        )
    ]
    rows = await views(ids, policy, now)
    repeat = await _repeat_children({v.child_id for v in rows})
    return EpisodeList(
        [EpisodeRow(v, v.child_id in repeat) for v in rows],
        total,
        pages,
        int(counted[0]["open"] or 0),
    )


async def views(ids: list[int], policy: Policy, now: datetime) -> list[EpisodeView]:
    """The episodes with these ids, in this order, with what follows from each."""
    found: list[EpisodeView] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = {
            int(r["id"]): r
            for r in await MissingEpisode.select().where(MissingEpisode.id.is_in(chunk))
        }
        interviews = {
            int(r["episode"]): r
            for r in await ReturnInterview.select().where(ReturnInterview.episode.is_in(chunk))
        }
        children = sorted({int(r["child"]) for r in rows.values()})
        siblings: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if children:
            for r in await MissingEpisode.select(
                MissingEpisode.id, MissingEpisode.child, MissingEpisode.reported_at
            ).where(MissingEpisode.child.is_in(children)):
                siblings[int(r["child"])].append(r)
        found += [
            view_of(
                rows[i],
                interviews.get(i),
                times_missing(rows[i], siblings[int(rows[i]["child"])]),
                policy,
                now,
            )
            for i in chunk
            if i in rows
        ]
    return found


async def _repeat_children(children: set[int]) -> set[int]:
    if not children:
        return set()
    rows = await InterventionMeeting.select(InterventionMeeting.child).where(
        InterventionMeeting.child.is_in(sorted(children)), InterventionMeeting.trigger == REPEAT
    )
    return {int(r["child"]) for r in rows}
