"""The recordings-query builder maps both ways and never loses what it cannot show."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision_console.scanner_config import query as qb
from vision_console.scanner_config.query import BuilderState, PropertyRow

FULL_QUERY = {
    "filter_test_accounts": True,
    "operand": "OR",
    "having_predicates": [
        {"key": "duration", "type": "recording", "operator": "gt", "value": 60},
        {"key": "active_seconds", "type": "recording", "operator": "lt", "value": 1800},
        {"key": "click_count", "type": "recording", "operator": "gt", "value": 3},
    ],
    "events": [
        {"id": "$pageview", "name": "$pageview", "type": "events"},
        {"id": "checkout", "type": "events", "properties": [{"key": "plan", "value": "pro"}]},
    ],
    "console_log_filters": [
        {"key": "level", "type": "log_entry", "operator": "exact", "value": ["error", "warn"]}
    ],
    "properties": [
        {"key": "$entry_current_url", "type": "session", "operator": "icontains", "value": "/pay"},
        {"key": "$browser", "type": "event", "operator": "exact", "value": ["Chrome"]},
        {"key": "email", "type": "person", "operator": "is_not", "value": ["qa@example.com"]},
        {"type": "cohort", "key": "id", "value": 42},
    ],
    "actions": [{"id": 7, "type": "actions"}],
    "order": "start_time",
}


def test_split_reads_every_common_filter_and_keeps_the_rest():
    state, remainder = qb.split_query(FULL_QUERY)
    assert state == BuilderState(
        filter_test_accounts=True,
        operand="OR",
        duration_min=60,
        active_max=1800,
        events=("$pageview",),
        console_levels=("error", "warn"),
        properties=(
            PropertyRow("start_url", "icontains", "/pay"),
            PropertyRow("browser", "exact", "Chrome"),
            PropertyRow("email", "is_not", "qa@example.com"),
        ),
    )
    assert remainder == {
        "having_predicates": [
            {"key": "click_count", "type": "recording", "operator": "gt", "value": 3}
        ],
        "events": [
            {"id": "checkout", "type": "events", "properties": [{"key": "plan", "value": "pro"}]}
        ],
        "properties": [{"type": "cohort", "key": "id", "value": 42}],
        "actions": [{"id": 7, "type": "actions"}],
        "order": "start_time",
    }


def test_untouched_split_joins_back_to_the_very_same_query():
    state, remainder = qb.split_query(FULL_QUERY)
    assert qb.join_query(state, remainder, base=FULL_QUERY) == FULL_QUERY


def test_builder_edits_are_written_and_the_remainder_follows():
    _state, remainder = qb.split_query(FULL_QUERY)
    edited = BuilderState(duration_min=30, console_levels=("error",))
    query = qb.join_query(edited, remainder, base=FULL_QUERY)
    assert query["having_predicates"] == [
        {"key": "duration", "type": "recording", "operator": "gt", "value": 30},
        {"key": "click_count", "type": "recording", "operator": "gt", "value": 3},
    ]
    assert query["console_log_filters"] == [
        {"key": "level", "type": "log_entry", "operator": "exact", "value": ["error"]}
    ]
    assert "filter_test_accounts" not in query and "operand" not in query
    assert query["actions"] == FULL_QUERY["actions"]
    assert query["properties"] == [{"type": "cohort", "key": "id", "value": 42}]


def test_empty_builder_gives_an_empty_query():
    assert qb.join_query(BuilderState(), {}) == {}
    assert qb.split_query(None) == (BuilderState(), {})
    assert qb.split_query({}) == (BuilderState(), {})


def test_property_rows_become_posthog_filters():
    state = BuilderState(
        properties=(
            PropertyRow("country", "exact", " DE "),
            PropertyRow("os", "icontains", "mac"),
            PropertyRow("start_url", "gt", "10"),
            PropertyRow("browser", "lt", "2.5"),
        ),
        events=("signup", " signup ", ""),
    )
    query = qb.join_query(state, {})
    assert query["properties"] == [
        {"key": "$geoip_country_code", "type": "event", "operator": "exact", "value": ["DE"]},
        {"key": "$os", "type": "event", "operator": "icontains", "value": "mac"},
        {"key": "$entry_current_url", "type": "session", "operator": "gt", "value": 10},
        {"key": "$browser", "type": "event", "operator": "lt", "value": 2.5},
    ]
    assert query["events"] == [{"id": "signup", "name": "signup", "type": "events"}]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (PropertyRow("browser", "exact", "  "), "Browser: enter a value to compare with."),
        (PropertyRow("os", "gt", "ten"), "OS greater than: enter a number."),
        (PropertyRow("os", "lt", "nan"), "OS less than: enter a number."),
        (PropertyRow("planet", "exact", "x"), "Unknown property 'planet'."),
        (PropertyRow("os", "regex", "x"), "Unknown operator 'regex'."),
    ],
)
def test_unusable_rows_are_refused_with_a_message(row, message):
    with pytest.raises(qb.QueryInputError) as caught:
        qb.join_query(BuilderState(properties=(row,)), {})
    assert str(caught.value) == message


def test_a_non_list_remainder_entry_is_refused_not_overwritten():
    with pytest.raises(qb.QueryInputError, match="'events' must be a list"):
        qb.join_query(BuilderState(events=("a",)), {"events": "junk"})


def test_repeats_stay_in_the_remainder():
    query = {
        "having_predicates": [
            {"key": "duration", "type": "recording", "operator": "gt", "value": 10},
            {"key": "duration", "type": "recording", "operator": "gt", "value": 20},
        ],
        "events": [
            {"id": "a", "name": "a", "type": "events"},
            {"id": "a", "name": "a", "type": "events"},
        ],
    }
    state, remainder = qb.split_query(query)
    assert state.duration_min == 10 and state.events == ("a",)
    assert remainder == {
        "having_predicates": [query["having_predicates"][1]],
        "events": [query["events"][1]],
    }


def test_remainder_text_round_trip_and_errors():
    remainder = {"order": "start_time", "actions": [{"id": 1}]}
    assert qb.parse_remainder(qb.remainder_to_text(remainder)) == remainder
    assert qb.parse_remainder("   ") == {}
    with pytest.raises(qb.QueryInputError, match=r"not valid JSON: Expecting .* \(line 1, column"):
        qb.parse_remainder("{'order': 1}")
    with pytest.raises(qb.QueryInputError, match="must be a JSON object"):
        qb.parse_remainder("[1, 2]")
    with pytest.raises(qb.QueryInputError, match="NaN is not allowed"):
        qb.parse_remainder('{"limit": NaN}')


def test_unknown_keys_are_named():
    assert qb.unknown_keys({"events": [], "bogus": 1, "zzz": 2}) == ["bogus", "zzz"]
    assert qb.unknown_keys(FULL_QUERY) == []


def test_scannable_warnings():
    assert qb.scannable_warnings(BuilderState(duration_min=60, active_max=1800)) == []
    warnings = qb.scannable_warnings(
        BuilderState(duration_max=10, active_min=4000, duration_min=20)
    )
    assert warnings == [
        "Vision skips recordings shorter than 15 s, so a maximum duration of 10 s scans nothing.",
        "Vision skips recordings with over 1 h of active time, so a minimum of 4000 active "
        "seconds scans nothing.",
        "The duration range is empty: the maximum is not above the minimum.",
    ]


def test_describe_lists_the_filters_in_words():
    state, _ = qb.split_query(FULL_QUERY)
    assert qb.describe(state) == [
        "duration > 60 s",
        "active < 1800 s",
        "event $pageview",
        "console error/warn",
        "Start URL contains /pay",
        "Browser equals Chrome",
        "Person email is not qa@example.com",
        "no test accounts",
    ]


# ---------------------------------------------------------------------------------------------
# properties

json_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8)
json_scalars |= st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
names = st.sampled_from(["duration", "active_seconds", "level", "email", "$browser", "$os", "x"])
kinds = st.sampled_from(["recording", "log_entry", "person", "event", "session", "cohort"])
ops = st.sampled_from(["gt", "lt", "exact", "is_not", "icontains", "regex"])
values = st.one_of(
    st.integers(-5, 4000),
    st.floats(-1e6, 1e6),
    st.sampled_from(["Chrome", " a ", "", "x"]),
    st.lists(st.sampled_from(["error", "warn", "info", "Chrome", "x", 3]), max_size=3),
    json_values,
)
filters = st.fixed_dictionaries(
    {"key": names, "type": kinds, "operator": ops, "value": values},
    optional={"label": st.text(max_size=3)},
)
events = st.fixed_dictionaries(
    {"id": st.sampled_from(["$pageview", "signup", " pad ", "", 5]), "type": st.just("events")},
    optional={"name": st.sampled_from(["$pageview", "signup", "other"])},
)
queries = st.fixed_dictionaries(
    {},
    optional={
        "filter_test_accounts": st.booleans() | json_values,
        "operand": st.sampled_from(["AND", "OR", "XOR"]),
        "having_predicates": st.lists(filters, max_size=4) | json_values,
        "properties": st.lists(filters | json_values, max_size=4),
        "console_log_filters": st.lists(filters, max_size=3),
        "events": st.lists(events | json_values, max_size=4),
        "order": json_values,
        "kind": st.just("RecordingsQuery"),
    },
)


def _canonical(value: Any) -> Any:
    """Numbers compared by value: the builder writes 12.0 seconds back as 12."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _normal(query: dict[str, Any]) -> dict[str, Any]:
    """Order-free form of a query: lists as sorted JSON texts, default flags dropped."""
    query = _canonical(query)
    out = {}
    for key, value in query.items():
        if (key, value) in (("filter_test_accounts", False), ("operand", "AND")):
            continue
        if isinstance(value, list):
            if key == "events":  # an event without "name" is named by its id
                value = [
                    {"name": item["id"], **item}
                    if isinstance(item, dict) and "id" in item
                    else item
                    for item in value
                ]
            value = sorted(json.dumps(item, sort_keys=True) for item in value)
        out[key] = value
    return out


