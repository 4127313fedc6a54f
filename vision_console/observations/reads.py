"""The explorer's API reads, kept per viewer: one request per distinct input.

Every read goes through ``cache`` (shared, keyed by credentials, write generation and code
version) and its answer is kept for this viewer with ``cache.remember`` by everything it
depends on, so a rerun that changes none of those makes no request at all, whatever the shared
cache's TTL says. "Refresh" bumps the write generation.

The stats path has two cache layers on top of ``cache.observation_stats``: this viewer's
``StatsView`` (``cache.remember``), whose chart specs are shared by every viewer of the same
credentials (``cache.shared``), so a new viewer builds no chart another already built.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
import pyarrow as pa
import streamlit as st

from vision_api import Observation, ObservationStats, Scanner, VisionAPIError
from vision_console import cache, connection, server_era
from vision_console import format as fmt
from vision_console.chart_spec import chart_spec
from vision_console.observations import in_view, records, stats_charts
from vision_console.observations.paging import PageRequest
from vision_console.observations.state import View
from vision_console.render import show_api_error

SLOT = "observations:"
MAX_WHOLE_SET_ROWS = 50_000


def scanners() -> list[Scanner]:
    return cache.remember(f"{SLOT}scanners", (), cache.all_scanners)


def refresh() -> None:
    """Forget this credential's cached reads so the next run fetches fresh data."""
    cache.invalidate()


@dataclass(frozen=True)
class StatsView:
    """One stats answer and its charts, as drawn (both derived once per answer)."""

    stats: ObservationStats
    charts: stats_charts.StatsCharts
    sessions_known: bool = True


def stats(view: View, scanner: Scanner) -> StatsView:
    """The stats of the filtered set (the bucket, sort and page do not change them)."""
    key = (view.scanner, view.filter_key(), view.days, scanner.scanner_version)

    def fetch() -> StatsView:
        with st.spinner("Loading stats…"):
            answer = cache.observation_stats(
                view.scanner, recent_days=view.days, **view.api_filters()
            )
        charts = cache.shared(
            f"{SLOT}stats_charts", key, lambda: stats_charts.specs(answer, scanner)
        )
        return StatsView(answer, charts)

    return cache.remember(f"{SLOT}stats", key, fetch)


def narrowed(view: View, answer: StatsView, rows: pd.DataFrame | None) -> StatsView:
    """The answer narrowed to the view's score bucket (``in_view``), its status and coverage
    charts rebuilt for it; the answer itself without a bucket. Built once per bucket."""
    key = (view.scanner, view.filter_key(), view.days, view.bucket, rows is not None)

    def build() -> StatsView:
        narrow = in_view.narrow(answer.stats, view.bucket, rows, view.days)
        if narrow is None:
            return answer
        charts = replace(
            answer.charts,
            status=chart_spec(stats_charts.status_chart(narrow.stats.status_counts)),
            coverage=chart_spec(stats_charts.coverage_chart(narrow.stats.coverage)),
        )
        return StatsView(narrow.stats, charts, narrow.sessions_known)

    return cache.remember(f"{SLOT}narrowed", key, build)


def current_era() -> bool:
    """Whether the server speaks today's API (labels, retries, the newer filters): the era
    detected once per connection, as every page reads it (``server_era.is_current``)."""
    return server_era.is_current()


@dataclass(frozen=True)
class Window:
    """One list request's rows: their record frame, and the typed observations behind it,
    read only when something needs one (an open row, the Ratings section)."""

    scanner_id: str
    records: pd.DataFrame
    load_items: Callable[[], Sequence[Observation]] = field(repr=False, compare=False)

    @functools.cached_property
    def items(self) -> Sequence[Observation]:
        return self.load_items()

    def observation_at(self, position: int) -> Observation:
        """The observation of record row ``position``, found by its id: the list answer and
        the shared frame expire apart, so a newer answer may hold other rows at that place
        (the observation is then read alone)."""
        wanted = str(self.records["id"].iloc[position])
        found = next((item for item in self.items if item.id == wanted), None)
        return found if found is not None else observation(self.scanner_id, wanted)


