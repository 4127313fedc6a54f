"""The scanner page's sections: header and actions, spend, settings, charts, history, scans.

Each section reads through ``vision_console.cache`` (shared per credentials, so an idle rerun
sends nothing) and renders every API string as text. Charts are the Observations page's own
builders (``observations.stats_charts.specs``) kept with ``cache.shared``, drawn smaller here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vision_api import Observation, ObservationStats, Scanner, VisionAPIError
from vision_console import cache, chart_spec, navigation, spend
from vision_console import format as fmt
from vision_console.observations import stats_charts
from vision_console.render import escape_markdown, show_api_error
from vision_console.scanners import bulk_panel, history, page_view, scan_panel, scanner_panel

RECENT_ROWS = 10
MINI_CHART_HEIGHT = 160


def header(scanner: Scanner, read_only: bool) -> None:
    """Name, badges (state, limit reached, tags), description, then every action in one row."""
    st.title(escape_markdown(scanner.name), anchor=False)
    with st.container(horizontal=True, gap="small"):
        if scanner.enabled:
            st.badge("Enabled", icon=":material/play_circle:", color="green")
        else:
            st.badge("Disabled", icon=":material/pause_circle:", color="gray")
        if scanner.limit_reached:
            st.badge("Limit reached", icon=":material/block:", color="red")
        for tag in scanner.tags:
            st.badge(escape_markdown(tag), color="blue")
    if scanner.description:
        st.caption(escape_markdown(scanner.description))
    with st.container(horizontal=True, vertical_alignment="center"):
        if not read_only:
            _actions(scanner)
        st.page_link(
            navigation.OBSERVATIONS.path,
            label="Observations",
            icon=":material/visibility:",
            query_params={"scanner": scanner.id},
        )
        st.page_link(
            navigation.ESTIMATE.path,
            label="Cost estimate",
            icon=":material/calculate:",
            query_params={"scanner": scanner.id},
        )
        st.page_link(navigation.SCANNERS.path, label="All scanners", icon=":material/list:")


def _actions(scanner: Scanner) -> None:
    if st.button("Edit", icon=":material/edit:", key="scanner.edit"):
        scanner_panel.open_edit(scanner)
    if scanner.enabled:
        if st.button("Disable…", icon=":material/pause_circle:", key="scanner.disable"):
            scanner_panel.ask_enabled(scanner, False)
    elif st.button("Enable…", icon=":material/play_circle:", key="scanner.enable"):
        scanner_panel.ask_enabled(scanner, True)
    if st.button("Duplicate", icon=":material/content_copy:", key="scanner.duplicate"):
        copy = scanner_panel.duplicate(scanner)
        if copy is not None:
            page_view.show(copy.id)  # the copy is what the page opens next
            st.rerun()
        scanner_panel.show_problem()
    if st.button("Delete…", icon=":material/delete:", key="scanner.delete"):
        scanner_panel.ask_delete(scanner)


def spend_section(scanner: Scanner) -> None:
    """Spend this billing period, when the era reports it (the monthly estimate is in the
    settings below, beside the price it multiplies)."""
    period = spend.period_spend(scanner)
    with st.container(horizontal=True):
        if period.reported:
            st.metric(
                "Credits this period",
                fmt.credits(period.credits),
                help="Succeeded observations this billing period, priced by the model each ran.",
                width="content",
            )
            st.metric("Cost this period", spend.dollars(period.credits), width="content")
            st.metric("Observations this period", fmt.count(period.observations), width="content")
            st.metric(
                "Credit limit",
                spend.limit_text(period),
                help="The scanner's own cap per billing period; when reached it stops scanning "
                "until the period resets.",
                width="content",
            )
    if period.limit_reached:
        st.warning(
            "This scanner has reached its credit limit: it scans nothing more until the period "
            "resets, and bulk scans skip its sessions.",
            icon=":material/block:",
        )
    if not period.reported:
        st.caption("This server reports no spend per scanner; the monthly estimate is below.")


def _stats(scanner: Scanner) -> ObservationStats | None:
    try:
        return cache.observation_stats(scanner.id)
    except VisionAPIError as exc:
        show_api_error(exc, "load this scanner's stats")
        return None


def _recent(scanner: Scanner) -> list[Observation]:
    try:
        page = cache.list_observations(scanner.id, order_by="-created_at", limit=RECENT_ROWS)
    except VisionAPIError as exc:
        show_api_error(exc, "load this scanner's recent observations")
        return []
    return list(page.items)


def activity(scanner: Scanner) -> None:
    """Mini charts of the last 14 days, recent observations and the version history."""
    stats = _stats(scanner)
    if stats is not None:
        charts = cache.shared(
            "scanner:charts",
            (scanner.id, scanner.scanner_type, scanner.scanner_version),
            lambda: stats_charts.specs(stats, scanner),
        )
        cells = stats_charts.metric_cells(stats)
        with st.container(horizontal=True):
            for label, value, help_text in cells:
                st.metric(label, value, help=help_text, width="content")
        columns = st.columns(3 if charts.distribution else 2)
        with columns[0]:
            chart_spec.draw(charts.status, height=MINI_CHART_HEIGHT, key="scanner.chart.status")
        with columns[1]:
            chart_spec.draw(charts.coverage, height=MINI_CHART_HEIGHT, key="scanner.chart.coverage")
        if charts.distribution:
            with columns[2]:
                chart_spec.draw(
                    charts.distribution.spec, height=MINI_CHART_HEIGHT, key="scanner.chart.dist"
                )
    recent = _recent(scanner)
    st.subheader("Recent observations", anchor=False)
    if recent:
        st.dataframe(
            pd.DataFrame(history.recent_rows(recent, scanner.scanner_type)),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No observations yet.")
    st.page_link(
        navigation.OBSERVATIONS.path,
        label="All of this scanner's observations",
        icon=":material/open_in_new:",
        query_params={"scanner": scanner.id},
    )
    st.subheader("Version history", anchor=False)
    versions = history.versions(stats, recent)
    if versions.rows:
        st.dataframe(pd.DataFrame(versions.rows), hide_index=True, width="stretch")
    if not versions.from_markers:
        st.caption(
            f"Version {scanner.scanner_version} now. "
            + (
                "Earlier versions as seen in the recent observations (this server sends no "
                "version history)."
                if versions.rows
                else "This server sends no version history, and no observation shows one yet."
            )
        )


def scans(scanner: Scanner) -> None:
    """Scan one recording now, or up to 200 at once (writes)."""
    st.subheader("Scan recordings now", anchor=False)
    one, many = st.tabs(["One recording", "Up to 200"])
    with one:
        scan_panel.render(scanner)
    with many:
        bulk_panel.render(scanner)
