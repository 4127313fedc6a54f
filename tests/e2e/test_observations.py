"""The Observations page in a browser: click-to-filter charts, shared URLs, export."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, SandboxAPI, Viewer
from vision_sandbox import Sandbox

pytestmark = pytest.mark.e2e

_COVERED_BY_A_RULE = """
(bars) => {
  const rules = [...document.querySelectorAll(
    '[data-testid="stVegaLiteChart"] .mark-rule.role-mark line'
  )].map((line) => line.getBoundingClientRect());
  return bars.map((bar) => {
    const box = bar.getBoundingClientRect();
    return rules.some((r) => r.right >= box.left - 1 && r.left <= box.right + 1
      && r.bottom >= box.top && r.top <= box.bottom);
  });
}
"""
CAPTION = re.compile(r"Rows (\d+)–(\d+) of (\d+) · page (\d+) of (\d+)")


def scanner_with(api: SandboxAPI, scanner_type: str, minimum: int, **filters: Any) -> str:
    """The id of a demo scanner of that type with at least ``minimum`` matching observations."""
    for scanner in api.list_scanners(scanner_type=scanner_type):
        if api.count_observations(scanner["id"], **filters) >= minimum:
            return str(scanner["id"])
    pytest.fail(f"the demo data has no {scanner_type} with {minimum} observations {filters}")


def table_caption(page: Page) -> re.Match[str]:
    caption = ui.main(page).get_by_text(CAPTION)
    expect(caption).to_be_visible()
    found = CAPTION.search(caption.inner_text())
    assert found is not None
    return found


def expect_table_total(page: Page, total: int) -> None:
    """Wait for the table's caption to count ``total`` rows: the URL of a filter lands before
    the table redraws, so reading the caption right after it can read the old one."""
    expect(ui.main(page).get_by_text(CAPTION)).to_contain_text(f" of {total:,} · ")


def history_table(page: Page) -> Any:
    return ui.main(page).locator(ui.DATAFRAME).first


def no_bar(page: Page) -> Any:
    """The "no" bar of the Verdicts chart (the Ratings section's agreement-by-verdict chart
    has a "no" bar too; only the distribution's says its share of verdicts)."""
    return ui.chart_mark(page, "Verdict: no;").and_(
        page.locator('[aria-label*="Share of verdicts"]')
    )


def mark_count(label: str | None) -> int:
    found = re.search(r"Observations: (\d+)", label or "")
    assert found is not None, label
    return int(found.group(1))


def test_clicking_a_verdict_bar_filters_the_table(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI
) -> None:
    page = viewer.page
    monitor = scanner_with(api, "monitor", 60, verdict="no")
    ui.open_page(page, console.url, "Observations", f"?scanner={monitor}")
    unfiltered = int(table_caption(page).group(3))
    verdicts_no = mark_count(no_bar(page).get_attribute("aria-label"))
    assert 0 < verdicts_no < unfiltered

    no_bar(page).click()
    ui.settle(page)

    expect(page).to_have_url(re.compile(r"[?&]verdict=no(&|$)"))
    expect_table_total(page, verdicts_no)
    rows = ui.grid_records_when(
        history_table(page), lambda rows: {row["Verdict"] for row in rows} == {"no"}
    )
    assert rows and {row["Verdict"] for row in rows} == {"no"}
    ui.assert_no_exception(page)


def test_a_verdict_click_holds_through_other_filters_and_starts_over_once_cleared(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI
) -> None:
    """The verdict chart is redrawn in place while other filters change (issue 14: a new chart
    per click cost ~60 ms), and starts over when its own filter is cleared elsewhere."""
    page = viewer.page
    monitor = scanner_with(api, "monitor", 60, verdict="no")
    ui.open_page(page, console.url, "Observations", f"?scanner={monitor}")
    no_bar(page).click()
    ui.settle(page)
    expect(page).to_have_url(re.compile(r"[?&]verdict=no(&|$)"))

    ui.pick_option(page, "Status", "succ")
    expect(page).to_have_url(re.compile(r"[?&]verdict=no(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]status=succeeded(&|$)"))
    wanted = {("succeeded", "no")}
    rows = ui.grid_records_when(
        history_table(page), lambda rows: {(r["Status"], r["Verdict"]) for r in rows} == wanted
    )
    assert rows and {(row["Status"], row["Verdict"]) for row in rows} == wanted

    ui.main(page).get_by_role("button", name="Clear filters").click()
    ui.settle(page)
    expect(page).not_to_have_url(re.compile(r"[?&](verdict|status)="))
    no_bar(page).click()
    ui.settle(page)
    expect(page).to_have_url(re.compile(r"[?&]verdict=no(&|$)"))
    ui.assert_no_exception(page)


def test_clicking_a_histogram_bucket_filters_the_table(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI
) -> None:
    page = viewer.page
    scorer = scanner_with(api, "scorer", 20, status="succeeded")
    ui.open_page(page, console.url, "Observations", f"?scanner={scorer}")
    buckets = ui.chart_mark(page, "Score: ")
    labels = [
        label or ""
        for label in buckets.evaluate_all("marks => marks.map((m) => m.getAttribute('aria-label'))")
    ]
    # Summary lines (median, p75...) are drawn over some buckets and take their clicks.
    covered = buckets.evaluate_all(_COVERED_BY_A_RULE)
    clickable = [i for i in range(len(labels)) if not covered[i] and mark_count(labels[i])]
    fullest = max(clickable, key=lambda i: mark_count(labels[i]))
    bounds = re.search(r"Score: (−?[\d.]+);.*end: (−?[\d.]+)", labels[fullest])
    assert bounds is not None
    low, high = (float(value.replace("−", "-")) for value in bounds.groups())

    buckets.nth(fullest).click()
    ui.settle(page)

    expect(page).to_have_url(re.compile(r"[?&]bucket="))
    expect_table_total(page, mark_count(labels[fullest]))

    def in_bucket(rows: list[dict[str, str]]) -> bool:
        # .get: a grid caught mid-draw may not have its headers yet; read again.
        return all(row.get("Score") and low <= float(row["Score"]) < high for row in rows)

    rows = ui.grid_records_when(history_table(page), in_bucket)
    assert rows and in_bucket(rows), rows
    ui.assert_no_exception(page)


def test_a_filter_change_clears_the_open_row_and_the_same_row_opens_again(
    console: ConsoleServer, viewer: Viewer, api: SandboxAPI
) -> None:
    """The table is one grid updated in place across filters (issue 14: a remount per click
    cost ~100 ms); the selection must still start empty, or a click on the same row would
    close it instead of opening it."""
    page = viewer.page
    monitor = scanner_with(api, "monitor", 60, verdict="no")
    ui.open_page(page, console.url, "Observations", f"?scanner={monitor}")
    detail = ui.main(page).get_by_text(re.compile(r"^Session \S+ · "))
    ui.click_grid_row(history_table(page), 2)
    ui.settle(page)
    expect(page).to_have_url(re.compile(r"[?&]obs="))
    expect(detail).to_be_visible()

    ui.pick_option(page, "Status", "succ")
    expect(page).to_have_url(re.compile(r"[?&]status=succeeded(&|$)"))
    expect(page).not_to_have_url(re.compile(r"[?&]obs="))
    expect(detail).to_have_count(0)

    ui.click_grid_row(history_table(page), 2)
    ui.settle(page)
    expect(page).to_have_url(re.compile(r"[?&]obs="))
    expect(detail).to_be_visible()
    ui.assert_no_exception(page)


def test_a_shared_url_reproduces_the_view_in_another_browser(
    console: ConsoleServer, make_viewer: Callable[..., Viewer], api: SandboxAPI
) -> None:
    monitor = scanner_with(api, "monitor", 60, verdict="no")
    sharer = make_viewer()
    ui.open_page(sharer.page, console.url, "Observations", f"?scanner={monitor}")
    no_bar(sharer.page).click()
    ui.settle(sharer.page)
    ui.main(sharer.page).get_by_role("button", name="Next page").click()
    ui.settle(sharer.page)
    ui.click_grid_row(history_table(sharer.page), 2)
    ui.settle(sharer.page)
    expect(sharer.page).to_have_url(re.compile(r"[?&]obs="))
    shared_url = sharer.page.url
    shared_caption = table_caption(sharer.page).group(0)
    detail = ui.main(sharer.page).get_by_text(re.compile(r"^Session \S+ · "))
    shared_detail = detail.inner_text()

    receiver = make_viewer()
    receiver.page.goto(shared_url)
    ui.wait_idle(receiver.page)

    assert table_caption(receiver.page).group(0) == shared_caption
    assert table_caption(receiver.page).group(4) == "2"
    received = ui.main(receiver.page).get_by_text(re.compile(r"^Session \S+ · "))
    expect(received).to_have_text(shared_detail)
    assert receiver.page.url == shared_url
    ui.assert_no_exception(receiver.page)


def test_export_downloads_the_whole_filtered_set(
    console: ConsoleServer,
    viewer: Viewer,
    api: SandboxAPI,
    e2e_sandbox: Sandbox,
    unique: Callable[[str], str],
) -> None:
    page = viewer.page
    created = api.create_scanner(
        name=unique("e2e export"),
        scanner_type="monitor",
        scanner_config={"prompt": "Did the user reach the pricing page?"},
        model="gemini-3-flash-preview",
    )
    sessions = e2e_sandbox.sample_sessions("eligible", n=3)
    for session_id in sessions:
        api.observe(created["id"], session_id)
    api.wait_settled(created["id"], expected=len(sessions))

    ui.open_fresh(page, console.url, "Observations", f"?scanner={created['id']}")
    ui.main(page).get_by_text("The whole filtered set", exact=False).click()  # built on opening
    ui.settle(page)
    ui.main(page).get_by_role("tab", name="Export").click()
    ui.settle(page)
    buttons = ui.main(page).locator(ui.DOWNLOAD_BUTTON)
    csv_bytes = ui.download(page, buttons.filter(has_text="Download CSV"))
    parquet_bytes = ui.download(page, buttons.filter(has_text="Download Parquet"))

    from_csv = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig")
    from_parquet = pd.read_parquet(io.BytesIO(parquet_bytes))
    for frame in (from_csv, from_parquet):
        assert sorted(frame["session_id"]) == sorted(sessions)
    stored = {o["session_id"]: o for o in api.list_observations(created["id"])}
    for row in from_parquet.to_dict("records"):
        assert row["status"] == stored[row["session_id"]]["status"]
    for secret in (e2e_sandbox.api_key,):
        assert secret.encode() not in csv_bytes
        assert secret.encode() not in parquet_bytes
    ui.assert_no_exception(page)


# --- issue 13: rating and retrying from an observation's detail (current era) ------------------


def scanned(api: SandboxAPI, sandbox: Sandbox, name: str, kind: str, n: int) -> dict[str, Any]:
    """A new monitor that has scanned ``n`` sessions of ``kind`` (eligible, failing), settled."""
    created = api.create_scanner(
        name=name,
        scanner_type="monitor",
        scanner_config={"prompt": "Did the visitor hit an error?"},
        model="gemini-3-flash-preview",
    )
    for session_id in sandbox.sample_sessions(kind, n=n):
        api.observe(created["id"], session_id)
    api.wait_settled(created["id"], expected=n)
    return created


def test_rating_from_the_detail_updates_the_rating_column_and_the_ratings_charts(
    console: ConsoleServer,
    viewer: Viewer,
    api: SandboxAPI,
    e2e_sandbox: Sandbox,
    unique: Callable[[str], str],
) -> None:
    page = viewer.page
    created = scanned(api, e2e_sandbox, unique("e2e rate"), "eligible", 2)
    target = api.list_observations(created["id"])[0]
    ui.open_fresh(
        page,
        console.url,
        "Observations",
        f"?scanner={created['id']}&obs={target['id']}&ratings=true",
    )
    body = ui.main(page)
    expect(body.get_by_text("No observation of this set is rated yet", exact=False)).to_be_visible()

    ui.field(body, "Feedback (optional)").fill("Right: the <b>error</b> was the checkout")
    body.get_by_role("button", name="👍 Right").click()
    ui.settle(page)

    expect(body.get_by_text("Rated 👍 right", exact=True)).to_be_visible()
    expect(body.get_by_text("1 rated observation: 1 👍, 0 👎 (100% rated right)")).to_be_visible()
    by_day = page.locator(ui.CHART).filter(has_text="Ratings by day")
    expect(by_day.locator('path[aria-label*="Rating: 👍 right"]')).to_have_count(1)
    by_version = page.locator(ui.CHART).filter(has_text="Agreement by scanner version")
    expect(by_version.locator('path[aria-label^="Version: v1"]')).to_have_count(1)
    shown = ui.grid_records_when(
        history_table(page),
        lambda rows: any(row["Session"] == target["session_id"] and row["Rating"] for row in rows),
    )
    rows = {row["Session"]: row for row in shown}
    assert rows[target["session_id"]]["Rating"] == "👍"
    assert {row["Rating"] for s, row in rows.items() if s != target["session_id"]} == {""}
    stored = api.list_observations(created["id"], labeled="true")
    assert [(o["id"], o["label"]["feedback"]) for o in stored] == [
        (target["id"], "Right: the <b>error</b> was the checkout")
    ]
    ui.assert_no_exception(page)


def test_retrying_a_failed_observation_opens_its_replacement(
    console: ConsoleServer,
    viewer: Viewer,
    api: SandboxAPI,
    e2e_sandbox: Sandbox,
    unique: Callable[[str], str],
) -> None:
    page = viewer.page
    created = scanned(api, e2e_sandbox, unique("e2e retry"), "failing", 1)
    (failed,) = api.list_observations(created["id"], status="failed")
    ui.open_fresh(page, console.url, "Observations", f"?scanner={created['id']}&obs={failed['id']}")
    body = ui.main(page)
    expect(body.get_by_text(f"Session {failed['session_id']}", exact=False)).to_be_visible()

    body.get_by_role("button", name="Retry", exact=True).click()
    ui.settle(page)

    (replacement,) = api.list_observations(created["id"], session_id=failed["session_id"])
    assert replacement["id"] != failed["id"] and replacement["triggered_by"] == "retry"
    expect(page).to_have_url(re.compile(rf"[?&]obs={replacement['id']}(&|$)"))
    expect(body.get_by_text(f"Session {failed['session_id']}", exact=False)).to_be_visible()
    expect(page.locator(ui.TOAST).filter(has_text="new observation is open")).to_be_visible()
    ui.assert_no_exception(page)
