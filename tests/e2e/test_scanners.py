"""The Scanners page and a scanner's page in a browser: create through the form, field errors,
delete, scan a session, labels that fit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, SandboxAPI, Viewer
from vision_sandbox import Sandbox

pytestmark = pytest.mark.e2e

MONITOR_PROMPT = "Did the user give up at checkout?"


def open_blank_form(page: Page, scanner_type: str) -> None:
    body = ui.main(page)
    body.get_by_role("button", name="New scanner").click()
    ui.settle(page)
    body.get_by_role("button", name="Blank form").click()
    ui.settle(page)
    ui.choose_radio(page, "Scanner type", scanner_type.capitalize())


def type_in(page: Page, label: str, value: str) -> None:
    """Type into a field of the live form and leave it (Tab): the blur commits the value."""
    box = ui.field(ui.main(page), label)
    box.fill(value)
    box.press("Tab")
    ui.settle(page)


def fill_form(page: Page, scanner_type: str, name: str, prompt: str) -> None:
    type_in(page, "Name", name)
    prompt_label = "Additional context" if scanner_type == "summarizer" else "Prompt"
    type_in(page, prompt_label, prompt)
    if scanner_type == "classifier":
        type_in(page, "Tags", "checkout\nsearch\nsupport")


def submit_form(page: Page, label: str = "Create scanner") -> None:
    """Click the form's submit button (the scanner form's, or the scan panel's ``st.form``)."""
    ui.main(page).get_by_role("button", name=label, exact=True).click()
    ui.settle(page)


def search(page: Page, text: str) -> None:
    ui.set_text(page, "Search", text)


def test_create_one_scanner_of_each_type_through_the_form(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI, unique: Callable[[str], str]
) -> None:
    page = viewer.page
    prefix = unique("e2e form")
    ui.open_page(page, console.url, "Scanners")
    for scanner_type in ("monitor", "classifier", "scorer", "summarizer"):
        name = f"{prefix} {scanner_type}"
        open_blank_form(page, scanner_type)
        fill_form(page, scanner_type, name, f"{MONITOR_PROMPT} ({scanner_type})")
        submit_form(page)
        expect(page.locator(ui.TOAST).filter(has_text=f"{name} created")).to_be_visible()
        stored = api.scanner_named(name)
        assert stored is not None, f"{name} was not created"
        assert stored["scanner_type"] == scanner_type
        # The new scanner opens on its own page; back to the list for the next one.
        expect(ui.main(page).get_by_role("heading", name=name)).to_be_visible()
        assert f"id={stored['id']}" in page.url
        ui.open_page(page, console.url, "Scanners")

    search(page, prefix)
    expect(ui.main(page).get_by_text("Showing 1–4 of 4 scanners")).to_be_visible()
    cells = ui.grid_cells(page)
    for scanner_type in ("monitor", "classifier", "scorer", "summarizer"):
        assert f"{prefix} {scanner_type}" in cells
        assert scanner_type.capitalize() in cells
    ui.assert_no_exception(page)
    assert viewer.log.console_errors == []


def make_monitor(api: SandboxAPI, name: str) -> dict[str, object]:
    return api.create_scanner(
        name=name,
        scanner_type="monitor",
        scanner_config={"prompt": MONITOR_PROMPT},
        model="gemini-3-flash-preview",
    )


def open_scanner(page: Page, console: ConsoleServer, name: str, scanner_id: object) -> None:
    """The scanner's own page, by its URL (as a shared link)."""
    ui.open_scanner_page(page, console.url, scanner_id)
    expect(ui.main(page).get_by_role("heading", name=name)).to_be_visible()


