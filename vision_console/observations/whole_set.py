"""The whole filtered set: trends over time, scanner-version comparison, CSV/Parquet export.

These need every row, not one page. When the filtered set fits in the table's single list
request it is already in hand and nothing more is fetched; otherwise the viewer loads it on
demand (``reads.whole_set``, the client's concurrent ``fetch_all`` with a progress bar). Each
tab's charts are built once per loaded set, the first time the tab shows.

A set not in hand is exported without loading it: ``export_stream`` writes it to a file page
by page (a million rows in bounded memory), so export works at any size, loaded or not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from vision_api import Scanner
from vision_console import cache
from vision_console import format as fmt
from vision_console.observations import export_stream, reads, records, set_charts, state
from vision_console.observations.paging import PageRequest
from vision_console.observations.panels import draw_chart, lazy_section
from vision_console.observations.reads import StatsView
from vision_console.observations.table import plan

TABS_KEY = "observations.whole_set_tab"


def section(scanner: Scanner, view: state.View, answer: StatsView) -> None:
    """Trends, versions and export of the filtered set, in a collapsed section that costs
    nothing until opened."""
    body = lazy_section(
        "The whole filtered set: over time, versions, export", "whole_set", ":material/dataset:"
    )
    if body is not None:
        with body:
            _whole_set(scanner, view, answer)


def _whole_set(scanner: Scanner, view: state.View, answer: StatsView) -> None:
    request = plan(view, answer, 1)
    total = answer.stats.status_counts.total
    if request.whole_set:
        rows = reads.window(view, request).records
        total = len(rows)
    else:
        loaded = reads.whole_set(view, request, total, load=False)
        if loaded is None:
            with st.container(border=True):
                st.markdown(f"**Export all {fmt.count(total)} observations to a file**")
                export_stream.panel(scanner, view.api_filters(), view.filter_key(), total)
            loaded = _offer_load(view, request, total)
        if loaded is None:
            return
        rows = loaded
    _tabs(view, rows, scanner, total)


def _offer_load(view: state.View, request: PageRequest, total: int) -> pd.DataFrame | None:
    st.caption(
        f"Trends, version comparison and export use all {total:,} observations of "
        "this set, fetched in large pages, several at a time."
    )
    if total > reads.MAX_WHOLE_SET_ROWS:
        st.warning(
            f"Only the first {reads.MAX_WHOLE_SET_ROWS:,} in the table's order will be "
            "loaded; narrow the filters to see the rest.",
            icon=":material/warning:",
        )
    if not st.button(
        f"Load all {total:,} observations",
        icon=":material/download:",
        key="observations.load_all",
    ):
        return None
    return reads.whole_set(view, request, total, load=True)


def _tabs(view: state.View, rows: pd.DataFrame, scanner: Scanner, total: int) -> None:
    """Only the open tab's body runs, and a tab's charts are built the first time it shows."""
    loaded = (view.filter_key(), view.bucket, len(rows), id(rows))
    over_time, versions, exports = st.tabs(
        ["Over time", "Versions", "Export"], key=TABS_KEY, on_change="rerun"
    )
    if over_time.open:
        specs = cache.remember(
            "observations:trends",
            loaded,
            lambda: set_charts.trend_specs(rows, scanner.scanner_type),
        )
        with over_time:
            draw_chart(
                specs["over_time"],
                "observations.chart_over_time",
                "Observations per period by outcome",
            )
            if "trend" in specs:
                draw_chart(specs["trend"], "observations.chart_trend", "Results per period")
    if versions.open:
        specs = cache.remember(
            "observations:versions", loaded, lambda: set_charts.version_specs(rows, scanner)
        )
        with versions:
            _versions(rows, specs)
    if exports.open:
        with exports:
            _export(rows, scanner, total)


def _versions(rows: pd.DataFrame, specs: dict[str, Any]) -> None:
    st.caption(
        f"Split by the scanner version each observation ran with, computed in the "
        f"console from the {len(rows):,} observations above (the stats endpoint has "
        "no version filter)."
    )
    percent = st.column_config.NumberColumn(format="percent")
    st.dataframe(
        specs["version_summary"],
        hide_index=True,
        width="stretch",
        column_config={
            "Success rate": percent,
            "Yes rate": percent,
            "Mean score": st.column_config.NumberColumn(format="%.2f"),
            "Median score": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    left, right = st.columns(2)
    with left:
        draw_chart(
            specs["version_outcomes"],
            "observations.chart_version_outcomes",
            "Share of each outcome per scanner version",
        )
    with right:
        if "version_detail" in specs:
            draw_chart(
                specs["version_detail"],
                "observations.chart_version_detail",
                "The scanner type's result per scanner version",
            )


def _export(rows: pd.DataFrame, scanner: Scanner, total: int) -> None:
    kind = scanner.scanner_type
    st.caption(
        f"{len(rows):,} observations × {len(records.export_columns(kind))} columns: result, "
        "reasoning, confidence, scanner version, times, error reason, recording link."
    )
    if len(rows) != total:
        st.info(
            f"The stats counted {total:,}: observations changed since these were "
            "fetched. Refresh to export the current set.",
            icon=":material/info:",
        )
    now = datetime.now(UTC)
    csv_col, parquet_col = st.columns(2)
    csv_col.download_button(
        "Download CSV",
        data=lambda: records.to_csv_bytes(rows, kind),
        key="observations.export_csv",
        file_name=records.export_file_name(scanner.name, "csv", now),
        mime="text/csv",
        icon=":material/table_view:",
        on_click="ignore",
        width="stretch",
    )
    parquet_col.download_button(
        "Download Parquet",
        data=lambda: records.to_parquet_bytes(rows, kind),
        key="observations.export_parquet",
        file_name=records.export_file_name(scanner.name, "parquet", now),
        mime="application/vnd.apache.parquet",
        icon=":material/dataset:",
        on_click="ignore",
        width="stretch",
    )
