"""The stats as the view narrows them: a score bucket is a filter the stats endpoint lacks.

Every other filter goes to the stats request itself, so its counts are the table's. A score
bucket is picked from the histogram and applied by paging (``paging.plan_page_request``): the
stats answer still counts the whole set. This narrows the answer to the bucket, so the metric
strip, the status and coverage charts and the table's row count all describe the rows shown
(issue 15 item 7: the table was filtered, the metrics and the sort box were not).

Only succeeded observations have a score, so a bucket's status counts follow from its size;
its sessions are counted from its rows when the whole bucket is in hand (one list request,
the table's own), else they are unknown and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pandas as pd

from vision_api import Coverage, ObservationStats, StatusCounts
from vision_console.observations import stats_charts


@dataclass(frozen=True)
class Narrowed:
    """A stats answer narrowed to one bucket, and whether its sessions could be counted."""

    stats: ObservationStats
    sessions_known: bool


def bucket_counts(size: int) -> StatusCounts:
    """The status counts of ``size`` scored observations: all succeeded."""
    return StatusCounts(
        total=size,
        succeeded=size,
        failed=0,
        ineligible=0,
        in_flight=0,
        success_rate=100 if size else None,
    )


def bucket_coverage(rows: pd.DataFrame, days: int, now: datetime | None = None) -> Coverage:
    """Distinct sessions of the bucket's rows: in the last ``days`` days and in total."""
    if rows.empty:
        return Coverage(recent_sessions=0, total_sessions=0, recent_days=days)
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    recent = rows[rows["created_at"] >= pd.Timestamp(since)]
    return Coverage(
        recent_sessions=int(recent["session_id"].nunique()),
        total_sessions=int(rows["session_id"].nunique()),
        recent_days=days,
    )


def narrow(
    stats: ObservationStats,
    bucket: str | None,
    rows: pd.DataFrame | None,
    days: int,
    now: datetime | None = None,
) -> Narrowed | None:
    """The answer narrowed to ``bucket`` (None without a bucket, or for one the histogram
    lacks). ``rows`` is the whole bucket when in hand, else None (sessions unknown)."""
    histogram = stats_charts.histogram_of(stats)
    if bucket is None or histogram is None:
        return None
    window = stats_charts.bucket_window(histogram, bucket, False)
    if window is None:
        return None
    size = window[1]
    coverage = (
        bucket_coverage(rows, days, now)
        if rows is not None
        else Coverage(recent_sessions=0, total_sessions=0, recent_days=days)
    )
    narrowed = replace(stats, status_counts=bucket_counts(size), coverage=coverage)
    return Narrowed(narrowed, rows is not None)
