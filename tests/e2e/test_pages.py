"""Every page opens in a real browser without errors, and the docs screenshots come from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, Viewer, env_for, start_console, stop_console
from vision_api.sandbox import Sandbox

pytestmark = pytest.mark.e2e

PAGES = list(ui.PAGE_PATHS)


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_without_errors_and_is_screenshotted(
    console: ConsoleServer, viewer: Viewer, screenshot_dir: Path, name: str
) -> None:
    page = viewer.page
    ui.open_page(page, console.url, name)

    expect(ui.main(page).get_by_role("heading", name=name, exact=True).first).to_be_visible()
    ui.assert_no_exception(page)
    assert viewer.log.page_errors == []
    assert viewer.log.console_errors == []
    page.screenshot(path=str(screenshot_dir / f"{name.lower()}.png"))


def test_sidebar_navigation_reaches_every_page(console: ConsoleServer, viewer: Viewer) -> None:
    page = viewer.page
    ui.open_page(page, console.url, "Overview")
    for name in PAGES[1:] + PAGES[:1]:
        ui.click_nav(page, name)
        expect(ui.main(page).get_by_role("heading", name=name, exact=True).first).to_be_visible()
        ui.assert_no_exception(page)
    assert viewer.log.page_errors == []
    assert viewer.log.console_errors == []


def test_demo_mode_shows_the_banner(locked_console: ConsoleServer, viewer: Viewer) -> None:
    page = viewer.page
    ui.open_page(page, locked_console.url, "Overview")
    expect(ui.main(page).locator(ui.ALERT).filter(has_text="Demo sandbox")).to_be_visible()
    expect(ui.sidebar(page).get_by_text("Demo sandbox", exact=True)).to_be_visible()


def test_configured_console_shows_no_demo_banner(console: ConsoleServer, viewer: Viewer) -> None:
    page = viewer.page
    ui.open_page(page, console.url, "Overview")
    expect(ui.sidebar(page).get_by_text("Connected through environment variables.")).to_be_visible()
    expect(page.locator(ui.ALERT).filter(has_text="Demo sandbox")).to_have_count(0)


def test_a_deep_link_works_as_the_first_visit_after_a_restart(
    e2e_sandbox: Sandbox, viewer: Viewer, tmp_path: Path
) -> None:
    """A link shared before a redeploy is often the first request the new process serves."""
    server = start_console(tmp_path, env_for(e2e_sandbox))
    try:
        ui.open_page(viewer.page, server.url, "Estimate")
        expect(ui.main(viewer.page).get_by_role("heading", name="Estimate").first).to_be_visible()
        ui.assert_no_exception(viewer.page)
        expect(ui.sidebar(viewer.page).locator(ui.SIDEBAR_NAV)).to_contain_text("Observations")
    finally:
        stop_console(server.process)
