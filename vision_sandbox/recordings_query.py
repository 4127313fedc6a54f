"""RecordingsQuery: validation (contract §3.3) and the subset the sandbox can evaluate.

Validation accepts exactly the keys of PostHog's ``RecordingsQuery`` and rejects any other key or
a value of the wrong shape with "Recording filter is invalid.".

Evaluated against the synthetic ``recordings`` table:

* ``having_predicates`` and ``properties`` of type ``recording`` on ``duration``,
  ``active_seconds`` and ``inactive_seconds``;
* ``properties`` of type ``person`` on ``email``, and of type ``event`` / ``session`` on
  ``$current_url`` / ``$entry_current_url`` (the start URL), ``$browser``, ``$os`` and
  ``$geoip_country_code``, with operators ``exact``, ``is_not``, ``icontains``,
  ``not_icontains``, ``gt``, ``gte``, ``lt``, ``lte``, ``is_set``, ``is_not_set``;
* ``events`` by event name (per-event property filters are accepted and ignored);
* ``console_log_filters`` on ``level`` (``error``, ``warn``, ``info``/``log``);
* ``filter_test_accounts``, ``distinct_ids``, ``session_ids``;
* ``operand`` ``AND`` (default) or ``OR`` joining the filter groups above.

Accepted and ignored: ``kind``, ``date_from``/``date_to`` (the estimate owns the window),
``actions``, ``limit``, ``offset``, ``order``, ``order_direction``, ``modifiers``,
``user_modifiers``, ``response``, ``person_uuid``, ``after``, ``comment_text``, property filters
on other keys or types, and per-event property filters.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, validation_error

INVALID_DETAIL = "Recording filter is invalid."
TOO_LARGE_DETAIL = "Recording filter is too large. Keep it under 50 KB."
MAX_QUERY_BYTES = 50_000
MAX_FILTERS = 200
DATE_KEYS = ("date_from", "date_to")

_LIST_OF_OBJECTS = {"events", "actions", "properties", "console_log_filters", "having_predicates"}
_LIST_OF_STRINGS = {"distinct_ids", "session_ids"}
_STRINGS = {"date_from", "date_to", "order", "person_uuid", "after", "comment_text"}
_INTS = {"limit", "offset"}
_OBJECTS = {"modifiers", "user_modifiers", "response"}
_KNOWN_KEYS = (_LIST_OF_OBJECTS | _LIST_OF_STRINGS | _STRINGS | _INTS | _OBJECTS) | {
    "kind",
    "operand",
    "filter_test_accounts",
    "order_direction",
}

_OPERATORS = {
    "exact",
    "is_not",
    "icontains",
    "not_icontains",
    "regex",
    "not_regex",
    "gt",
    "gte",
    "lt",
    "lte",
    "is_set",
    "is_not_set",
    "is_date_exact",
    "is_date_before",
    "is_date_after",
    "between",
    "not_between",
    "min",
    "max",
    "in",
    "not_in",
    "is_cleaned_path_exact",
    "flag_evaluates_to",
}
# RecordingsQuery.order (RecordingOrder) and the property filter schema's keys and types.
_ORDERS = {
    "duration",
    "recording_duration",
    "inactive_seconds",
    "active_seconds",
    "start_time",
    "console_error_count",
    "click_count",
    "keypress_count",
    "mouse_activity_count",
    "activity_score",
    "recording_ttl",
}
_PROPERTY_KEYS = {"key", "value", "operator", "type", "label", "group_type_index", "cohort_name"}
_PROPERTY_TYPES = {
    "event",
    "event_metadata",
    "person",
    "element",
    "session",
    "cohort",
    "recording",
    "log_entry",
    "group",
    "feature",
    "flag",
    "hogql",
    "data_warehouse",
    "data_warehouse_person_property",
    "error_tracking_issue",
    "log",
    "revenue_analytics",
}
_RECORDING_COLUMNS = {
    "duration": "r.duration",
    "active_seconds": "r.active_seconds",
    "inactive_seconds": "(r.duration - r.active_seconds)",
}
_EVENT_COLUMNS = {
    "$current_url": "r.start_url",
    "$entry_current_url": "r.start_url",
    "$browser": "r.browser",
    "$os": "r.os",
    "$geoip_country_code": "r.country",
}
_CONSOLE_LEVELS = {
    "error": "r.console_error_count",
    "warn": "r.console_warn_count",
    "info": "r.console_log_count",
    "log": "r.console_log_count",
}


def _invalid() -> ApiError:
    return validation_error(INVALID_DETAIL, "query")


def validate_query(query: Any) -> dict[str, Any]:
    """Return ``query`` if it is a valid RecordingsQuery, else raise the contract's 400."""
    if not isinstance(query, dict):
        raise _invalid()
    for key, value in query.items():
        if key not in _KNOWN_KEYS or not _value_ok(key, value):
            raise _invalid()
    for item in query.get("properties") or []:
        _check_property(item)
    for item in query.get("having_predicates") or []:
        _check_property(item)
    for item in query.get("console_log_filters") or []:
        _check_property(item)
    return query


