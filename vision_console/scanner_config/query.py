"""A builder for the common recordings filters, mapped both ways to a RecordingsQuery JSON object.

A scanner's ``query`` is PostHog's ``RecordingsQuery``: a large schema. The builder owns the few
filters people set most often, and everything else stays in a *remainder* that the form shows as
JSON, so nothing a user (or a newer PostHog) put in the query is ever lost:

* ``filter_test_accounts`` and ``operand`` (AND/OR);
* recording duration and active seconds, min and max (``having_predicates`` of type ``recording``,
  operators ``gt`` / ``lt``);
* events by name (``events`` entries ``{"id", "name", "type": "events"}``);
* console log levels (one ``console_log_filters`` entry on ``level``);
* property rows on start URL, browser, OS, country and person email with the operators exact,
  icontains, is_not, gt and lt (``properties``).

``split_query`` turns a query into ``(BuilderState, remainder)``; ``join_query`` turns them back.
Given the original query as ``base``, an untouched split joins back to exactly that object, so an
edit form that changed nothing sends nothing (and never bumps ``scanner_version``).

Pure Python, no Streamlit.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard

Operand = Literal["AND", "OR"]

QUERY_LABEL = "Recordings filter"
"""What a scanner's ``query`` is called on every page (the scanner form and Estimate)."""

# Property fields the builder offers: field id -> (label, filter type, PostHog property key).
PROPERTY_FIELDS: dict[str, tuple[str, str, str]] = {
    "start_url": ("Start URL", "session", "$entry_current_url"),
    "browser": ("Browser", "event", "$browser"),
    "os": ("OS", "event", "$os"),
    "country": ("Country code", "event", "$geoip_country_code"),
    "email": ("Person email", "person", "email"),
}
_FIELD_BY_KEY: dict[tuple[Any, Any], str] = {
    (kind, key): name for name, (_label, kind, key) in PROPERTY_FIELDS.items()
}

OPERATORS: dict[str, str] = {
    "exact": "equals",
    "is_not": "is not",
    "icontains": "contains",
    "gt": "greater than",
    "lt": "less than",
}
CONSOLE_LEVELS: tuple[str, ...] = ("error", "warn", "info", "log")

# Top-level keys of PostHog's RecordingsQuery schema (across the versions seen, so the client
# never refuses what some server accepts); the server rejects any other key.
RECORDINGS_QUERY_KEYS = frozenset(
    {
        "actions", "after", "comment_text", "console_log_filters", "date_from", "date_to",
        "distinct_ids", "events", "filter_test_accounts", "having_predicates", "kind", "limit",
        "modifiers", "offset", "operand", "order", "order_direction", "person_uuid", "properties",
        "response", "session_ids", "tags", "user_modified_filters", "user_modifiers", "version",
    }
)  # fmt: skip
MAX_QUERY_BYTES = 50_000
"""Newer servers refuse a query whose compact JSON (dates removed) is larger than this."""

_LIST_KEYS = frozenset(
    {
        "actions", "console_log_filters", "distinct_ids", "events", "having_predicates",
        "properties", "session_ids",
    }
)  # fmt: skip

# Vision only scans recordings at least this long with active time in this range (contract §6).
MIN_SCANNABLE_DURATION = 15
MIN_SCANNABLE_ACTIVE = 10
MAX_SCANNABLE_ACTIVE = 3600

_DURATION_SLOTS: dict[tuple[Any, Any], str] = {
    ("duration", "gt"): "duration_min",
    ("duration", "lt"): "duration_max",
    ("active_seconds", "gt"): "active_min",
    ("active_seconds", "lt"): "active_max",
}


@dataclass(frozen=True)
class PropertyRow:
    """One property condition: ``field`` (a PROPERTY_FIELDS id), an operator and a text value."""

    field: str
    operator: str
    value: str


