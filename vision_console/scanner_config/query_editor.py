"""The recordings-query builder as form widgets, and reading them back.

Draws the common filters of a ``BuilderState`` (durations, events, console levels, match mode,
test accounts, property rows) plus a JSON box for the rest of the RecordingsQuery, each widget
keyed through ``key(name)`` so several forms can hold their own copy; ``read`` turns the widgets'
current values back into a ``BuilderState``.

Every widget keeps its value across pages (``persist_state="session"``). The property table
cannot (a data editor stores only its edits against the table it was drawn with), so ``read``
keeps the rows as edited, and a table drawn again after a visit elsewhere starts from them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from vision_console.scanner_config import query as query_builder
from vision_console.scanner_config.query import BuilderState, QueryInputError

KeyFor = Callable[[str], str]

COMMON_EVENTS = (
    "$pageview",
    "$autocapture",
    "$rageclick",
    "$dead_click",
    "$exception",
    "$pageleave",
    "$screen",
)


def _seed(key: KeyFor, name: str, value: Any) -> str:
    """The widget key for ``name``, seeded with ``value`` the first time the widget appears."""
    widget_key = key(name)
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value
    return widget_key


def render(key: KeyFor, state: BuilderState, extra_text: str) -> None:
    """The builder widgets for ``state`` and the JSON box holding ``extra_text``."""
    st.markdown(f"**{query_builder.QUERY_LABEL}**")
    st.caption(
        "Empty means every recording. Vision only scans recordings at least 15 s long with "
        "10 s to 1 h of active time."
    )
    cols = st.columns(4)
    for col, (slot, label) in zip(
        cols,
        (
            ("duration_min", "Min duration (s)"),
            ("duration_max", "Max duration (s)"),
            ("active_min", "Min active time (s)"),
            ("active_max", "Max active time (s)"),
        ),
        strict=True,
    ):
        col.number_input(
            label,
            key=_seed(key, f"q_{slot}", optional_float(getattr(state, slot))),
            min_value=0.0,
            step=1.0,
            persist_state="session",
        )
    events_key = _seed(key, "q_events", list(state.events))
    options = list(dict.fromkeys([*COMMON_EVENTS, *st.session_state[events_key]]))
    st.multiselect(
        "Sessions with these events",
        options,
        key=events_key,
        accept_new_options=True,
        placeholder="Pick or type event names",
        persist_state="session",
    )
    left, right = st.columns(2)
    left.multiselect(
        "Console logs at level",
        list(query_builder.CONSOLE_LEVELS),
        key=_seed(key, "q_levels", list(state.console_levels)),
        persist_state="session",
    )
    right.radio(
        "Match",
        ["AND", "OR"],
        key=_seed(key, "q_operand", state.operand),
        format_func=lambda op: "all filters (AND)" if op == "AND" else "any filter (OR)",
        horizontal=True,
        persist_state="session",
    )
    st.checkbox(
        "Filter out internal and test users",
        key=_seed(key, "q_test_accounts", state.filter_test_accounts),
        persist_state="session",
    )
    st.data_editor(
        pd.DataFrame(_table_base(key, state), columns=list(query_builder.PROPERTY_COLUMNS)),
        key=key("q_properties"),
        num_rows="dynamic",
        width="stretch",
        column_config={
            "Property": st.column_config.SelectboxColumn(
                options=[label for label, _k, _t in query_builder.PROPERTY_FIELDS.values()],
                required=True,
            ),
            "Operator": st.column_config.SelectboxColumn(
                options=list(query_builder.OPERATORS.values()), required=True
            ),
            "Value": st.column_config.TextColumn(required=True),
        },
    )
    st.text_area(
        "Other filters (RecordingsQuery JSON)",
        key=_seed(key, "q_extra", extra_text),
        height=120,
        help="Everything the builder above does not cover, kept exactly as stored.",
        persist_state="session",
    )
    for warning in query_builder.scannable_warnings(typed_durations(key)):
        st.warning(warning, icon=":material/warning:")


def read(key: KeyFor, seed: BuilderState) -> tuple[BuilderState, str | None]:
    """The builder state as typed, plus an error for property rows that cannot be used.

    Widgets that were never drawn keep the seed's value.
    """

    def get(name: str, default: Any) -> Any:
        return st.session_state.get(key(name), default)

    table_error = None
    try:
        rows = query_builder.rows_from_records(_editor_records(key, seed))
    except QueryInputError as exc:
        rows, table_error = list(seed.properties), str(exc)
    state = BuilderState(
        filter_test_accounts=bool(get("q_test_accounts", seed.filter_test_accounts)),
        operand="OR" if get("q_operand", seed.operand) == "OR" else "AND",
        duration_min=get("q_duration_min", seed.duration_min),
        duration_max=get("q_duration_max", seed.duration_max),
        active_min=get("q_active_min", seed.active_min),
        active_max=get("q_active_max", seed.active_max),
        events=tuple(get("q_events", seed.events) or ()),
        console_levels=tuple(get("q_levels", seed.console_levels) or ()),
        properties=tuple(rows),
    )
    return state, table_error


def _table_base(key: KeyFor, state: BuilderState) -> list[dict[str, Any]]:
    """The rows the property table is drawn with: kept while its edits are, else the last rows
    read (the editor's own edits are lost when it is not drawn, as on another page)."""
    base_key, rows_key = key("q_properties_base"), key("q_properties_rows")
    if key("q_properties") not in st.session_state or base_key not in st.session_state:
        rows = st.session_state.get(rows_key)
        if not isinstance(rows, list):
            rows = query_builder.property_records(state.properties)
        st.session_state[base_key] = [dict(row) for row in rows]
    base: list[dict[str, Any]] = st.session_state[base_key]
    return base


def _editor_records(key: KeyFor, seed: BuilderState) -> list[dict[str, Any]]:
    """The property table's rows after the user's edits (the editor stores only a delta), kept
    for when the table is drawn again."""
    base = st.session_state.get(key("q_properties_base"))
    records = base if isinstance(base, list) else query_builder.property_records(seed.properties)
    rows = _apply_edits(key, records)
    st.session_state[key("q_properties_rows")] = rows
    return rows


def _apply_edits(key: KeyFor, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    delta = st.session_state.get(key("q_properties"))
    if not isinstance(delta, Mapping):
        return [dict(r) for r in records]
    rows: list[dict[str, Any]] = [dict(r) for r in records]
    for index, edits in (delta.get("edited_rows") or {}).items():
        position = int(index)
        if 0 <= position < len(rows) and isinstance(edits, Mapping):
            rows[position].update(edits)
    deleted = {int(i) for i in delta.get("deleted_rows") or []}
    kept = [row for position, row in enumerate(rows) if position not in deleted]
    added = [dict(row) for row in delta.get("added_rows") or [] if isinstance(row, Mapping)]
    return kept + added


def typed_durations(key: KeyFor) -> BuilderState:
    """The duration filters as currently typed (for the "scans nothing" warnings)."""

    def typed(slot: str) -> float | None:
        return optional_float(st.session_state.get(key(f"q_{slot}")))

    return BuilderState(
        duration_min=typed("duration_min"),
        duration_max=typed("duration_max"),
        active_min=typed("active_min"),
        active_max=typed("active_max"),
    )


def optional_float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
