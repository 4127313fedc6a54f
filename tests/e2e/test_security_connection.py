"""A viewer's own API key in a shared deployment: where it may go, and where it never may.

Keys here are minted per test by the sandbox (random, unlike the public demo key), so finding
one anywhere is a real leak, not a coincidence.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, SandboxAPI, Viewer
from tests.e2e.secrets_probe import leaks, password_fields_hold
from vision_sandbox import Sandbox

pytestmark = pytest.mark.e2e

OWN_KEY_STATUS = "Connected through your own key."
ONE_MATCH = re.compile(r"Showing 1–1 of 1 scanner\b")


def visit_every_page_checking(page: Page, key: str) -> None:
    for name in ui.NAV_PAGES:
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
    # Tested before it replaces the working connection: refused, explained under the key field.
    bar = ui.sidebar(page)
    rejected = bar.locator(ui.ALERT).filter(has_text="Personal API key: The API key was rejected")
    expect(rejected).to_be_visible()
    expect(bar.get_by_text("Connected through environment variables.")).to_be_visible()
    expect(bar.get_by_text(OWN_KEY_STATUS)).to_have_count(0)
    assert leaks(page, wrong) == []

    ui.click_nav(page, "Scanners")  # the working connection still serves every page
    expect(ui.main(page).get_by_role("heading", name="Scanners").first).to_be_visible()
    expect(ui.main(page).locator(ui.ALERT).filter(has_text="rejected")).to_have_count(0)
    assert leaks(page, wrong) == []
    assert [url for url in viewer.log.request_urls if wrong in url] == []
    assert wrong not in console.log_text()


@dataclass
class Trap:
    """A loopback HTTP server that only records who called it."""

    url: str
    hits: list[str]


@pytest.fixture
def trap() -> Iterator[Trap]:
    hits: list[str] = []

    class Record(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            """Silent."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # "localhost", not the listed "127.0.0.1": same machine, a host outside the list.
        yield Trap(f"http://localhost:{server.server_address[1]}", hits)
    finally:
        server.shutdown()
        server.server_close()


def test_allowed_hosts_refuses_a_host_outside_the_list(
    locked_console: ConsoleServer, other_api: SandboxAPI, viewer: Viewer, trap: Trap
) -> None:
    page = viewer.page
    ui.open_page(page, locked_console.url, "Overview")
    ui.connect(page, trap.url, other_api.project_id, other_api.api_key)

    bar = ui.sidebar(page)
    expect(
        bar.locator(ui.ALERT).filter(has_text="Host: This console may connect only to")
    ).to_be_visible()
    expect(bar.get_by_text("Connected through the demo sandbox.")).to_be_visible()
    bar.get_by_role("button", name="Test connection").click()
    ui.settle(page)
    ui.click_nav(page, "Scanners")
    assert trap.hits == [], "the server called a host outside allowed_hosts"

    # The same form accepts a listed host: the refusal above is the allow-list, not the form.
    ui.connect(page, other_api.base_url, other_api.project_id, other_api.api_key)
    assert bar.locator(ui.ALERT).all_inner_texts() == [], "the listed host was refused"
    expect(bar.get_by_text(OWN_KEY_STATUS)).to_be_visible()
    expect(bar.get_by_text(f"Project {other_api.project_id}", exact=False)).to_be_visible()


WRITE_CONTROLS = (
    "New scanner",
    "Blank form",
    "Use",
    "Edit",
    "Duplicate",
    "Delete",
    "Scan recording",
    "Create scanner",
    "Save changes",
    "Save",
    "Save to scanner",
    "Create scanner from draft",
)


def visible_write_controls(page: Page) -> list[str]:
    body = ui.main(page)
    found = [
        name
        for name in WRITE_CONTROLS
        if body.get_by_role("button", name=name, exact=True).filter(visible=True).count()
    ]
    if body.get_by_role("switch", name="Enabled").filter(visible=True).count():
        found.append("the Enabled toggle")
    return found


