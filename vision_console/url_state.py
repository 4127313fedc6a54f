"""A page's view state in the URL, its widgets and the remembered view: one mechanism for all.

A page declares its parameters once (``Param``: name, default, parser, encoder) and gets a
``PageState``. One name per concept: the URL parameter, the session-state key (``<page>.<name>``,
also the widget's key) and the field the page reads are the same word.

Precedence, the same on every page: **URL > remembered view > defaults**.
- The URL is read only when it changed outside the page's own writes (first load, a pasted or
  edited link, back/forward, a link from another page); its values then seed the state.
- Otherwise the state (the widgets) is the truth, and ``write_url`` mirrors it into the URL after
  every run, defaults omitted so links stay short.
- Streamlit forgets a widget's value on a run that does not draw it (another page), and page
  navigation clears the URL. So ``write_url`` also remembers the view in a plain session key, and
  ``sync`` puts it back when the page returns without a link of its own.

Every URL value is untrusted input: parsers accept only what the API would. A bad value falls back
with a notice naming the parameter; a list keeps its valid items and names the dropped ones (one
semantics everywhere).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import streamlit as st

T = TypeVar("T")

MAX_PARAM_LENGTH = 512
_SHOWN_VALUE_LENGTH = 40


class ParamError(ValueError):
    """A URL value that cannot be used as given; the message says what would be accepted.

    ``partial`` is what could be kept of it (the valid items of a list), or None to fall back to
    the parameter's default.
    """

    def __init__(self, message: str, partial: Any = None) -> None:
        super().__init__(message)
        self.partial = partial


@dataclass(frozen=True)
class Param(Generic[T]):
    """One piece of view state: its name (URL and state key), default, parser and encoder."""

    name: str
    default: T
    parse: Callable[[str], T]
    encode: Callable[[T], str] = str


# -- parsers ----------------------------------------------------------------------------------


def choice(options: Sequence[str]) -> Callable[[str], str]:
    """Exactly one of ``options``."""

    def parse(raw: str) -> str:
        value = raw.strip()
        if value not in options:
            raise ParamError(f"expected one of {', '.join(options)}")
        return value

    return parse


def csv_choices(options: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    """A comma-separated subset of ``options`` (case-insensitive; order kept, duplicates and
    blanks dropped). Unknown items are dropped with a notice, the known ones kept."""

    def parse(raw: str) -> tuple[str, ...]:
        values = tuple(dict.fromkeys(v.lower() for v in split_csv(raw)))
        known = tuple(v for v in values if v in options)
        unknown = [v for v in values if v not in options]
        if unknown:
            raise ParamError(
                f"ignored {', '.join(unknown)}; allowed: {', '.join(options)}", partial=known
            )
        return known

    return parse


def csv_text(max_items: int = 50, max_length: int = 200) -> Callable[[str], tuple[str, ...]]:
    """A comma-separated list of free strings (tags), bounded in count and length; items too
    long are dropped with a notice, the rest kept."""

    def parse(raw: str) -> tuple[str, ...]:
        values = split_csv(raw)
        kept = tuple(v for v in values if len(v) <= max_length)[:max_items]
        if len(kept) != len(values):
            raise ParamError(
                f"kept at most {max_items} values of up to {max_length} characters", partial=kept
            )
        return kept

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


def int_choice(options: Sequence[int]) -> Callable[[str], int]:
    """One of a few whole numbers (a page size)."""

    def parse(raw: str) -> int:
        stripped = raw.strip()
        if not stripped.isdigit() or int(stripped) not in options:
            raise ParamError(f"expected one of {', '.join(map(str, options))}")
        return int(stripped)

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


def optional_uuid(raw: str) -> str | None:
    """A UUID or nothing (the parameter's default is None)."""
    return uuid_text(raw)


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


# -- pure cores -------------------------------------------------------------------------------


def parse_params(
    raw: Mapping[str, str], params: Sequence[Param[Any]]
) -> tuple[dict[str, Any], list[str]]:
    """Values by name from URL strings, plus a notice per value ignored (in whole or in part)."""
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
            values[param.name] = param.default if exc.partial is None else exc.partial
            shown = given if len(given) <= _SHOWN_VALUE_LENGTH else given[:39] + "…"
            notices.append(f"Link parameter {param.name}={shown!r}: {exc}.")
    return values, notices


def encode_params(values: Mapping[str, Any], params: Sequence[Param[Any]]) -> dict[str, str]:
    """The non-default values as URL strings (defaults and empty values left out)."""
    encoded: dict[str, str] = {}
    for param in params:
        value = values.get(param.name, param.default)
        if value == param.default or value in (None, "", ()):
            continue
        encoded[param.name] = param.encode(value)
    return encoded


# -- the mechanism ----------------------------------------------------------------------------


class PageState:
    """One page's view state: URL <-> session state (widgets) <-> remembered view.

    ``namespace`` prefixes every session key (``scanners.type``); ``arrival`` names a param
    whose widget the page draws on every run that shows the view: when its key is missing,
    the view was not drawn last run (another page), so the remembered view is restored.
    """

    def __init__(self, namespace: str, params: Sequence[Param[Any]], *, arrival: str) -> None:
        self.namespace = namespace
        self.params = tuple(params)
        self._by_name = {param.name: param for param in self.params}
        if arrival not in self._by_name:
            raise ValueError(f"arrival {arrival!r} is not a parameter of {namespace}")
        self._arrival = arrival
        self._url_seen_key = f"_{namespace}.url_seen"
        self._view_key = f"_{namespace}.view"
        self._notices_key = f"_{namespace}.notices"

    def key(self, name: str) -> str:
        """The session-state key of a parameter: also its widget's ``key``."""
        if name not in self._by_name:
            raise KeyError(f"{name!r} is not a parameter of {self.namespace}")
        return f"{self.namespace}.{name}"

    def sync(self) -> bool:
        """Seed the state from the URL or the remembered view, before any widget is drawn.

        Returns True when the URL seeded it (a new view: callers reset selection and such).
        Notices for ignored URL values are kept for ``notices()``.
        """
        raw = self._url()
        seen = raw == st.session_state.get(self._url_seen_key)
        if self.key(self._arrival) not in st.session_state:
            remembered = st.session_state.get(self._view_key)
            if isinstance(remembered, dict) and (seen or not raw):
                self._put(remembered)
                return False
        elif seen:
            return False
        values, notices = parse_params(raw, self.params)
        self._put(values)
        st.session_state[self._notices_key] = notices
        st.session_state[self._url_seen_key] = raw
        return True

    def values(self) -> dict[str, Any]:
        """Every parameter's current value (lists of widgets come back as tuples)."""
        values: dict[str, Any] = {}
        for param in self.params:
            value = st.session_state.get(self.key(param.name), param.default)
            if isinstance(param.default, tuple):
                value = tuple(value or ())
            elif value is None:
                value = param.default
            values[param.name] = value
        return values

    def get(self, name: str) -> Any:
        return self.values()[name]

    def set(self, **changes: Any) -> None:
        """Change values through their session keys (in callbacks, or before widgets draw)."""
        for name, value in changes.items():
            st.session_state[self.key(name)] = list(value) if isinstance(value, tuple) else value

    def reset(self, *names: str) -> None:
        """Put parameters back to their defaults."""
        self.set(**{name: self._by_name[name].default for name in names})

    def notices(self) -> list[str]:
        """What the last URL read ignored, one line per parameter (cleared by ``clear_notices``)."""
        return list(st.session_state.get(self._notices_key) or [])

    def add_notice(self, notice: str) -> None:
        """A fallback decided later (a bucket the data does not have, a page past the end)."""
        st.session_state[self._notices_key] = [*self.notices(), notice]

    def clear_notices(self) -> None:
        st.session_state.pop(self._notices_key, None)

    def show_notices(self) -> None:
        """One warning per ignored URL value; escaped, since it echoes the URL."""
        show_notices(self.notices())

    def write_url(self, values: Mapping[str, Any] | None = None) -> None:
        """Mirror the view into the URL (this page's parameters only) and remember it."""
        current = dict(self.values() if values is None else values)
        wanted = encode_params(current, self.params)
        for param in self.params:
            if param.name in wanted:
                if st.query_params.get(param.name) != wanted[param.name]:
                    st.query_params[param.name] = wanted[param.name]
            elif param.name in st.query_params:
                del st.query_params[param.name]
        st.session_state[self._view_key] = current
        st.session_state[self._url_seen_key] = self._url()

    def _url(self) -> dict[str, str]:
        raw = {param.name: st.query_params.get(param.name) for param in self.params}
        return {name: value for name, value in raw.items() if isinstance(value, str)}

    def _put(self, values: Mapping[str, Any]) -> None:
        self.set(**{name: values[name] for name in self._by_name if name in values})


def show_notices(notices: Iterable[str]) -> None:
    """One warning per ignored URL value; the text is escaped since it echoes the URL."""
    from vision_console.render import escape_markdown

    for notice in notices:
        st.warning(escape_markdown(notice), icon=":material/link_off:")
