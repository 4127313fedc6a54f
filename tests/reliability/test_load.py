"""Load: twenty viewers at once on one console server.

A real ``streamlit run`` server is pointed at the sandbox; twenty sessions (``StreamViewer``,
the browser's websocket protocol without the browser) open pages concurrently, between them
every page. Every run must finish cleanly, show no error or warning, and show the API's
numbers. Memory must stay bounded: twenty viewers may add at most a few MiB each to what the
server holds for one (per-session state stays small, the shared caches are capped).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import ConsoleServer, env_for, start_console, stop_console
from tests.reliability.stream_viewer import PageRun, StreamViewer
from vision_api import VisionClient
from vision_console import models_catalog, sampling_modes
from vision_sandbox import Sandbox

pytestmark = pytest.mark.timeout(240)

VIEWERS = 20
PAGES_PER_VIEWER = 2
"""Each viewer opens its own starting page and the next: every page is under load, and the
run stays short on a small shared machine (each page run costs the server ~0.1-0.2 s of CPU)."""
MB_PER_VIEWER = 10
EXPLORED = "Checkout friction"
PAGES = ("Overview", "Scanners", "Observations", "Estimate")


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    """Resident memory of a process in MiB, from /proc (no psutil needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field_name)


@dataclass
class Expected:
    enabled_label: str
    explored_query: str
    explored_total: str
    matched_sessions: str


@dataclass
class Round:
    runs: list[PageRun] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, run: PageRun, wrong: list[str]) -> None:
        with self.lock:
            self.runs.append(run)
            self.failures += [f"{run.page}: {p}" for p in run.problems() + wrong]


@pytest.fixture(scope="module")
def load_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", scan_delay=0.05, era="current") as sb:
        yield sb


@pytest.fixture(scope="module")
def console(
    load_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    server = start_console(tmp_path_factory.mktemp("load-console"), env_for(load_sandbox))
    with StreamViewer(server.url) as first:  # warm the server: imports and the demo's reads
        first.run()
    yield server
    stop_console(server.process)


def expected_numbers(sandbox: Sandbox) -> Expected:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as client:
        stats = client.scanners.stats()
        explored = next(s for s in client.scanners.iter() if s.name == EXPLORED)
        total = client.observations.stats(explored.id).status_counts.total
        # A new draft is estimated with the default model and the era's default coverage.
        estimate = client.scanners.estimate(
            query={},
            model=models_catalog.DEFAULT_MODEL,
            sampling_mode=sampling_modes.DEFAULT_FOR_NEW,
        )
    return Expected(
        f"{stats.enabled} / {stats.total}",
        f"scanner={explored.id}",
        f"{total:,}",
        f"{estimate.matched_sessions_in_window:,}",
    )


def check(run: PageRun, expected: Expected) -> list[str]:
    """The page-specific numbers this run should have shown."""
    wanted = {
        "Overview": ("Enabled scanners", expected.enabled_label),
        "Observations": ("Observations", expected.explored_total),
        "Estimate": ("Matching sessions", expected.matched_sessions),
    }.get(run.page)
    wrong = []
    if wanted and run.metrics.get(wanted[0]) != wanted[1]:
        wrong.append(f"{wanted[0]} = {run.metrics.get(wanted[0])!r}, expected {wanted[1]!r}")
    if run.page in ("Overview", "Scanners", "Observations") and not run.elements["dataframe"]:
        wrong.append("no table")
    return wrong


def viewer_visit(url: str, index: int, expected: Expected, out: Round) -> None:
    try:
        with StreamViewer(url) as viewer:
            for step in range(index, index + PAGES_PER_VIEWER):
                page = PAGES[step % len(PAGES)]
                query = expected.explored_query if page == "Observations" else ""
                run = viewer.run(page, query)
                out.add(run, check(run, expected))
    except Exception as exc:  # a dropped socket or a timeout is a failure of this viewer
        with out.lock:
            out.failures.append(f"viewer {index}: {type(exc).__name__}: {exc}")


def concurrently(url: str, viewers: int, expected: Expected) -> Round:
    result = Round()
    threads = [
        threading.Thread(target=viewer_visit, args=(url, i, expected, result))
        for i in range(viewers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=200)
    return result


def test_twenty_viewers_at_once_see_the_right_pages_in_bounded_memory(
    load_sandbox: Sandbox, console: ConsoleServer, record_property: pytest.RecordProperty
) -> None:
    expected = expected_numbers(load_sandbox)
    pid = console.process.pid
    with StreamViewer(console.url) as alone:  # one viewer first: every page loaded and cached
        for page in PAGES:
            run = alone.run(page, expected.explored_query if page == "Observations" else "")
            assert not run.problems() + check(run, expected), (page, run.problems())
    one_viewer = rss_mb(pid)
    load_sandbox.requests.clear()
    started = time.monotonic()
    result = concurrently(console.url, VIEWERS, expected)
    elapsed = time.monotonic() - started
    assert not result.failures, result.failures[:10]
    assert {run.page for run in result.runs} == set(PAGES)
    assert len(result.runs) == VIEWERS * PAGES_PER_VIEWER
    peak = rss_mb(pid, "VmHWM")
    figures = {
        "viewers": VIEWERS,
        "page_runs": len(result.runs),
        "seconds": round(elapsed, 1),
        "median_run_s": round(sorted(r.seconds for r in result.runs)[len(result.runs) // 2], 2),
        "api_requests": load_sandbox.requests.count(),
        "rss_mb_one_viewer": round(one_viewer),
        "peak_rss_mb_twenty": round(peak),
    }
    for key, value in figures.items():
        record_property(key, value)
    print(f"\nload: {figures}")
    assert peak - one_viewer < VIEWERS * MB_PER_VIEWER, figures
