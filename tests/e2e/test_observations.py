"""The Observations explorer in a real browser: charts draw, a click on a bar filters the
table (AppTest cannot click charts), and the export downloads every row of the filtered set."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, SandboxAPI, Viewer

pytestmark = pytest.mark.e2e


def scanner_of_type(api: SandboxAPI, scanner_type: str) -> dict[str, object]:
    """The demo's largest enabled scanner of a type."""
    candidates = [s for s in api.list_scanners(scanner_type=scanner_type) if s["enabled"]]
    return max(candidates, key=lambda s: len(api.list_observations(str(s["id"]))))


def url_params(page: Page) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(page.url).query).items()}


def chart_titled(page: Page, title: str) -> object:
    return ui.main(page).locator(ui.CHART).filter(has_text=title).first


def test_charts_draw_and_a_verdict_click_filters_the_table(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI, screenshot_dir: Path
) -> None:
    page = viewer.page
    monitor = scanner_of_type(api, "monitor")
    ui.open_page(page, console.url, "Observations", f"scanner={monitor['id']}")
    ui.assert_no_exception(page)
    verdicts = ui.main(page).locator(ui.CHART).filter(has_text="Verdicts").first
    expect(verdicts.locator(ui.CHART_BAR).first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "observations-monitor.png"), full_page=True)
    no_count = sum(1 for o in api.list_observations(str(monitor["id"]), verdict="no"))
    assert no_count > 0

    bars = verdicts.locator(ui.CHART_BAR)
    expect(bars).to_have_count(3)
    bars.nth(1).click()  # bars are drawn in the x order: yes, no, inconclusive
    ui.settle(page)

    assert url_params(page).get("verdict") == "no"
    metric = ui.main(page).locator(ui.METRIC).filter(has_text="Observations").first
    expect(metric.locator(ui.METRIC_VALUE)).to_have_text(f"{no_count:,}")
    assert viewer.log.page_errors == []
    assert viewer.log.console_errors == []


def test_a_histogram_click_selects_a_score_bucket(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI
) -> None:
    page = viewer.page
    scorer = scanner_of_type(api, "scorer")
    ui.open_page(page, console.url, "Observations", f"scanner={scorer['id']}")
    histogram = ui.main(page).locator(ui.CHART).filter(has_text="Score distribution").first
    bars = histogram.locator(ui.CHART_BAR)
    expect(bars.first).to_be_visible()
    tallest = max(range(bars.count()), key=lambda i: (bars.nth(i).bounding_box() or {})
                  .get("height", 0))
    bars.nth(tallest).click()
    ui.settle(page)
    assert "bucket" in url_params(page)
    ui.assert_no_exception(page)


def test_the_csv_export_holds_every_row_of_the_filtered_set(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI
) -> None:
    page = viewer.page
    classifier = scanner_of_type(api, "classifier")
    expected = api.list_observations(str(classifier["id"]), status="succeeded")
    ui.open_page(page, console.url, "Observations",
                 f"scanner={classifier['id']}&status=succeeded")
    ui.main(page).get_by_role("tab", name="Export").click()
    ui.settle(page)
    with ui.expect_download(page) as got:
        page.locator(ui.DOWNLOAD_BUTTON).filter(has_text="Download CSV").click()
    frame = pd.read_csv(io.BytesIO(Path(got[0].path()).read_bytes()), encoding="utf-8-sig")
    assert len(frame) == len(expected)
    assert set(frame["status"]) == {"succeeded"}
    assert set(frame["id"]) == {o["id"] for o in expected}
