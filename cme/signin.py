"""Slowing down password guessing: how many failures lock an email address, and for how long.

Failures are counted per email address typed, whether or not an account has it, so the
lock-out itself tells an attacker nothing about which addresses exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def locked_until(failures: Iterable[datetime], now: datetime) -> datetime | None:
    """When sign-in opens again, or None if it is open now.

    Locked while MAX_FAILURES or more failures fall within WINDOW before now; the lock lifts
    WINDOW after the oldest of the most recent MAX_FAILURES.
    """
    recent = sorted(at for at in failures if now - at < WINDOW)
    if len(recent) < MAX_FAILURES:
        return None
    return recent[-MAX_FAILURES] + WINDOW


def minutes_left(until: datetime, now: datetime) -> int:
    seconds = (until - now).total_seconds()
    return max(1, int(-(-seconds // 60)))
