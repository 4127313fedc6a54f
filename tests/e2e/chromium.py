"""Debian's chromium as the browser tests and the browser benches launch it: one definition.

A plain module (no pytest import): ``tests/e2e/conftest.py`` uses it for the browser tests, and
``bench/benchkit/browser.py`` imports it as ``tests.e2e.chromium`` (the benches put the project
root on ``sys.path``), so a bench measures the very browser setup the tests check.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Playwright, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium (``make chromium`` installs it); Playwright's own download is not used."""

CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Headless in a container without a GPU, and no traffic of chromium's own (updates, sync)."""

VIEWPORT = ViewportSize(width=1440, height=900)
"""The desktop size every browser context opens at (the screenshots' size)."""

MISSING = f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)"


def launch(playwright: Playwright) -> Browser:
    """Launch ``CHROMIUM`` with ``CHROMIUM_ARGS``; the caller checks ``CHROMIUM.exists()`` first
    and reports ``MISSING`` its own way (a failed fixture, a bench's exit)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
