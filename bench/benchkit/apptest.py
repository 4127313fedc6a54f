"""AppTest sessions of the console and of the naive baseline, on a sandbox, for the benches.

Both apps are multipage (``st.navigation``): every run executes the entrypoint, then the page,
as a server does. Secrets point the console at the sandbox.
"""

from __future__ import annotations

import cProfile
import os
import statistics
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

import vision_api
import vision_api._client
from vision_api import VisionClient
from vision_console import navigation

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_APP = ROOT / "app.py"
NAIVE_APP = ROOT / "bench" / "naive" / "naive_app.py"
TIMEOUT_S = 120
FLEET_PREFIX = "Bench fleet"
_CONSOLE_ENV = ("POSTHOG_", "VISION_CONSOLE_")


def clean_environment() -> None:
    """No developer setting may change what the benches measure."""
    for name in list(os.environ):
        if name.startswith(_CONSOLE_ENV):
            del os.environ[name]


def secrets_for(sandbox: Any) -> dict[str, Any]:
    return {
        "host": sandbox.base_url,
        "project_id": sandbox.project_id,
        "personal_api_key": sandbox.api_key,
    }


def open_console(sandbox: Any) -> AppTest:
    """A console session after its first run (the Overview, its default page)."""
    at = AppTest.from_file(str(CONSOLE_APP), default_timeout=TIMEOUT_S)
    at.secrets["posthog"] = secrets_for(sandbox)
    return at


def open_naive(sandbox: Any) -> AppTest:
    """A naive-app session on an API key of its own: the console's clients keep PostHog's
    request budget per key for the whole process, so the naive's hundreds of calls on the
    console's key would throttle the console (and draw its budget meter) in the same run."""
    at = AppTest.from_file(str(NAIVE_APP), default_timeout=TIMEOUT_S)
    at.secrets["posthog"] = {**secrets_for(sandbox), "personal_api_key": naive_key(sandbox)}
    return at


_NAIVE_KEYS: dict[str, str] = {}


def naive_key(sandbox: Any) -> str:
    """The naive app's own key on ``sandbox`` (made once per sandbox)."""
    if sandbox.base_url not in _NAIVE_KEYS:
        _NAIVE_KEYS[sandbox.base_url] = sandbox.add_api_key()
    return _NAIVE_KEYS[sandbox.base_url]


def console_page(page: str) -> str:
    return navigation.by_name(page).path


def naive_page(page: str) -> str:
    return f"naive_{page}.py"


def clear_shared_caches() -> None:
    """Forget every cached read, so the next load is a cold one."""
    st.cache_data.clear()


def fresh_request_budget() -> None:
    """Start a new request budget for every client in the process (the pacer's registry).

    The console's clients count every request against PostHog's per-key budget, shared by the
    whole process as on a server; a bench runs many sessions (and the naive app) on one key in
    well under a minute, so without this a later session waits for, or is refused, the budget
    an earlier one used, and the bench measures the pacer instead of the page.
    """
    setattr(vision_api._client, "SHARED_BUDGETS", vision_api.RequestBudgets())  # noqa: B010


def check(at: AppTest, where: str) -> None:
    """A benchmark of a broken page measures nothing: stop with what went wrong."""
    if at.exception:
        raise RuntimeError(f"{where}: {at.exception[0].value}")


def grow_fleet(sandbox: Any, total: int) -> list[str]:
    """Add cheap monitors (the era's cheapest model) until the project has ``total`` scanners,
    so lists have pages."""
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as client:
        have = client.scanners.list(limit=1).count
        cheapest = min(
            vision_api.models_for(client.era()), key=lambda model: model.credits_per_observation
        )
        made = []
        for _ in range(max(0, total - have)):
            made.append(
                client.scanners.create(
                    name=f"{FLEET_PREFIX} {uuid.uuid4().hex[:8]}",
                    scanner_type="monitor",
                    scanner_config={"prompt": "Did the user give up?"},
                    model=cheapest.id,
                    sampling_rate=0.01,
                ).id
            )
    return made


def scanner_id_named(sandbox: Any, name: str) -> str:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as client:
        return next(s.id for s in client.scanners.iter() if s.name == name)


def table_key(at: AppTest, prefix: str) -> str:
    """The user key of the one dataframe whose key starts with ``prefix``."""
    for frame in at.dataframe:
        element_id = frame.proto.id
        if prefix in element_id:
            return element_id[element_id.index(prefix) :]
    raise LookupError(f"no dataframe keyed {prefix!r}")


def select_row(at: AppTest, key: str, row: int) -> None:
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}


def button_labelled(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table (what BENCHMARKS.md shows)."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


Action = Callable[[AppTest], object]
"""One viewer interaction, staged on the session; the caller runs it."""


@contextmanager
def server_like_script_cache() -> Iterator[None]:
    """Compile each page once, as a Streamlit server does, instead of on every AppTest run.

    AppTest builds a new ``ScriptCache`` for every run, so each rerun re-reads, re-transforms
    (magic) and recompiles the page: tens of milliseconds for a 150-line page, a cost the
    server pays once per process. Timing reruns without this would measure AppTest.
    """
    shared = ScriptCache()
    modules = (local_script_runner, app_test)
    originals = [getattr(module, "ScriptCache") for module in modules]  # noqa: B009
    for module in modules:
        setattr(module, "ScriptCache", lambda: shared)  # noqa: B010
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            setattr(module, "ScriptCache", original)  # noqa: B010


@contextmanager
def profiled_script_runs(profiler: cProfile.Profile) -> Iterator[None]:
    """Profile the script thread of every AppTest run inside the block."""
    original = local_script_runner.LocalScriptRunner._run_script_thread

    def profiled(runner: Any) -> None:
        profiler.runcall(original, runner)

    setattr(local_script_runner.LocalScriptRunner, "_run_script_thread", profiled)  # noqa: B010
    try:
        yield
    finally:
        setattr(local_script_runner.LocalScriptRunner, "_run_script_thread", original)  # noqa: B010


def machine_note() -> str:
    """The load this run shared the machine with (wall times move with it, CPU much less)."""
    one, five, _fifteen = os.getloadavg()
    return f"Load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores."
