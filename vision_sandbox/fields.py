"""DRF-style field coercion for request bodies: the exact messages and codes the API answers.

Each function takes the raw JSON value of one field and returns the coerced value or raises the
first :class:`~.errors.ApiError` DRF would report for it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from typing import Any

from .errors import ApiError, validation_error

REQUIRED = "This field is required."
NULL = "This field may not be null."
BLANK = "This field may not be blank."

_TRUE = {"t", "y", "yes", "true", "on", "1"}
_FALSE = {"f", "n", "no", "false", "off", "0"}
_MAX_NUMBER_STRING = 1000


def required(attr: str) -> ApiError:
    """The error for a required field missing from the body."""
    return validation_error(REQUIRED, attr, code="required")


def not_null(value: Any, attr: str) -> Any:
    """Refuse JSON null."""
    if value is None:
        raise validation_error(NULL, attr, code="null")
    return value


def char(value: Any, attr: str, *, max_length: int, allow_blank: bool = False) -> str:
    """A CharField: strings and numbers are accepted, whitespace is trimmed."""
    not_null(value, attr)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise validation_error("Not a valid string.", attr)
    text = str(value).strip()
    if not text and not allow_blank:
        raise validation_error(BLANK, attr, code="blank")
    if len(text) > max_length:
        raise validation_error(
            f"Ensure this field has no more than {max_length} characters.", attr, code="max_length"
        )
    return text


def choice(value: Any, attr: str, choices: Sequence[str]) -> str:
    """A ChoiceField over ``choices``."""
    not_null(value, attr)
    if (
        isinstance(value, str | int | float)
        and not isinstance(value, bool)
        and str(value) in choices
    ):
        return str(value)
    shown = _python_text(value)
    raise validation_error(f'"{shown}" is not a valid choice.', attr, code="invalid_choice")


def number(value: Any, attr: str, *, minimum: float, maximum: float) -> float:
    """A FloatField with inclusive bounds; NaN and infinities are not numbers here."""
    not_null(value, attr)
    if isinstance(value, str) and len(value) > _MAX_NUMBER_STRING:
        raise validation_error("String value too large.", attr, code="max_string_length")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise validation_error("A valid number is required.", attr)
    try:
        result = float(value)
    except (ValueError, OverflowError):
        raise validation_error("A valid number is required.", attr) from None
    if not math.isfinite(result):
        raise validation_error("A valid number is required.", attr)
    if result < minimum:
        raise validation_error(
            f"Ensure this value is greater than or equal to {minimum}.", attr, code="min_value"
        )
    if result > maximum:
        raise validation_error(
            f"Ensure this value is less than or equal to {maximum}.", attr, code="max_value"
        )
    return result


def boolean(value: Any, attr: str) -> bool:
    """A BooleanField: JSON booleans plus DRF's accepted strings and 0/1."""
    not_null(value, attr)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise validation_error("Must be a valid boolean.", attr)


def json_value(value: Any, attr: str) -> Any:
    """A JSONField: anything but null."""
    return not_null(value, attr)


def optional_uuid(value: Any, attr: str) -> str | None:
    """A nullable UUIDField, answered in canonical lowercase form."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise validation_error("Must be a valid UUID.", attr)


def _python_text(value: Any) -> str:
    """How Python's ``str()`` would show a JSON value in a DRF message."""
    return str(value)


def integer(value: Any, attr: str, *, minimum: int, maximum: int) -> int:
    """An IntegerField with inclusive bounds: integers, integral floats and digit strings."""
    not_null(value, attr)
    invalid = validation_error("A valid integer is required.", attr)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise invalid
    if isinstance(value, str) and len(value) > _MAX_NUMBER_STRING:
        raise validation_error("String value too large.", attr, code="max_string_length")
    try:
        number_value = float(value) if not isinstance(value, int) else value
    except ValueError:
        raise invalid from None
    if isinstance(number_value, float):
        if not math.isfinite(number_value) or not number_value.is_integer():
            raise invalid
        number_value = int(number_value)
    if number_value < minimum:
        raise validation_error(
            f"Ensure this value is greater than or equal to {minimum}.", attr, code="min_value"
        )
    if number_value > maximum:
        raise validation_error(
            f"Ensure this value is less than or equal to {maximum}.", attr, code="max_value"
        )
    return number_value


def string_list(value: Any, attr: str, *, max_items: int, min_items: int = 0) -> list[Any]:
    """A ListField's outer checks: a JSON list within the size bounds (items checked by caller)."""
    not_null(value, attr)
    if not isinstance(value, list):
        shown = type(value).__name__ if not isinstance(value, str) else "str"
        raise validation_error(
            f'Expected a list of items but got type "{shown}".', attr, code="not_a_list"
        )
    if min_items and len(value) < min_items:
        if not value:
            raise validation_error("This list may not be empty.", attr, code="empty")
        raise validation_error(
            f"Ensure this field has at least {min_items} elements.", attr, code="min_length"
        )
    if len(value) > max_items:
        raise validation_error(
            f"Ensure this field has no more than {max_items} elements.", attr, code="max_length"
        )
    return value
