"""The Trends section: the scanner's headline (yes-rate, median score, tag mix) per day or week,
and its change against last week, from rows the page already holds.

The rows are the table's own request when the filtered set fits in it, else the whole set once
the viewer loaded it below: this section sends no request of its own.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vision_api import Scanner, VisionAPIError
from vision_console import cache
from vision_console.observations import reads, state, table, trends
from vision_console.observations.panels import draw_chart, lazy_section
from vision_console.observations.reads import StatsView
from vision_console.render import escape_markdown


def rows_in_hand(view: state.View, answer: StatsView) -> pd.DataFrame | None:
    """Every row of the filtered set if the page already has it (no request), else None."""
    request = table.plan(view, answer, 1)
    if request.whole_set:
        try:
            return reads.window(view, request).records
        except VisionAPIError:
            return None  # the table explains the failure
    return reads.whole_set(view, request, answer.stats.status_counts.total, load=False)


def section(scanner: Scanner, view: state.View, answer: StatsView) -> None:
    """Trends of the filtered set, when the scanner's type has a headline result, in a
    collapsed section that costs nothing until opened."""
    if trends.trend_kind(scanner.scanner_type) is None:
        return
    body = lazy_section("Trends", "trends", ":material/trending_up:")
    if body is not None:
        with body:
            _trends(scanner, view, answer)


def _trends(scanner: Scanner, view: state.View, answer: StatsView) -> None:
    st.radio(
        "By",
        trends.PERIODS,
        key=state.STATE.key("per"),
        horizontal=True,
        format_func=str.capitalize,
        persist_state="session",  # kept while the section is closed and the radio not drawn
    )
    rows = rows_in_hand(view, answer)
    if rows is None:
        st.caption(
            "Trends use every observation of this set: load them under "
            "“The whole filtered set” below."
        )
        return
    period: trends.Period = "week" if view.per == "week" else "day"
    key = (view.scanner, view.filter_key(), view.bucket, period, len(rows), id(rows))
    trend = cache.remember(
        "observations:trend", key, lambda: trends.build(rows, scanner.scanner_type, period)
    )
    if trend is None:
        return
    with st.container(horizontal=True):
        for change in trend.changes:
            st.info(escape_markdown(change.text), icon=_icon(change), width="stretch")
    if trend.spec is None:
        st.caption("No results to chart in this set yet.")
        return
    draw_chart(
        trend.spec,
        "observations.chart_trend_headline",
        "The scanner's headline result per period of creation",
    )


def _icon(change: trends.Change) -> str:
    """Up, down or flat, by the sign of the change (flat when it cannot be compared)."""
    if change.before is None or change.after is None or change.after == change.before:
        return ":material/trending_flat:"
    return ":material/trending_up:" if change.after > change.before else ":material/trending_down:"
