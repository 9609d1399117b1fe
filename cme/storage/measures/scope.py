"""Whose figures a viewer may read, and the SQL pieces every figure shares: the scope, the
groups of a breakdown, and typed date and moment literals.

The LA's CME officers read the whole LA and any school in it; a school's DSL and attendance
officers read their own school (and the LA's totals, to compare with). An LA administrator
manages accounts, not children, and reads none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cme.access import Viewer
from cme.errors import NotFound, Refused
from cme.measures.figures import NOT_KNOWN, NOT_LINKED, Dimension
from cme.roles import Role
from cme.storage.engine import is_sqlite
from cme.storage.matching import LINKED_SQL
from cme.storage.tables import School
from cme.timeline import LONDON


@dataclass(frozen=True)
class Scope:
    la_id: int
    school_id: int | None = None
    # Only episodes linked to a pupil of the LA's schools: the LA's figures set beside a
    # school's, whose episodes are its own pupils' (docs/rules.md §8).
    pupils_only: bool = False
    # Police episodes, and hidden missing (which is worked out from them), are for the LA's
    # CME officers and a school's DSL only: an attendance officer is not told whether a
    # pupil has episodes (docs/rules.md §7), not even as a count.
    episodes: bool = True

    def pupils(self, pupil: str = "p") -> str:
        """The scope's rows (pupils, or their absence days and weeks), by their school."""
        if self.school_id is not None:
            return f"{pupil}.school = {int(self.school_id)}"
        return f"{pupil}.school IN (SELECT id FROM school WHERE la = {int(self.la_id)})"

    @property
    def la_wide(self) -> Scope:
        """The whole LA, as a school's figures are set beside."""
        return Scope(self.la_id, pupils_only=True, episodes=self.episodes)

    def linked_pupil(self) -> str:
        """Each of the LA's linked episodes with its pupil (the lowest, should a person have
        confirmed two), as a subquery (episode, pupil)."""
        return (
            "(SELECT m.episode AS episode, MIN(m.pupil) AS pupil FROM episode_match m "
            f"WHERE m.la = {int(self.la_id)} AND {LINKED_SQL} GROUP BY m.episode)"
        )

    def linked_episodes(self, pupil_column: str) -> str:
        """The condition on an episode's linked pupil (`pupil_column`, NULL when the episode
        is linked to none) that keeps the scope's episodes; "" for every episode."""
        if self.school_id is not None:
            return (
                f" AND {pupil_column} IN (SELECT id FROM pupil WHERE school = "
                f"{int(self.school_id)})"
            )
        return f" AND {pupil_column} IS NOT NULL" if self.pupils_only else ""


async def scope_for(viewer: Viewer, school_id: int | None = None) -> Scope:
    """The figures `viewer` may read: a school's staff their own school whatever they ask;
    a CME officer the LA, or one of its schools (another LA's school is not found)."""
    if viewer.role is Role.LA_ADMIN or not viewer.sees_pupils:
        raise Refused("The partnership's figures are for CME officers and school staff.")
    if viewer.school_id is not None:
        return Scope(viewer.la_id, viewer.school_id, episodes=viewer.role is Role.DSL)
    if viewer.role is not Role.CME_OFFICER:
        raise Refused("The partnership's figures are for CME officers and school staff.")
    if school_id is None:
        return Scope(viewer.la_id)
    found = await School.exists().where((School.id == school_id) & (School.la == viewer.la_id))
    if not found:
        raise NotFound("There is no such school in your LA.")
    return Scope(viewer.la_id, school_id)


def day_sql(day: date) -> str:
    return f"'{day.isoformat()}'" if is_sqlite() else f"DATE '{day.isoformat()}'"


def moment_sql(at: datetime) -> str:
    # SQLite keeps timestamps as UTC text, "YYYY-MM-DD HH:MM:SS+00:00" (Piccolo's adapter).
    text = str(at.astimezone(UTC))
    return f"'{text}'" if is_sqlite() else f"TIMESTAMPTZ '{text}'"


def start_of(day: date) -> datetime:
    """Midnight in London at the start of `day`: a period's days are London days."""
    return datetime.combine(day, time(0), LONDON)


def moments(first: date, last: date) -> tuple[str, str]:
    """[from, to) literals for timestamps on the days `first` to `last`."""
    return moment_sql(start_of(first)), moment_sql(start_of(last + timedelta(days=1)))


