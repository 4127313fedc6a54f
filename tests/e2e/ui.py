"""Everything the browser tests know about Streamlit's DOM, in one place.

Streamlit's ``data-testid`` attributes are not a public API: when an upgrade renames one, this is
the only file to touch. Helpers here wait for Streamlit's own "script finished" signal instead of
sleeping, so the tests stay fast on a loaded machine and never assert on wall-clock time.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# --- selectors (Streamlit 1.67) ---------------------------------------------------------------
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
APP_RUNNING = (
    '[data-testid="stApp"]:is([data-test-script-state="running"], '
    '[data-test-script-state="rerunRequested"])'
)
APP_CONNECTED = '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
SKELETON = '[data-testid="stSkeleton"]'
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
SIDEBAR_NAV = ".st-key-console_nav"  # vision_console.navigation.NAV_KEY
EXCEPTION = '[data-testid="stException"]'
ALERT = '[data-testid="stAlert"]'
ALERT_ERROR = '[data-testid="stAlertContentError"]'
TOAST = '[data-testid="stToast"]'
DIALOG = '[role="dialog"]'
EXPANDER = '[data-testid="stExpander"]'
DATAFRAME = '[data-testid="stDataFrame"]'
CHART = '[data-testid="stVegaLiteChart"]'
METRIC = '[data-testid="stMetric"]'
METRIC_VALUE = '[data-testid="stMetricValue"]'
SLIDER_THUMB = '[data-testid="stSlider"] input[type="range"]'
DOWNLOAD_BUTTON = '[data-testid="stDownloadButton"]'
FORM_SUBMIT = '[data-testid^="stBaseButton-"][data-testid$="FormSubmit"]'
ELEMENT = '[data-testid="stElementContainer"]'
MULTISELECT_PILL = '[data-testid="stMultiSelect"] [data-tag]:visible'  # one picked option

DEFAULT_TIMEOUT_MS = 30_000
GRID_REDRAW_TIMEOUT_MS = 5_000
RERUN_START_GRACE_MS = 1_500
GRID_ROW_HEIGHT = 35  # Streamlit's default dataframe row (and header) height, in CSS pixels

# Page paths as app.py registers them (st.Page derives each URL from the file name).
PAGE_PATHS = {
    "Overview": "",
    "Scanners": "scanners",
    "Observations": "observations",
    "Estimate": "estimate",
    "Scanner": "scanner",  # one scanner's page: not in the sidebar, opened as ?id=<uuid>
}
NAV_PAGES = ["Overview", "Scanners", "Observations", "Estimate"]
"""The pages the sidebar links to (vision_console.navigation.PAGES), in its order."""


# --- waiting -----------------------------------------------------------------------------------
def wait_idle(page: Page, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until the websocket is connected, the script run finished and no skeleton remains."""
    page.wait_for_selector(APP_CONNECTED, timeout=timeout)
    page.wait_for_selector(APP_IDLE, timeout=timeout)
    expect(page.locator(SKELETON)).to_have_count(0, timeout=timeout)


def open_page(page: Page, base_url: str, name: str, query: str = "") -> None:
    """Load one console page by its sidebar title (optionally with a query string) and settle."""
    path = PAGE_PATHS[name]
    url = f"{base_url}/{path}"
    if query:
        url += query if query.startswith("?") else f"?{query}"
    page.goto(url)
    wait_idle(page)


def open_scanner_page(page: Page, base_url: str, scanner_id: object) -> None:
    """Open one scanner's own page by its URL (``/scanner?id=<uuid>``), as a shared link does."""
    open_page(page, base_url, "Scanner", f"id={scanner_id}")


def open_fresh(page: Page, base_url: str, name: str, query: str = "") -> None:
    """Open a page after pressing the Scanners page's Refresh, as a user does after changing
    data elsewhere: cached reads are shared per credential for up to a minute, so data a test
    arranged over plain HTTP is otherwise not guaranteed to show yet."""
    open_page(page, base_url, "Scanners")
    main(page).get_by_role("button", name="Refresh").click()
    settle(page)
    open_page(page, base_url, name, query)


