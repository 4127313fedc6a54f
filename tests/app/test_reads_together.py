"""``cache.together``: independent reads at once, each on its own thread and client.

Concurrency is shown without timing anything: reads that meet at a barrier can only all pass
it when they run at the same time (one after another, the first waits alone until the
barrier gives up and breaks).
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from vision_console import cache
from vision_console.overview import fleet

from .conftest import APP_TIMEOUT_SECONDS, make_app

BARRIER_TIMEOUT_S = 20


def meeting(barrier: threading.Barrier, read: Callable[..., Any]) -> Callable[..., Any]:
    """``read``, whose first call waits at ``barrier`` for the others."""
    met = threading.Event()

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not met.is_set():
            met.set()
            barrier.wait()
        return read(*args, **kwargs)

    return wrapped


def test_the_overview_reads_its_lists_and_the_quota_at_once(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = ((cache, "scanner_stats"), (cache, "creators"), (cache, "quota"))
    barrier = threading.Barrier(len(reads) + 1, timeout=BARRIER_TIMEOUT_S)
    for module, name in reads:
        monkeypatch.setattr(module, name, meeting(barrier, getattr(module, name)))
    monkeypatch.setattr(fleet, "all_scanners", meeting(barrier, fleet.all_scanners))
    at = make_app(sandbox)
    assert not at.exception, at.exception
    assert not barrier.broken
    assert at.dataframe, "the fleet table is drawn"
    assert not [c for c in at.caption if "load the quota" in str(c.value)], "the meter is drawn"


TOGETHER_SCRIPT = """
import ast
import threading

import streamlit as st

from vision_console import cache, connection
from vision_console.frame import render_frame

render_frame()
viewer = connection.client()
seen = []


def read(name):
    def run():
        seen.append((threading.current_thread().name, connection.client() is viewer))
        return f"{name}:{len(cache.creators())}"
    return run


def fails(message):
    def run():
        raise ValueError(message)
    return run


st.text(repr(cache.together(read("a"), read("b"), read("c"))))
st.text(repr(sorted(seen)))
seen.clear()
try:
    cache.together(read("a"), fails("first"), fails("second"))
except ValueError as error:
    st.text(f"raised {error}")
st.text(str(len(seen)))
"""


def test_together_keeps_the_order_gives_each_thread_its_own_client_and_raises_the_first_error(
    sandbox: Any,
) -> None:
    at = AppTest.from_string(TOGETHER_SCRIPT, default_timeout=APP_TIMEOUT_SECONDS)
    at.secrets["posthog"] = {
        "host": sandbox.base_url,
        "project_id": sandbox.project_id,
        "personal_api_key": sandbox.api_key,
    }
    at.run()
    assert not at.exception, at.exception
    values, threads, raised, finished = (str(t.value) for t in at.text)
    assert [value.split(":")[0] for value in ast.literal_eval(values)] == ["a", "b", "c"]
    assert "True" not in threads, "no worker used the viewer's own client"
    assert threads.count("read") == 3
    assert raised == "raised first"
    assert finished == "1", "the read that succeeded still ran to its end"
