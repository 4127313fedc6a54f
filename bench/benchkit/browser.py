"""Debian's chromium driven by Playwright, set up as the e2e harness does (tests/e2e/conftest.py).

Kept separate from the test harness so the benches type-check and run on their own; the
launch arguments and the "script finished" signal are the same ones the browser tests use.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = ViewportSize(width=1440, height=900)

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
SKELETON = '[data-testid="stSkeleton"]'
EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stVegaLiteChart"]'
FIRST_MARK = f'{CHART} g[class*="mark-"] path'
"""Any drawn mark (bar, line, area) of any Vega-Lite chart."""


def launch(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: run `make chromium`")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def wait_idle(page: Page, timeout_ms: float) -> None:
    """Connected, the script run finished, and no skeleton placeholder left."""
    page.wait_for_selector(APP_CONNECTED, timeout=timeout_ms)
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
    expect(page.locator(SKELETON)).to_have_count(0, timeout=timeout_ms)


def exceptions(page: Page) -> list[str]:
    boxes = page.locator(EXCEPTION)
    return boxes.all_inner_texts() if boxes.count() else []


def open_home(browser: Browser, url: str, timeout_ms: float) -> None:
    """Open the home page once in a throwaway context.

    A server process runs its first session in legacy ``pages/`` mode until ``st.navigation``
    has run once; a deployment's first visitor usually lands there, so benches start after it.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
    finally:
        context.close()