def click_nav(page: Page, name: str) -> None:
    """Switch page the way a viewer does: through the sidebar navigation."""
    page.locator(SIDEBAR_NAV).get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(rf"/{PAGE_PATHS[name]}(\?.*)?$"))
    # The URL changes as the new page's run starts, a message before the frontend marks the
    # script running: waiting for idle at once could see the previous run's "not running".
    settle(page)


def settle(page: Page) -> None:
    """After an interaction: wait for the rerun it triggers to start, then to finish.

    A rerun that finished before the watch began is missed only after a short grace period,
    so a slow machine costs time, never correctness.
    """
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_selector(APP_RUNNING, timeout=RERUN_START_GRACE_MS)
    wait_idle(page)


# --- content -----------------------------------------------------------------------------------
def main(page: Page) -> Locator:
    return page.locator(MAIN)


def sidebar(page: Page) -> Locator:
    return page.locator(SIDEBAR)


def exceptions(page: Page) -> Locator:
    """Streamlit's red exception boxes (an uncaught error in a page script)."""
    return page.locator(EXCEPTION)


def assert_no_exception(page: Page) -> None:
    """Fail with the exception's own text, so a broken page says why."""
    boxes = exceptions(page)
    texts = boxes.all_inner_texts() if boxes.count() else []
    assert texts == [], f"the page shows an exception: {texts}"


def grid_cells(page: Page) -> list[str]:
    """Text of every drawn cell of the page's first ``st.dataframe`` (see ``grid_records``)."""
    frame = page.locator(DATAFRAME).first
    frame.scroll_into_view_if_needed()
    frame.locator('tbody [role="row"]').first.wait_for(state="attached")
    return [text.strip() for text in frame.locator('[role="gridcell"]').all_inner_texts()]


def grid_records(frame: Locator) -> list[dict[str, str]]:
    """The rendered rows of one ``st.dataframe`` as {column header: cell text}.

    The grid draws on a canvas and mirrors only the rows it has drawn into an accessible
    table, so this is the visible window of rows (scroll the frame into view first).
    """
    frame.scroll_into_view_if_needed()
    frame.locator('tbody [role="row"]').first.wait_for(state="attached")
    headers = frame.locator('[role="columnheader"]').all_inner_texts()
    records = []
    for row in frame.locator('tbody [role="row"]').all():
        cells = row.locator('[role="gridcell"]').all_inner_texts()
        records.append(dict(zip(headers, cells, strict=False)))
    return records


def grid_records_when(
    frame: Locator,
    accept: Callable[[list[dict[str, str]]], bool],
    timeout_ms: float = GRID_REDRAW_TIMEOUT_MS,
) -> list[dict[str, str]]:
    """``grid_records`` once ``accept`` holds for them, or as last read when the time is up
    (the caller's assertion then says what the grid showed).

    A grid given new data in place (the same widget, the same place) mirrors its new rows
    into the accessible table on its next draw, a moment after the rerun has ended.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        rows = grid_records(frame)
        if accept(rows) or time.monotonic() > deadline:
            return rows
        frame.page.wait_for_timeout(100)


def chart_mark(page: Page, aria_label_prefix: str) -> Locator:
    """A Vega-Lite mark (bar, bucket) by the start of its accessible label, e.g. "Verdict: no;"."""
    return page.locator(CHART).locator(f'path[aria-label^="{aria_label_prefix}"]')


def click_grid_row(frame: Locator, index: int) -> None:
    """Select data row ``index`` of a selectable ``st.dataframe`` by clicking its row marker.

    The grid is a canvas: the click goes to the marker column at the row's position.
    """
    frame.scroll_into_view_if_needed()
    frame.locator('tbody [role="row"]').nth(index).wait_for(state="attached")
    frame.click(position={"x": 18, "y": GRID_ROW_HEIGHT * (index + 1.5)})


def field(scope: Page | Locator, label: str) -> Locator:
    """The input, text area or number box labelled exactly ``label``."""
    return scope.get_by_label(label, exact=True).and_(scope.locator("input, textarea"))


def set_text(page: Page, label: str, value: str) -> None:
    """Type into a text input outside a form and commit it (Enter), then wait for the rerun."""
    box = field(main(page), label)
    box.fill(value)
    box.press("Enter")
    settle(page)


def choose_segment(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in a segmented control (clicking the picked one would clear it)."""
    choice = main(page).get_by_role("radiogroup", name=label).get_by_role("radio", name=option)
    if choice.get_attribute("aria-checked") != "true":
        choice.click()
        settle(page)


