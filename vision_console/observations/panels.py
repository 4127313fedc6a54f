"""The Observations explorer's panels: scanner picker, filters, stats charts, table, detail.

Each function draws one part of the page from data the page already fetched; API text is
shown with ``st.text``/``st.code``/dataframe cells or escaped, never as Markdown. Chart specs
are built once per stats response (memoised) and drawn with ``st.vega_lite_chart``, so a
rerun neither rebuilds nor re-validates them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from vision_api import ObservationStats, Scanner
from vision_console import cache
from vision_console.observations import charts, state, stats_frames
from vision_console.observations import query as oq
from vision_console.observations import records as obs_records
from vision_console.observations.query import Notice, ObservationQuery
from vision_console.render import escape_markdown

SORT_WIDTH = 300
"""Pixels for the sort box: its longest choice fits, the row keeps room for the buttons."""

TYPE_CHARTS = ("verdict", "histogram", "tags")
"""The chart specs that show a scanner type's distribution (at most one per scanner)."""

TYPE_COLORS: Mapping[str, Any] = {
    "monitor": "blue",
    "classifier": "violet",
    "scorer": "orange",
    "summarizer": "green",
}


def draw_chart(
    spec: dict[str, Any], key: str, description: str, selection: str | None = None
) -> None:
    """One chart; with ``selection``, a click on it filters the table."""
    if selection is None:
        st.vega_lite_chart(spec=spec, key=key, width="stretch", alt=description)
        return
    st.vega_lite_chart(
        spec=spec,
        key=key,
        width="stretch",
        alt=description,
        selection_mode=[selection],
        on_select=partial(state.on_chart_select, key, selection),
    )


# ---------------------------------------------------------------------------------------------
# Scanner and filters
# ---------------------------------------------------------------------------------------------


def scanner_label(scanner: Scanner) -> str:
    """Picker option: name, type, version and whether it runs on its schedule."""
    enabled = "enabled" if scanner.enabled else "disabled"
    return f"{scanner.name} · {scanner.scanner_type} · v{scanner.scanner_version} · {enabled}"


def resolve_scanner(scanners: Sequence[Scanner], reference: object) -> Scanner | None:
    """The scanner a URL names: by id, else by exact name, else by name ignoring case."""
    if not isinstance(reference, str) or not reference:
        return None
    by_id = next((s for s in scanners if s.id == reference), None)
    exact = by_id or next((s for s in scanners if s.name == reference), None)
    folded = reference.casefold()
    return exact or next((s for s in scanners if s.name.casefold() == folded), None)


def scanner_badges(scanner: Scanner) -> str:
    """Type, version and schedule state as one line of badges (the type is escaped: newer APIs
    may send types this console does not know)."""
    color = TYPE_COLORS.get(scanner.scanner_type, "gray")
    state_badge = (
        ":green-badge[:material/schedule: enabled]"
        if scanner.enabled
        else ":gray-badge[:material/pause: disabled]"
    )
    return (
        f":{color}-badge[{escape_markdown(scanner.scanner_type)}] "
        f":gray-badge[:material/history: v{int(scanner.scanner_version)}] {state_badge}"
    )


def pick_scanner(scanners: Sequence[Scanner]) -> tuple[Scanner, list[Notice]]:
    """The scanner selectbox (an unknown id or name falls back to the first scanner)."""
    by_id = {scanner.id: scanner for scanner in scanners}
    notices = []
    chosen = st.session_state.get(state.W_SCANNER)
    if chosen not in by_id:
        named = resolve_scanner(scanners, chosen)
        if named is None and chosen:
            notices.append(
                Notice(oq.P_SCANNER, "no scanner with this id or name; showing the first scanner.")
            )
        st.session_state[state.W_SCANNER] = (named or scanners[0]).id
    with st.container(horizontal=True, vertical_alignment="bottom"):
        scanner_id = st.selectbox(
            "Scanner",
            options=list(by_id),
            key=state.W_SCANNER,
            format_func=lambda sid: scanner_label(by_id[sid]),
            on_change=state.on_scanner_changed,
        )
        st.button(
            "Refresh",
            icon=":material/refresh:",
            key="obs_refresh",
            on_click=state.refresh,
            help="Fetch the latest observations and stats",
        )
    scanner = by_id[scanner_id]
    st.markdown(scanner_badges(scanner))
    return scanner, notices


