"""The Estimate page's inputs: recordings filters, sampling rate, model, budget.

Widgets only; the numbers are computed in ``console.cost`` and the decisions live in
``console.estimate_view``. The recordings filters go through the same builder as the scanner
form (``console.query_builder`` via ``console.forms.build_query``), inside an ``st.form`` so a
query is applied, and estimated, once per "Update estimate", not once per keystroke. Every key
is prefixed by the source being estimated (a scanner id or the draft), so switching source
starts from that scanner's own settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from console import cost, estimate_view, forms, models_catalog, query_builder, render
from console import state as url_state
from console.query_builder import BuilderState, QueryInputError
from vision_api import Scanner

RATE_STEP_PERCENT = 0.01
"""The inputs work in percent; 0.01 % is the API's smallest non-zero rate (0.0001)."""


SOURCE_KEY = "estimate_source"
SOURCE_PARAM = url_state.Param("scanner", "", url_state.uuid_text)
"""``?scanner=<id>`` opens the page on that scanner (the Scanners page links here with it)."""


def _key(prefix: str, name: str) -> str:
    return f"{prefix}:{name}"


def source_picker(scanners: Mapping[str, Scanner]) -> str:
    """A scanner id to start from, or ``estimate_view.DRAFT_SOURCE``; mirrored in the URL."""
    draft = estimate_view.DRAFT_SOURCE
    params, notices = url_state.read_params([SOURCE_PARAM])
    url_state.show_notices(notices)
    if SOURCE_KEY not in st.session_state:
        wanted = params[SOURCE_PARAM.name]
        if wanted and wanted not in scanners:
            st.warning("The linked scanner was not found; starting from a new draft.")
        st.session_state[SOURCE_KEY] = wanted if wanted in scanners else draft
    elif st.session_state[SOURCE_KEY] not in (draft, *scanners):
        st.session_state[SOURCE_KEY] = draft  # the scanner was deleted meanwhile

    def mirror_in_url() -> None:
        picked = st.session_state[SOURCE_KEY]
        url_state.write_params(
            {SOURCE_PARAM.name: "" if picked == draft else picked}, [SOURCE_PARAM]
        )

    source: str = st.selectbox(
        "Start from",
        [draft, *scanners],
        key=SOURCE_KEY,
        format_func=lambda sid: "A new draft" if sid == draft else scanners[sid].name,
        on_change=mirror_in_url,
    )
    return source


