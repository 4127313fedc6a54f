"""Time to first chart in a real browser: the Observations page on a 100,000-observation scanner.

A sandbox process holds the demo plus 100,000 bulk observations on its scorer (the database is
kept between runs, so only the first run pays for seeding). The console and the naive baseline
run side by side under ``streamlit run`` and are visited in turn, so load from other processes
hits both alike. Debian's chromium (launch arguments of the e2e harness) opens the Observations
page on that scorer in a fresh context; the clock stops when the first chart has drawn a mark.
Also timed: the websocket connected (the frontend booted), the chart's element arrived (before
Vega drew it), and the page finished running. Each server's first visit finds its cache empty
("cold", after a home-page visit that loads the scanners); later visits are new sessions
sharing that cache ("warm").

    python bench/browser_first_chart.py [--observations 100000] [--visits 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchkit import apptest as kit
from benchkit import browser as chromium
from benchkit.servers import ROOT, SandboxProcess, StreamlitServer
from playwright.sync_api import Browser, sync_playwright

EXPLORED_SCANNER = "UX quality"  # the demo scorer the sandbox adds bulk observations to
APPS = {
    "console": (ROOT / "app.py", "observations"),
    "naive": (ROOT / "bench" / "naive" / "naive_app.py", "naive_observations"),
}
TIMEOUT_MS = 180_000


@dataclass
class Visit:
    connected_s: float
    chart_element_s: float
    first_chart_s: float
    idle_s: float
    requests: int


def database(observations: int) -> Path:
    """A sandbox database with the bulk rows, kept between runs (seeding 100k takes a while)."""
    folder = Path(tempfile.gettempdir()) / "vision-console-bench"
    folder.mkdir(exist_ok=True)
    return folder / f"sandbox-{observations}.sqlite3"


def visit(browser: Browser, url: str, sandbox: SandboxProcess) -> Visit:
    """One new viewer opening ``url``: seconds to the first chart mark and to an idle page."""
    sandbox.reset_request_log()
    context = browser.new_context(viewport=chromium.VIEWPORT)
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(chromium.APP_CONNECTED, timeout=TIMEOUT_MS)
        connected = time.perf_counter() - started
        page.wait_for_selector(chromium.CHART, state="attached", timeout=TIMEOUT_MS)
        chart_element = time.perf_counter() - started
        page.wait_for_selector(chromium.FIRST_MARK, timeout=TIMEOUT_MS)
        first_chart = time.perf_counter() - started
        chromium.wait_idle(page, TIMEOUT_MS)
        idle = time.perf_counter() - started
        problems = chromium.exceptions(page)
        if problems:
            raise RuntimeError(f"{url} shows an exception: {problems}")
        return Visit(connected, chart_element, first_chart, idle, sandbox.requests_made())
    finally:
        context.close()


def measure(
    browser: Browser, sandbox: SandboxProcess, scanner_id: str, visits: int, work: Path
) -> dict[str, list[Visit]]:
    """Both apps served at once, visited in turn, so load from other processes hits both."""
    servers = {
        name: StreamlitServer.start(script, sandbox.env(), work / name)
        for name, (script, _path) in APPS.items()
    }
    try:
        for server in servers.values():
            chromium.open_home(browser, server.url, TIMEOUT_MS)
        results: dict[str, list[Visit]] = {name: [] for name in APPS}
        for _ in range(visits):
            for name, server in servers.items():
                url = f"{server.url}/{APPS[name][1]}?scanner={scanner_id}"
                results[name].append(visit(browser, url, sandbox))
        return results
    finally:
        for server in servers.values():
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=5)
    args = parser.parse_args()
    kit.clean_environment()
    db = database(args.observations)
    print(f"Sandbox with {args.observations:,} bulk observations ({db})…", flush=True)
    started = time.perf_counter()
    sandbox = SandboxProcess.start(db, args.observations)
    print(f"  ready in {time.perf_counter() - started:.1f} s", flush=True)
    rows: list[list[object]] = []
    try:
        scanner_id = kit.scanner_id_named(sandbox, EXPLORED_SCANNER)
        with (
            tempfile.TemporaryDirectory() as work,
            sync_playwright() as playwright,
        ):
            browser = chromium.launch(playwright)
            try:
                print(f"{args.visits} visits to each app…", flush=True)
                measured = measure(browser, sandbox, scanner_id, args.visits, Path(work))
                for name, visits in measured.items():
                    warm = visits[1:] or visits
                    rows.append(
                        [
                            name,
                            f"{kit.median(v.connected_s for v in visits):.2f}",
                            f"{kit.median(v.chart_element_s for v in warm):.2f}",
                            f"{visits[0].first_chart_s:.2f}",
                            f"{kit.median(v.first_chart_s for v in warm):.2f}",
                            f"{visits[0].idle_s:.2f}",
                            f"{kit.median(v.idle_s for v in warm):.2f}",
                            f"{visits[0].requests} / {warm[-1].requests}",
                        ]
                    )
            finally:
                browser.close()
    finally:
        sandbox.stop()
    header = [
        "app",
        "connected (s)",
        "chart element, warm (s)",
        "first chart, cold (s)",
        "first chart, warm (s)",
        "page idle, cold (s)",
        "page idle, warm (s)",
        "API requests cold / warm",
    ]
    print()
    print(
        f"Observations page on a {args.observations:,}-observation scorer, in chromium "
        f"(warm: median of {max(1, args.visits - 1)} new sessions)"
    )
    print(kit.markdown_table(header, rows))
    print(kit.machine_note())
    return 0


if __name__ == "__main__":
    sys.exit(main())
