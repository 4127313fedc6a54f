"""``sampling_mode``: the quality pre-filter on a per-session surfacing score (current era).

PostHog scores every session for how much it is worth surfacing and, before random sampling,
keeps only sessions at or above a threshold: ``focused`` >= 0.30 (about the top 25 %),
``balanced`` >= 0.10 (about the top 65 %), ``comprehensive`` keeps everything.

The sandbox's score is a pure function of the recording, so the same session always passes or
fails a mode, in the estimate and in the sweep alike: a stable hash of the session id, nudged up by
console errors and a high share of active time, mapped so that uniform input lands on PostHog's
quantiles. The database registers it as the SQL function ``surfacing_score`` (:mod:`.db`).
"""

from __future__ import annotations

from .scan_model import unit

THRESHOLDS = {"focused": 0.30, "balanced": 0.10, "comprehensive": 0.0}
_BALANCED_QUANTILE = 0.35
_FOCUSED_QUANTILE = 0.75


def surfacing_score(
    session_id: object, active_seconds: object, duration: object, console_errors: object
) -> float:
    """The session's surfacing score in [0, 1)."""
    errors = float(console_errors) if isinstance(console_errors, int | float) else 0.0
    active = float(active_seconds) if isinstance(active_seconds, int | float) else 0.0
    length = float(duration) if isinstance(duration, int | float) and duration else 1.0
    signal = 0.5 * min(errors, 3.0) / 3.0 + 0.5 * min(active / length, 1.0)
    q = min(0.999999, 0.8 * unit("surfacing", session_id) + 0.2 * signal)
    if q < _BALANCED_QUANTILE:
        return 0.10 * q / _BALANCED_QUANTILE
    if q < _FOCUSED_QUANTILE:
        return 0.10 + 0.20 * (q - _BALANCED_QUANTILE) / (_FOCUSED_QUANTILE - _BALANCED_QUANTILE)
    return 0.30 + 0.70 * (q - _FOCUSED_QUANTILE) / (1 - _FOCUSED_QUANTILE)


def mode_clause(mode: str, alias: str = "r") -> tuple[str, list[float]]:
    """SQL over ``recordings {alias}`` keeping the sessions ``mode`` lets through."""
    threshold = THRESHOLDS.get(mode, 0.0)
    if threshold <= 0:
        return "1", []
    score = (
        f"surfacing_score({alias}.session_id, {alias}.active_seconds, {alias}.duration, "
        f"{alias}.console_error_count)"
    )
    return f"{score} >= ?", [threshold]


def passes(mode: str, recording: dict[str, object]) -> bool:
    """Whether ``mode`` lets this recording (a ``recordings`` row as a dict) through."""
    score = surfacing_score(
        recording["session_id"],
        recording["active_seconds"],
        recording["duration"],
        recording["console_error_count"],
    )
    return score >= THRESHOLDS.get(mode, 0.0)
