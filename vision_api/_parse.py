"""Typed reads from decoded JSON, naming the model and field in every validation error.

Null and missing optional fields become defaults; a field of the wrong JSON type, or a
missing required one, raises ResponseValidationError. Unknown fields are never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from ._exceptions import ResponseValidationError

T = TypeVar("T")
_MISSING = object()


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def expect_object(value: object, where: str) -> dict[str, Any]:
    """`value` if it is a JSON object, else a ResponseValidationError naming `where`."""
    if not isinstance(value, dict):
        raise ResponseValidationError(
            f"{where}: expected a JSON object, got {json_type(value)}", body=value
        )
    return value


def expect_list(value: object, where: str) -> list[Any]:
    """`value` if it is a JSON array, else a ResponseValidationError naming `where`."""
    if not isinstance(value, list):
        raise ResponseValidationError(
            f"{where}: expected a JSON array, got {json_type(value)}", body=value
        )
    return value


class Fields:
    """Reads the fields of one JSON object on behalf of one model."""

    __slots__ = ("_data", "_where")

    def __init__(self, data: object, where: str) -> None:
        self._data = expect_object(data, where)
        self._where = where

    @property
    def data(self) -> dict[str, Any]:
        return self._data

    def _get(self, key: str, *, required: bool) -> Any:
        value = self._data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                state = "missing" if value is _MISSING else "null"
                raise ResponseValidationError(
                    f"{self._where}.{key}: required field is {state}", body=self._data
                )
            return None
        return value

    def _wrong(self, key: str, expected: str, value: object) -> ResponseValidationError:
        return ResponseValidationError(
            f"{self._where}.{key}: expected {expected}, got {json_type(value)}", body=self._data
        )

    # Text ---------------------------------------------------------------------------------
    # The readers below are on the hot path of bulk exports (tens of thousands of rows), so
    # they read the dict directly instead of layering helper calls.
    def text(self, key: str, default: str = "") -> str:
        value = self._data.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        raise self._wrong(key, "a string", value)

    def req_text(self, key: str) -> str:
        value = self._data.get(key)
        if isinstance(value, str):
            return value
        if value is None:
            self._get(key, required=True)
        raise self._wrong(key, "a string", value)

    def opt_text(self, key: str) -> str | None:
        value = self._data.get(key)
        if value is None or isinstance(value, str):
            return value
        raise self._wrong(key, "a string", value)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, required=False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._wrong(key, "an array of strings", value)
        return tuple(value)

    def integers(self, key: str) -> tuple[int, ...]:
        value = self._get(key, required=False)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self._wrong(key, "an array of integers", value)
        return tuple(self._to_int(key, item) for item in value)

    # Numbers ------------------------------------------------------------------------------
    def req_int(self, key: str) -> int:
        return self._to_int(key, self._get(key, required=True))

    def opt_int(self, key: str) -> int | None:
        value = self._data.get(key)
        if value is None:
            return None
        if type(value) is int:
            return value
        return self._to_int(key, value)

    def integer(self, key: str, default: int = 0) -> int:
        value = self.opt_int(key)
        return default if value is None else value

    def _to_int(self, key: str, value: object) -> int:
        if isinstance(value, bool):
            raise self._wrong(key, "an integer", value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise self._wrong(key, "an integer", value)

    def req_float(self, key: str) -> float:
        return self._to_float(key, self._get(key, required=True))

    def opt_float(self, key: str) -> float | None:
        value = self._get(key, required=False)
        return None if value is None else self._to_float(key, value)

    def _to_float(self, key: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number", value)
        return float(value)

    # Booleans -----------------------------------------------------------------------------
    def req_bool(self, key: str) -> bool:
        value = self._get(key, required=True)
        if not isinstance(value, bool):
            raise self._wrong(key, "a boolean", value)
        return value

    def opt_bool(self, key: str) -> bool | None:
        value = self._data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._wrong(key, "a boolean", value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.opt_bool(key)
        return default if value is None else value

    # Objects and arrays -------------------------------------------------------------------
    def mapping(self, key: str) -> dict[str, Any]:
        """A JSON object field; null or missing reads as {}."""
        value = self.opt_mapping(key)
        return {} if value is None else value

    def opt_mapping(self, key: str) -> dict[str, Any] | None:
        value = self._data.get(key)
        if value is None or isinstance(value, dict):
            return value
        raise self._wrong(key, "an object", value)

    def nested(self, key: str, parse: Callable[[object, str], T]) -> T | None:
        """A nested model, or None when the field is null or missing."""
        value = self._data.get(key)
        return None if value is None else parse(value, f"{self._where}.{key}")

    def req_nested(self, key: str, parse: Callable[[object, str], T]) -> T:
        return parse(self._get(key, required=True), f"{self._where}.{key}")

    def nested_list(self, key: str, parse: Callable[[object, str], T]) -> tuple[T, ...]:
        """An array of nested models; null or missing reads as ()."""
        value = self._get(key, required=False)
        if value is None:
            return ()
        items = expect_list(value, f"{self._where}.{key}")
        return tuple(parse(item, f"{self._where}.{key}[{i}]") for i, item in enumerate(items))

    # Timestamps ---------------------------------------------------------------------------
    def req_datetime(self, key: str) -> datetime:
        return self._to_datetime(key, self._get(key, required=True))

    def opt_datetime(self, key: str) -> datetime | None:
        value = self._data.get(key)
        return None if value is None else self._to_datetime(key, value)

    def _to_datetime(self, key: str, value: object) -> datetime:
        if not isinstance(value, str):
            raise self._wrong(key, "an ISO 8601 timestamp", value)
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ResponseValidationError(
                f"{self._where}.{key}: {value!r} is not an ISO 8601 timestamp", body=self._data
            ) from None

    # Calendar days --------------------------------------------------------------------------
    def req_day(self, key: str) -> date:
        """A calendar day ("YYYY-MM-DD"); a full timestamp is read as its own date."""
        value = self._get(key, required=True)
        if not isinstance(value, str):
            raise self._wrong(key, "a date", value)
        try:
            return date.fromisoformat(value)
        except ValueError:
            return self._to_datetime(key, value).date()

    def opt_moment(self, key: str) -> datetime | None:
        """A timestamp, or a date-only string read as midnight UTC of that day; None if absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 10:
            try:
                return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
            except ValueError:
                pass
        return self._to_datetime(key, value)
