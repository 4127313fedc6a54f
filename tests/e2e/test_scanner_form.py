"""The scanner form in a browser (issue 15): what only a browser shows. A typed draft survives a
sidebar trip to another page, a 150% rate is explained on its field and beside the button, and
the summary's entry scrolls to its field and puts the cursor in it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, SandboxAPI, Viewer

pytestmark = pytest.mark.e2e


def open_blank_form(page: Page) -> None:
    body = ui.main(page)
    body.get_by_role("button", name="New scanner").click()
    ui.settle(page)
    body.get_by_role("button", name="Blank form").click()
    ui.settle(page)


def type_in(page: Page, label: str, value: str) -> None:
    """Type into a field and leave it (Tab), as a person does; the blur commits the value."""
    box = ui.field(ui.main(page), label)
    box.fill(value)
    box.press("Tab")
    ui.settle(page)


def test_a_draft_survives_the_sidebar_and_the_summary_scrolls_to_the_field(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI, unique: Callable[[str], str]
) -> None:
    page = viewer.page
    body = ui.main(page)
    name = unique("e2e draft")
    ui.open_page(page, console.url, "Scanners")
    open_blank_form(page)
    type_in(page, "Name", name)
    type_in(page, "Exact rate (%)", "150")
    expect(body.get_by_text("Sampling rate can be at most 100%.").first).to_be_visible()

    ui.click_nav(page, "Observations")
    ui.click_nav(page, "Scanners")
    expect(ui.field(body, "Name")).to_have_value(name)
    expect(ui.field(body, "Exact rate (%)")).to_have_value("150")
    expect(body.get_by_text("Unsaved changes (Name, Sampling rate)")).to_be_visible()

    body.get_by_role("button", name="Create scanner").click()
    ui.settle(page)
    toast = page.locator(ui.TOAST).filter(has_text="Not saved: 2 fields need attention")
    expect(toast).to_be_visible()
    entry = body.get_by_role("button", name="Prompt: Prompt is required.")
    expect(entry).to_be_visible()
    entry.click()
    ui.settle(page)
    prompt = ui.field(body, "Prompt")
    expect(prompt).to_be_focused()
    expect(prompt).to_be_in_viewport()
    assert api.scanner_named(name) is None
    ui.assert_no_exception(page)


LONG_EVENTS = ("checkout_payment_method_selected_and_confirmed", "onboarding_step_completed_v2")


@pytest.mark.parametrize("width", [1440, 390])
def test_event_names_picked_in_the_recordings_filter_show_whole(
    console: ConsoleServer, viewer: Viewer, width: int
) -> None:
    """Issue 15 item 14: the events picker's pills cut long event names short; now a name
    wider than the form wraps inside its pill, on a desktop and on a 390 px phone."""
    page = viewer.page
    page.set_viewport_size({"width": width, "height": 900 if width > 640 else 844})
    ui.open_page(page, console.url, "Scanners")
    open_blank_form(page)
    picker = ui.main(page).get_by_role("combobox", name="Sessions with these events")
    for name in ("$autocapture", *LONG_EVENTS):
        picker.click()
        picker.fill(name)
        picker.press("Enter")
        ui.settle(page)
    picker.press("Escape")
    pills = ui.main(page).locator(ui.MULTISELECT_PILL)
    expect(pills).to_have_count(3)
    for pill, name in zip(pills.all(), ("$autocapture", *LONG_EVENTS), strict=True):
        expect(pill).to_contain_text(name)
        assert not ui.is_cut(pill), f"the pill of {name!r} is cut short"
    ui.assert_no_exception(page)
