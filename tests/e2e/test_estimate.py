"""The Estimate page in a browser: the sampling slider rescales the cost without a request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, Viewer
from vision_sandbox import Sandbox

pytestmark = pytest.mark.e2e


def metric_number(page: Page, label: str) -> int:
    value = ui.main(page).locator(ui.METRIC).filter(has_text=label).locator(ui.METRIC_VALUE)
    return int(value.inner_text().replace(",", "").strip())


def slide(page: Page, key: str) -> float:
    """Move the sampling-rate slider with the keyboard; returns its new value (percent)."""
    thumb = ui.main(page).locator(ui.SLIDER_THUMB).first
    thumb.focus()
    thumb.press(key)
    ui.settle(page)
    return float(thumb.input_value())


def test_moving_the_slider_rescales_the_cost_without_a_new_estimate(
    console: ConsoleServer, viewer: Viewer, e2e_sandbox: Sandbox
) -> None:
    page = viewer.page
    ui.open_page(page, console.url, "Estimate")
    thumb = ui.main(page).locator(ui.SLIDER_THUMB).first
    start_rate = float(thumb.input_value())
    start_observations = metric_number(page, "Observations / month")
    start_credits = metric_number(page, "Credits / month")
    assert 0 < start_rate < 100 and start_observations > 0
    estimates = e2e_sandbox.requests.count(path_contains="/estimate")

    assert slide(page, "End") == 100
    full_observations = metric_number(page, "Observations / month")
    full_credits = metric_number(page, "Credits / month")
    scale = 100 / start_rate
    assert abs(full_observations - start_observations * scale) <= scale
    assert full_credits > start_credits
    assert full_credits * start_observations == pytest.approx(
        start_credits * full_observations, rel=0.01
    )
    expect(ui.field(ui.main(page), "Exact rate (%)")).to_have_value("100")

    assert slide(page, "Home") == 0
    assert metric_number(page, "Credits / month") == 0
    expect(ui.main(page).get_by_text("the scanner is paused")).to_be_visible()
    assert slide(page, "ArrowRight") == 1, "arrow keys step a whole percent (issue 15 item 15)"
    expect(ui.field(ui.main(page), "Exact rate (%)")).to_have_value("1")

    assert e2e_sandbox.requests.count(path_contains="/estimate") == estimates
    ui.assert_no_exception(page)


def filters_section(page: Page) -> Locator:
    return ui.main(page).locator(ui.EXPANDER).filter(has_text="Recordings filter")


def click_section(section: Locator, page: Page) -> None:
    section.locator("summary").click()
    ui.settle(page)


def test_the_filters_open_apply_and_keep_their_inputs_across_collapse(
    console: ConsoleServer, viewer: Viewer, e2e_sandbox: Sandbox
) -> None:
    page = viewer.page
    ui.open_page(page, console.url, "Estimate")
    section = filters_section(page)
    summary = section.locator("summary")
    expect(summary).to_contain_text("Recordings filter · all recordings · with test accounts")
    tests_switch = ui.main(page).get_by_role("switch", name="Filter out internal and test users")
    expect(tests_switch).to_have_count(0)  # collapsed: the form is not drawn
    sessions = metric_number(page, "Matching sessions")

    click_section(section, page)
    # The switch sits under its label.
    section.get_by_text("Filter out internal and test users", exact=True).click()
    ui.field(section, "Min duration (s)").fill("60")
    estimates = e2e_sandbox.requests.count(path_contains="/estimate")
    section.get_by_role("button", name="Update estimate").click()
    ui.settle(page)
    expect(summary).to_contain_text("duration > 60 s · without test accounts")
    expect(tests_switch).to_be_checked()  # still open after the update
    assert e2e_sandbox.requests.count(path_contains="/estimate") == estimates + 1
    shown = ui.main(page).locator(ui.METRIC).filter(has_text="Matching sessions")
    # waits out a redraw still in flight on a loaded machine, instead of reading it mid-way
    expect(shown.locator(ui.METRIC_VALUE)).not_to_have_text(re.compile(rf"^\s*{sessions:,}\s*$"))
    narrowed = metric_number(page, "Matching sessions")
    assert narrowed < sessions

    click_section(section, page)
    expect(tests_switch).to_have_count(0)
    assert metric_number(page, "Matching sessions") == narrowed  # still the applied query
    click_section(section, page)
    expect(tests_switch).to_be_checked()
    expect(ui.field(section, "Min duration (s)")).to_have_value("60.00")

    json_box = ui.field(section, "Other filters (RecordingsQuery JSON)")
    json_box.fill("{oops")
    section.get_by_role("button", name="Update estimate").click()
    ui.settle(page)
    expect(summary).to_contain_text("last edit not applied")
    expect(ui.main(page).locator(ui.ALERT_ERROR)).to_contain_text("not valid JSON")
    click_section(section, page)
    click_section(section, page)
    expect(json_box).to_have_value("{oops")
    ui.assert_no_exception(page)
