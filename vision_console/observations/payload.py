"""Tolerant readers for the Vision API's JSON: a missing or mistyped field never raises.

Inputs may be raw JSON dicts or client models (anything with a ``.raw`` dict), so the console
reads newer or older API shapes the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd


def raw_of(item: Any) -> Mapping[str, Any]:
    """The JSON dict behind a client model, or the dict itself."""
    raw = getattr(item, "raw", item)
    return raw if isinstance(raw, Mapping) else {}


def mapping(value: Any) -> Mapping[str, Any]:
    """The value when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def as_int(value: Any) -> int:
    """A count: numbers as int, anything else (null, text, booleans) as 0."""
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def share(part: float, whole: float) -> float:
    """part / whole, or 0 when there is no whole."""
    return part / whole if whole else 0.0


def model_output(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """``scanner_result.model_output`` (empty until the observation succeeded)."""
    result = raw.get("scanner_result")
    output = result.get("model_output") if isinstance(result, Mapping) else None
    return output if isinstance(output, Mapping) else {}


def number(value: Any) -> float | None:
    """A finite number, or None (booleans and text are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def strings(value: Any) -> list[str]:
    """A JSON list as strings; anything else as an empty list."""
    return [str(item) for item in value] if isinstance(value, list) else []


def timestamp(value: Any) -> pd.Timestamp | None:
    """An ISO-8601 string as a UTC timestamp, or None when missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    stamp = pd.to_datetime(value, utc=True, errors="coerce", format="ISO8601")
    return None if pd.isna(stamp) else stamp