def choose_radio(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the ``st.radio`` labelled ``label`` (a no-op when already picked)."""
    group = main(page).get_by_role("radiogroup", name=label)
    choice = group.get_by_role("radio", name=option, exact=True)
    if not choice.is_checked():
        group.locator("label").filter(has_text=re.compile(rf"^{re.escape(option)}$")).click()
        settle(page)
    expect(choice).to_be_checked()


def pick_option(page: Page, label: str, typed: str) -> None:
    """Type into a select or multiselect, click the first option that matches, close it, settle.

    The click waits for the filtered option to be drawn: pressing Enter instead picks nothing
    when a loaded machine has not drawn the list yet (it failed that way once in CI).
    """
    wait_idle(page)
    box = main(page).get_by_role("combobox", name=label)
    box.click()
    box.fill(typed)
    page.get_by_role("option").filter(
        has_text=re.compile(re.escape(typed), re.IGNORECASE)
    ).first.click()
    page.keyboard.press("Escape")
    settle(page)


def combobox_options(page: Page, label: str, typed: str) -> list[str]:
    """Open the select box labelled ``label``, type ``typed`` to filter it, read its options."""
    box = main(page).get_by_role("combobox", name=label)
    box.click()
    box.fill(typed)
    options = page.get_by_role("option")
    with contextlib.suppress(PlaywrightTimeoutError):
        options.first.wait_for(timeout=3_000)
    texts = [text.strip() for text in options.all_inner_texts()]
    box.press("Escape")
    return texts


def wait_for_charts(page: Page) -> None:
    """Wait until every Vega-Lite chart on the page has drawn its marks (for screenshots)."""
    for chart in page.locator(CHART).all():
        chart.scroll_into_view_if_needed()
        chart.locator("svg .role-mark").first.wait_for(state="attached")
    page.evaluate(_SCROLL_EVERYTHING_TO_TOP)


_SCROLL_EVERYTHING_TO_TOP = """
() => document.querySelectorAll('*').forEach((el) => { if (el.scrollTop) el.scrollTop = 0; })
"""


def is_cut(element: Locator) -> bool:
    """Whether any text inside ``element`` is clipped (wider than the box that shows it)."""
    return bool(
        element.evaluate(
            "el => [el, ...el.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)"
        )
    )


def error_under(page: Page, label: str) -> Locator:
    """An error alert placed right under the widget labelled ``label`` (within the next two
    elements, as a caption such as a character counter may sit in between)."""
    widget = main(page).locator(ELEMENT).filter(has=page.get_by_label(label, exact=True))
    return widget.locator("xpath=following-sibling::*[position() <= 2]").locator(ALERT_ERROR)


# --- sidebar connection --------------------------------------------------------------------------
def connect(page: Page, host: str, project_id: int | str, api_key: str) -> None:
    """Fill and submit the sidebar "Connect to PostHog" form, then wait for the rerun."""
    bar = sidebar(page)
    wait_idle(page)  # a run still drawing the sidebar would redraw the fields being typed into
    expander = bar.locator(EXPANDER).filter(has_text="Connect to PostHog")
    if not bar.get_by_label("Personal API key", exact=True).is_visible():
        expander.locator("summary").click()
        settle(page)
    typed = {"Host": host, "Project id": str(project_id), "Personal API key": api_key}
    for label, value in typed.items():
        bar.get_by_label(label, exact=True).fill(value)
    for label, value in typed.items():
        expect(bar.get_by_label(label, exact=True), f"{label} lost what was typed").to_have_value(
            value
        )
    bar.locator(FORM_SUBMIT).filter(has_text="Connect").click()
    settle(page)


# --- downloads -----------------------------------------------------------------------------------
def download(page: Page, button: Locator) -> bytes:
    """Click a download button and return the downloaded file's bytes."""
    with page.expect_download() as info:
        button.click()
    path = info.value.path()
    return Path(path).read_bytes()