def test_read_only_demo_deployment_shows_no_write_control(
    locked_console: ConsoleServer, viewer: Viewer
) -> None:
    page = viewer.page
    ui.open_page(page, locked_console.url, "Overview")
    expect(ui.main(page).locator(ui.ALERT).filter(has_text="Demo sandbox")).to_be_visible()
    expect(ui.sidebar(page).get_by_text("Read-only", exact=True)).to_be_visible()

    for name in ui.NAV_PAGES:
        ui.click_nav(page, name)
        ui.assert_no_exception(page)
        assert visible_write_controls(page) == [], f"write controls on {name}"

    ui.click_nav(page, "Scanners")
    expect(ui.main(page).get_by_text("Read-only console")).to_be_visible()
    scanners = ui.main(page).locator(ui.DATAFRAME).first
    first_name = ui.grid_records(scanners)[0]["Name"]
    ui.click_grid_row(scanners, 0)
    ui.settle(page)
    expect(ui.main(page).get_by_role("heading", name=first_name)).to_be_visible()
    assert visible_write_controls(page) == []
    expect(ui.field(ui.main(page), "Session id or recording link")).to_have_count(0)
    ui.click_nav(page, "Estimate")
    expect(ui.main(page).get_by_text("read-only: estimates only, no saving")).to_be_visible()


def visible_cells(viewer: Viewer) -> list[str]:
    return ui.grid_cells(viewer.page)


def test_two_viewers_with_different_keys_never_see_each_others_scanners(
    console: ConsoleServer,
    e2e_sandbox: Sandbox,
    api: SandboxAPI,
    other_api: SandboxAPI,
    make_viewer: Callable[..., Viewer],
) -> None:
    token = f"iso{uuid.uuid4().hex[:8]}"
    mine, theirs = f"{token} first project", f"{token} second project"
    for target, name in ((api, mine), (other_api, theirs)):
        target.create_scanner(
            name=name,
            scanner_type="monitor",
            scanner_config={"prompt": "Isolation?"},
            model="gemini-3-flash-preview",
        )
    key_a = e2e_sandbox.add_api_key(project_ids=[api.project_id])
    key_b = e2e_sandbox.add_api_key(project_ids=[other_api.project_id])
    a, b = make_viewer(), make_viewer()
    for viewer in (a, b):
        ui.open_page(viewer.page, console.url, "Scanners")
    ui.connect(a.page, api.base_url, api.project_id, key_a)
    ui.connect(b.page, other_api.base_url, other_api.project_id, key_b)

    # The same search from both: identical cache arguments, different credentials.
    for viewer in (a, b, a):
        ui.set_text(viewer.page, "Search", token)
    expect(ui.main(a.page).get_by_text(ONE_MATCH)).to_be_visible()
    expect(ui.main(b.page).get_by_text(ONE_MATCH)).to_be_visible()
    assert mine in visible_cells(a) and theirs not in visible_cells(a)
    assert theirs in visible_cells(b) and mine not in visible_cells(b)

    # Every page, both viewers alive at once, each page's full HTML.
    for name in ui.NAV_PAGES:
        for viewer, other in ((a, theirs), (b, mine)):
            ui.click_nav(viewer.page, name)
            ui.assert_no_exception(viewer.page)
            assert other not in viewer.page.content(), f"{other!r} leaked on {name}"
    expect(ui.sidebar(b.page).get_by_text(f"Project {other_api.project_id}")).to_be_visible()

    # The Estimate page's scanner picker reads the same cached "all scanners" call for both.
    for viewer, own, other in ((a, mine, theirs), (b, theirs, mine)):
        picker = ui.combobox_options(viewer.page, "Start from", token)
        assert own in picker and other not in picker

    # A third viewer on the deployment's own key (project 1) sees the first project only.
    c = make_viewer()
    ui.open_page(c.page, console.url, "Scanners", f"?q={token}")
    expect(ui.main(c.page).get_by_text(ONE_MATCH)).to_be_visible()
    assert mine in visible_cells(c) and theirs not in visible_cells(c)