@dataclass(frozen=True)
class BuilderState:
    """The common filters as plain values a form can bind to widgets."""

    filter_test_accounts: bool = False
    operand: Operand = "AND"
    duration_min: float | None = None
    duration_max: float | None = None
    active_min: float | None = None
    active_max: float | None = None
    events: tuple[str, ...] = ()
    console_levels: tuple[str, ...] = ()
    properties: tuple[PropertyRow, ...] = field(default_factory=tuple)

    def is_empty(self) -> bool:
        """True when the builder adds nothing to the query."""
        return self == BuilderState()


class QueryInputError(ValueError):
    """The JSON a user typed for the query is not usable; the message says why."""


# ---------------------------------------------------------------------------------------------
# query -> builder


def split_query(query: Mapping[str, Any] | None) -> tuple[BuilderState, dict[str, Any]]:
    """Split ``query`` into what the builder shows and the remainder it cannot represent.

    Never raises: anything of an unexpected shape simply stays in the remainder.
    """
    remainder: dict[str, Any] = copy.deepcopy(dict(query or {}))
    values: dict[str, Any] = {}

    if isinstance(remainder.get("filter_test_accounts"), bool):
        values["filter_test_accounts"] = remainder.pop("filter_test_accounts")
    if remainder.get("operand") in ("AND", "OR"):
        values["operand"] = remainder.pop("operand")

    kept, durations = _take(
        remainder.get("having_predicates"), _first_of_each(_duration_slot, lambda v: v[0])
    )
    values.update(slot_value for _item, slot_value in durations)
    _put_back(remainder, "having_predicates", kept, taken=bool(durations))

    kept, events = _take(remainder.get("events"), _first_of_each(_event_name, lambda v: v))
    values["events"] = tuple(name for _item, name in events)
    _put_back(remainder, "events", kept, taken=bool(events))

    kept, levels = _take(
        remainder.get("console_log_filters"), _first_of_each(_console_levels, lambda _v: "level")
    )
    if levels:
        values["console_levels"] = levels[0][1]
    _put_back(remainder, "console_log_filters", kept, taken=bool(levels))

    kept, rows = _take(remainder.get("properties"), _property_row)
    values["properties"] = tuple(row for _item, row in rows)
    _put_back(remainder, "properties", kept, taken=bool(rows))

    return BuilderState(**values), remainder


def _take(items: Any, read: Any) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """Partition a JSON list into items ``read`` cannot represent and (item, value) pairs it can."""
    if not isinstance(items, list):
        return [], []
    kept: list[Any] = []
    taken: list[tuple[Any, Any]] = []
    for item in items:
        value = read(item)
        if value is None:
            kept.append(item)
        else:
            taken.append((item, value))
    return kept, taken


def _first_of_each(read: Any, identity: Any) -> Any:
    """Wrap a reader so it takes only the first item per ``identity(value)``.

    Repeats (a second minimum duration, the same event twice, a second console filter) stay in
    the remainder, where the JSON editor shows them.
    """
    seen: set[Any] = set()

    def first(item: Any) -> Any:
        value = read(item)
        if value is None or identity(value) in seen:
            return None
        seen.add(identity(value))
        return value

    return first


def _put_back(remainder: dict[str, Any], key: str, kept: list[Any], *, taken: bool) -> None:
    """Store what the builder left of a list; drop the key when the builder took all of it."""
    if not taken:
        return
    if kept:
        remainder[key] = kept
    else:
        remainder.pop(key, None)


def _plain_filter(item: Any) -> tuple[str, str, str, Any] | None:
    """``(key, type, operator, value)`` of a property filter with string key/type/operator.

    Filters with any other field (a label, a group index…) are not the builder's to show.
    """
    if not isinstance(item, dict) or set(item) - {"key", "type", "operator", "value"}:
        return None
    key, kind, operator = item.get("key"), item.get("type"), item.get("operator")
    if not (isinstance(key, str) and isinstance(kind, str) and isinstance(operator, str)):
        return None
    return key, kind, operator, item.get("value")