def filter_bar(
    scanner: Scanner, query: ObservationQuery, tags: Sequence[str], buckets: Sequence[str]
) -> None:
    """The filters in one row; the sort, the rarely changed view options (behind a popover
    that names their values) and "Clear filters" in a second. Each change starts at page 1."""
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="bottom"):
            _filters(scanner.scanner_type, tags, buckets)
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.selectbox(
                "Sort by",
                oq.ORDER_BY_CHOICES,
                key=state.W_SORT,
                on_change=state.on_filters_changed,
                format_func=oq.sort_label,
                width=SORT_WIDTH,
            )
            view_options(query)
            st.button(
                "Clear filters",
                icon=":material/filter_alt_off:",
                key="obs_clear",
                on_click=state.clear_filters,
                disabled=not query.has_filters(),
            )


def _filters(kind: str, tags: Sequence[str], buckets: Sequence[str]) -> None:
    """Status, the scanner type's own filter, trigger and session id."""
    changed = state.on_filters_changed
    st.multiselect(
        "Status",
        oq.STATUSES,
        key=state.W_STATUS,
        on_change=changed,
        format_func=str.capitalize,
        placeholder="Any status",
    )
    if kind == "monitor":
        st.multiselect(
            "Verdict",
            oq.VERDICTS,
            key=state.W_VERDICT,
            on_change=changed,
            format_func=str.capitalize,
            placeholder="Any verdict",
        )
    elif kind == "classifier":
        selected = st.session_state.get(state.W_TAGS) or []
        options = list(dict.fromkeys([*tags, *selected]))
        st.multiselect(
            "Tags",
            options,
            key=state.W_TAGS,
            on_change=changed,
            placeholder="Any tag",
            help="Fixed or freeform tags",
        )
    elif kind == "scorer":
        st.selectbox(
            "Score bucket",
            [None, *buckets],
            key=state.W_BUCKET,
            on_change=changed,
            format_func=lambda b: "Any score" if b is None else str(b),
            placeholder="Any score",
            help="Or click a bar of the score histogram",
        )
    st.multiselect(
        "Triggered by",
        oq.TRIGGERS,
        key=state.W_TRIGGER,
        on_change=changed,
        format_func=lambda t: t.replace("_", " ").capitalize(),
        placeholder="Schedule or on demand",
    )
    st.text_input(
        "Session id",
        key=state.W_SESSION,
        on_change=changed,
        max_chars=oq.MAX_SESSION_ID_LENGTH,
        placeholder="Exact session id",
    )


def view_options_label(query: ObservationQuery) -> str:
    """The view options popover's label: the values inside it, so nothing is hidden."""
    return f"{query.page_size} rows · {query.recent_days} days"


def view_options(query: ObservationQuery) -> None:
    """Rows per page and the coverage window, built only while the popover is open.

    Both keep their value while the popover is closed (``persist_state``), so the URL and
    the label stay right without drawing the widgets on every run.
    """
    box = st.popover(
        view_options_label(query),
        icon=":material/tune:",
        key=state.VIEW_OPTIONS_KEY,
        on_change="rerun",
        help="Rows per page and the coverage window",
    )
    if not box.open:
        return
    with box:
        st.selectbox(
            "Rows per page",
            oq.PAGE_SIZES,
            key=state.W_SIZE,
            on_change=state.on_page_size_changed,
            persist_state="session",
        )
        st.number_input(
            "Coverage window (days)",
            min_value=oq.MIN_RECENT_DAYS,
            max_value=oq.MAX_RECENT_DAYS,
            step=1,
            key=state.W_DAYS,
            help="What counts as a recent session in the coverage chart and metric",
            on_change=state.on_coverage_window_changed,
            persist_state="session",
        )


def show_notices(notices: Sequence[Notice]) -> None:
    for notice in notices:
        st.warning(escape_markdown(str(notice)), icon=":material/link_off:")


# ---------------------------------------------------------------------------------------------
# Stats: metric strip and charts
# ---------------------------------------------------------------------------------------------


