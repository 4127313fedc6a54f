"""The Scanners page in a browser: create through the form, field errors, delete, scan a session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, SandboxAPI, Viewer
from vision_api.sandbox import Sandbox

pytestmark = pytest.mark.e2e

MONITOR_PROMPT = "Did the user give up at checkout?"


def open_blank_form(page: Page, scanner_type: str) -> None:
    body = ui.main(page)
    body.get_by_role("button", name="New scanner").click()
    ui.settle(page)
    body.get_by_role("button", name="Blank form").click()
    ui.settle(page)
    ui.choose_segment(page, "Scanner type", scanner_type.capitalize())


def fill_form(page: Page, scanner_type: str, name: str, prompt: str) -> None:
    body = ui.main(page)
    ui.field(body, "Name").fill(name)
    prompt_label = "Additional context" if scanner_type == "summarizer" else "Prompt"
    ui.field(body, prompt_label).fill(prompt)
    if scanner_type == "classifier":
        ui.field(body, "Tag vocabulary (one tag per line)").fill("checkout\nsearch\nsupport")


def submit_form(page: Page, label: str = "Create scanner") -> None:
    ui.main(page).locator(ui.FORM_SUBMIT).filter(has_text=label).click()
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

    search(page, prefix)
    expect(ui.main(page).get_by_text("Showing 1–4 of 4 scanners")).to_be_visible()
    cells = ui.grid_cells(page)
    for scanner_type in ("monitor", "classifier", "scorer", "summarizer"):
        assert f"{prefix} {scanner_type}" in cells
        assert scanner_type.capitalize() in cells
    ui.assert_no_exception(page)
    assert viewer.log.console_errors == []
