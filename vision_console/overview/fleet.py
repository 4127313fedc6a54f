"""The Overview's data: the project's scanner lists, and the fleet result built from them.

``project`` reads the scanner counts, the creators and every scanner (kept per viewer until the
data changes: ``vision_console.cache.remember``). ``fleet`` fetches every scanner's activity
(shared by every viewer of the same credentials: ``overview/activity.py``) and ``build_fleet``
turns it into everything the page shows below the metrics strip: the table frame, the totals,
which scanners failed, and both charts as ready Vega-Lite specs. The result is kept in the
session, so a rerun that changes nothing neither fetches, nor assembles frames, nor builds a chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from vision_api import Scanner, ScannerStats, User, VisionAPIError
from vision_console import cache, chart_spec, navigation, render
from vision_console.overview import activity, charts, frames
from vision_console.overview.activity import RECENT_DAYS, FleetActivity


@dataclass(frozen=True)
class Project:
    """What the API lists about the project's scanners, before any per-scanner request."""

    type_counts: ScannerStats
    creators: list[User]
    scanners: list[Scanner]


@dataclass(frozen=True)
class Fleet:
    """What the Overview draws from the fleet's activity (specs are plain Vega-Lite dicts)."""

    table: pd.DataFrame
    arrow_table: pa.Table
    """``table`` converted once: Streamlit would otherwise convert the frame on every rerun."""
    totals: dict[str, int]
    failed_names: tuple[str, ...]
    first_error: Exception | None
    cost_spec: dict[str, Any] | chart_spec.Unavailable | None
    daily_spec: dict[str, Any] | chart_spec.Unavailable | None
    capped_names: tuple[str, ...]
    """Scanners whose newest-observations fetch hit the cap before the window's start."""


def project() -> Project | None:
    """A Refresh button, then the project's scanner lists; None (the error shown) on failure."""
    st.button(
        "Refresh",
        key="overview_refresh",
        icon=":material/refresh:",
        help="Read everything again from the API; otherwise kept until data changes here.",
        on_click=cache.invalidate,
    )
    try:
        return cache.remember(
            "overview:lists",
            (),
            lambda: Project(cache.scanner_stats(), cache.creators(), cache.all_scanners()),
        )
    except VisionAPIError as error:
        render.show_api_error(error, "load the scanners")
        return None


def no_scanners_yet() -> None:
    """What an empty project shows instead of the table: where to create the first scanner."""
    st.info("No scanners yet. Create your first one on the Scanners page.", icon=":material/radar:")
    st.page_link(navigation.SCANNERS.path, label="Go to Scanners", icon=":material/add:")


def fleet(scanners: Sequence[Scanner]) -> Fleet:
    """Every scanner's activity and everything built from it: once per data generation."""

    def load() -> Fleet:
        with st.spinner(f"Loading the activity of {len(scanners)} scanners…"):
            found = activity.shared_activity(scanners)
        return build_fleet(scanners, found, datetime.now(UTC), observations_link)

    today = datetime.now(UTC).date()
    return cache.remember("overview:fleet", (RECENT_DAYS, today, tuple(scanners)), load)


def observations_link(scanner_id: str) -> str:
    """The table's link to the Observations page filtered to one scanner (a new tab)."""
    page = navigation.OBSERVATIONS.path.removeprefix("pages/").removesuffix(".py")
    return f"{page}?scanner={scanner_id}"


def build_fleet(
    scanners: Sequence[Scanner],
    found: FleetActivity,
    now: datetime,
    link: Callable[[str], str],
    days: int = RECENT_DAYS,
) -> Fleet:
    """The table, totals, failures and chart specs for ``scanners`` and their activity."""
    last_seen = {sid: activity.last_observation_at(obs) for sid, obs in found.recent.items()}
    table = frames.fleet_frame(scanners, found.stats, last_seen, link)
    names_by_id = dict(zip(table["id"], table["name"], strict=True))
    costs = frames.monthly_cost_frame(table)
    daily = frames.daily_observations(found.recent, names_by_id, now=now, days=days)
    since = activity.window_start(now, days)
    return Fleet(
        table=table,
        arrow_table=pa.Table.from_pandas(table, preserve_index=False),
        totals=frames.fleet_totals(table),
        failed_names=tuple(names_by_id[sid] for sid in found.errors if sid in names_by_id),
        first_error=next(iter(found.errors.values()), None),
        cost_spec=None
        if costs.empty
        else chart_spec.build(
            "Estimated monthly cost by scanner",
            lambda: charts.monthly_cost_by_scanner_chart(frames.top_costs(costs)),
        ),
        daily_spec=None
        if daily.empty
        else chart_spec.build(
            "Observations over time",
            lambda: charts.observations_over_time_chart(frames.top_daily(daily), days),
        ),
        capped_names=tuple(
            names_by_id[sid]
            for sid, obs in found.recent.items()
            if sid in names_by_id and not activity.covers_window(obs, found.limits[sid], since)
        ),
    )
