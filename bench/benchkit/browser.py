"""Debian's chromium driven by Playwright, launched exactly as the browser tests launch it.

The executable, launch arguments and viewport come from ``tests/e2e/chromium.py``, a plain
module without pytest (the benches put the project root on ``sys.path``); the "script finished"
signal below is the same one the browser tests wait for.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e import chromium

VIEWPORT = chromium.VIEWPORT

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
SKELETON = '[data-testid="stSkeleton"]'
EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stVegaLiteChart"]'
FIRST_MARK = f'{CHART} g[class*="mark-"] path'
"""Any drawn mark (bar, line, area) of any Vega-Lite chart."""


def launch(playwright: Playwright) -> Browser:
    """The browser tests' chromium; exits the bench with the install hint when it is missing."""
    if not chromium.CHROMIUM.exists():
        raise SystemExit(chromium.MISSING)
    return chromium.launch(playwright)


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