def test_field_errors_sit_under_their_field_and_keep_what_was_typed(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI, unique: Callable[[str], str]
) -> None:
    page = viewer.page
    body = ui.main(page)
    taken = make_monitor(api, unique("e2e taken"))["name"]
    name = unique("e2e invalid")
    description = "Typed before the error & kept after it"
    ui.open_page(page, console.url, "Scanners")
    open_blank_form(page, "monitor")

    # Client side: the prompt is missing.
    type_in(page, "Name", name)
    type_in(page, "Description", description)
    submit_form(page)
    expect(ui.error_under(page, "Prompt")).to_contain_text("Prompt is required.")
    expect(ui.field(body, "Name")).to_have_value(name)
    expect(ui.field(body, "Description")).to_have_value(description)
    assert api.scanner_named(name) is None

    # Server side: the name is taken; the 400's attr puts the message under Name.
    type_in(page, "Name", str(taken))
    type_in(page, "Prompt", MONITOR_PROMPT)
    submit_form(page)
    expect(ui.error_under(page, "Name")).to_contain_text("A scanner with this name already exists")
    expect(ui.error_under(page, "Prompt")).to_have_count(0)
    expect(ui.field(body, "Name")).to_have_value(str(taken))
    expect(ui.field(body, "Prompt")).to_have_value(MONITOR_PROMPT)
    expect(ui.field(body, "Description")).to_have_value(description)
    assert len([s for s in api.list_scanners(search=str(taken)) if s["name"] == taken]) == 1
    ui.assert_no_exception(page)


def test_delete_asks_in_a_dialog_and_cancel_keeps_the_scanner(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI, unique: Callable[[str], str]
) -> None:
    page = viewer.page
    name = unique("e2e delete")
    created = make_monitor(api, name)
    open_scanner(page, console, name, created["id"])
    dialog = page.locator(ui.DIALOG)

    ui.main(page).get_by_role("button", name="Delete…", exact=True).click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text(name, exact=True)).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    ui.settle(page)
    expect(dialog).to_have_count(0)
    assert api.scanner_named(name) is not None

    ui.main(page).get_by_role("button", name="Delete…", exact=True).click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Delete", exact=True).click()
    ui.settle(page)
    expect(page.locator(ui.TOAST).filter(has_text=f"Deleted {name}")).to_be_visible()
    assert api.scanner_named(name) is None
    expect(
        ui.main(page).get_by_role("heading", name="Scanners")
    ).to_be_visible()  # back to the list
    ui.assert_no_exception(page)


def test_scanning_one_session_follows_it_to_its_result(
    console: ConsoleServer,
    viewer: Viewer,
    api: SandboxAPI,
    e2e_sandbox: Sandbox,
    unique: Callable[[str], str],
) -> None:
    page = viewer.page
    name = unique("e2e scan")
    created = make_monitor(api, name)
    session_id = e2e_sandbox.sample_sessions("eligible", n=1)[0]
    observe_posts = e2e_sandbox.requests.count(method="POST", path_contains="/observe")
    open_scanner(page, console, name, created["id"])

    ui.field(ui.main(page), "Session id or recording link").fill(session_id)
    submit_form(page, "Scan recording")
    verdict = ui.main(page).locator(ui.METRIC).filter(has_text="Verdict")
    expect(verdict).to_be_visible(timeout=60_000)

    stored = api.list_observations(str(created["id"]), session_id=session_id)
    assert [o["status"] for o in stored] == ["succeeded"]
    shown = verdict.locator(ui.METRIC_VALUE).inner_text().strip()
    assert shown == stored[0]["scanner_result"]["model_output"]["verdict"].upper()
    assert e2e_sandbox.requests.count(method="POST", path_contains="/observe") == observe_posts + 1
    ui.assert_no_exception(page)


def test_the_scanner_page_actions_show_their_whole_labels(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI, unique: Callable[[str], str]
) -> None:
    """Issue 15 item 14: the Enabled switch read "Enab…" in its narrow column."""
    page = viewer.page
    name = unique("e2e labels")
    created = make_monitor(api, name)
    open_scanner(page, console, name, created["id"])
    for label in ("Edit", "Disable…", "Duplicate", "Delete…"):
        button = ui.main(page).get_by_role("button", name=label, exact=True)
        expect(button).to_be_visible()
        cut = button.evaluate(
            "b => [...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)"
        )
        assert not cut, f"{label!r} is truncated"
    ui.assert_no_exception(page)
