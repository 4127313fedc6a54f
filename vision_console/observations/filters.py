"""The explorer's filter bar: status, the scanner type's own filter, trigger and session in one
row; the sort, the view options and "Clear filters" in a second. Each change starts at page 1.

Every widget's key is its parameter's (``state.STATE.key(name)``), so the URL, the widget and
the view read one value. The type's own filter is the registry's ``observation_filter`` (a
``FilterKind``), drawn by an exhaustive ``match``; a type without one draws none.
"""

from __future__ import annotations

from typing import assert_never

import streamlit as st

from vision_api import ObservationStats, Scanner
from vision_console import scanner_types
from vision_console.observations import state, stats_charts
from vision_console.scanner_types import FilterKind

SORT_WIDTH = 300
"""Pixels for the sort box: its longest choice fits, the row keeps room for the buttons."""


def bar(scanner: Scanner, view: state.View, stats: ObservationStats | None) -> None:
    """The filters (drawn, and so keeping their values, even when the stats failed)."""
    key, changed = state.STATE.key, state.on_filters_changed
    kind = scanner_types.facts(scanner.scanner_type).observation_filter
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.multiselect(
                "Status",
                state.STATUSES,
                key=key("status"),
                on_change=changed,
                format_func=str.capitalize,
                placeholder="Any status",
            )
            if kind is not None:
                type_filter(kind, stats)
            st.multiselect(
                "Triggered by",
                state.TRIGGERS,
                key=key("triggered_by"),
                on_change=changed,
                format_func=lambda t: t.replace("_", " ").capitalize(),
                placeholder="Schedule or on demand",
            )
            st.text_input(
                "Session id",
                key=key("session"),
                on_change=changed,
                max_chars=state.MAX_SESSION_LENGTH,
                placeholder="Exact session id",
            )
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.selectbox(
                "Sort by",
                state.sort_choices(scanner.scanner_type),
                key=key("sort"),
                on_change=changed,
                format_func=state.sort_label,
                width=SORT_WIDTH,
            )
            view_options(view)
            st.button(
                "Clear filters",
                icon=":material/filter_alt_off:",
                key="observations.clear",
                on_click=state.clear_filters,
                disabled=not view.has_filters(),
            )


def type_filter(kind: FilterKind, stats: ObservationStats | None) -> None:
    """The filter only this scanner type has; its options come from the stats when known."""
    key, changed = state.STATE.key(kind), state.on_filters_changed
    match kind:
        case "verdict":
            st.multiselect(
                "Verdict",
                scanner_types.VERDICTS,
                key=key,
                on_change=changed,
                format_func=str.capitalize,
                placeholder="Any verdict",
            )
        case "tags":
            known = stats.available_tags if stats is not None else ()
            options = list(dict.fromkeys([*known, *(st.session_state.get(key) or [])]))
            st.multiselect(
                "Tags",
                options,
                key=key,
                on_change=changed,
                placeholder="Any tag",
                help="Fixed or freeform tags",
            )
        case "bucket":
            histogram = stats_charts.histogram_of(stats) if stats is not None else None
            labels = list(histogram.labels) if histogram else []
            chosen = st.session_state.get(key)
            if chosen is not None and chosen not in labels:
                labels.append(chosen)
            st.selectbox(
                "Score bucket",
                [None, *labels],
                key=key,
                on_change=changed,
                format_func=lambda b: "Any score" if b is None else str(b),
                placeholder="Any score",
                help="Or click a bar of the score histogram",
            )
        case _:
            assert_never(kind)


def view_options_label(view: state.View) -> str:
    """The view options popover's label: the values inside it, so nothing is hidden."""
    return f"{view.size} rows · {view.days} days"


def view_options(view: state.View) -> None:
    """Rows per page and the coverage window, built only while the popover is open.

    Both keep their value while the popover is closed (``persist_state``), so the URL and
    the label stay right without drawing the widgets on every run.
    """
    box = st.popover(
        view_options_label(view),
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
            state.PAGE_SIZES,
            key=state.STATE.key("size"),
            on_change=state.on_page_size_changed,
            persist_state="session",
        )
        st.number_input(
            "Coverage window (days)",
            min_value=state.MIN_DAYS,
            max_value=state.MAX_DAYS,
            step=1,
            key=state.STATE.key("days"),
            help="What counts as a recent session in the coverage chart and metric",
            on_change=state.keep_view_options_open,
            persist_state="session",
        )
