"""The Overview's data: the project's scanner lists, and the fleet result built from them.

``project`` reads the scanner counts, the creators and every scanner (kept per viewer until the
data changes: ``vision_console.cache.remember``): a handful of requests whatever the fleet's
size, since the list comes in pages of ``LIST_PAGE_SIZE``. ``ordered`` puts the fleet in the
table's order (most expensive first). ``fleet`` turns the lists and the per-scanner activity
loaded so far (``overview/progressive.py``) into everything the page shows below the metrics
strip: the table frame, which scanners failed, and both charts as ready Vega-Lite
specs. The result is kept in the session until more activity is loaded, so a rerun that changes
nothing neither fetches, nor assembles frames, nor builds a chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from vision_api import Page, Quota, Scanner, ScannerStats, User, VisionAPIError, pagination
from vision_console import cache, chart_spec, connection, navigation, render
from vision_console.overview import activity, charts, frames
from vision_console.overview.activity import RECENT_DAYS, FleetActivity
from vision_console.overview.progressive import Loaded

LIST_PAGE_SIZE = 1000
"""Scanners per list request: 5,000 scanners in five requests (the API sets no page maximum)."""

LIST_WORKERS = 4
"""List pages in flight at once after the first."""

MAX_SCANNERS = 20_000
"""The most scanners the Overview lists (far above any fleet seen; bounds a hostile count)."""


@dataclass(frozen=True)
class Project:
    """What the API lists about the project's scanners, before any per-scanner request."""

    type_counts: ScannerStats
    creators: list[User]
    scanners: list[Scanner]
    quota: Quota | VisionAPIError
    """The period's quota, or the error that kept it from being read."""


@dataclass(frozen=True)
class Fleet:
    """What the Overview draws from the fleet's activity (specs are plain Vega-Lite dicts)."""

    table: pd.DataFrame
    """Every scanner, in the order given; activity columns empty where not loaded yet."""
    failed: tuple[tuple[str, str], ...]
    """(id, name) of every loaded scanner whose activity failed."""
    first_error: Exception | None
    cost_spec: dict[str, Any] | chart_spec.Unavailable | None
    daily_spec: dict[str, Any] | chart_spec.Unavailable | None
    capped_names: tuple[str, ...]
    """Scanners whose newest-observations fetch hit the cap before the window's start."""
    active: int
    """Scanners whose activity is loaded (the daily chart covers only these)."""

    @property
    def failed_names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.failed)


def project() -> Project | None:
    """A Refresh button, then the project's scanner lists; None (the error shown) on failure.

    The lists and the quota are read at once (``cache.together``): at 150 ms a request, four
    reads one after another cost 0.6 s before the first screen. Like the lists, the quota is
    then kept until Refresh or a write, so the meter and the month's figures are of one moment.
    """
    st.button(
        "Refresh",
        key="overview_refresh",
        icon=":material/refresh:",
        help="Read everything again from the API; otherwise kept until data changes here.",
        on_click=cache.invalidate,
    )

    def load() -> Project:
        counts, creators, scanners, found = cache.together(
            cache.scanner_stats, cache.creators, all_scanners, _quota_or_error
        )
        return Project(counts, creators, scanners, found)

    try:
        return cache.remember("overview:lists", (), load)
    except VisionAPIError as error:
        render.show_api_error(error, "load the scanners")
        return None


def _quota_or_error() -> Quota | VisionAPIError:
    """The quota, or why it could not be read: the meter reports that, the page goes on."""
    try:
        return cache.quota()
    except VisionAPIError as error:
        return error


def all_scanners() -> list[Scanner]:
    """Every scanner, shared by every viewer of the same credentials (``cache.shared``).

    The first page of ``LIST_PAGE_SIZE`` gives the count; the other pages are fetched
    ``LIST_WORKERS`` at a time (5,000 scanners: one round trip, then four at once), each
    worker thread on its own client, repeats dropped by id.
    """
    client = connection.client()

    def load() -> list[Scanner]:
        with connection.per_thread(client) as own:

            def fetch(offset: int, limit: int) -> Page[Scanner]:
                return own().scanners.list(limit=limit, offset=offset)

            return pagination.fetch_all(
                fetch,
                page_size=LIST_PAGE_SIZE,
                max_workers=LIST_WORKERS,
                max_items=MAX_SCANNERS,
                key=lambda scanner: scanner.id,
            )

    return cache.shared("overview:scanners", (), load)


def no_scanners_yet() -> None:
    """What an empty project shows instead of the table: where to create the first scanner."""
    st.info("No scanners yet. Create your first one on the Scanners page.", icon=":material/radar:")
    st.page_link(navigation.SCANNERS.path, label="Go to Scanners", icon=":material/add:")


def ordered(scanners: list[Scanner]) -> list[Scanner]:
    """The table's order: the highest estimated monthly credits first, then by name.

    Kept per viewer for this very list (the remembered list is one object while the data
    generation holds), so the pages stay put across reruns.
    """

    def order() -> list[Scanner]:
        def credits(scanner: Scanner) -> int:
            return frames.scanner_monthly_estimate(scanner)[1] or 0

        return sorted(scanners, key=lambda s: (-credits(s), s.name.casefold(), s.id))

    return cache.remember("overview:order", (id(scanners), len(scanners)), order)


def totals(scanners: list[Scanner]) -> dict[str, int | None]:
    """The fleet's month from the list alone (``frames.list_totals``), kept for this list."""
    return cache.remember(
        "overview:totals", (id(scanners), len(scanners)), lambda: frames.list_totals(scanners)
    )


def fleet(scanners: list[Scanner], state: Loaded) -> Fleet:
    """The fleet's table, totals and charts from the lists and the activity loaded so far.

    Rebuilt when more activity is loaded (``state.version``) or the day changes, never on an
    idle rerun.
    """
    today = datetime.now(UTC).date()
    return cache.remember(
        "overview:fleet",
        (RECENT_DAYS, today, id(scanners), len(scanners), state.version),
        lambda: build_fleet(scanners, state.activity(), datetime.now(UTC), observations_link),
    )


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
        failed=tuple((sid, names_by_id[sid]) for sid in found.errors if sid in names_by_id),
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
        active=sum(1 for sid in names_by_id if sid in found.stats or sid in found.recent),
    )
