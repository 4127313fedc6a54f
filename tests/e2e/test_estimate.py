"""The Estimate page in a browser: the sampling slider rescales the cost without a request."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, Viewer
from vision_api.sandbox import Sandbox

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
    expect(ui.field(ui.main(page), "Exact sampling rate (%)")).to_have_value("100.0000")

    assert slide(page, "Home") == 0
    assert metric_number(page, "Credits / month") == 0
    expect(ui.main(page).get_by_text("the scanner is paused")).to_be_visible()

    assert e2e_sandbox.requests.count(path_contains="/estimate") == estimates
    ui.assert_no_exception(page)
