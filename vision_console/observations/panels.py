"""The explorer's top sections: the scanner picker, its stats, the metric strip and the charts.

Each function draws one part of the page; API text is shown with ``st.text``/dataframe cells
or escaped, never as Markdown. Chart specs come built from ``reads.stats`` and are drawn with
``st.vega_lite_chart``, so a rerun neither rebuilds nor re-validates them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from vision_api import Scanner, VisionAPIError
from vision_console import navigation, scanner_types
from vision_console.observations import paging, reads, state, stats_charts, table
from vision_console.observations.reads import StatsView
from vision_console.observations.state import View
from vision_console.render import escape_markdown, show_api_error


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


def lazy_section(label: str, name: str, icon: str) -> DeltaGenerator | None:
    """A collapsed section whose body runs only while it is open, or None while it is closed.

    A filter click reruns the whole page; the sections a viewer has not opened (trends,
    ratings, the whole set: most of a rerun's chart building) then cost it nothing. ``name``
    is the view parameter holding the open state, so a link opens the same sections.
    """
    box = st.expander(label, key=state.STATE.key(name), icon=icon, on_change="rerun")
    return box if box.open else None


# -- scanner -----------------------------------------------------------------------------------


def scanner_label(scanner: Scanner) -> str:
    """Picker option: name, type, version and whether it runs on its schedule."""
    enabled = "enabled" if scanner.enabled else "disabled"
    kind = scanner_types.label(scanner.scanner_type)
    return f"{scanner.name} · {kind} · v{scanner.scanner_version} · {enabled}"


def resolve_scanner(scanners: Sequence[Scanner], reference: str) -> Scanner | None:
    """The scanner a link names: by id, else by exact name, else by name ignoring case."""
    if not reference:
        return None
    by_id = next((s for s in scanners if s.id == reference), None)
    exact = by_id or next((s for s in scanners if s.name == reference), None)
    folded = reference.casefold()
    return exact or next((s for s in scanners if s.name.casefold() == folded), None)


def scanner_badges(scanner: Scanner) -> str:
    """Type, version and schedule state as one line of badges (the label is escaped: a newer
    API's type is shown by its own name)."""
    facts = scanner_types.facts(scanner.scanner_type)
    state_badge = (
        ":green-badge[:material/schedule: enabled]"
        if scanner.enabled
        else ":gray-badge[:material/pause: disabled]"
    )
    return (
        f":{facts.badge}-badge[{escape_markdown(facts.label)}] "
        f":gray-badge[:material/history: v{int(scanner.scanner_version)}] {state_badge}"
    )


def scanner_picker() -> Scanner | None:
    """Sync the view, then the scanner selectbox (a link naming no scanner falls back to the
    first); None, with the reason shown, when there is no scanner to explore."""
    state.sync()
    try:
        scanners = reads.scanners()
    except VisionAPIError as error:
        show_api_error(error, "load the scanners")
        return None
    if not scanners:
        st.info(
            "No scanners yet. Create one on the Scanners page; its observations will "
            "appear here once it runs.",
            icon=":material/radar:",
        )
        st.page_link(
            navigation.SCANNERS.path, label="Go to Scanners", icon=":material/arrow_forward:"
        )
        return None
    by_id = {scanner.id: scanner for scanner in scanners}
    chosen = state.STATE.get("scanner")
    if chosen not in by_id:
        named = resolve_scanner(scanners, chosen)
        if named is None and chosen:
            state.notice("scanner", chosen, "no scanner with this id or name; showing the first")
        state.STATE.set(scanner=(named or scanners[0]).id)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        scanner_id = st.selectbox(
            "Scanner",
            options=list(by_id),
            key=state.STATE.key("scanner"),
            format_func=lambda sid: scanner_label(by_id[sid]),
            on_change=state.on_scanner_changed,
        )
        st.button(
            "Refresh",
            icon=":material/refresh:",
            key="observations.refresh",
            on_click=reads.refresh,
            help="Fetch the latest observations and stats",
        )
    scanner = by_id[scanner_id]
    st.markdown(scanner_badges(scanner))
    if not scanner_types.is_known(scanner.scanner_type):
        st.info(scanner_types.unknown_type_notice(scanner.scanner_type), icon=":material/help:")
    state.restrict_to_type(scanner.scanner_type)
    state.restrict_to_era(reads.current_era())
    return scanner


# -- stats -------------------------------------------------------------------------------------


def stats(scanner: Scanner) -> StatsView | None:
    """The filtered set's stats; the view settles on them (a bucket the histogram lacks, a
    page past the end fall back). None, with the error explained, when they fail."""
    try:
        answer = reads.stats(state.view(), scanner)
    except VisionAPIError as error:
        show_api_error(error, "load this scanner's observation stats")
        return None
    histogram = stats_charts.histogram_of(answer.stats)
    state.drop_unknown_bucket(histogram.labels if histogram else ())
    state.sort_for_bucket()
    settled = state.view()
    state.clamp_page(paging.page_count(rows_in_view(settled, answer), settled.size))
    return in_view(settled, answer)


def in_view(view: View, answer: StatsView) -> StatsView:
    """The answer as the view narrows it: with a score bucket, the bucket's counts (its
    sessions from its rows, the table's own request, when the whole bucket fits in it)."""
    if view.bucket is None:
        return answer
    request = table.plan(view, answer, 1)
    rows = None
    if request.whole_set:
        try:
            rows = reads.window(view, request).records
        except VisionAPIError:
            rows = None  # the table below explains the failure
    return reads.narrowed(view, answer, rows)


def rows_in_view(view: View, answer: StatsView) -> int:
    """How many rows the table shows: the bucket's when one is chosen, else the set's."""
    bucket, histogram = view.bucket, stats_charts.histogram_of(answer.stats)
    window = stats_charts.bucket_window(histogram, bucket, False) if histogram and bucket else None
    return window[1] if window else answer.stats.status_counts.total


def metric_strip(view: View, answer: StatsView) -> bool:
    """Total · Success rate · Failed · Ineligible · In flight · Sessions, or the empty state;
    True when there are rows to chart and list."""
    if answer.stats.status_counts.total == 0 and not view.has_filters():
        st.info(
            "No observations yet. They appear once the scanner runs on its schedule, or "
            "when you apply it to a session from the Scanners page.",
            icon=":material/hourglass_empty:",
        )
        return False
    with st.container(horizontal=True):
        for label, value, help_text in stats_charts.metric_cells(
            answer.stats, answer.sessions_known
        ):
            st.metric(label, value, help=help_text)
    if rows_in_view(view, answer) == 0:
        st.info("No observations match your filters.", icon=":material/filter_alt_off:")
        return False
    return True


def charts(scanner: Scanner, view: View, answer: StatsView) -> None:
    """Status beside the type's clickable distribution, coverage below; without one, status
    beside coverage and the registry's reason below."""
    specs = answer.charts
    with st.container(horizontal=True):
        draw_chart(
            specs.status,
            selection_key("status", view, stats_charts.STATUS_SELECTION),
            "Observations by status, click a bar to filter",
            stats_charts.STATUS_SELECTION,
        )
        if specs.distribution is not None:
            _distribution(specs.distribution, view)
        else:
            _coverage(specs.coverage)
    if specs.distribution is not None:
        _coverage(specs.coverage)
    else:
        no_chart = scanner_types.facts(scanner.scanner_type).no_distribution
        st.info(no_chart, icon=":material/bar_chart:")


def selection_key(chart: str, view: View, selection: str) -> str:
    """A clickable chart's widget key: kept through the chart's own clicks and through other
    filters (a new key re-embedded the chart, about 60 ms in the browser; issue 14), new when
    the filter its clicks set changes elsewhere, so its selection starts over."""
    return f"observations.chart_{chart}:{view.scanner}:{state.chart_generation(selection, view)}"


def _distribution(chart: stats_charts.Distribution, view: View) -> None:
    with st.container():
        draw_chart(
            chart.spec,
            selection_key(chart.kind, view, chart.selection),
            chart.description,
            chart.selection,
        )
        if chart.caption:
            st.caption(chart.caption)


def _coverage(spec: dict[str, Any]) -> None:
    draw_chart(
        spec, "observations.chart_coverage", "Distinct sessions scanned recently and in total"
    )
