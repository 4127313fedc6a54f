"""The Estimate page's inputs: recordings filters, sampling rate, model, budget.

Widgets only; the numbers are computed in ``vision_console.cost`` and the decisions live in
``vision_console.estimate.decisions``. The recordings filters go through the same builder as the
scanner form (``vision_console.scanner_config.query`` via
``vision_console.scanner_config.form.build_query``), inside an ``st.form`` so a query is applied,
and estimated, once per "Update estimate", not once per keystroke. Every key is prefixed by the
source being estimated (a scanner id or the draft), so switching source starts from that scanner's
own settings.

The filters and the budget sit in expanders built only while open (an idle rerun draws their
labels, not their widgets). Streamlit forgets a widget's value on a run that does not draw it,
so what they hold is also kept in plain session keys and handed back when they reopen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from vision_api import Scanner
from vision_console import cost, models_catalog, render, url_state
from vision_console.estimate import decisions as estimate_view
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.query import BuilderState, QueryInputError

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


_DURATION_FIELDS = (
    ("duration_min", "Min duration (s)"),
    ("duration_max", "Max duration (s)"),
    ("active_min", "Min active (s)"),
    ("active_max", "Max active (s)"),
)


def _inputs_from(base: Mapping[str, Any]) -> dict[str, Any]:
    """The recordings form's widget values for ``base``, by widget name."""
    state, remainder = query_builder.split_query(base)
    return {
        "tests": state.filter_test_accounts,
        "operand": state.operand,
        **{slot: getattr(state, slot) for slot, _label in _DURATION_FIELDS},
        "events": list(state.events),
        "levels": list(state.console_levels),
        "properties": query_builder.property_records(state.properties),
        "extra": query_builder.remainder_to_text(remainder),
    }


