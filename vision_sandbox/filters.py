"""Query-string filters: CSV lists checked against enums, ``order_by`` keys, ``recent_days``.

Messages follow PostHog's filters module: values are trimmed, empties dropped, and bad values are
named in a Python list repr beside the sorted allowed values (contract §4.1, §4.7, §9).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .errors import validation_error

DEFAULT_RECENT_DAYS = 14
RECENT_DAYS_RANGE = (1, 365)
_ENABLED_ALIASES = {
    "enabled": "enabled",
    "true": "enabled",
    "1": "enabled",
    "disabled": "disabled",
    "false": "disabled",
    "0": "disabled",
}


def csv_values(raw: str | None) -> list[str]:
    """Trimmed, non-empty comma-separated values (``[]`` when absent)."""
    if raw is None:
        return []
    return [part.strip() for part in raw.split(",") if part.strip()]


def _invalid(attr: str, bad: Sequence[str], allowed: Iterable[str]) -> Exception:
    return validation_error(f"Invalid value(s) {list(bad)!r}; allowed: {sorted(allowed)!r}.", attr)


def choice_list(raw: str | None, attr: str, allowed: Sequence[str]) -> list[str]:
    """A CSV filter over an enum; raise naming the values that are not in it."""
    values = csv_values(raw)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise _invalid(attr, bad, allowed)
    return values


def enabled_filter(raw: str | None) -> bool | None:
    """``enabled``: CSV of enabled/disabled (+ true/false/1/0); both or none mean no filter."""
    values = csv_values(raw)
    bad = [v for v in values if v.lower() not in _ENABLED_ALIASES]
    if bad:
        raise _invalid("enabled", bad, ("disabled", "enabled"))
    wanted = {_ENABLED_ALIASES[v.lower()] for v in values}
    if len(wanted) != 1:
        return None
    return wanted == {"enabled"}


def boolean_filter(raw: str | None) -> bool | None:
    """A django-filter boolean: true/false (and 1/0); anything else is ignored."""
    if raw is None:
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    return None


def user_ids(raw: str | None) -> list[int]:
    """``created_by``: CSV of integer user ids."""
    values = csv_values(raw)
    bad = [v for v in values if not v.isdigit() or not v.isascii()]
    if bad:
        raise validation_error(
            f"Non-numeric value(s) {bad!r}; user IDs must be integers.", "created_by"
        )
    return [min(int(v), 2**63 - 1) for v in values]


def order_by(raw: str | None, allowed: Sequence[str], default: str) -> tuple[str, bool]:
    """(key, descending) from ``order_by``; blank means ``default``."""
    value = (raw or "").strip() or default
    key = value[1:] if value.startswith("-") else value
    if key not in allowed:
        raise validation_error(
            f"Invalid order_by {value!r}. Allowed keys: {sorted(allowed)!r}.", "order_by"
        )
    return key, value.startswith("-")


def recent_days(raw: str | None) -> int:
    """``recent_days``: integer clamped to [1, 365]; anything else means 14."""
    try:
        value = int((raw or "").strip())
    except ValueError:
        return DEFAULT_RECENT_DAYS
    low, high = RECENT_DAYS_RANGE
    return max(low, min(high, value))
