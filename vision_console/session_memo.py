"""The last answer for each slot, kept in this viewer's session while its inputs are unchanged.

Streamlit reruns the whole page on every interaction. Work whose inputs did not change (a
fleet of concurrent fetches, a table frame, an Altair spec) is kept here so that an idle rerun
only redraws. Every key also carries the connection's credential fingerprint and write
generation: another key, or a write through ``vision_console.cache``, recomputes on the next run.
One value per slot: a page keeps the answer for its current inputs, not a history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from vision_console import cache as data
from vision_console import connection

T = TypeVar("T")

_SESSION_KEY = "_session_memo"


def remember(slot: str, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s value for ``key``, computed only when the slot last held another key.

    ``key`` names everything the value depends on besides the connection and its data
    generation (which are added here); keys are compared with ``==``, never hashed. A
    failing ``compute`` stores nothing, so the next run tries again.
    """
    memo: dict[str, tuple[tuple[Any, ...], Any]] = st.session_state.setdefault(_SESSION_KEY, {})
    conn = connection.current()
    full_key = (conn.fingerprint, data.generation(conn.fingerprint), *key)
    held = memo.get(slot)
    if held is not None and held[0] == full_key:
        value: T = held[1]
        return value
    value = compute()
    memo[slot] = (full_key, value)
    return value


def forget(slot: str) -> None:
    """Drop a slot's value so the next ``remember`` recomputes it."""
    st.session_state.get(_SESSION_KEY, {}).pop(slot, None)
