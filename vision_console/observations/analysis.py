"""The whole filtered set: trends over time, scanner-version comparison, CSV/Parquet export.

These need every row, not one page. When the filtered set fits in the table's single list
request it is already in hand and nothing more is fetched; otherwise the viewer loads it on
demand through the client's concurrent ``fetch_all`` with a progress bar. Either way the rows
are kept for this session, keyed by the filtered set, and each tab's charts are built once
per load, the first time the tab shows.

Version comparison is computed here from those rows, grouped by the ``scanner_version`` each
observation's snapshot recorded: the stats endpoint has no version filter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from vision_api import Scanner, VisionAPIError
from vision_console import cache, connection
from vision_console.observations import charts, export, paging, state
from vision_console.observations import records as obs_records
from vision_console.observations.charts import chart_spec
from vision_console.observations.panels import draw_chart, score_label
from vision_console.observations.query import ObservationQuery
from vision_console.render import show_api_error

MAX_WHOLE_SET_ROWS = 50_000
TABS_KEY = "obs_whole_set_tab"
_LOADED = "obs_whole_set"


def _key(query: ObservationQuery) -> tuple[Any, ...]:
    """What a loaded set depends on: credentials, their write generation, filters, bucket."""
    fingerprint = connection.current().fingerprint
    return (fingerprint, cache.generation(fingerprint), query.filter_key(), query.bucket)


def held_records(query: ObservationQuery) -> pd.DataFrame | None:
    """The whole filtered set loaded earlier in this session, if still current."""
    held = st.session_state.get(_LOADED)
    if held and held[0] == _key(query):
        records: pd.DataFrame = held[1]
        return records
    return None


def _load(query: ObservationQuery, plan: paging.PageRequest, total: int) -> pd.DataFrame | None:
    """Fetch every row of the filtered set (within the cap), with a progress bar."""
    assert query.scanner_id is not None
    wanted = min(total, MAX_WHOLE_SET_ROWS)
    bar = st.progress(0.0, text=f"Fetching {wanted:,} observations…")

    def progress(done: int, expected: int) -> None:
        bar.progress(
            min(done / max(expected, 1), 1.0), text=f"Fetched {done:,} of {expected:,} observations"
        )

    try:
        items = connection.client().observations.fetch_all(
            query.scanner_id,
            order_by=plan.order_by,
            max_items=plan.offset + wanted,
            on_progress=progress,
            **query.api_filters(),
        )
    except VisionAPIError as error:
        bar.empty()
        show_api_error(error, "fetch every observation of this set")
        return None
    bar.empty()
    records = obs_records.observation_records(
        items[plan.offset :], connection.current().recording_url
    )
    st.session_state[_LOADED] = (_key(query), records)
    return records


def _over_time_specs(records: pd.DataFrame, kind: str) -> dict[str, Any]:
    """The Over time tab's charts, built once per loaded set, when the tab is first shown."""
    outcomes, unit = obs_records.over_time_frame(records)
    specs: dict[str, Any] = {
        "over_time": chart_spec(
            charts.over_time_chart(
                outcomes,
                unit,
                charts.OUTCOME_COLORS,
                charts.OUTCOME_ORDER,
                "Observations over time by outcome",
            )
        )
    }
    if kind == "monitor":
        verdicts, unit = obs_records.over_time_frame(records, by="verdict")
        specs["verdicts_over_time"] = chart_spec(
            charts.over_time_chart(
                verdicts, unit, charts.VERDICT_COLORS, charts.VERDICT_ORDER, "Verdicts over time"
            )
        )
    return specs


def _version_specs(records: pd.DataFrame, scanner: Scanner) -> dict[str, Any]:
    """The Versions tab's table and charts, built once per loaded set, when first shown."""
    kind = scanner.scanner_type
    specs: dict[str, Any] = {
        "version_summary": obs_records.version_summary(records, kind),
        "version_outcomes": chart_spec(
            charts.version_mix_chart(
                obs_records.version_mix_frame(records),
                charts.OUTCOME_COLORS,
                charts.OUTCOME_ORDER,
                "Outcome by scanner version",
            )
        ),
    }
    if kind == "monitor":
        specs["version_detail"] = chart_spec(
            charts.version_mix_chart(
                obs_records.version_mix_frame(records, by="verdict"),
                charts.VERDICT_COLORS,
                charts.VERDICT_ORDER,
                "Verdicts by scanner version",
            )
        )
    elif kind == "scorer":
        specs["version_detail"] = chart_spec(
            charts.version_score_chart(
                obs_records.version_score_frame(records), score_label(scanner)
            )
        )
    elif kind == "classifier":
        specs["version_detail"] = chart_spec(
            charts.version_tag_chart(obs_records.version_tag_frame(records))
        )
    return specs