@settings(max_examples=300, deadline=None)
@given(queries)
def test_any_query_splits_and_joins_back_without_loss(query):
    state, remainder = qb.split_query(query)
    assert qb.join_query(state, remainder, base=query) == query
    rebuilt = qb.join_query(state, remainder)
    assert qb.split_query(rebuilt) == (state, remainder)
    assert _normal(rebuilt) == _normal(query)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_split_never_raises_on_arbitrary_json_objects(value):
    query = value if isinstance(value, dict) else {"events": value, "properties": value}
    state, remainder = qb.split_query(query)
    qb.join_query(state, remainder)


clean_text = st.text(min_size=1, max_size=10).map(str.strip).filter(bool)
numbers = st.floats(-1e9, 1e9, allow_nan=False) | st.integers(-(10**9), 10**9)
rows = st.builds(
    PropertyRow,
    field=st.sampled_from(list(qb.PROPERTY_FIELDS)),
    operator=st.sampled_from(["exact", "is_not", "icontains"]),
    value=clean_text,
) | st.builds(
    PropertyRow,
    field=st.sampled_from(list(qb.PROPERTY_FIELDS)),
    operator=st.sampled_from(["gt", "lt"]),
    value=numbers.map(qb._number_text),
)
states = st.builds(
    BuilderState,
    filter_test_accounts=st.booleans(),
    operand=st.sampled_from(["AND", "OR"]),
    duration_min=st.none() | numbers,
    duration_max=st.none() | numbers,
    active_min=st.none() | numbers,
    active_max=st.none() | numbers,
    events=st.lists(clean_text, unique=True, max_size=3).map(tuple),
    console_levels=st.lists(st.sampled_from(qb.CONSOLE_LEVELS), unique=True, max_size=4).map(tuple),
    properties=st.lists(rows, max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(states)
def test_any_builder_state_survives_a_round_trip_through_json(state):
    query = qb.join_query(state, {})
    assert json.loads(json.dumps(query)) == query
    assert qb.split_query(query) == (state, {})


def test_property_table_records_round_trip():
    rows = (PropertyRow("browser", "exact", "Chrome"), PropertyRow("os", "gt", "3"))
    records = qb.property_records(rows)
    assert records == [
        {"Property": "Browser", "Operator": "equals", "Value": "Chrome"},
        {"Property": "OS", "Operator": "greater than", "Value": "3"},
    ]
    assert qb.rows_from_records(
        [*records, {"Property": None, "Operator": None, "Value": None}]
    ) == list(rows)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {"Property": "Browser", "Operator": None, "Value": "x"},
            "pick a property and an operator",
        ),
        ({"Property": "Planet", "Operator": "equals", "Value": "x"}, "pick a property"),
        ({"Property": "Browser", "Operator": "equals", "Value": float("nan")}, "enter a value"),
    ],
)
def test_incomplete_property_rows_are_refused(record, message):
    with pytest.raises(qb.QueryInputError, match=message):
        qb.rows_from_records([record])
