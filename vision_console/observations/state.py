"""Streamlit state for the Observations explorer: URL <-> widgets, click-to-filter, reads.

The URL is read only when it changed outside this page's own writes (first load, back/forward,
an edited link); its values then seed the widgets. On every other run the widgets are the
source of truth and the URL mirrors them, so a copied link reproduces the view.

Streamlit forgets widget values when another page runs, and page navigation clears the URL, so
the last view drawn is also kept in a plain session key and restored when the page comes back
without a link of its own: URL parameters given explicitly > remembered view > defaults.

Reads are memoised per session by everything they depend on (credential fingerprint, write
generation, scanner, filters, sort, window): a rerun that changes none of those makes no
request at all, whatever the shared cache's TTL says. "Refresh" bumps the write generation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

from vision_api import Observation, ObservationStats, Page, Scanner
from vision_console import cache
from vision_console.observations import paging, stats_frames
from vision_console.observations import query as oq
from vision_console.observations.query import Notice, ObservationQuery
from vision_console.observations.stats_frames import StatsSummary

T = TypeVar("T")

W_SCANNER, W_STATUS, W_VERDICT, W_TAGS = "obs_scanner", "obs_status", "obs_verdict", "obs_tags"
W_TRIGGER, W_SESSION, W_DAYS, W_SORT = "obs_trigger", "obs_session", "obs_days", "obs_sort"
W_PAGE, W_SIZE, W_BUCKET = "obs_page", "obs_size", "obs_bucket"
VIEW_OPTIONS_KEY = "obs_view_options"
"""The popover holding rows per page and the coverage window (True while open)."""
_URL_WRITTEN = "obs_url_written"
_PENDING = "obs_pending_detail"
MEMO_PREFIX = "observations:"
_VIEW = "obs_view"

# Query field -> the widget key holding it.
_FIELD_KEYS: Mapping[str, str] = {
    "scanner_id": W_SCANNER,
    "status": W_STATUS,
    "verdict": W_VERDICT,
    "tags": W_TAGS,
    "triggered_by": W_TRIGGER,
    "session_id": W_SESSION,
    "recent_days": W_DAYS,
    "order_by": W_SORT,
    "page": W_PAGE,
    "page_size": W_SIZE,
    "bucket": W_BUCKET,
}
_LIST_FIELDS = ("status", "verdict", "tags", "triggered_by")


def _url_params() -> dict[str, str]:
    return {name: st.query_params[name] for name in oq.URL_PARAMS if name in st.query_params}


def sync_from_url() -> list[Notice]:
    """Seed the widgets from the URL when it changed behind this page's back, or from the
    remembered view when returning from another page without a link of its own.

    Returns notices for URL values that were invalid (each fell back to its default).
    """
    current = _url_params()
    written = current == st.session_state.get(_URL_WRITTEN)
    if W_SCANNER not in st.session_state:  # the widgets were not drawn last run (another page)
        remembered = st.session_state.get(_VIEW)
        if isinstance(remembered, ObservationQuery) and (written or not current):
            seed(remembered)
            st.session_state[_PENDING] = remembered.observation_id
            return []
    elif written:
        return []
    query, notices = oq.parse_params(current)
    seed(query)
    st.session_state[_PENDING] = query.observation_id
    st.session_state[_URL_WRITTEN] = current
    return notices


def seed(query: ObservationQuery) -> None:
    """Put a query's values into the widgets' state (before the widgets are drawn)."""
    for field, key in _FIELD_KEYS.items():
        value = getattr(query, field)
        st.session_state[key] = list(value) if field in _LIST_FIELDS else value


def current_query() -> ObservationQuery:
    """The view as the widgets hold it (the detail id is added once the table is drawn)."""
    defaults = ObservationQuery()
    values: dict[str, Any] = {}
    for field, key in _FIELD_KEYS.items():
        value = st.session_state.get(key, getattr(defaults, field))
        values[field] = tuple(value or ()) if field in _LIST_FIELDS else value
    values["session_id"] = (values["session_id"] or "").strip()
    return ObservationQuery(**values)


def write_url(query: ObservationQuery) -> None:
    """Mirror the view into the URL, touching only this page's parameters; remember the view."""
    st.session_state[_VIEW] = query
    wanted = query.to_params()
    for name in oq.URL_PARAMS:
        if name in wanted:
            if st.query_params.get(name) != wanted[name]:
                st.query_params[name] = wanted[name]
        elif name in st.query_params:
            del st.query_params[name]
    st.session_state[_URL_WRITTEN] = wanted


def set_fields(**changes: Any) -> None:
    """Change query fields through their widgets' state (callbacks only)."""
    for field, value in changes.items():
        key = _FIELD_KEYS[field]
        st.session_state[key] = list(value) if field in _LIST_FIELDS else value


def on_filters_changed() -> None:
    """Any filter, sort or page-size change starts again at page 1 (the detail closes)."""
    st.session_state[W_PAGE] = 1
    st.session_state[_PENDING] = None