def _duration_slot(item: Any) -> tuple[str, float] | None:
    parts = _plain_filter(item)
    if parts is None:
        return None
    key, kind, operator, value = parts
    slot = _DURATION_SLOTS.get((key, operator))
    if kind != "recording" or slot is None or not _is_number(value):
        return None
    return slot, value


def _event_name(item: Any) -> str | None:
    if not isinstance(item, dict) or set(item) - {"id", "name", "type"}:
        return None
    name = item.get("id")
    if item.get("type") != "events" or not _is_clean_text(name):
        return None
    return name if item.get("name", name) == name else None


def _console_levels(item: Any) -> tuple[str, ...] | None:
    parts = _plain_filter(item)
    if parts is None or parts[:3] != ("level", "log_entry", "exact"):
        return None
    levels = parts[3]
    if not isinstance(levels, list) or not levels:
        return None
    if not all(isinstance(level, str) and level in CONSOLE_LEVELS for level in levels):
        return None
    return tuple(levels) if len(set(levels)) == len(levels) else None


def _property_row(item: Any) -> PropertyRow | None:
    parts = _plain_filter(item)
    if parts is None:
        return None
    key, kind, operator, value = parts
    name = _FIELD_BY_KEY.get((kind, key))
    if name is None or operator not in OPERATORS:
        return None
    if operator in ("exact", "is_not"):
        if isinstance(value, list) and len(value) == 1 and _is_clean_text(value[0]):
            return PropertyRow(name, operator, value[0])
        return None
    if operator == "icontains":
        return PropertyRow(name, operator, value) if _is_clean_text(value) else None
    return PropertyRow(name, operator, _number_text(value)) if _is_number(value) else None


def _is_clean_text(value: Any) -> TypeGuard[str]:
    """A non-blank string without surrounding whitespace (so joining gives it back unchanged)."""
    return isinstance(value, str) and bool(value.strip()) and value == value.strip()


# ---------------------------------------------------------------------------------------------
# builder -> query