def within_hours(later: str, earlier: str, hours: int) -> str:
    """`later` no more than `hours` after `earlier` (both timestamps), in elapsed time."""
    if is_sqlite():
        return (
            f"julianday(SUBSTR({later}, 1, 19)) <= julianday(SUBSTR({earlier}, 1, 19)) "
            f"+ {hours / 24!r}"
        )
    return f"{later} <= {earlier} + INTERVAL '{int(hours)} hours'"


# --- the groups of a breakdown, as (SQL key over the pupil `p`, joins it needs) ---

_CURRENT = "valid_to IS NULL"
_AREA_JOIN = (
    # One row a pupil even should two versions both be current.
    "LEFT JOIN (SELECT pupil, MAX(REPLACE(UPPER(postcode), ' ', '')) AS pc FROM pupil_detail "
    f"WHERE {_CURRENT} GROUP BY pupil) det ON det.pupil = p.id"
)
_LAC_JOIN = (
    "LEFT JOIN (SELECT DISTINCT pupil FROM pupil_status WHERE status = 'looked_after' "
    f"AND value AND {_CURRENT}) lac ON lac.pupil = p.id"
)
_SEN_JOIN = (
    "LEFT JOIN (SELECT pupil, MAX(CASE WHEN status = 'ehcp' THEN 2 ELSE 1 END) AS lvl "
    "FROM pupil_status WHERE status IN ('ehcp', 'sen_support') AND value "
    f"AND {_CURRENT} GROUP BY pupil) sen ON sen.pupil = p.id"
)

LOOKED_AFTER = "Looked after"
NOT_LOOKED_AFTER = "Not recorded as looked after"
EHCP = "Education, health and care plan"
SEN_SUPPORT = "SEN support"
NO_SEN = "No SEN recorded"

GROUP_SQL: dict[Dimension, tuple[str, str]] = {
    Dimension.SCHOOL: ("CAST(p.school AS TEXT)", ""),
    # Blank and unknown values make one group in the database, so that a group's figures
    # (its median above all) are worked out over all of it.
    Dimension.YEAR_GROUP: (f"COALESCE(NULLIF(TRIM(p.year_group), ''), '{NOT_KNOWN}')", ""),
    Dimension.GENDER: (
        "CASE UPPER(SUBSTR(TRIM(COALESCE(p.gender, '')), 1, 1)) WHEN 'M' THEN 'Male' "
        f"WHEN 'F' THEN 'Female' ELSE '{NOT_KNOWN}' END",
        "",
    ),
    Dimension.AREA: (
        f"CASE WHEN LENGTH(det.pc) > 3 THEN SUBSTR(det.pc, 1, LENGTH(det.pc) - 3) "
        f"ELSE '{NOT_KNOWN}' END",
        _AREA_JOIN,
    ),
    Dimension.LOOKED_AFTER: (
        f"CASE WHEN lac.pupil IS NULL THEN '{NOT_LOOKED_AFTER}' ELSE '{LOOKED_AFTER}' END",
        _LAC_JOIN,
    ),
    Dimension.SEN: (
        f"CASE WHEN sen.lvl = 2 THEN '{EHCP}' WHEN sen.lvl = 1 THEN '{SEN_SUPPORT}' "
        f"ELSE '{NO_SEN}' END",
        _SEN_JOIN,
    ),
}


def grouping(
    dimension: Dimension | None, pupil_column: str, outer: bool = False
) -> tuple[str, str]:
    """(key, joins) to group rows whose pupil is `pupil_column` by `dimension`; one group,
    "all", with no joins when there is no breakdown. `outer`: rows with no pupil (episodes
    not linked to one) make a group of their own."""
    if dimension is None:
        # PostgreSQL refuses to GROUP BY a bare constant; a cast is an expression.
        return "CAST('all' AS TEXT)", ""
    key, joins = GROUP_SQL[dimension]
    if outer:
        return (
            f"CASE WHEN p.id IS NULL THEN '{NOT_LINKED}' ELSE {key} END",
            f"LEFT JOIN pupil p ON p.id = {pupil_column} {joins}",
        )
    return key, f"JOIN pupil p ON p.id = {pupil_column} {joins}"