def strip_dates(query: dict[str, Any]) -> dict[str, Any]:
    """The query without ``date_from``/``date_to`` (the schedule owns time)."""
    return {k: v for k, v in query.items() if k not in DATE_KEYS}


def _value_ok(key: str, value: Any) -> bool:
    if value is None:
        return key != "kind"
    if key == "kind":
        return bool(value == "RecordingsQuery")
    if key == "operand":
        return value in ("AND", "OR")
    if key == "order_direction":
        return value in ("ASC", "DESC")
    if key == "order":
        return isinstance(value, str) and value in _ORDERS
    if key == "filter_test_accounts":
        return isinstance(value, bool)
    if key in _LIST_OF_OBJECTS:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if key in _LIST_OF_STRINGS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if key in _STRINGS:
        return isinstance(value, str)
    if key in _INTS:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, dict)


def _check_property(item: dict[str, Any]) -> None:
    if set(item) - _PROPERTY_KEYS:
        raise _invalid()
    key = item.get("key")
    if not isinstance(key, str | int) or isinstance(key, bool):
        raise _invalid()
    operator = item.get("operator", "exact")
    if operator is not None and operator not in _OPERATORS:
        raise _invalid()
    kind = item.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in _PROPERTY_TYPES):
        raise _invalid()


def compile_filters(query: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL over ``recordings r`` matching ``query``'s supported filters (``"1"`` for none)."""
    groups: list[tuple[str, list[Any]]] = []
    for item in (query.get("having_predicates") or []) + (query.get("properties") or []):
        clause = _property_clause(item)
        if clause is not None:
            groups.append(clause)
    for event in query.get("events") or []:
        name = event.get("id", event.get("name"))
        if isinstance(name, str):
            groups.append(
                (
                    "EXISTS (SELECT 1 FROM recording_events e "
                    "WHERE e.session_id = r.session_id AND e.event = ?)",
                    [name],
                )
            )
    for item in query.get("console_log_filters") or []:
        clause = _console_clause(item)
        if clause is not None:
            groups.append(clause)
    if len(groups) > MAX_FILTERS:
        raise _invalid()
    joiner = " OR " if query.get("operand") == "OR" else " AND "
    sql = joiner.join(f"({clause})" for clause, _ in groups) if groups else "1"
    params = [p for _, group_params in groups for p in group_params]
    fixed: list[str] = [f"({sql})"]
    if query.get("filter_test_accounts") is True:
        fixed.append("r.is_test_account = 0")
    for key, column in (("distinct_ids", "r.distinct_id"), ("session_ids", "r.session_id")):
        values = query.get(key)
        if values:
            fixed.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    return " AND ".join(fixed), params


def _column_for(item: dict[str, Any]) -> str | None:
    key, kind = item.get("key"), item.get("type")
    if kind in ("recording", None) and key in _RECORDING_COLUMNS:
        return _RECORDING_COLUMNS[str(key)]
    if kind == "person" and key == "email":
        return "r.person_email"
    if kind in ("event", "session") and key in _EVENT_COLUMNS:
        return _EVENT_COLUMNS[str(key)]
    return None


def _property_clause(item: dict[str, Any]) -> tuple[str, list[Any]] | None:
    column = _column_for(item)
    if column is None:
        return None
    operator = item.get("operator") or "exact"
    value = item.get("value")
    values = value if isinstance(value, list) else [value]
    values = [_sql_value(v) for v in values if isinstance(v, str | int | float)]
    if operator == "is_set":
        return f"{column} IS NOT NULL", []
    if operator == "is_not_set":
        return f"{column} IS NULL", []
    if not values:
        return None
    if operator in ("exact", "in"):
        return f"{column} IN ({', '.join('?' * len(values))})", values
    if operator in ("is_not", "not_in"):
        return f"({column} IS NULL OR {column} NOT IN ({', '.join('?' * len(values))}))", values
    if operator in ("icontains", "not_icontains"):
        likes = " OR ".join(f"instr(lower({column}), lower(?)) > 0" for _ in values)
        sql = f"({likes})" if operator == "icontains" else f"NOT ({likes})"
        return sql, [str(v) for v in values]
    comparisons = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
    if operator in comparisons:
        return f"{column} {comparisons[operator]} ?", [values[0]]
    return None


def _sql_value(value: str | int | float) -> str | int | float:
    """A value SQLite can bind: booleans as 0/1, integers beyond 64 bits as floats."""
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return float(value)
    return value


def _console_clause(item: dict[str, Any]) -> tuple[str, list[Any]] | None:
    if item.get("key") != "level":
        return None
    value = item.get("value")
    levels = value if isinstance(value, list) else [value]
    columns = [
        _CONSOLE_LEVELS[lv] for lv in levels if isinstance(lv, str) and lv in _CONSOLE_LEVELS
    ]
    if not columns:
        return None
    return " OR ".join(f"{c} > 0" for c in columns), []
