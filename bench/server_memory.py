"""Peak memory of the ``streamlit run`` server process for one and for five concurrent viewers.

A sandbox process holds the demo plus bulk observations on its scorer (100,000 by default, the
database kept between runs). For each app (the console, then the naive baseline) and each
audience (one viewer, then five), a fresh server is started and chromium opens every page in
turn (Overview, Scanners, Observations on the big scorer, Estimate); with five viewers, each
page is requested by all five at once. Reported from /proc: the server's resident memory when
idle, its peak (``VmHWM``, the kernel's own high-water mark) and what it still holds at the end.

    python bench/server_memory.py [--observations 100000]
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
from browser_first_chart import database
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

EXPLORED_SCANNER = "UX quality"
TIMEOUT_MS = 240_000
APPS = {
    "console": (ROOT / "app.py", ("", "scanners", "observations", "estimate")),
    "naive": (
        ROOT / "bench" / "naive" / "naive_app.py",
        ("", "naive_scanners", "naive_observations", "naive_estimate"),
    ),
}


@dataclass
class Memory:
    idle_mb: float
    peak_mb: float
    end_mb: float
    seconds: float


def browse(pages: list[Page], base_url: str, paths: tuple[str, ...], scanner_id: str) -> None:
    """Every viewer opens each page at the same moment, then waits for it to finish."""
    for path in paths:
        query = f"?scanner={scanner_id}" if "observations" in path else ""
        for page in pages:
            page.goto(f"{base_url}/{path}{query}", wait_until="commit")
        for page in pages:
            chromium.wait_idle(page, TIMEOUT_MS)
            problems = chromium.exceptions(page)
            if problems:
                raise RuntimeError(f"{path} shows an exception: {problems}")


def measure(
    browser: Browser, app: str, viewers: int, sandbox: SandboxProcess, scanner_id: str, work: Path
) -> Memory:
    script, paths = APPS[app]
    server = StreamlitServer.start(script, sandbox.env(), work / f"{app}-{viewers}")
    contexts: list[BrowserContext] = []
    try:
        idle = server.rss_mb()
        chromium.open_home(browser, server.url, TIMEOUT_MS)
        contexts = [browser.new_context(viewport=chromium.VIEWPORT) for _ in range(viewers)]
        started = time.perf_counter()
        browse([c.new_page() for c in contexts], server.url, paths, scanner_id)
        elapsed = time.perf_counter() - started
        return Memory(idle, server.peak_rss_mb(), server.rss_mb(), elapsed)
    finally:
        for context in contexts:
            context.close()
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    args = parser.parse_args()
    kit.clean_environment()
    print(f"Sandbox with {args.observations:,} bulk observations…", flush=True)
    sandbox = SandboxProcess.start(database(args.observations), args.observations)
    rows: list[list[object]] = []
    try:
        scanner_id = kit.scanner_id_named(sandbox, EXPLORED_SCANNER)
        with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            try:
                for viewers in (1, 5):
                    for app in APPS:
                        print(f"{app}, {viewers} viewer(s)…", flush=True)
                        got = measure(browser, app, viewers, sandbox, scanner_id, Path(work))
                        rows.append(
                            [
                                app,
                                viewers,
                                f"{got.idle_mb:.0f}",
                                f"{got.peak_mb:.0f}",
                                f"{got.peak_mb - got.idle_mb:.0f}",
                                f"{got.end_mb:.0f}",
                                f"{got.seconds:.1f}",
                            ]
                        )
            finally:
                browser.close()
    finally:
        sandbox.stop()
    header = [
        "app",
        "viewers",
        "idle RSS MiB",
        "peak RSS MiB",
        "peak − idle",
        "RSS at end MiB",
        "all pages s",
    ]
    print()
    print(
        f"Server process memory, every page opened by each viewer "
        f"(Observations on a {args.observations:,}-observation scorer)"
    )
    print(kit.markdown_table(header, rows))
    print(kit.machine_note())
    return 0


if __name__ == "__main__":
    sys.exit(main())