def metric_strip(stats: ObservationStats, query: ObservationQuery) -> None:
    """Total · Success rate · Failed · Ineligible · In flight · Sessions, for the filtered set."""
    cells = state.memoised(
        "metrics",
        (query.scanner_id, query.filter_key(), query.recent_days),
        lambda: stats_frames.metric_cells(stats),
    )
    with st.container(horizontal=True):
        for label, value, help_text in cells:
            st.metric(label, value, help=help_text)


def _stats_specs(stats: ObservationStats, scanner: Scanner) -> dict[str, Any]:
    metrics = stats_frames.status_metrics(stats)
    coverage = stats_frames.coverage_frame(stats)
    days = int(str(coverage.loc[0, "window"]).split()[1])
    rate = metrics["success_rate"]
    specs: dict[str, Any] = {
        "status": charts.chart_spec(
            charts.status_chart(
                stats_frames.status_frame(stats),
                None if rate is None else round(rate),
                int(metrics["total"] or 0),
            )
        ),
        "coverage": charts.chart_spec(charts.coverage_chart(coverage, days)),
    }
    verdicts = stats_frames.verdict_frame(stats)
    if verdicts is not None:
        specs["verdict"] = charts.chart_spec(charts.verdict_chart(verdicts))
    buckets, summary = stats_frames.histogram_frame(stats), stats_frames.summary_frame(stats)
    if summary is not None:
        specs["summary_caption"] = " · ".join(
            f"{row.stat} {row.value:,.2f}" for row in summary.itertuples()
        )
    if buckets is not None:
        empty = pd.DataFrame(columns=["stat", "value"])
        specs["histogram"] = charts.chart_spec(
            charts.score_histogram(
                buckets, summary if summary is not None else empty, score_label(scanner)
            )
        )
    tags = stats_frames.tag_frame(stats)
    if tags is not None and not tags.empty:
        specs["tags"] = charts.chart_spec(
            charts.tag_ranking_chart(tags, stats_frames.tagged_count(stats))
        )
    return specs


def score_label(scanner: Scanner) -> str | None:
    scale = scanner.scanner_config.get("scale")
    label = scale.get("label") if isinstance(scale, Mapping) else None
    return label if isinstance(label, str) and label else None


def stats_charts(stats: ObservationStats, scanner: Scanner, query: ObservationQuery) -> None:
    """Status, coverage and the type's distribution; verdicts, buckets and tags are clickable."""
    specs = state.memoised(
        "stats_specs",
        (query.scanner_id, query.filter_key(), query.recent_days, scanner.scanner_version),
        lambda: cache.shared(
            "observations:stats_specs",
            (query.scanner_id, query.filter_key(), query.recent_days, scanner.scanner_version),
            lambda: _stats_specs(stats, scanner),
        ),
    )
    suffix = f"{query.scanner_id}:{hash(query.filter_key())}"
    distribution = any(name in specs for name in TYPE_CHARTS)
    # Status beside the type's distribution, coverage below; without a distribution,
    # status beside coverage and the reason below.
    with st.container(horizontal=True):
        draw_chart(
            specs["status"],
            f"obs_chart_status:{suffix}",
            "Observations by status, click a bar to filter",
            charts.STATUS_SELECTION,
        )
        if distribution:
            _type_chart(specs, query, suffix)
        else:
            _coverage_chart(specs)
    if distribution:
        _coverage_chart(specs)
    else:
        _type_chart_empty(scanner, stats)


def _coverage_chart(specs: dict[str, Any]) -> None:
    draw_chart(
        specs["coverage"],
        "obs_chart_coverage",
        "Distinct sessions scanned recently and in total",
    )


def _type_chart(specs: dict[str, Any], query: ObservationQuery, suffix: str) -> None:
    """The scanner type's clickable distribution (the scorer's with its summary below)."""
    if "verdict" in specs:
        draw_chart(
            specs["verdict"],
            f"obs_chart_verdict:{suffix}",
            "Verdict distribution, click a bar to filter",
            charts.VERDICT_SELECTION,
        )
    elif "histogram" in specs:
        caption = specs.get("summary_caption")
        with st.container() if caption else nullcontext():
            draw_chart(
                specs["histogram"],
                f"obs_chart_bucket:{suffix}:{query.bucket}",
                "Score histogram with summary statistics, click a bucket to filter",
                charts.BUCKET_SELECTION,
            )
            if caption:
                st.caption(caption)
    else:
        draw_chart(
            specs["tags"],
            f"obs_chart_tags:{suffix}",
            "Tags ranked by count, click a tag to filter",
            charts.TAG_SELECTION,
        )