def window(view: View, plan: PageRequest) -> Window:
    """The rows of one list request (the table's page, or the whole set when small).

    The record frame is shared by every viewer of the same view (``cache.shared``): a new
    viewer's filter click then costs a copy of the frame (about 1 ms for 600 rows), not of
    the 600 observations (about 30 ms) and their conversion (about 20 ms) (issue 14: click
    latency).
    """
    key = (view.scanner, view.filter_key(), plan.order_by, plan.offset, plan.limit)

    def fetch() -> Sequence[Observation]:
        answer = cache.list_observations(
            view.scanner,
            order_by=plan.order_by,
            limit=plan.limit,
            offset=plan.offset,
            **view.api_filters(),
        )
        return answer.items

    def build() -> pd.DataFrame:
        return records.observation_records(fetch(), connection.current().recording_url)

    def open_window() -> Window:
        with st.spinner("Loading observations…"):
            frame = cache.shared(f"{SLOT}records", key, build)
        return Window(view.scanner, frame, fetch)

    return cache.remember(f"{SLOT}window", key, open_window)


@dataclass(frozen=True)
class PageRows:
    """One table page, derived once per response: its observation ids and its grid."""

    ids: list[str]
    table: pa.Table


def page_rows(
    view: View, plan: PageRequest, rows: Window, scanner_type: str, rated: bool = False
) -> PageRows:
    """The table page's ids and Arrow grid, converted once and shared by every viewer of the
    same page (a copy of an Arrow table is cheap; building one is ~10 ms); ``rated`` adds the
    Rating column (👍/👎) where the server has labels."""

    def build() -> PageRows:
        page = rows.records.iloc[plan.start : plan.start + view.size]
        grid = pa.Table.from_pandas(records.table_frame(page, scanner_type), preserve_index=False)
        if rated:
            grid = grid.append_column("Rating", pa.array(list(page["rating"]), pa.string()))
        return PageRows(list(page["id"]), grid)

    key = (view.scanner, view.filter_key(), plan, view.size, scanner_type, rated)
    slot = f"{SLOT}page_rows"
    return cache.remember(slot, key, lambda: cache.shared(slot, key, build))


def observation(scanner_id: str, observation_id: str) -> Observation:
    return cache.remember(
        f"{SLOT}observation",
        (scanner_id, observation_id),
        lambda: cache.observation(scanner_id, observation_id),
    )


def whole_set(view: View, plan: PageRequest, total: int, load: bool) -> pd.DataFrame | None:
    """Every row of the filtered set when loaded in this session (``load`` fetches it now)."""
    slot, key = f"{SLOT}whole_set", (view.filter_key(), view.bucket)
    if load:
        cache.forget(slot)
    fetch: Callable[[], pd.DataFrame | None] = (
        (lambda: _fetch_all(view, plan, total)) if load else (lambda: None)
    )
    return cache.remember(slot, key, fetch)


def _fetch_all(view: View, plan: PageRequest, total: int) -> pd.DataFrame | None:
    """Fetch every row of the filtered set (within the cap), with a progress bar."""
    wanted = min(total, MAX_WHOLE_SET_ROWS)
    bar = st.progress(0.0, text=f"Fetching {fmt.count(wanted, 'observation')}…")

    def progress(done: int, expected: int) -> None:
        bar.progress(
            min(done / max(expected, 1), 1.0),
            text=f"Fetched {fmt.count(done)} of {fmt.count(expected, 'observation')}",
        )

    try:
        items = connection.client().observations.fetch_all(
            view.scanner,
            order_by=plan.order_by,
            max_items=plan.offset + wanted,
            on_progress=progress,
            **view.api_filters(),
        )
    except VisionAPIError as error:
        show_api_error(error, "fetch every observation of this set")
        return None
    finally:
        bar.empty()
    return records.observation_records(items[plan.offset :], connection.current().recording_url)
