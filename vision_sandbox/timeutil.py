"""Timestamps as the API shows them: UTC ISO 8601 with microseconds and a ``Z``.

Stored in SQLite as the same fixed-width strings, so text order is time order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Format ``moment`` (aware or naive UTC) the way the API and the database store it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def from_iso(text: str) -> datetime:
    """Parse a timestamp written by :func:`to_iso`."""
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


def now_iso() -> str:
    """The current time, formatted."""
    return to_iso(utcnow())


def ago_iso(**delta: float) -> str:
    """The time ``delta`` ago (``days=``, ``minutes=`` ...), formatted."""
    return to_iso(utcnow() - timedelta(**delta))


def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month holding ``moment``: (first instant, first instant of next month)."""
    start = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start.month == 12:
        end = start.replace(year=start.year + 1, month=1)
    else:
        end = start.replace(month=start.month + 1)
    return start, end
