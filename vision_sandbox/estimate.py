"""Volume and cost estimates over the synthetic recordings table (contract §6, current era §4).

matched = sessions in the era's window (seed 30 days; current 7, or 2 when the query's operand is
OR) that match the query, pass the scan eligibility gate and, in the current era, the
``sampling_mode`` pre-filter; window_days = clamp(days since the project's earliest recording in
the last 90 days + 1, 1, window); estimated observations per month =
round(matched / window_days * 30 * sampling_rate).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .catalog import DEFAULT_SAMPLING_MODE, credits_per_observation
from .errors import validation_error
from .recordings_query import INVALID_DETAIL, compile_filters
from .sampling import mode_clause
from .scan_model import MAX_ACTIVE_S, MIN_ACTIVE_S, MIN_DURATION_S
from .timeutil import from_iso, to_iso, utcnow

# The seed window; the sweep and the seed-era estimate look this far back.
WINDOW_DAYS = 30
MONTH_DAYS = 30
LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class Volume:
    """Sessions matched in the window and the monthly projection."""

    matched: int
    window_days: int
    per_month: int


def estimate_volume(
    conn: sqlite3.Connection,
    project_id: int,
    query: dict[str, Any],
    sampling_rate: float,
    *,
    window_days: int = WINDOW_DAYS,
    sampling_mode: str = DEFAULT_SAMPLING_MODE,
) -> Volume:
    """Count eligible matching sessions in the last ``window_days`` and project them to a month."""
    now = utcnow()
    where, params = compile_filters(query)
    mode_sql, mode_args = mode_clause(sampling_mode)
    sql = (
        "SELECT COUNT(*) FROM recordings r WHERE r.project_id = ? AND r.start_time >= ? "
        "AND r.duration >= ? AND r.active_seconds >= ? AND r.active_seconds <= ? AND "
        f"{mode_sql} AND " + where
    )
    args: list[Any] = [project_id, to_iso(now - timedelta(days=window_days))]
    args += [MIN_DURATION_S, MIN_ACTIVE_S, MAX_ACTIVE_S, *mode_args, *params]
    try:
        matched = int(conn.execute(sql, args).fetchone()[0])
    except (sqlite3.OperationalError, OverflowError):
        raise validation_error(INVALID_DETAIL, "query") from None
    earliest = conn.execute(
        "SELECT MIN(start_time) FROM recordings WHERE project_id = ? AND start_time >= ?",
        (project_id, to_iso(now - timedelta(days=LOOKBACK_DAYS))),
    ).fetchone()[0]
    if earliest is None:
        window = window_days
    else:
        window = min(window_days, max(1, (now - from_iso(earliest)).days + 1))
    per_month = round(matched / window * MONTH_DAYS * sampling_rate)
    return Volume(matched, window, per_month)


def other_enabled_observations(
    conn: sqlite3.Connection, project_id: int, exclude_id: str | None
) -> int:
    """Observations per month of the project's other enabled scanners (nulls count 0)."""
    row = conn.execute(
        "SELECT COALESCE(SUM(estimated_monthly_observations), 0) FROM scanners "
        "WHERE project_id = ? AND enabled = 1 AND id IS NOT ?",
        (project_id, exclude_id),
    ).fetchone()
    return int(row[0])


def seed_response(volume: Volume, others: int, sampling_rate: float) -> dict[str, Any]:
    """The seed era's POST /estimate/ body."""
    return {
        "matched_sessions_in_window": volume.matched,
        "window_days": volume.window_days,
        "estimated_observations_per_month": volume.per_month,
        "other_enabled_scanners_monthly": others,
        "sampling_rate": sampling_rate,
    }


def current_response(
    volume: Volume, model: str, others_credits: int, backfill_credits: int, sampling_rate: float
) -> dict[str, Any]:
    """The current era's POST /estimate/ body: credits only, ``model`` not echoed."""
    price = credits_per_observation(model)
    return {
        "matched_sessions_in_window": volume.matched,
        "window_days": volume.window_days,
        "estimated_observations_per_month": volume.per_month,
        "credits_per_observation": price,
        "estimated_credits_per_month": volume.per_month * price,
        "other_enabled_scanners_monthly_credits": others_credits,
        "active_backfill_credits": backfill_credits,
        "sampling_rate": sampling_rate,
    }
