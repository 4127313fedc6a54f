"""A fresh deployment in a real browser: deep links, every page without errors, screenshots.

These tests get their own sandbox and console (nothing else writes to them), so the screenshots
in ``docs/screenshots/`` show the demo data only, and the first request the new server sees is
a deep link, as after a redeploy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e import ui
from tests.e2e.conftest import (
    ConsoleServer,
    SandboxAPI,
    Viewer,
    env_for,
    new_viewer,
    start_console,
    stop_console,
)
from vision_sandbox import Sandbox

pytestmark = pytest.mark.e2e

PAGES = list(ui.NAV_PAGES)


@pytest.fixture(scope="module")
def fresh_sandbox() -> Iterator[Sandbox]:
    """Demo data only: nothing else writes to it, so the screenshots show the demo."""
    with Sandbox.start(seed="demo", scan_delay=0.3) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def fresh_console(
    fresh_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    server = start_console(tmp_path_factory.mktemp("fresh-console"), env_for(fresh_sandbox))
    try:
        yield server
    finally:
        stop_console(server.process)


@pytest.fixture(scope="module")
def seed_era_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """The console against a server of the seed era (observation quota, preview models)."""
    with Sandbox.start(seed="demo", scan_delay=0.3, era="seed") as sandbox:
        server = start_console(tmp_path_factory.mktemp("seed-console"), env_for(sandbox))
        try:
            yield server
        finally:
            stop_console(server.process)


@pytest.mark.parametrize("name", PAGES)
def test_a_deep_link_works_as_the_first_request_after_a_restart(
    viewer: Viewer, tmp_path: Path, name: str
) -> None:
    """A link shared before a redeploy is often the first request the new process serves:
    every page draws its own frame (sidebar, connection, navigation) without ``app.py``."""
    with Sandbox.start(seed="demo", scan_delay=0.3) as sandbox:
        server = start_console(tmp_path, env_for(sandbox))
        try:
            _open_first(viewer, server.url, name)
        finally:
            stop_console(server.process)


def _open_first(viewer: Viewer, url: str, name: str) -> None:
    page = viewer.page
    ui.open_page(page, url, name)
    expect(ui.main(page).get_by_role("heading", name=name, exact=True).first).to_be_visible()
    ui.assert_no_exception(page)
    expect(ui.sidebar(page).get_by_text("Connected through environment variables.")).to_be_visible()
    nav = ui.sidebar(page).locator(ui.SIDEBAR_NAV)
    for title in PAGES:
        expect(nav.get_by_role("link", name=title, exact=True)).to_be_visible()


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_without_errors_and_is_screenshotted(
    fresh_console: ConsoleServer, viewer: Viewer, screenshot_dir: Path, name: str
) -> None:
    page = viewer.page
    ui.open_page(page, fresh_console.url, name)

    expect(ui.main(page).get_by_role("heading", name=name, exact=True).first).to_be_visible()
    ui.assert_no_exception(page)
    expect(page.locator(ui.ALERT).filter(has_text="Demo sandbox")).to_have_count(0)
    assert viewer.log.page_errors == []
    assert viewer.log.console_errors == []
    ui.wait_for_charts(page)
    page.screenshot(path=str(screenshot_dir / f"{name.lower()}.png"))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_works_on_a_seed_era_server(
    seed_era_console: ConsoleServer, viewer: Viewer, name: str
) -> None:
    """Issue 13: the console adapts to what the server speaks. On a seed-era server every page
    opens without errors and counts its quota in observations, never credits it cannot know."""
    page = viewer.page
    ui.open_page(page, seed_era_console.url, name)
    expect(ui.main(page).get_by_role("heading", name=name, exact=True).first).to_be_visible()
    ui.assert_no_exception(page)
    ui.wait_for_charts(page)
    assert viewer.log.page_errors == []
    assert viewer.log.console_errors == []
    page.reload()
    expect(ui.sidebar(page).get_by_text("API: seed era · quota in observations")).to_be_visible()


def test_sidebar_navigation_reaches_every_page(
    fresh_console: ConsoleServer, viewer: Viewer
) -> None:
    page = viewer.page
    ui.open_page(page, fresh_console.url, "Overview")
    expect(ui.sidebar(page).get_by_text("Connected through environment variables.")).to_be_visible()
    for name in PAGES[1:] + PAGES[:1]:
        ui.click_nav(page, name)
        expect(ui.main(page).get_by_role("heading", name=name, exact=True).first).to_be_visible()
        ui.assert_no_exception(page)
    assert viewer.log.page_errors == []
    assert viewer.log.console_errors == []


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_usable_on_a_phone(
    fresh_console: ConsoleServer, browser: Browser, screenshot_dir: Path, name: str
) -> None:
    """At 390 px the sidebar starts collapsed, nothing overflows sideways, and the page's own
    navigation is one tap away (issue 15: narrow screens)."""
    viewer = new_viewer(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = viewer.page
        ui.open_page(page, fresh_console.url, name)
        expect(ui.main(page).get_by_role("heading", name=name, exact=True).first).to_be_visible()
        ui.assert_no_exception(page)
        expect(page.locator(ui.SIDEBAR)).to_have_attribute("data-collapsed", "true")
        ui.wait_for_charts(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} scrolls sideways by {overflow} px on a phone"
        assert viewer.log.page_errors == []
        page.screenshot(path=str(screenshot_dir / f"{name.lower()}-phone.png"))
    finally:
        viewer.context.close()


def test_the_scanner_page_and_a_form_with_errors_are_screenshotted(
    fresh_sandbox: Sandbox, fresh_console: ConsoleServer, viewer: Viewer, screenshot_dir: Path
) -> None:
    """The README shows a scanner's own page and what a failed submit looks like."""
    api = SandboxAPI(fresh_sandbox.base_url, fresh_sandbox.project_id, fresh_sandbox.api_key)
    scanner = api.scanner_named("UX quality")
    assert scanner is not None
    page = viewer.page
    page.goto(f"{fresh_console.url}/scanner?id={scanner['id']}")
    ui.wait_idle(page)
    expect(ui.main(page).get_by_role("heading", name="UX quality").first).to_be_visible()
    ui.assert_no_exception(page)
    ui.wait_for_charts(page)
    page.screenshot(path=str(screenshot_dir / "scanner.png"))

    ui.open_page(page, fresh_console.url, "Scanners")
    body = ui.main(page)
    body.get_by_role("button", name="New scanner").click()
    ui.settle(page)
    body.get_by_role("button", name="Blank form").click()
    ui.settle(page)
    body.get_by_role("button", name="Create scanner").click()
    ui.settle(page)
    summary = body.get_by_role("button", name="Prompt: Prompt is required.")
    expect(summary).to_be_visible()
    summary.scroll_into_view_if_needed()
    ui.assert_no_exception(page)
    page.screenshot(path=str(screenshot_dir / "scanner-form-errors.png"))


def test_the_sidebar_links_are_the_console_s_pages() -> None:
    """The browser tests visit what the sidebar offers; a new page joins both lists."""
    from vision_console import navigation

    assert [page.title for page in navigation.PAGES] == ui.NAV_PAGES
