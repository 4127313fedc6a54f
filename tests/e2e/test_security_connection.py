"""A viewer's own API key in a shared deployment: where it may go, and where it never may.

Keys here are minted per test by the sandbox (random, unlike the public demo key), so finding
one anywhere is a real leak, not a coincidence.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import LOCKED_ALLOWED_HOST, ConsoleServer, SandboxAPI, Viewer
from tests.e2e.secrets_probe import leaks, password_fields_hold
from vision_api.sandbox import Sandbox

pytestmark = pytest.mark.e2e

OWN_KEY_STATUS = "Connected through your own key."


def visit_every_page_checking(page: Page, key: str) -> None:
    for name in ui.PAGE_PATHS:
        ui.click_nav(page, name)
        ui.assert_no_exception(page)
        assert leaks(page, key) == [], f"the key leaked on {name}"


def test_typed_key_stays_out_of_the_page_urls_and_server_log(
    console: ConsoleServer, e2e_sandbox: Sandbox, viewer: Viewer
) -> None:
    key = e2e_sandbox.add_api_key()
    page = viewer.page
    ui.open_page(page, console.url, "Overview")
    ui.connect(page, e2e_sandbox.base_url, e2e_sandbox.project_id, key)
    expect(ui.sidebar(page).get_by_text(OWN_KEY_STATUS)).to_be_visible()
    assert password_fields_hold(page, key), "the probe must be looking at a page holding the key"

    visit_every_page_checking(page, key)
    ui.sidebar(page).get_by_role("button", name="Test connection").click()
    ui.settle(page)
    check = ui.sidebar(page).locator(ui.ALERT).filter(has_text="Connected to project")
    expect(check).to_be_visible()
    assert leaks(page, key) == []

    assert [url for url in viewer.log.request_urls if key in url] == []
    assert key not in console.log_text()


def test_rejected_key_is_explained_without_being_echoed(
    console: ConsoleServer, e2e_sandbox: Sandbox, viewer: Viewer
) -> None:
    wrong = "phx_wrong_" + secrets.token_urlsafe(18)
    page = viewer.page
    ui.open_page(page, console.url, "Overview")
    ui.connect(page, e2e_sandbox.base_url, e2e_sandbox.project_id, wrong)
    expect(ui.sidebar(page).get_by_text(OWN_KEY_STATUS)).to_be_visible()
    expect(ui.main(page).locator(ui.ALERT).filter(has_text="API key was rejected")).to_be_visible()

    visit_every_page_checking(page, wrong)
    ui.sidebar(page).get_by_role("button", name="Test connection").click()
    ui.settle(page)
    expect(ui.sidebar(page).locator(ui.ALERT).filter(has_text="rejected")).to_be_visible()
    assert leaks(page, wrong) == []
    assert [url for url in viewer.log.request_urls if wrong in url] == []
    assert wrong not in console.log_text()


def test_allowed_hosts_refuses_a_host_outside_the_list(
    locked_console: ConsoleServer, other_api: SandboxAPI, viewer: Viewer
) -> None:
    page = viewer.page
    ui.open_page(page, locked_console.url, "Overview")
    ui.connect(page, "https://attacker.example.com", other_api.project_id, other_api.api_key)

    bar = ui.sidebar(page)
    expect(bar.locator(ui.ALERT).filter(
        has_text=f"Host: This console may only connect to: {LOCKED_ALLOWED_HOST}"
    )).to_be_visible()
    expect(bar.get_by_text("Connected through the demo sandbox.")).to_be_visible()
    assert not any("attacker.example.com" in url for url in viewer.log.request_urls)

    # The same form accepts a listed host: the refusal above is the allow-list, not the form.
    ui.connect(page, other_api.base_url, other_api.project_id, other_api.api_key)
    expect(bar.get_by_text(OWN_KEY_STATUS)).to_be_visible()
    expect(bar.get_by_text(f"Project {other_api.project_id}", exact=False)).to_be_visible()
