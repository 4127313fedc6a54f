"""The Estimate page's recordings filters: an editor applied per "Update estimate", and its label.

The filters go through the same builder as the scanner form
(``vision_console.scanner_config.form.build_query``), inside an ``st.form`` so a query is applied,
and estimated, once per "Update estimate", not once per keystroke.

The editor sits in an expander built only while open (an idle rerun draws its label, not its
widgets); the label says in plain words what is applied, so a collapsed editor still says what is
estimated. Streamlit forgets a widget's value on a run that does not draw it, so what the form holds
is also kept in plain session keys and handed back when it reopens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from vision_console import format as fmt
from vision_console import render
from vision_console.scanner_config import form as forms
from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.query import BuilderState, QueryInputError


def _key(prefix: str, name: str) -> str:
    return f"{prefix}:{name}"


QUERY_SECTION = forms.QUERY_LABEL
"""Named as in the scanner form, so one thing has one name on every page."""
_DATE_KEYS = ("date_from", "date_to")
_NOT_FILTERS = frozenset({"kind", *_DATE_KEYS})
"""Remainder keys that do not narrow the recordings (the estimate and the schedule own time)."""


def _seconds(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _bounds(low: float | None, high: float | None, what: str) -> str | None:
    """``duration 15–600 s``, ``duration > 15 s`` or ``duration < 600 s`` (None when unbounded)."""
    if low is not None and high is not None:
        return f"{what} {_seconds(low)}–{_seconds(high)} s"
    if low is not None:
        return f"{what} > {_seconds(low)} s"
    if high is not None:
        return f"{what} < {_seconds(high)} s"
    return None


def query_label(query: Mapping[str, Any], *, rejected_edit: bool = False) -> str:
    """The recordings section's label: the applied query in plain words, counts only.

    Event names, property values and other JSON come from the API or the user, so the label
    (which Streamlit renders as Markdown) names none of them: it counts them. A rejected edit
    is flagged so a collapsed section does not hide that the last "Update estimate" failed.
    """
    state, remainder = query_builder.split_query(query)
    filters = [
        _bounds(state.duration_min, state.duration_max, "duration"),
        _bounds(state.active_min, state.active_max, "active"),
        fmt.count(len(state.events), "event") if state.events else None,
        ("console " + "/".join(state.console_levels)) if state.console_levels else None,
        fmt.count(len(state.properties), "property filter") if state.properties else None,
    ]
    other = [key for key in remainder if key not in _NOT_FILTERS]
    if other:
        filters.append(fmt.count(len(other), "other filter"))
    parts = [part for part in filters if part]
    if not parts:
        parts.append("all recordings")
    elif state.operand == "OR" and len(parts) > 1:
        parts.append("any may match")
    parts.append("without test accounts" if state.filter_test_accounts else "with test accounts")
    if any(key in remainder for key in _DATE_KEYS):
        parts.append("its dates are ignored")
    if rejected_edit:
        parts.append("last edit not applied")
    return " · ".join([QUERY_SECTION, *parts])


_DURATION_FIELDS = (
    ("duration_min", "Min duration (s)"),
    ("duration_max", "Max duration (s)"),
    ("active_min", "Min active time (s)"),
    ("active_max", "Max active time (s)"),
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


def editor(prefix: str, base: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
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
        return query_label(st.session_state[applied_key], rejected_edit=rejected)

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
                "Filter out internal and test users",
                value=inputs["tests"],
                key=_key(prefix, "tests"),
                help="Leave out recordings of internal and test users.",
            )
            operand = st.segmented_control(
                "Match",
                ["AND", "OR"],
                default=inputs["operand"],
                key=_key(prefix, "operand"),
                format_func=lambda op: "all filters (AND)" if op == "AND" else "any filter (OR)",
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
            "Sessions with these events",
            list(inputs["events"]),
            default=list(inputs["events"]),
            accept_new_options=True,
            key=_key(prefix, "events"),
            placeholder="Pick or type event names",
        )
        levels = st.multiselect(
            "Console logs at level",
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
