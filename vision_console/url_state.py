"""URL query parameters as typed, validated page state, so a copied link reproduces a view.

A page declares its parameters once (name, default, parser); ``read_params`` returns the values
with every invalid one replaced by its default and a notice saying what was ignored, and
``write_params`` puts the current values back in the URL, dropping defaults to keep links short.
Every URL value is untrusted input: parsers accept only what the API would.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st

T = TypeVar("T")

MAX_PARAM_LENGTH = 512


class ParamError(ValueError):
    """A URL value that cannot be used; the message says what would have been accepted."""


@dataclass(frozen=True)
class Param(Generic[T]):
    """One URL parameter: its name, the value used when absent or invalid, and a parser."""

    name: str
    default: T
    parse: Callable[[str], T]
    encode: Callable[[T], str] = str


def choice(options: Sequence[str]) -> Callable[[str], str]:
    """Exactly one of ``options``."""

    def parse(raw: str) -> str:
        if raw not in options:
            raise ParamError(f"expected one of {', '.join(options)}")
        return raw

    return parse


def csv_choices(options: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    """A comma-separated subset of ``options`` (order kept, duplicates and blanks dropped)."""

    def parse(raw: str) -> tuple[str, ...]:
        values = split_csv(raw)
        unknown = [v for v in values if v not in options]
        if unknown:
            raise ParamError(f"{', '.join(unknown)} not among {', '.join(options)}")
        return values

    return parse


def csv_text(max_items: int = 50, max_length: int = 200) -> Callable[[str], tuple[str, ...]]:
    """A comma-separated list of free strings (tags), bounded in count and length."""

    def parse(raw: str) -> tuple[str, ...]:
        values = split_csv(raw)
        if len(values) > max_items or any(len(v) > max_length for v in values):
            raise ParamError(f"at most {max_items} values of {max_length} characters")
        return values

    return parse


def encode_csv(values: Iterable[str]) -> str:
    return ",".join(values)


def int_range(low: int, high: int) -> Callable[[str], int]:
    """A whole number within [low, high]."""

    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ParamError(f"expected a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ParamError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def text(max_length: int = 200) -> Callable[[str], str]:
    """Free text up to ``max_length`` characters, trimmed."""

    def parse(raw: str) -> str:
        value = raw.strip()
        if len(value) > max_length:
            raise ParamError(f"at most {max_length} characters")
        return value

    return parse


def uuid_text(raw: str) -> str:
    """A UUID, normalised to its canonical lowercase form."""
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise ParamError("expected an id like 0190b7c2-…") from None


def boolean(raw: str) -> bool:
    """``true``/``false`` (also 1/0, yes/no)."""
    lowered = raw.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise ParamError("expected true or false")


def encode_bool(value: bool) -> str:
    return "true" if value else "false"


def split_csv(raw: str) -> tuple[str, ...]:
    """Comma-separated values, trimmed, blanks dropped, duplicates removed in order."""
    seen: dict[str, None] = {}
    for part in raw.split(","):
        value = part.strip()
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def parse_params(
    raw: Mapping[str, str], params: Sequence[Param[Any]]
) -> tuple[dict[str, Any], list[str]]:
    """Pure core of ``read_params``: values by name, plus a notice per ignored value."""
    values: dict[str, Any] = {}
    notices: list[str] = []
    for param in params:
        given = raw.get(param.name)
        if given is None or given == "":
            values[param.name] = param.default
            continue
        try:
            if len(given) > MAX_PARAM_LENGTH:
                raise ParamError(f"longer than {MAX_PARAM_LENGTH} characters")
            values[param.name] = param.parse(given)
        except ParamError as exc:
            values[param.name] = param.default
            shown = given if len(given) <= 40 else given[:39] + "…"
            notices.append(f"Ignored the link's {param.name}={shown!r}: {exc}.")
    return values, notices


def read_params(params: Sequence[Param[Any]]) -> tuple[dict[str, Any], list[str]]:
    """This page's URL parameters, validated; invalid ones fall back to their defaults."""
    raw = {param.name: st.query_params.get(param.name) for param in params}
    present = {name: value for name, value in raw.items() if isinstance(value, str)}
    return parse_params(present, params)


def encode_params(values: Mapping[str, Any], params: Sequence[Param[Any]]) -> dict[str, str]:
    """Pure core of ``write_params``: the non-default values as URL strings."""
    encoded: dict[str, str] = {}
    for param in params:
        value = values.get(param.name, param.default)
        if value == param.default or value in (None, "", ()):
            continue
        encoded[param.name] = param.encode(value)
    return encoded


def write_params(values: Mapping[str, Any], params: Sequence[Param[Any]]) -> None:
    """Mirror the page state into the URL, touching only this page's parameters."""
    wanted = encode_params(values, params)
    for param in params:
        if param.name in wanted:
            if st.query_params.get(param.name) != wanted[param.name]:
                st.query_params[param.name] = wanted[param.name]
        elif param.name in st.query_params:
            del st.query_params[param.name]


def show_notices(notices: Iterable[str]) -> None:
    """One warning per ignored URL value; the text is escaped since it echoes the URL."""
    from vision_console.render import escape_markdown

    for notice in notices:
        st.warning(escape_markdown(notice), icon=":material/link_off:")
