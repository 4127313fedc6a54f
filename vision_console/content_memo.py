"""Work derived from API answers, shared by every viewer who holds the same answer.

``vision_console.session_memo`` keeps a viewer's derived values (chart specs, frames) across their
own reruns, but a new session builds them again, and building an Altair spec (validation
included) takes tens of milliseconds: most of what a new viewer's first run of a page costs
once the reads themselves are cached. A derivation that is a pure function of API content is
kept here under a digest of that content instead, so the next viewer holding the same answer
gets it for free.

Keying by content rather than by credential is what makes sharing safe: a value is reachable
only by presenting the very data it was derived from, which the viewer already holds. Values
are shared objects and must be treated as read-only (Streamlit copies a chart spec before it
changes anything in it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import orjson
import streamlit as st

T = TypeVar("T")

MAX_ENTRIES = 256
"""Distinct (derivation, content) pairs kept for the whole server, least recently used out."""


def digest(sources: Sequence[Mapping[str, Any]]) -> str:
    """A stable digest of JSON content (key order does not matter)."""
    hasher = hashlib.blake2b(digest_size=16)
    for source in sources:
        hasher.update(orjson.dumps(source, option=orjson.OPT_SORT_KEYS))
        hasher.update(b"\x00")
    return hasher.hexdigest()


@st.cache_resource(max_entries=MAX_ENTRIES, show_spinner=False)
def _shared(slot: str, content_digest: str, _compute: Callable[[], Any]) -> Any:  # noqa: ARG001
    """Streamlit keys the entry by ``slot`` and ``content_digest`` (``_compute`` is unhashed)."""
    return _compute()


def remember(slot: str, sources: Sequence[Mapping[str, Any]], compute: Callable[[], T]) -> T:
    """``compute()``'s value for this content: computed once per server, then shared.

    ``sources`` are the raw JSON answers ``compute`` reads (a model's ``.raw``); ``slot``
    names the derivation, so two derivations of one answer never collide. A failing
    ``compute`` stores nothing.
    """
    return cast(T, _shared(slot, digest(sources), compute))
