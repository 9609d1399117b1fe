from datetime import UTC, date, datetime

from cme.timeline import LONDON


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in England: statutory days and scheduled jobs are London's."""
    return utcnow().astimezone(LONDON).date()
