"""Shared plumbing for resources: path ids and query-string encoding of Python filter values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from .._client import VisionClient

Scalar = str | int | float | bool
FilterValue = Scalar | Sequence[Scalar] | Set[Scalar] | None
"""A filter: a scalar, a collection (sent as the API's comma-separated list) or None (omitted)."""


class Resource:
    """A group of endpoints bound to one client."""

    __slots__ = ("_client",)

    def __init__(self, client: VisionClient) -> None:
        self._client = client


def path_id(value: str, name: str) -> str:
    """A URL-safe path segment from an id; an empty or non-string id fails before any request."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"Expected a non-empty string for `{name}`, got {value!r}.")
    return quote(value.strip(), safe="")


def check_window(limit: int, offset: int) -> None:
    """Reject a page window the API would misread, before sending anything."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise ValueError(f"limit must be a positive integer, got {limit!r}.")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValueError(f"offset must be a non-negative integer, got {offset!r}.")


def encode_params(
    filters: Mapping[str, FilterValue], extra: Mapping[str, FilterValue] | None = None
) -> dict[str, str]:
    """Query parameters in the API's conventions.

    None and empty collections are omitted; booleans become "true"/"false"; lists, tuples
    and sets become comma-separated values (sets sorted, for stable cache keys and URLs).

    Raises:
        ValueError: when a list item contains a comma, which the API would split in two.
    """
    params: dict[str, str] = {}
    for name, value in {**filters, **(extra or {})}.items():
        encoded = _encode(name, value)
        if encoded is not None:
            params[name] = encoded
    return params


def _encode(name: str, value: FilterValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, str | int | float):
        return _scalar(value)
    items = sorted(value, key=str) if isinstance(value, Set) else list(value)
    parts = [_scalar(item) for item in items if item is not None]
    for part in parts:
        if "," in part:
            raise ValueError(
                f"Filter `{name}` value {part!r} contains a comma, which the API reads as a "
                "separator; pass the values as a list instead."
            )
    return ",".join(parts) if parts else None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def body_without_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body from keyword arguments, leaving out the ones not given (None)."""
    return {name: value for name, value in fields.items() if value is not None}