def on_page_size_changed() -> None:
    """Rows per page changed: back to page 1, and the view options popover stays open."""
    on_filters_changed()
    on_coverage_window_changed()


def on_coverage_window_changed() -> None:
    """Keep the view options popover open: its label names the values, so a change gives it
    a new identity that would otherwise start closed."""
    st.session_state[VIEW_OPTIONS_KEY] = True


def on_scanner_changed() -> None:
    """A different scanner: type-specific filters no longer apply."""
    set_fields(verdict=(), tags=(), bucket=None, page=1)
    st.session_state[_PENDING] = None


def clear_filters() -> None:
    set_fields(status=(), verdict=(), tags=(), triggered_by=(), session_id="", bucket=None, page=1)
    st.session_state[_PENDING] = None


def on_chart_select(chart_key: str, selection_name: str) -> None:
    """A click on a chart bar (or a click clearing it) becomes a filter change."""
    state = st.session_state.get(chart_key) or {}
    selection = state.get("selection", {}) if isinstance(state, Mapping) else {}
    points = selection.get(selection_name) if isinstance(selection, Mapping) else None
    changes = paging.filters_from_selection(selection_name, points)
    if changes:
        set_fields(**changes)
        on_filters_changed()


def go_to(page: int, pending: str | None = None) -> None:
    """Show ``page`` and, when given, select an observation (an id, FIRST or LAST) there."""
    st.session_state[W_PAGE] = page
    st.session_state[_PENDING] = pending


def pending() -> str | None:
    """The observation to select once the table is drawn: an id, or FIRST/LAST of the page."""
    value = st.session_state.get(_PENDING)
    return value if isinstance(value, str) else None


def clear_pending() -> None:
    st.session_state[_PENDING] = None


def close_detail(table: str) -> None:
    """Deselect the table's row (callback of the detail's Close button)."""
    st.session_state[table] = {"selection": {"rows": [], "columns": [], "cells": []}}
    clear_pending()


def table_key(query: ObservationQuery) -> str:
    """A table widget per filtered set, sort and page: a new view starts unselected."""
    identity = repr((query.filter_key(), query.bucket, query.order_by, query.page, query.page_size))
    return "obs_table:" + hashlib.sha1(identity.encode()).hexdigest()[:16]


def select_row(key: str, position: int) -> None:
    """Select a row of the table widget ``key`` from code (before it is drawn)."""
    st.session_state[key] = {"selection": {"rows": [position], "columns": [], "cells": []}}


# ---------------------------------------------------------------------------------------------
# Memoised reads: one request per distinct input, none on a rerun that changes nothing
# ---------------------------------------------------------------------------------------------


def _memo(slot: str, key: tuple[Any, ...], fetch: Callable[[], T], spinner: str = "") -> T:
    """The slot's value for ``key``; ``spinner`` is shown only while it is being fetched."""

    def compute() -> T:
        if not spinner:
            return fetch()
        with st.spinner(spinner):
            return fetch()

    return cache.remember(f"{MEMO_PREFIX}{slot}", key, compute)


def memoised(slot: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """Derived data (frames, chart specs) computed once per input, kept for this session."""
    return _memo(slot, key, compute)


def refresh() -> None:
    """Forget this credential's cached reads so the next run fetches fresh data."""
    cache.invalidate()


def scanners() -> list[Scanner]:
    return _memo("scanners", (), lambda: cache.all_scanners())


def stats(query: ObservationQuery) -> ObservationStats:
    """The stats for the filtered set (bucket and sort do not change them)."""
    assert query.scanner_id is not None
    scanner_id, filters = query.scanner_id, query.api_filters()
    return _memo(
        "stats",
        (scanner_id, query.filter_key(), query.recent_days),
        lambda: cache.observation_stats(scanner_id, recent_days=query.recent_days, **filters),
        spinner="Loading stats…",
    )


def stats_summary(query: ObservationQuery, stats: ObservationStats) -> StatsSummary:
    """What every run reads from the stats (buckets, total, tags), derived once per answer."""
    return _memo(
        "stats_summary",
        (query.scanner_id, query.filter_key(), query.recent_days),
        lambda: stats_frames.summarise(stats),
    )


def page(query: ObservationQuery, order_by: str, offset: int, limit: int) -> Page[Observation]:
    """One list request for the table's window."""
    assert query.scanner_id is not None
    scanner_id, filters = query.scanner_id, query.api_filters()
    return _memo(
        "page",
        (scanner_id, query.filter_key(), order_by, offset, limit),
        lambda: cache.list_observations(
            scanner_id, order_by=order_by, limit=limit, offset=offset, **filters
        ),
        spinner="Loading observations…",
    )


def observation(scanner_id: str, observation_id: str) -> Observation:
    return _memo(
        "observation",
        (scanner_id, observation_id),
        lambda: cache.observation(scanner_id, observation_id),
    )
