"""The demo's past, lived on its own dates: while `stopped_at` holds, the tracker's clock
(`cme.storage.clock`) reads the moment given, so that what the demo does a year back (the
register uploads, the cases worked, the police's files) is stamped with the day it happened,
on the timelines and in the audit trail, as it would have been."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo

from cme.storage import clock


class _Stopped(datetime):
    """`datetime` whose `now` is the moment the demo has reached."""

    moment: datetime = datetime.now(UTC)

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return cls.moment.astimezone(tz) if tz else cls.moment.astimezone(UTC)


@contextmanager
def stopped_at(moment: datetime) -> Iterator[None]:
    """Run with the clock at `moment` (an aware time); `move_to` moves it on. Every module reads
    the time through `clock.utcnow` and `clock.today`, which look `datetime` up in the clock's
    module when called, so that one name is all there is to swap."""
    if moment.tzinfo is None:
        raise ValueError("the demo's clock needs an aware time")
    names = vars(clock)
    real = names["datetime"]
    _Stopped.moment = moment
    names["datetime"] = _Stopped
    try:
        yield
    finally:
        names["datetime"] = real


def move_to(moment: datetime) -> None:
    """Set the stopped clock to `moment` (inside `stopped_at`)."""
    if vars(clock)["datetime"] is not _Stopped:
        raise RuntimeError("the demo's clock is not stopped")
    _Stopped.moment = moment