def join_query(
    state: BuilderState, remainder: Mapping[str, Any], *, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The RecordingsQuery for ``state`` plus ``remainder``.

    When ``base`` splits into exactly ``(state, remainder)`` the result is a copy of ``base``, so an
    untouched form reproduces the stored query byte for byte. Otherwise builder items come first in
    each list, followed by the remainder's. Raises ``QueryInputError`` for a builder value that
    cannot become a filter (for example a blank property value).
    """
    if base is not None and split_query(base) == (state, dict(remainder)):
        return copy.deepcopy(dict(base))
    query: dict[str, Any] = copy.deepcopy(dict(remainder))
    if state.filter_test_accounts:
        query["filter_test_accounts"] = True
    if state.operand == "OR":
        query["operand"] = "OR"

    durations = [
        _duration_filter(slot, getattr(state, slot))
        for slot in _DURATION_SLOTS.values()
        if getattr(state, slot) is not None
    ]
    events = [{"id": name, "name": name, "type": "events"} for name in _clean_events(state.events)]
    levels = [_console_filter(state.console_levels)] if state.console_levels else []
    properties = [_property_filter(row) for row in state.properties]
    for key, items in (
        ("having_predicates", durations),
        ("events", events),
        ("console_log_filters", levels),
        ("properties", properties),
    ):
        if not items:
            continue
        existing = query.get(key, [])
        if not isinstance(existing, list):
            raise QueryInputError(
                f"Other filters: {key!r} must be a list to combine it with the builder's filters."
            )
        query[key] = items + existing
    return query


def _duration_filter(slot: str, seconds: float) -> dict[str, Any]:
    key, operator = next(pair for pair, name in _DURATION_SLOTS.items() if name == slot)
    return {"key": key, "type": "recording", "operator": operator, "value": _json_number(seconds)}


def _console_filter(levels: tuple[str, ...]) -> dict[str, Any]:
    return {"key": "level", "type": "log_entry", "operator": "exact", "value": list(levels)}


def _property_filter(row: PropertyRow) -> dict[str, Any]:
    if row.field not in PROPERTY_FIELDS:
        raise QueryInputError(f"Unknown property {row.field!r}.")
    if row.operator not in OPERATORS:
        raise QueryInputError(f"Unknown operator {row.operator!r}.")
    label, kind, key = PROPERTY_FIELDS[row.field]
    value: Any = row.value.strip()
    if not value:
        raise QueryInputError(f"{label}: enter a value to compare with.")
    if row.operator in ("exact", "is_not"):
        value = [value]
    elif row.operator in ("gt", "lt"):
        number = _parse_number(value)
        if number is None:
            raise QueryInputError(f"{label} {OPERATORS[row.operator]}: enter a number.")
        value = _json_number(number)
    return {"key": key, "type": kind, "operator": row.operator, "value": value}


def _clean_events(names: tuple[str, ...]) -> list[str]:
    """Trimmed, non-blank event names, first occurrence kept."""
    seen: dict[str, None] = {}
    for name in names:
        if name.strip():
            seen.setdefault(name.strip(), None)
    return list(seen)


# ---------------------------------------------------------------------------------------------
# JSON text for the remainder editor, checks and warnings


def remainder_to_text(remainder: Mapping[str, Any]) -> str:
    """Pretty JSON for the editor; an empty remainder is ``{}``."""
    return json.dumps(dict(remainder), indent=2, sort_keys=True, ensure_ascii=False)


def parse_remainder(text: str) -> dict[str, Any]:
    """Parse what the user typed in the JSON editor; blank means ``{}``.

    Raises ``QueryInputError`` with a message that points at the problem.
    """
    if not text.strip():
        return {}
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise QueryInputError(
            f"Other filters are not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from None
    except ValueError as exc:
        raise QueryInputError(f"Other filters are not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise QueryInputError("Other filters must be a JSON object, like {}.")
    return value


def unknown_keys(query: Mapping[str, Any]) -> list[str]:
    """Top-level keys that are not part of RecordingsQuery (the server rejects them)."""
    return sorted(str(key) for key in query if key not in RECORDINGS_QUERY_KEYS)


def compact_size(query: Mapping[str, Any]) -> int:
    """Bytes of the query as the server measures it: compact JSON without the date keys."""
    kept = {k: v for k, v in query.items() if k not in ("date_from", "date_to")}
    return len(json.dumps(kept, separators=(",", ":")))


def shape_problems(query: Mapping[str, Any]) -> list[str]:
    """Top-level problems the server would reject the query for, as sentences.

    Checks unknown keys and the type of the keys the builder works with; nested filter objects
    are left to the server, which answers "Recording filter is invalid." for them.
    """
    problems = []
    unknown = unknown_keys(query)
    if unknown:
        problems.append(f"Unknown keys: {', '.join(unknown)}.")
    for key in sorted(_LIST_KEYS & set(query)):
        if query[key] is not None and not isinstance(query[key], list):
            problems.append(f"{key!r} must be a list.")
    if not isinstance(query.get("filter_test_accounts", False), bool | None):
        problems.append("'filter_test_accounts' must be true or false.")
    if query.get("operand") not in (None, "AND", "OR"):
        problems.append('\'operand\' must be "AND" or "OR".')
    return problems


def scannable_warnings(state: BuilderState) -> list[str]:
    """Duration filters that cannot overlap what Vision scans: the scanner would find nothing.

    Vision only scans recordings at least 15 s long with 10 s to 1 h of active time. These are
    warnings, not errors: the server accepts such filters.
    """
    warnings = []
    if state.duration_max is not None and state.duration_max <= MIN_SCANNABLE_DURATION:
        warnings.append(
            "Vision skips recordings shorter than 15 s, so a maximum duration of "
            f"{_number_text(state.duration_max)} s scans nothing."
        )
    if state.active_min is not None and state.active_min >= MAX_SCANNABLE_ACTIVE:
        warnings.append(
            "Vision skips recordings with over 1 h of active time, so a minimum of "
            f"{_number_text(state.active_min)} active seconds scans nothing."
        )
    if state.active_max is not None and state.active_max <= MIN_SCANNABLE_ACTIVE:
        warnings.append(
            "Vision skips recordings with under 10 s of active time, so a maximum of "
            f"{_number_text(state.active_max)} active seconds scans nothing."
        )
    for low, high, what in (
        (state.duration_min, state.duration_max, "duration"),
        (state.active_min, state.active_max, "active seconds"),
    ):
        if low is not None and high is not None and high <= low:
            warnings.append(f"The {what} range is empty: the maximum is not above the minimum.")
    return warnings


def describe(state: BuilderState) -> list[str]:
    """Short human phrases for the filters the builder holds (for captions and summaries)."""
    parts = []
    if state.duration_min is not None:
        parts.append(f"duration > {_number_text(state.duration_min)} s")
    if state.duration_max is not None:
        parts.append(f"duration < {_number_text(state.duration_max)} s")
    if state.active_min is not None:
        parts.append(f"active > {_number_text(state.active_min)} s")
    if state.active_max is not None:
        parts.append(f"active < {_number_text(state.active_max)} s")
    parts.extend(f"event {name}" for name in _clean_events(state.events))
    if state.console_levels:
        parts.append("console " + "/".join(state.console_levels))
    for row in state.properties:
        label = PROPERTY_FIELDS.get(row.field, (row.field,))[0]
        parts.append(f"{label} {OPERATORS.get(row.operator, row.operator)} {row.value}")
    if state.filter_test_accounts:
        parts.append("no test accounts")
    return parts


PROPERTY_COLUMNS = ("Property", "Operator", "Value")
"""Column names of the editable property table a form shows."""


def property_records(rows: tuple[PropertyRow, ...]) -> list[dict[str, str]]:
    """Property rows as table records with human labels (the editable table's contents)."""
    return [
        {
            "Property": PROPERTY_FIELDS[row.field][0]
            if row.field in PROPERTY_FIELDS
            else row.field,
            "Operator": OPERATORS.get(row.operator, row.operator),
            "Value": row.value,
        }
        for row in rows
    ]


def rows_from_records(records: list[dict[str, Any]]) -> list[PropertyRow]:
    """Property rows back from the editable table; empty rows are skipped.

    Raises ``QueryInputError`` for a row with a missing part or an unknown label.
    """
    by_label = {label: name for name, (label, _kind, _key) in PROPERTY_FIELDS.items()}
    operator_by_label = {label: op for op, label in OPERATORS.items()}
    rows = []
    for number, record in enumerate(records, start=1):
        parts = [record.get(column) for column in PROPERTY_COLUMNS]
        texts = ["" if _missing(part) else str(part) for part in parts]
        if not any(text.strip() for text in texts):
            continue
        label, operator_label, value = texts
        if label not in by_label or operator_label not in operator_by_label:
            raise QueryInputError(f"Property row {number}: pick a property and an operator.")
        if not value.strip():
            raise QueryInputError(f"Property row {number}: enter a value to compare with.")
        rows.append(PropertyRow(by_label[label], operator_by_label[operator_label], value.strip()))
    return rows


def _missing(value: Any) -> bool:
    """None or a pandas/NumPy missing marker (the editable table yields those for blanks)."""
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value)
        in (
            "<NA>",
            "nan",
            "None",
        )
    )


# ---------------------------------------------------------------------------------------------
# numbers


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _json_number(value: float) -> int | float:
    """Whole numbers as ints (``60`` not ``60.0``), others as floats."""
    if isinstance(value, int):
        return value
    return int(value) if value.is_integer() and abs(value) < 2**53 else float(value)


def _number_text(value: float) -> str:
    return str(_json_number(value))


def _parse_number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")
