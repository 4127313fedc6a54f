"""Untrusted text from the API is inert in the browser.

Scanners are created behind the console's back (plain HTTP to the sandbox) with HTML,
``<script>``, Markdown links and images and ``javascript:`` URLs in every free-text field a
user controls: name, description, prompt, classifier tags and the scorer's scale label. Scans
then copy tags and labels into observations (results and reasoning). Every page that shows them
must render them as literal text: no element is created from them, no script runs, and the
browser never fetches the image URLs (requests to them are intercepted and counted).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e import ui
from tests.e2e.conftest import ConsoleServer, SandboxAPI, Viewer, new_viewer
from vision_console.render import unlink
from vision_sandbox import Sandbox

pytestmark = pytest.mark.e2e

BEACON_HOST = "beacon.invalid"
SCRIPT = "<script>window.__xss=1</script>"


def hostile(where: str) -> str:
    """Every injection shape at once, tagged with where it was put."""
    return (
        f"{SCRIPT}<img src=http://{BEACON_HOST}/beacon-{where}.png onerror=window.__xss=2>"
        f" [xsslink](javascript:window.__xss=3) ![px](http://{BEACON_HOST}/beacon-md-{where}.png)"
        f' <a href="javascript:window.__xss=4">xsslink</a> **bold** :red[red] $x^2$'
    )


def hostile_name(marker: str, kind: str) -> str:
    """The injection shapes that fit a 255-character name."""
    return (
        f"{marker} {kind} {SCRIPT}<img src=http://{BEACON_HOST}/beacon-n.png "
        f"onerror=window.__xss=2> [xsslink](javascript:window.__xss=3) "
        f"![p](http://{BEACON_HOST}/beacon-nm.png)"
    )


HOSTILE_TAGS = [
    SCRIPT,
    f"<img src=http://{BEACON_HOST}/beacon-tag.png onerror=window.__xss=2>",
    "[xsslink](javascript:window.__xss=3)",
    f"![tag](http://{BEACON_HOST}/beacon-tag-md.png)",
]

# What a page may not contain after rendering the hostile text: elements built from it
# (Streamlit rewrites javascript: hrefs to "#", so links are also recognised by their text).
_INJECTED_ELEMENTS = """
() => ({
  scripts: [...document.querySelectorAll('script')]
    .filter((s) => s.textContent.includes('__xss')).length,
  images: [...document.querySelectorAll('img, image, source, video, iframe')]
    .filter((e) => (e.getAttribute('src') || e.getAttribute('href') || '')
      .includes('beacon')).length,
  handlers: [...document.querySelectorAll('[onerror], [onload], [onclick]')]
    .filter((e) => e.outerHTML.includes('__xss')).length,
  scriptLinks: [...document.querySelectorAll('a[href], area[href]')]
    .filter((a) => /^\\s*(javascript|vbscript|data):/i.test(a.getAttribute('href'))).length,
  linksFromText: [...document.querySelectorAll('a[href]')]
    .filter((a) => a.getAttribute('href').includes('beacon')
      || a.textContent.includes('xsslink')).length,
  executed: typeof window.__xss !== 'undefined',
})
"""


@dataclass(frozen=True)
class Hostile:
    marker: str
    classifier: dict[str, Any]
    scorer: dict[str, Any]
    classifier_observation: dict[str, Any]
    scorer_observation: dict[str, Any]
    spare_session: str  # never scanned by these scanners


@pytest.fixture(scope="module")
def hostile_scanners(
    api: SandboxAPI, e2e_sandbox: Sandbox, console: ConsoleServer, browser: Browser
) -> Hostile:
    """A classifier and a scorer full of injection attempts, each with two settled scans.

    Created over plain HTTP, then the console's shared read cache is refreshed once (as a user
    would with Refresh), so every page of this module shows them.
    """
    marker = f"xss{uuid.uuid4().hex[:8]}"
    classifier = api.create_scanner(
        name=hostile_name(marker, "classifier"),
        description=hostile("description"),
        scanner_type="classifier",
        scanner_config={
            "prompt": hostile("prompt"),
            "tags": HOSTILE_TAGS,
            "multi_label": False,  # exactly one tag per scan, so reasoning quotes a hostile one
        },
        model="gemini-3-flash-preview",
    )
    scorer = api.create_scanner(
        name=hostile_name(marker, "scorer"),
        description=hostile("description"),
        scanner_type="scorer",
        scanner_config={
            "prompt": hostile("prompt"),
            "scale": {"min": 0, "max": 10, "label": hostile("label")[:200]},
        },
        model="gemini-3-flash-preview",
    )
    sessions = e2e_sandbox.sample_sessions("eligible", n=3)
    for scanner in (classifier, scorer):
        for session_id in sessions[:2]:
            api.observe(scanner["id"], session_id)
        api.wait_settled(scanner["id"], expected=2)
    first = {
        scanner["id"]: next(
            o for o in api.list_observations(scanner["id"]) if o["status"] == "succeeded"
        )
        for scanner in (classifier, scorer)
    }
    refresher = new_viewer(browser)
    try:
        ui.open_fresh(refresher.page, console.url, "Overview")
    finally:
        refresher.context.close()
    return Hostile(
        marker, classifier, scorer, first[classifier["id"]], first[scorer["id"]], sessions[2]
    )


@dataclass
class Watch:
    """Requests to the beacon host (blocked) and JavaScript dialogs, for one viewer."""

    beacon_requests: list[str]
    dialogs: list[str]


@pytest.fixture
def watched(viewer: Viewer) -> Iterator[Watch]:
    watch = Watch([], [])

    def block(route: Route) -> None:
        watch.beacon_requests.append(route.request.url)
        route.abort()

    viewer.context.route(f"**://{BEACON_HOST}/**", block)
    viewer.page.on(
        "dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss())
    )
    yield watch


def assert_inert(page: Page, viewer: Viewer, watch: Watch) -> None:
    ui.assert_no_exception(page)
    found = page.evaluate(_INJECTED_ELEMENTS)
    assert found == {
        "scripts": 0,
        "images": 0,
        "handlers": 0,
        "scriptLinks": 0,
        "linksFromText": 0,
        "executed": False,
    }, f"hostile text became live markup on {page.url}"
    assert watch.beacon_requests == []
    assert [url for url in viewer.log.request_urls if BEACON_HOST in url] == []
    assert watch.dialogs == []


def test_scanner_list_shows_hostile_scanners_inertly(
    console: ConsoleServer, viewer: Viewer, watched: Watch, hostile_scanners: Hostile
) -> None:
    page = viewer.page
    ui.open_page(page, console.url, "Scanners", f"?q={hostile_scanners.marker}")
    expect(ui.main(page).get_by_text("Showing 1–2 of 2 scanners")).to_be_visible()
    cells = ui.grid_cells(page)
    assert hostile_scanners.classifier["name"] in cells
    assert hostile_scanners.classifier["description"] in cells
    assert_inert(page, viewer, watched)


@pytest.mark.parametrize("kind", ["classifier", "scorer"])
def test_scanner_details_show_hostile_text_literally(
    console: ConsoleServer, viewer: Viewer, watched: Watch, hostile_scanners: Hostile, kind: str
) -> None:
    page = viewer.page
    body = ui.main(page)
    scanner = getattr(hostile_scanners, kind)
    query = f"?q={hostile_scanners.marker}&scanner={scanner['id']}"
    ui.open_page(page, console.url, "Scanners", query)
    body.locator(ui.EXPANDER).filter(has_text="Prompt and recordings filter").click()
    # Shown as written; Markdown-rendered spots carry invisible word joiners that stop
    # bare URLs from being autolinked (vision_console.render.unlink).
    literal_name = body.get_by_text(unlink(scanner["name"]), exact=True).filter(visible=True)
    expect(literal_name.first).to_be_visible()
    expect(body).to_contain_text(hostile("prompt"))
    expect(body).to_contain_text(unlink(hostile("description")))
    assert_inert(page, viewer, watched)


def test_a_scan_result_whose_tag_is_a_markdown_image_fetches_nothing(
    console: ConsoleServer,
    viewer: Viewer,
    watched: Watch,
    api: SandboxAPI,
    e2e_sandbox: Sandbox,
    hostile_scanners: Hostile,
) -> None:
    """The scan result headline shows the model's tags: an image tag must stay text."""
    image_tag = f"![tag](http://{BEACON_HOST}/beacon-result.png)"
    classifier = api.create_scanner(
        name=f"{hostile_scanners.marker} image tag",
        scanner_type="classifier",
        scanner_config={"prompt": "Which tag?", "tags": [image_tag], "multi_label": False},
        model="gemini-3-flash-preview",
    )
    page = viewer.page
    query = f"?q={quote(classifier['name'])}&scanner={classifier['id']}"
    ui.open_page(page, console.url, "Scanners", query)
    ui.field(ui.main(page), "Session id or recording link").fill(hostile_scanners.spare_session)
    ui.main(page).locator(ui.FORM_SUBMIT).filter(has_text="Scan recording").click()
    ui.settle(page)
    tags = ui.main(page).locator(ui.METRIC).filter(has_text="Tags")
    expect(tags).to_be_visible(timeout=60_000)
    expect(ui.main(page)).to_contain_text(f"Best matching: {image_tag}")
    assert_inert(page, viewer, watched)
    expect(tags.locator(ui.METRIC_VALUE)).to_have_text(unlink(image_tag))


