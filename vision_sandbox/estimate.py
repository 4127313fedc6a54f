"""Volume and cost estimates over the synthetic recordings table (contract §6, Era S, and §7).

matched = sessions in the last 30 days that match the query and pass the scan eligibility gate;
window_days = clamp(days since the project's earliest recording in the last 90 days + 1, 1, 30);
estimated observations per month = round(matched / window_days * 30 * sampling_rate).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .catalog import credits_per_observation
from .errors import validation_error
from .recordings_query import INVALID_DETAIL, compile_filters
from .scan_model import MAX_ACTIVE_S, MIN_ACTIVE_S, MIN_DURATION_S
from .timeutil import from_iso, to_iso, utcnow

WINDOW_DAYS = 30
LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class Volume:
    """Sessions matched in the window and the monthly projection."""

    matched: int
    window_days: int
    per_month: int


def estimate_volume(
    conn: sqlite3.Connection, project_id: int, query: dict[str, Any], sampling_rate: float
) -> Volume:
    """Count eligible matching sessions and project them to a month."""
    now = utcnow()
    where, params = compile_filters(query)
    sql = (
        "SELECT COUNT(*) FROM recordings r WHERE r.project_id = ? AND r.start_time >= ? "
        "AND r.duration >= ? AND r.active_seconds >= ? AND r.active_seconds <= ? AND " + where
    )
    args = [project_id, to_iso(now - timedelta(days=WINDOW_DAYS))]
    args += [MIN_DURATION_S, MIN_ACTIVE_S, MAX_ACTIVE_S, *params]
    try:
        matched = int(conn.execute(sql, args).fetchone()[0])
    except (sqlite3.OperationalError, OverflowError):
        raise validation_error(INVALID_DETAIL, "query") from None
    earliest = conn.execute(
        "SELECT MIN(start_time) FROM recordings WHERE project_id = ? AND start_time >= ?",
        (project_id, to_iso(now - timedelta(days=LOOKBACK_DAYS))),
    ).fetchone()[0]
    if earliest is None:
        window = WINDOW_DAYS
    else:
        window = min(WINDOW_DAYS, max(1, (now - from_iso(earliest)).days + 1))
    per_month = round(matched / window * WINDOW_DAYS * sampling_rate)
    return Volume(matched, window, per_month)


def other_enabled(
    conn: sqlite3.Connection, project_id: int, exclude_id: str | None
) -> tuple[int, int]:
    """(observations, credits) per month of the project's other enabled scanners."""
    rows = conn.execute(
        "SELECT estimated_monthly_observations AS n, model FROM scanners "
        "WHERE project_id = ? AND enabled = 1 AND id IS NOT ?",
        (project_id, exclude_id),
    ).fetchall()
    observations = sum(row["n"] or 0 for row in rows)
    credits = sum((row["n"] or 0) * credits_per_observation(row["model"]) for row in rows)
    return observations, credits


def estimate_response(
    conn: sqlite3.Connection,
    project_id: int,
    query: dict[str, Any],
    sampling_rate: float,
    scanner_id: str | None,
    model: str,
) -> dict[str, Any]:
    """The POST /estimate/ body."""
    volume = estimate_volume(conn, project_id, query, sampling_rate)
    others, others_credits = other_enabled(conn, project_id, scanner_id)
    price = credits_per_observation(model)
    return {
        "matched_sessions_in_window": volume.matched,
        "window_days": volume.window_days,
        "estimated_observations_per_month": volume.per_month,
        "other_enabled_scanners_monthly": others,
        "other_enabled_scanners_monthly_credits": others_credits,
        "sampling_rate": sampling_rate,
        "model": model,
        "credits_per_observation": price,
        "estimated_credits_per_month": volume.per_month * price,
    }
