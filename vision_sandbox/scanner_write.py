"""Validating scanner create/PATCH bodies in DRF's order (contract §3, §4.2, §4.4, §9).

Field-level checks run in declaration order; then the cross-field ones: name uniqueness, fixed
scanner type, ``scanner_config``, ``query``. The first failure is the one reported.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from . import fields
from .catalog import PROVIDERS, SAMPLING_MODES, SCANNER_TYPES
from .eras import EraRules
from .errors import validation_error
from .recordings_query import MAX_QUERY_BYTES, TOO_LARGE_DETAIL, strip_dates, validate_query
from .scanner_config import validate_config

REQUIRED_ON_CREATE = ("name", "scanner_type", "scanner_config", "model")
TRACKED_FIELDS = (
    "scanner_type",
    "scanner_config",
    "query",
    "sampling_rate",
    "provider",
    "model",
    "emits_signals",
    "sampling_mode",
)
MIN_SAMPLING_RATE = 0.0001
NAME_TAKEN = "A scanner with this name already exists in this team."
TYPE_FIXED = "Scanner type is fixed after creation. Create a new scanner to use a different type."
SAMPLING_FLOOR = "Sampling rate must be 0 (paused) or at least 0.0001 (0.01%)."
MAX_SCANNER_TAGS = 32
MAX_SCANNER_TAG_LENGTH = 255
TAG_COMMA = "Tags cannot contain commas."
CREDIT_LIMIT_MAX = 2_147_483_647


def _sampling_rate(value: Any, attr: str) -> float:
    rate = fields.number(value, attr, minimum=0.0, maximum=1.0)
    if 0 < rate < MIN_SAMPLING_RATE:
        raise validation_error(SAMPLING_FLOOR, attr)
    return rate


def _scanner_tags(value: Any, attr: str) -> list[str]:
    """Organisational tags: a list of at most 32 strings, no commas, stored lowercase, unique."""
    items = fields.string_list(value, attr, max_items=MAX_SCANNER_TAGS)
    tags: list[str] = []
    for index, item in enumerate(items):
        text = fields.char(item, f"{attr}__{index}", max_length=MAX_SCANNER_TAG_LENGTH)
        if "," in text:
            raise validation_error(TAG_COMMA, attr)
        if text.lower() not in tags:
            tags.append(text.lower())
    return tags


def _credit_limit(value: Any, attr: str) -> int | None:
    if value is None:
        return None
    return fields.integer(value, attr, minimum=1, maximum=CREDIT_LIMIT_MAX)


Coerce = Callable[[Any, str], Any]


def _fields(rules: EraRules) -> tuple[tuple[str, Coerce], ...]:
    """The era's writable fields in declaration order (DRF reports the first failing one)."""
    models = rules.models

    def model(value: Any, attr: str) -> str:
        return fields.choice(value, attr, models)

    common_head: tuple[tuple[str, Coerce], ...] = (
        ("name", lambda v, a: fields.char(v, a, max_length=255)),
        ("description", lambda v, a: fields.char(v, a, max_length=1000, allow_blank=True)),
    )
    if not rules.credit_era:
        return (
            *common_head,
            ("scanner_type", lambda v, a: fields.choice(v, a, SCANNER_TYPES)),
            ("scanner_config", fields.json_value),
            ("query", fields.json_value),
            ("sampling_rate", _sampling_rate),
            ("provider", lambda v, a: fields.choice(v, a, PROVIDERS)),
            ("model", model),
            ("enabled", fields.boolean),
            ("emits_signals", fields.boolean),
        )
    return (
        *common_head,
        ("tags", _scanner_tags),
        ("scanner_type", lambda v, a: fields.choice(v, a, SCANNER_TYPES)),
        ("scanner_config", fields.json_value),
        ("query", fields.json_value),
        ("sampling_rate", _sampling_rate),
        ("sampling_mode", lambda v, a: fields.choice(v, a, SAMPLING_MODES)),
        ("credit_limit", _credit_limit),
        ("provider", lambda v, a: fields.choice(v, a, PROVIDERS)),
        ("model", model),
        ("enabled", fields.boolean),
        ("emits_signals", fields.boolean),
    )


def validate_write(
    conn: sqlite3.Connection,
    project_id: int,
    body: Any,
    existing: sqlite3.Row | None,
    rules: EraRules,
) -> dict[str, Any]:
    """The era's validated writable fields of ``body`` (create when ``existing`` is None)."""
    require_object(body)
    values: dict[str, Any] = {}
    for name, coerce in _fields(rules):
        if name in body:
            values[name] = coerce(body[name], name)
        elif existing is None and name in REQUIRED_ON_CREATE:
            raise fields.required(name)
    _check_name_free(conn, project_id, values.get("name"), existing)
    changes_type = existing is not None and values.get("scanner_type", existing["scanner_type"])
    if existing is not None and changes_type != existing["scanner_type"]:
        raise validation_error(TYPE_FIXED, "scanner_type")
    if "scanner_config" in values or "scanner_type" in values:
        scanner_type = values.get("scanner_type") or (existing["scanner_type"] if existing else "")
        config = (
            values["scanner_config"]
            if "scanner_config" in values
            else json.loads(existing["scanner_config"])
            if existing
            else None
        )
        values["scanner_config"] = validate_config(scanner_type, config)
    if "query" in values:
        values["query"] = _check_query(values["query"])
    return values


def require_object(body: Any) -> dict[str, Any]:
    """A request body must be a JSON object (DRF's non-field errors otherwise)."""
    if body is None:
        raise validation_error(fields.NULL, None, code="null")
    if not isinstance(body, dict):
        detail = f"Invalid data. Expected a dictionary, but got {type(body).__name__}."
        raise validation_error(detail, None)
    return body


def _check_name_free(
    conn: sqlite3.Connection, project_id: int, name: str | None, existing: sqlite3.Row | None
) -> None:
    if name is None:
        return
    row = conn.execute(
        "SELECT id FROM scanners WHERE project_id = ? AND name = ?", (project_id, name)
    ).fetchone()
    if row is not None and (existing is None or row["id"] != existing["id"]):
        raise validation_error(NAME_TAKEN, "name")


def _check_query(query: Any) -> dict[str, Any]:
    stripped = strip_dates(validate_query(query))
    if len(json.dumps(stripped, separators=(",", ":"))) > MAX_QUERY_BYTES:
        raise validation_error(TOO_LARGE_DETAIL, "query")
    return stripped


def canonical(value: Any) -> str:
    """JSON text that compares equal exactly when the values are equal."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def tracked_changed(values: dict[str, Any], existing: sqlite3.Row) -> bool:
    """Whether any version-tracked field changes value."""
    for name in TRACKED_FIELDS:
        if name not in values:
            continue
        new = values[name]
        old: Any = existing[name]
        if name in ("scanner_config", "query", "tags"):
            old = json.loads(old)
        elif name == "emits_signals":
            old = bool(old)
        if new != old:
            return True
    return False