def render(
    scanner: Scanner,
    query: ObservationQuery,
    plan: paging.PageRequest,
    total: int,
    window: pd.DataFrame | None,
) -> None:
    """Trends, versions and export of the filtered set (``window`` when it is the whole set)."""
    st.subheader("The whole filtered set")
    records = window if window is not None else held_records(query)
    if records is None:
        st.caption(
            f"Trends, version comparison and export use all {total:,} observations of "
            "this set, fetched in large pages, several at a time."
        )
        if total > MAX_WHOLE_SET_ROWS:
            st.warning(
                f"Only the first {MAX_WHOLE_SET_ROWS:,} in the table's order will be "
                "loaded; narrow the filters to see the rest.",
                icon=":material/warning:",
            )
        if not st.button(
            f"Load all {total:,} observations", icon=":material/download:", key="obs_load_all"
        ):
            return
        records = _load(query, plan, total)
        if records is None:
            return
    loaded = (_key(query), len(records), id(records))
    # Only the open tab's body runs, and a tab's charts are built the first time it shows.
    over_time, versions, exports = st.tabs(
        ["Over time", "Versions", "Export"], key=TABS_KEY, on_change="rerun"
    )
    if over_time.open:
        specs = state.memoised(
            "analysis_over_time",
            loaded,
            lambda: _over_time_specs(records, scanner.scanner_type),
        )
        with over_time:
            draw_chart(
                specs["over_time"], "obs_chart_over_time", "Observations per period by outcome"
            )
            if "verdicts_over_time" in specs:
                draw_chart(
                    specs["verdicts_over_time"],
                    "obs_chart_verdicts_over_time",
                    "Verdicts per period",
                )
    if versions.open:
        with versions:
            _versions(
                records,
                state.memoised(
                    "analysis_versions", loaded, lambda: _version_specs(records, scanner)
                ),
            )
    if exports.open:
        with exports:
            _export(records, scanner, total)


def _versions(records: pd.DataFrame, specs: dict[str, Any]) -> None:
    st.caption(
        f"Split by the scanner version each observation ran with, computed in the "
        f"console from the {len(records):,} observations above (the stats endpoint has "
        "no version filter)."
    )
    summary = specs["version_summary"]
    percent = st.column_config.NumberColumn(format="percent")
    st.dataframe(
        summary,
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
            "obs_chart_version_outcomes",
            "Share of each outcome per scanner version",
        )
    with right:
        if "version_detail" in specs:
            draw_chart(
                specs["version_detail"],
                "obs_chart_version_detail",
                "The scanner type's result per scanner version",
            )


def _export(records: pd.DataFrame, scanner: Scanner, total: int) -> None:
    st.caption(
        f"{len(records):,} observations × {len(records.columns)} columns: result, "
        "reasoning, confidence, scanner version, times, error reason, recording link."
    )
    if len(records) != total:
        st.info(
            f"The stats counted {total:,}: observations changed since these were "
            "fetched. Refresh to export the current set.",
            icon=":material/info:",
        )
    now = datetime.now(UTC)
    csv_col, parquet_col = st.columns(2)
    csv_col.download_button(
        "Download CSV",
        data=lambda: export.to_csv_bytes(records),
        key="obs_export_csv",
        file_name=export.export_file_name(scanner.name, "csv", now),
        mime="text/csv",
        icon=":material/table_view:",
        on_click="ignore",
        width="stretch",
    )
    parquet_col.download_button(
        "Download Parquet",
        data=lambda: export.to_parquet_bytes(records),
        key="obs_export_parquet",
        file_name=export.export_file_name(scanner.name, "parquet", now),
        mime="application/vnd.apache.parquet",
        icon=":material/dataset:",
        on_click="ignore",
        width="stretch",
    )