def _type_chart_empty(scanner: Scanner, stats: ObservationStats) -> None:
    if scanner.scanner_type == "summarizer":
        st.info(
            "Summarizers have no distribution chart: read the summaries in the table, or "
            "see trends and versions below.",
            icon=":material/notes:",
        )
    elif scanner.scanner_type == "scorer":
        st.info("No scores yet in this set.", icon=":material/bar_chart:")
    elif scanner.scanner_type == "classifier":
        st.info("No tags assigned yet in this set.", icon=":material/sell:")
    elif stats_frames.status_metrics(stats)["succeeded"] == 0:
        st.info("No verdicts yet in this set.", icon=":material/fact_check:")


# ---------------------------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------------------------


def _column_config(scanner: Scanner) -> dict[str, Any]:
    kind = scanner.scanner_type
    _field, heading = obs_records.result_column(kind)
    if kind == "scorer":
        scale = scanner.scanner_config.get("scale")
        low = scale.get("min") if isinstance(scale, Mapping) else None
        high = scale.get("max") if isinstance(scale, Mapping) else None
        if isinstance(low, int | float) and isinstance(high, int | float) and high > low:
            result: Any = st.column_config.ProgressColumn(
                score_label(scanner) or heading,
                min_value=float(low),
                max_value=float(high),
                format="%.1f",
            )
        else:
            result = st.column_config.NumberColumn(heading, format="%.2f")
    elif kind == "classifier":
        result = st.column_config.ListColumn(heading)
    else:
        result = st.column_config.TextColumn(heading)
    when = partial(st.column_config.DatetimeColumn, format="YYYY-MM-DD HH:mm:ss", timezone="UTC")
    return {
        "Status": st.column_config.TextColumn("Status"),
        "Result": result,
        "Reason": st.column_config.TextColumn("Reason", help="Why it failed or was skipped"),
        "Session": st.column_config.TextColumn("Session"),
        "Recording": st.column_config.LinkColumn(
            "Recording", display_text="Open ↗", help="The session recording in PostHog"
        ),
        "Triggered by": st.column_config.TextColumn("Triggered by"),
        "Version": st.column_config.NumberColumn(
            "Version", format="v%d", help="Scanner version at scan time"
        ),
        "Confidence": st.column_config.ProgressColumn(
            "Confidence", min_value=0.0, max_value=1.0, format="percent"
        ),
        "Started": when("Started"),
        "Completed": when("Completed"),
        "Duration (s)": st.column_config.NumberColumn("Duration", format="%.1f s"),
    }


def observation_table(table: pa.Table, scanner: Scanner, key: str) -> int | None:
    """The page's rows (an Arrow table, converted once per page, not on every rerun); returns
    the position of the selected row, if any."""
    event = st.dataframe(
        table,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        column_config=_column_config(scanner),
        width="stretch",
        placeholder="—",
    )
    rows = list(event.selection.rows) if event is not None else []
    return rows[0] if rows and 0 <= rows[0] < table.num_rows else None


def pagination(page: int, pages: int, first_row: int, last_row: int, total: int) -> None:
    """Rows shown, previous/next page buttons and a page number box, in one row."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(f"Rows {first_row:,}–{last_row:,} of {total:,} · page {page} of {pages}")
        st.button(
            "Previous page",
            icon=":material/chevron_left:",
            key="obs_prev_page",
            disabled=page <= 1,
            on_click=state.go_to,
            args=(page - 1,),
        )
        st.button(
            "Next page",
            icon=":material/chevron_right:",
            key="obs_next_page",
            disabled=page >= pages,
            on_click=state.go_to,
            args=(page + 1,),
        )
        st.number_input(
            "Page",
            min_value=1,
            max_value=pages,
            step=1,
            key=state.W_PAGE,
            label_visibility="collapsed",
            width=140,
        )
