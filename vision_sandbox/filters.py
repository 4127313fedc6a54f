"""Query-string filters: CSV lists checked against enums, ``order_by`` keys, ``recent_days``.

Messages follow PostHog's filters module: values are trimmed, empties dropped, and bad values are
named in a Python list repr beside the sorted allowed values (contract §4.1, §4.7, §9).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .errors import validation_error
from .timeutil import to_iso, utcnow

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


def _invalid(attr: str, bad: Iterable[str], allowed: Iterable[str]) -> Exception:
    """Bad values and allowed values, each sorted and de-duplicated as PostHog's filters do."""
    return validation_error(
        f"Invalid value(s) {sorted(set(bad))!r}; allowed: {sorted(set(allowed))!r}.", attr
    )


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
            f"Non-numeric value(s) {sorted(set(bad))!r}; user IDs must be integers.", "created_by"
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


_RELATIVE = re.compile(r"^-(\d{1,6})([hdwmy])$")
_RELATIVE_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "m": 30, "y": 365}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bad_date(attr: str, raw: str) -> Exception:
    return validation_error(
        f"Invalid {attr} {raw!r}: use an ISO 8601 date or datetime, a relative value like -7d, "
        "or now.",
        attr,
    )


def date_bound(raw: str | None, attr: str, *, end: bool) -> tuple[str, str] | None:
    """(SQL operator, UTC timestamp) for ``date_from``/``date_to``; None when absent.

    ISO 8601 dates and datetimes (no offset = UTC, the project's time zone here), relative values
    (``-7d``, ``-12h``, ``-2w``, ``-1m``, ``-1y``) and ``now``. A date-only ``date_to`` covers the
    whole day.
    """
    text = (raw or "").strip()
    if not text:
        return None
    now = utcnow()
    relative = _RELATIVE.match(text.lower())
    if text.lower() == "now":
        return ("<=" if end else ">="), to_iso(now)
    if relative:
        days = int(relative.group(1)) * _RELATIVE_UNITS[relative.group(2)]
        return ("<=" if end else ">="), to_iso(now - timedelta(days=days))
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if end:
                return "<", to_iso(start + timedelta(days=1))
            return ">=", to_iso(start)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise _bad_date(attr, text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return ("<=" if end else ">="), to_iso(moment)
    except (ValueError, OverflowError):
        raise _bad_date(attr, text) from None


def score_bound(raw: str | None, attr: str) -> float | None:
    """``min_score``/``max_score``: a finite number, or None when absent."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise validation_error("A valid number is required.", attr) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise validation_error("A valid number is required.", attr)
    return value


def current_observation_filters(params: dict[str, str]) -> list[tuple[str, list[Any]]]:
    """The current era's extra observation filters as (SQL over ``observations o``, args)."""
    found: list[tuple[str, list[Any]]] = []
    sessions = csv_values(params.get("session_id"))
    if sessions:
        found.append((f"o.session_id IN ({', '.join('?' * len(sessions))})", list(sessions)))
    subject = (params.get("recording_subject") or "").strip()
    if subject:
        found.append(("instr(lower(o.recording_subject_email), lower(?)) > 0", [subject]))
    labeled = boolean_filter(params.get("labeled"))
    if labeled is not None:
        found.append((f"o.label_is_correct IS {'NOT ' if labeled else ''}NULL", []))
    for attr, operator in (("min_score", ">="), ("max_score", "<=")):
        bound = score_bound(params.get(attr), attr)
        if bound is not None:
            found.append((f"o.result_score IS NOT NULL AND o.result_score {operator} ?", [bound]))
    for attr, end in (("date_from", False), ("date_to", True)):
        limit = date_bound(params.get(attr), attr, end=end)
        if limit is not None:
            found.append((f"o.created_at {limit[0]} ?", [limit[1]]))
    backfill = (params.get("backfill_id") or "").strip()
    if backfill:
        try:
            canonical = str(uuid.UUID(backfill))
        except ValueError:
            raise validation_error("Must be a valid UUID.", "backfill_id") from None
        found.append(("o.backfill_id = ?", [canonical]))
    return found