@pytest.mark.parametrize("kind", ["classifier", "scorer"])
def test_observations_page_shows_hostile_results_literally(
    console: ConsoleServer,
    viewer: Viewer,
    watched: Watch,
    hostile_scanners: Hostile,
    kind: str,
) -> None:
    page = viewer.page
    scanner = getattr(hostile_scanners, kind)
    observation = getattr(hostile_scanners, f"{kind}_observation")
    query = f"?scanner={scanner['id']}&obs={observation['id']}"
    ui.open_page(page, console.url, "Observations", query)
    body = ui.main(page)
    reasoning = observation["scanner_result"]["model_output"]["reasoning"]
    expect(body.get_by_text(reasoning, exact=True).first).to_be_visible()
    if kind == "scorer":
        expect(body).to_contain_text(hostile("label")[:200])
    assert_inert(page, viewer, watched)


@pytest.mark.parametrize("name", ["Overview", "Estimate"])
def test_other_pages_keep_hostile_names_inert(
    console: ConsoleServer,
    viewer: Viewer,
    watched: Watch,
    hostile_scanners: Hostile,
    name: str,
) -> None:
    page = viewer.page
    query = f"?scanner={quote(hostile_scanners.classifier['id'])}" if name == "Estimate" else ""
    ui.open_page(page, console.url, name, query)
    if name == "Estimate":
        picked = ui.main(page).get_by_role("combobox", name="Start from")
        expect(picked).to_have_value(hostile_scanners.classifier["name"])
    assert_inert(page, viewer, watched)