def query_editor(prefix: str, base: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The applied recordings query (starting at ``base``), and an error for a rejected edit.

    A submitted query that cannot be built keeps the previously applied one, so the estimate
    on screen always belongs to a valid query; the error says what to correct.
    """
    applied_key, error_key = _key(prefix, "applied_query"), _key(prefix, "query_error")
    state, remainder = query_builder.split_query(base)
    if _key(prefix, "operand") not in st.session_state:  # widgets (re)created: start from base
        st.session_state[applied_key] = dict(base)
        st.session_state.pop(error_key, None)
    with st.form(_key(prefix, "query_form"), border=True):
        st.markdown("**Recordings to scan**")
        left, right = st.columns([3, 2])
        exclude_tests = left.toggle(
            "No test accounts",
            value=state.filter_test_accounts,
            key=_key(prefix, "tests"),
            help="Leave out recordings of internal and test users.",
        )
        operand = right.segmented_control(
            "Match",
            ["AND", "OR"],
            default=state.operand,
            key=_key(prefix, "operand"),
            help="AND: every filter must match. OR: any filter may match.",
        )
        durations = st.columns(4)
        bounds = {}
        for column, (slot, label) in zip(
            durations,
            [
                ("duration_min", "Min duration (s)"),
                ("duration_max", "Max duration (s)"),
                ("active_min", "Min active (s)"),
                ("active_max", "Max active (s)"),
            ],
            strict=True,
        ):
            bounds[slot] = column.number_input(
                label,
                min_value=0.0,
                value=getattr(state, slot),
                step=1.0,
                key=_key(prefix, slot),
                placeholder="any",
            )
        events = st.multiselect(
            "Recordings containing events",
            list(state.events),
            default=list(state.events),
            accept_new_options=True,
            key=_key(prefix, "events"),
            placeholder="Type an event name",
        )
        levels = st.multiselect(
            "Console log levels",
            list(query_builder.CONSOLE_LEVELS),
            default=list(state.console_levels),
            key=_key(prefix, "levels"),
        )
        rows = st.data_editor(
            pd.DataFrame(
                query_builder.property_records(state.properties),
                columns=list(query_builder.PROPERTY_COLUMNS),
            ).astype("string"),
            num_rows="dynamic",
            key=_key(prefix, "properties"),
            hide_index=True,
            width="stretch",
            column_config={
                "Property": st.column_config.SelectboxColumn(
                    options=[
                        label for label, _kind, _key in query_builder.PROPERTY_FIELDS.values()
                    ],
                    required=True,
                ),
                "Operator": st.column_config.SelectboxColumn(
                    options=list(query_builder.OPERATORS.values()), required=True
                ),
                "Value": st.column_config.TextColumn(),
            },
        )
        extra = st.text_area(
            "Other filters (RecordingsQuery JSON)",
            query_builder.remainder_to_text(remainder),
            key=_key(prefix, "extra"),
            height=90,
            help="Anything the builder above does not cover, kept as is.",
        )
        submitted = st.form_submit_button("Update estimate", icon=":material/refresh:")
    if submitted:
        table_error: str | None = None
        try:
            properties = tuple(query_builder.rows_from_records(rows.to_dict("records")))
        except QueryInputError as exc:
            properties, table_error = state.properties, f"{forms.QUERY_INVALID} {exc}"
        edited = BuilderState(
            filter_test_accounts=bool(exclude_tests),
            operand="OR" if operand == "OR" else "AND",
            events=tuple(str(name) for name in events),
            console_levels=tuple(levels),
            properties=properties,
            **bounds,
        )
        form = forms.ScannerForm(query=edited, query_extra=extra, query_base=dict(base))
        query, error = forms.build_query(form)
        error = table_error or error
        if error:
            st.session_state[error_key] = error
        else:
            st.session_state[applied_key] = query
            st.session_state.pop(error_key, None)
    applied: dict[str, Any] = st.session_state[applied_key]
    for warning in query_builder.scannable_warnings(query_builder.split_query(applied)[0]):
        st.warning(render.escape_markdown(warning), icon=":material/filter_alt_off:")
    return applied, st.session_state.get(error_key)


def rate_keys(prefix: str) -> tuple[str, str]:
    """Session keys of the slider and the exact input (both in percent)."""
    return _key(prefix, "rate_slider"), _key(prefix, "rate_exact")


def set_rate(prefix: str, rate: float) -> None:
    """Move both rate inputs to ``rate`` (a fraction); for callbacks such as "Use this rate"."""
    for key in rate_keys(prefix):
        st.session_state[key] = round(rate * 100, 4)


def rate_inputs(prefix: str, initial: float) -> float:
    """A slider for quick moves and an exact input, kept in step; returns the rate (0..1)."""
    slider_key, exact_key = rate_keys(prefix)
    if slider_key not in st.session_state or exact_key not in st.session_state:
        set_rate(prefix, initial)

    def copy(source: str, target: str) -> None:
        st.session_state[target] = st.session_state[source]

    st.slider(
        "Sampling rate",
        0.0,
        100.0,
        step=RATE_STEP_PERCENT,
        format="%.2f%%",
        key=slider_key,
        on_change=copy,
        args=(slider_key, exact_key),
        help="Share of matching recordings the scanner observes. Moving it sends no request.",
    )
    st.number_input(
        "Exact sampling rate (%)",
        0.0,
        100.0,
        step=RATE_STEP_PERCENT,
        format="%.4f",
        key=exact_key,
        on_change=copy,
        args=(exact_key, slider_key),
        help="0 pauses the scanner. The smallest non-zero rate is 0.01 % (0.0001): sessions "
        "are sampled in 1/10,000 buckets.",
    )
    rate = round(float(st.session_state[exact_key]) / 100, 8)
    problem = cost.check_sampling_rate(rate)
    if problem:
        st.error(problem, icon=":material/error:")
    return rate


def model_picker(prefix: str, current: str) -> str:
    """The model, labelled with its price per observation (the price drives the credits)."""
    options = models_catalog.selectable_models(current)
    key = _key(prefix, "model")
    if key not in st.session_state:
        st.session_state[key] = current
    picked: str = st.selectbox(
        "Model", options, key=key, format_func=models_catalog.model_option_label
    )
    return picked


def budget_inputs(prefix: str) -> float | None:
    """ "At most N credits (or $) a month": the budget in credits, or None until one is typed."""
    left, right = st.columns([3, 2])
    unit = right.segmented_control(
        "Unit", ["credits", "$"], default="credits", key=_key(prefix, "budget_unit"), required=True
    )
    amount = left.number_input(
        f"Monthly budget ({unit})",
        min_value=0.0,
        value=None,
        step=100.0 if unit == "credits" else 1.0,
        key=_key(prefix, "budget"),
        placeholder="e.g. 1000",
    )
    if amount is None:
        return None
    return float(cost.credits_from_dollars(amount)) if unit == "$" else float(amount)
