"""The Overview's fleet result: fetched and built once per data generation, then only drawn.

``load_fleet`` fetches every scanner's activity on a bounded pool (each worker thread on its own
client) and ``build_fleet`` turns it into everything the page shows below the metrics strip: the
table frame, the totals, which scanners failed, and both charts as ready Vega-Lite specs. The page
keeps the result in the session (``vision_console.cache.remember``), so a rerun that changes nothing
neither fetches, nor assembles frames, nor builds a chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from vision_api import Scanner, VisionClient
from vision_console import cache, connection, cost_charts
from vision_console.observations.charts import chart_spec
from vision_console.overview import fleet_table as overview_view

DAYS = overview_view.RECENT_DAYS


@dataclass(frozen=True)
class Fleet:
    """What the Overview draws from the fleet's activity (specs are plain Vega-Lite dicts)."""

    table: pd.DataFrame
    arrow_table: pa.Table
    """``table`` converted once: Streamlit would otherwise convert the frame on every rerun."""
    totals: dict[str, int]
    failed_names: tuple[str, ...]
    first_error: Exception | None
    cost_spec: dict[str, Any] | None
    daily_spec: dict[str, Any] | None
    capped_names: tuple[str, ...]
    """Scanners whose newest-observations fetch hit the cap before the window's start."""


def load_activity(
    client: VisionClient, scanner_ids: Sequence[str], days: int = DAYS
) -> overview_view.FleetActivity:
    """Every scanner's stats and newest observations, each worker thread on its own client."""
    with connection.per_thread(client) as own_client:
        return overview_view.fetch_fleet_activity(
            scanner_ids,
            stats=lambda scanner_id: own_client().observations.stats(scanner_id, recent_days=days),
            recent=lambda scanner_id, limit: (
                own_client()
                .observations.list(scanner_id, order_by="-created_at", limit=limit)
                .items
            ),
        )


def shared_activity(scanners: Sequence[Scanner], days: int = DAYS) -> overview_view.FleetActivity:
    """This viewer's fleet activity, shared with every viewer of the same credentials.

    Kept by ``vision_console.cache.shared`` under the scanners' ids and versions (so a scanner
    list read afresh gets activity to match), fetched with this viewer's own client. A load in
    which any scanner failed is returned to this viewer but not shared: a failed scanner is
    usually a passing fault, and the next viewer should try it again.
    """
    versions = tuple((scanner.id, scanner.scanner_version) for scanner in scanners)
    client = connection.client()

    def load() -> overview_view.FleetActivity:
        activity = load_activity(client, [scanner_id for scanner_id, _ in versions], days)
        if activity.errors:
            raise cache.Incomplete(activity)
        return activity

    return cache.shared("overview:activity", (versions, days), load)


def build_fleet(
    scanners: Sequence[Scanner],
    activity: overview_view.FleetActivity,
    now: datetime,
    observations_link: Callable[[str], str],
    days: int = DAYS,
) -> Fleet:
    """The table, totals, failures and chart specs for ``scanners`` and their activity."""
    last_seen = {
        sid: overview_view.last_observation_at(obs) for sid, obs in activity.recent.items()
    }
    table = overview_view.fleet_frame(scanners, activity.stats, last_seen, observations_link)
    names_by_id = dict(zip(table["id"], table["name"], strict=True))
    costs = overview_view.monthly_cost_frame(table)
    daily = overview_view.daily_observations(activity.recent, names_by_id, now=now, days=days)
    since = overview_view.window_start(now, days)
    return Fleet(
        table=table,
        arrow_table=pa.Table.from_pandas(table, preserve_index=False),
        totals=overview_view.fleet_totals(table),
        failed_names=tuple(names_by_id[sid] for sid in activity.errors if sid in names_by_id),
        first_error=next(iter(activity.errors.values()), None),
        cost_spec=(
            None if costs.empty else chart_spec(cost_charts.monthly_cost_by_scanner_chart(costs))
        ),
        daily_spec=(
            None
            if daily.empty
            else chart_spec(cost_charts.observations_over_time_chart(daily, days))
        ),
        capped_names=tuple(
            names_by_id[sid]
            for sid, obs in activity.recent.items()
            if sid in names_by_id
            and not overview_view.covers_window(obs, activity.limits[sid], since)
        ),
    )
