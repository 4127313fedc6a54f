"""DRF limit/offset pagination: lenient parsing and absolute next/previous links (§1.5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_LIMIT = 100
_SQL_MAX = 2**62


@dataclass(frozen=True)
class Window:
    """The requested slice of a list."""

    limit: int
    offset: int


def _positive_int(text: str | None, *, strict: bool) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        return None
    if value < 0 or (strict and value == 0):
        return None
    return min(value, _SQL_MAX)


def window(params: Mapping[str, str]) -> Window:
    """limit (default 100; bad or non-positive values fall back) and offset (bad -> 0)."""
    limit = _positive_int(params.get("limit"), strict=True) or DEFAULT_LIMIT
    offset = _positive_int(params.get("offset"), strict=False) or 0
    return Window(limit, offset)


def _replace(url: str, **changes: int | None) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))


def page(url: str, win: Window, count: int, results: list[Any]) -> dict[str, Any]:
    """The paginated response body."""
    next_link = None
    if win.offset + win.limit < count:
        next_link = _replace(url, limit=win.limit, offset=win.offset + win.limit)
    previous_link = None
    if win.offset > 0:
        if win.offset - win.limit <= 0:
            previous_link = _replace(url, limit=win.limit, offset=None)
        else:
            previous_link = _replace(url, limit=win.limit, offset=win.offset - win.limit)
    return {"count": count, "next": next_link, "previous": previous_link, "results": results}