def query_editor(prefix: str, base: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The applied recordings query (starting at ``base``), and an error for a rejected edit.

    The form lives in an expander built only while open; its label summarises the applied
    query, so a collapsed editor still says what is estimated, and a rejected edit opens it.
    A submitted query that cannot be built keeps the previously applied one, so the estimate
    on screen always belongs to a valid query; the error says what to correct. What was
    submitted, valid or not, is kept beside the widgets and given back to them when the
    expander is opened again (Streamlit drops a widget's state on a run that does not draw it).
    """
    open_key, applied_key = _key(prefix, "query_open"), _key(prefix, "applied_query")
    error_key, inputs_key = _key(prefix, "query_error"), _key(prefix, "query_inputs")
    if open_key not in st.session_state or applied_key not in st.session_state:
        # This source's widgets are new (first visit, another source or page in between).
        st.session_state[applied_key] = dict(base)
        st.session_state[inputs_key] = _inputs_from(base)
        st.session_state.pop(error_key, None)

    def label() -> str:
        rejected = error_key in st.session_state
        return estimate_view.query_label(st.session_state[applied_key], rejected_edit=rejected)

    shown = label()
    box = st.expander(
        shown,
        expanded=bool(st.session_state.get(open_key)) or error_key in st.session_state,
        key=open_key,
        on_change="rerun",
        icon=":material/filter_alt:",
    )
    if box.open:
        with box:
            _query_form(prefix, base)
        if label() != shown:  # an applied or rejected edit: redraw with its summary
            st.rerun()
    applied: dict[str, Any] = st.session_state[applied_key]
    for warning in query_builder.scannable_warnings(query_builder.split_query(applied)[0]):
        st.warning(render.escape_markdown(warning), icon=":material/filter_alt_off:")
    return applied, st.session_state.get(error_key)


def _query_form(prefix: str, base: Mapping[str, Any]) -> None:
    """The recordings form, from the kept inputs; an "Update estimate" applies or rejects it."""
    inputs_key, table_key = _key(prefix, "query_inputs"), _key(prefix, "query_table")
    inputs: dict[str, Any] = st.session_state[inputs_key]
    if _key(prefix, "properties") not in st.session_state or table_key not in st.session_state:
        # The table editor's identity includes its data: keep it fixed while the editor lives.
        st.session_state[table_key] = inputs["properties"]
    with st.form(_key(prefix, "query_form"), border=False):
        with st.container(horizontal=True, vertical_alignment="bottom"):
            exclude_tests = st.toggle(
                "No test accounts",
                value=inputs["tests"],
                key=_key(prefix, "tests"),
                help="Leave out recordings of internal and test users.",
            )
            operand = st.segmented_control(
                "Match",
                ["AND", "OR"],
                default=inputs["operand"],
                key=_key(prefix, "operand"),
                help="AND: every filter must match. OR: any filter may match.",
            )
        bounds: dict[str, float | None] = {}
        with st.container(horizontal=True):
            for slot, label in _DURATION_FIELDS:
                bounds[slot] = st.number_input(
                    label,
                    min_value=0.0,
                    value=inputs[slot],
                    step=1.0,
                    key=_key(prefix, slot),
                    placeholder="any",
                )
        events = st.multiselect(
            "Recordings containing events",
            list(inputs["events"]),
            default=list(inputs["events"]),
            accept_new_options=True,
            key=_key(prefix, "events"),
            placeholder="Type an event name",
        )
        levels = st.multiselect(
            "Console log levels",
            list(query_builder.CONSOLE_LEVELS),
            default=list(inputs["levels"]),
            key=_key(prefix, "levels"),
        )
        rows = st.data_editor(
            pd.DataFrame(
                st.session_state[table_key], columns=list(query_builder.PROPERTY_COLUMNS)
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
            inputs["extra"],
            key=_key(prefix, "extra"),
            height=90,
            help="Anything the builder above does not cover, kept as is.",
        )
        submitted = st.form_submit_button("Update estimate", icon=":material/refresh:")
    records = rows.to_dict("records")
    st.session_state[inputs_key] = {
        "tests": bool(exclude_tests),
        "operand": operand,
        **bounds,
        "events": list(events),
        "levels": list(levels),
        "properties": records,
        "extra": extra,
    }
    if submitted:
        _apply(prefix, base, st.session_state[inputs_key])


def _apply(prefix: str, base: Mapping[str, Any], inputs: Mapping[str, Any]) -> None:
    """Build the query from submitted ``inputs``: applied if valid, else the error is kept."""
    applied_key, error_key = _key(prefix, "applied_query"), _key(prefix, "query_error")
    try:
        properties = tuple(query_builder.rows_from_records(inputs["properties"]))
    except QueryInputError as exc:
        st.session_state[error_key] = f"{forms.QUERY_INVALID} {exc}"
        return
    edited = BuilderState(
        filter_test_accounts=bool(inputs["tests"]),
        operand="OR" if inputs["operand"] == "OR" else "AND",
        events=tuple(str(name) for name in inputs["events"]),
        console_levels=tuple(inputs["levels"]),
        properties=properties,
        **{slot: inputs[slot] for slot, _label in _DURATION_FIELDS},
    )
    form = forms.ScannerForm(query=edited, query_extra=inputs["extra"], query_base=dict(base))
    query, error = forms.build_query(form)
    if error:
        st.session_state[error_key] = error
    else:
        st.session_state[applied_key] = query
        st.session_state.pop(error_key, None)


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


def budget_choice(prefix: str) -> tuple[float | None, str]:
    """The monthly budget typed (None until one is) and its unit, "credits" or "$".

    Read from the budget widgets while they exist (this run's value, before they are drawn),
    else from the copy kept beside them, so a collapsed calculator still knows the last budget.
    """
    amount_key, unit_key, kept_key = (
        _key(prefix, "budget"),
        _key(prefix, "budget_unit"),
        _key(prefix, "budget_kept"),
    )
    amount, unit = st.session_state.get(kept_key, (None, "credits"))
    if amount_key in st.session_state:
        amount = st.session_state[amount_key]
    if unit_key in st.session_state:
        unit = st.session_state[unit_key]
    st.session_state[kept_key] = (amount, unit)
    return amount, unit


def budget_credits(amount: float | None, unit: str) -> float | None:
    """The budget in credits (a $ amount converted exactly), or None without one."""
    if amount is None:
        return None
    return float(cost.credits_from_dollars(amount)) if unit == "$" else float(amount)


def budget_inputs(prefix: str, amount: float | None, unit: str) -> None:
    """ "At most N credits (or $) a month": the budget widgets, starting from ``budget_choice``."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input(
            f"Monthly budget ({unit})",
            min_value=0.0,
            value=amount,
            step=100.0 if unit == "credits" else 1.0,
            key=_key(prefix, "budget"),
            placeholder="e.g. 1000",
        )
        st.segmented_control(
            "Unit", ["credits", "$"], default=unit, key=_key(prefix, "budget_unit"), required=True
        )
