"""The rules of the partnership's cross-check lists (RULES.md §8), apart from any database:
which marks say a child was in school or away from it, when a police episode covers a
session, the weeks an episode falls in, and a day's part in an unexplained absence run.

The symbol sets come from `cme.marks` and `cme.attendance`; the storage layer writes them into
its SQL, so the lists and the flags read a register alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from cme.attendance import NEUTRAL
from cme.marks import ARRIVED_SYMBOLS, MARKS, UNEXPLAINED_SYMBOLS, Category
from cme.timeline import LONDON, Session

# When a session's register is taken, London time: the moment the police record is read at.
SESSION_TIMES = {Session.AM: time(9, 0), Session.PM: time(13, 30)}

# In school for the session: present, late, at an approved activity elsewhere, or arrived
# after the register closed (the flags' notion of a child seen that day).
MARKED_PRESENT = ARRIVED_SYMBOLS
# Away from school for the session, with or without permission.
ABSENT = frozenset(
    m.symbol
    for m in MARKS
    if m.category in (Category.AUTHORISED, Category.UNAUTHORISED) and m.symbol not in MARKED_PRESENT
)
# The DfE's possible sessions: attended or absent; not "not possible", not on roll, closed.
POSSIBLE = frozenset(
    m.symbol
    for m in MARKS
    if m.category
    in (
        Category.PRESENT,
        Category.ATTENDING_ELSEWHERE,
        Category.AUTHORISED,
        Category.UNAUTHORISED,
    )
)
# Counted as attendance (a late arrival after the register closed, U, is an absence).
ATTENDED = frozenset(
    m.symbol for m in MARKS if m.category in (Category.PRESENT, Category.ATTENDING_ELSEWHERE)
)
UNEXPLAINED = UNEXPLAINED_SYMBOLS
# Sessions that neither extend nor end a run: the pupil's own closure, a mark not yet sent,
# no data (weekends, before the pupil joined).
NEUTRAL_MARKS = NEUTRAL


def session_moment(day: date, session: Session) -> datetime:
    """The session's registration time on `day`, in UTC."""
    return datetime.combine(day, SESSION_TIMES[session], LONDON).astimezone(UTC)


def missing_at(reported_at: datetime, returned_at: datetime | None, moment: datetime) -> bool:
    """True if the police record the child as missing at `moment`: reported by then, and not
    yet back. Whole days inside an episode have both sessions covered."""
    return reported_at <= moment and (returned_at is None or moment < returned_at)


def week_of(day: date) -> tuple[datetime, datetime]:
    """The Monday-to-Sunday week holding `day`, as UTC moments [from, to) of London midnights."""
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0), LONDON)
    end = datetime.combine(monday + timedelta(days=7), time(0), LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


def part_day(am: str, pm: str) -> bool:
    """The flags' part-day absence: one session unexplained (N or O), the other in school."""
    return (am in UNEXPLAINED and pm in MARKED_PRESENT) or (
        pm in UNEXPLAINED and am in MARKED_PRESENT
    )


def unexplained_day(am: str, pm: str) -> bool | None:
    """True if the day carries an unexplained absence run (every marked session N or O),
    False if it breaks one, None if it does neither (no mark that day)."""
    known = [s for s in (am, pm) if s not in NEUTRAL_MARKS]
    if not known:
        return None
    return all(s in UNEXPLAINED for s in known)


def longest_run(days: list[tuple[str, str]]) -> int:
    """The longest unexplained absence run, in days, over consecutive school days' marks."""
    best = current = 0
    for am, pm in days:
        carries = unexplained_day(am, pm)
        if carries is None:
            continue
        current = current + 1 if carries else 0
        best = max(best, current)
    return best


def attendance_percent(attended: int, possible: int) -> float | None:
    """Attendance as a percentage of possible sessions, to one decimal; None if none were."""
    return round(100 * attended / possible, 1) if possible else None
