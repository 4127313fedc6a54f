"""The explorer's filter bar: status, the scanner type's own filter, trigger and session in one
row; on today's API (the current era) a second row of its filters: score range (scorers),
created date range, recording subject and rated or not; then the sort, the view options and
"Clear filters". Each change starts at page 1.

Every widget's key is its parameter's (``state.STATE.key(name)``), so the URL, the widget and
the view read one value. The type's own filter is the registry's ``observation_filter`` (a
``FilterKind``), drawn by an exhaustive ``match``; a type without one draws none.
"""

from __future__ import annotations

from typing import assert_never

import streamlit as st

from vision_api import ObservationStats, Scanner
from vision_console import format as fmt
from vision_console import scanner_types
from vision_console.observations import state, stats_charts
from vision_console.scanner_types import FilterKind

SORT_WIDTH = 300
"""Pixels for the sort box: its longest choice fits, the row keeps room for the buttons."""


def bar(
    scanner: Scanner, view: state.View, stats: ObservationStats | None, current_era: bool
) -> None:
    """The filters (drawn, and so keeping their values, even when the stats failed); the
    current era's own only when the server has them (``state.restrict_to_era``)."""
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
        if current_era:
            era_filters(scanner, view)
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.selectbox(
                "Sort by",
                state.sort_choices(scanner.scanner_type, view.bucket),
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


def era_filters(scanner: Scanner, view: state.View) -> None:
    """Score range (scorers), created date range, recording subject and rated or not: sent to
    the server, so the stats, charts and table all count the same rows."""
    key, changed = state.STATE.key, state.on_filters_changed
    with st.container(horizontal=True, vertical_alignment="bottom"):
        if state.has_scores(scanner.scanner_type):
            low, high = score_scale(scanner)
            for name, label, hint in (
                ("min_score", "Min score", low),
                ("max_score", "Max score", high),
            ):
                st.number_input(
                    label,
                    value=None,
                    step=1.0,
                    format="%g",
                    key=key(name),
                    on_change=changed,
                    placeholder=hint,
                    help="Inclusive; observations without a score are left out",
                    width=130,
                )
        st.date_input(
            "Created from",
            value=None,
            key=key("date_from"),
            on_change=changed,
            format="YYYY-MM-DD",
            width=150,
        )
        st.date_input(
            "Created to",
            value=None,
            key=key("date_to"),
            on_change=changed,
            format="YYYY-MM-DD",
            help="Includes the whole day",
            width=150,
        )
        st.text_input(
            "Recording subject",
            key=key("subject"),
            on_change=changed,
            max_chars=state.MAX_SUBJECT_LENGTH,
            placeholder="Email contains…",
        )
        st.selectbox(
            "Rated",
            state.LABELED,
            key=key("labeled"),
            on_change=changed,
            format_func=lambda value: LABELED_NAMES.get(value, value),
            help="Whether someone rated the observation 👍 or 👎",
            width=170,
        )
    for problem in range_problems(view):
        st.error(problem, icon=":material/error:")


LABELED_NAMES: dict[str, str] = {
    "all": "Rated or not",
    "labeled": "Rated",
    "unlabeled": "Not rated",
}


def score_scale(scanner: Scanner) -> tuple[str, str]:
    """Placeholders for the score bounds: the scanner's scale ends, when its config says."""
    scale = scanner.scanner_config.get("scale")
    if not isinstance(scale, dict):
        return "Any", "Any"
    low, high = scale.get("min"), scale.get("max")
    return (
        f"{low:g}" if isinstance(low, int | float) else "Any",
        f"{high:g}" if isinstance(high, int | float) else "Any",
    )


def range_problems(view: state.View) -> list[str]:
    """Ranges that can match nothing, said plainly (the server would just answer empty)."""
    problems = []
    low, high = view.min_score, view.max_score
    if low is not None and high is not None and low > high:
        problems.append("Min score is above max score: no observation can match.")
    start, end = view.date_from, view.date_to
    if start is not None and end is not None and start > end:
        problems.append("Created from is after created to: no observation can match.")
    return problems


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
    return f"{fmt.count(view.size, 'row')} · {fmt.last_days(view.days)}"


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
