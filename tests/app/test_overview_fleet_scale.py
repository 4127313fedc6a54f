"""The Overview on a fleet of 1,000 scanners: a first load of a few dozen requests, not 1,000.

Each scanner's activity costs two requests, so it is loaded for the page of the table in view;
the fleet's figures come from the lists. Requests are counted at the sandbox (its request log
counts every HTTP call), on a private sandbox grown to 1,000 scanners.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import make_app
from vision_api import VisionClient
from vision_console import cache
from vision_console.overview import fleet_table, progressive
from vision_sandbox import Sandbox

FLEET = 1000
FIRST_LOAD_BUDGET = 60
STATS_PATH = "/observations/stats/"


@pytest.fixture(scope="module")
def big_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", scanners=FLEET, scan_delay=0.05) as sb:
        yield sb


@pytest.fixture(autouse=True)
def _code_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code version is part of every cache key; source edited elsewhere while this runs
    must not look like a new deployment (which rightly refetches everything)."""
    monkeypatch.setattr(cache, "code_version", lambda: "fleet-scale-test")


def scanner_ids_with_stats(sb: Sandbox) -> list[str]:
    return [
        entry.path.split("/scanners/")[1].split("/")[0]
        for entry in sb.requests.entries
        if STATS_PATH in entry.path
    ]


def overview(sb: Sandbox) -> AppTest:
    at = make_app(sb)
    assert not at.exception, at.exception
    return at


def test_first_load_of_a_thousand_scanners_sends_at_most_sixty_requests(
    big_sandbox: Sandbox,
) -> None:
    big_sandbox.requests.clear()
    at = overview(big_sandbox)
    sent = big_sandbox.requests.count()
    assert sent <= FIRST_LOAD_BUDGET, [e.path for e in big_sandbox.requests.entries]
    assert len(scanner_ids_with_stats(big_sandbox)) == progressive.PAGE_SIZE
    table = at.dataframe[0].value
    assert len(table) == progressive.PAGE_SIZE
    assert list(table["est_credits"]) == sorted(table["est_credits"], reverse=True)
    assert table["observations_total"].notna().all()  # the page in view has its activity
    captions = " ".join(c.value for c in at.caption)
    assert f"Activity loaded for 20 of {FLEET:,} scanners" in captions
    assert f"Scanners 1–20 of {FLEET:,}" in captions
    # The fleet's month covers every scanner, from the list alone.
    with VisionClient(
        base_url=big_sandbox.base_url,
        project_id=big_sandbox.project_id,
        api_key=big_sandbox.api_key,
    ) as client:
        scanners = list(client.scanners.iter(page_size=1000))
    assert len(scanners) == FLEET
    expected = sum(s.estimated_monthly_credits or 0 for s in scanners if s.enabled)
    shown = next(m.value for m in at.metric if m.label == "Estimated credits / month")
    assert shown == f"{expected:,}"
    big_sandbox.requests.clear()
    at.run()
    assert big_sandbox.requests.count() == 0


def test_the_next_page_loads_only_its_own_scanners(big_sandbox: Sandbox) -> None:
    at = overview(big_sandbox)
    first = set(at.dataframe[0].value["id"])
    big_sandbox.requests.clear()
    at.number_input(key=fleet_table.PAGE_KEY).set_value(2).run()
    assert not at.exception
    second = list(at.dataframe[0].value["id"])
    assert len(second) == progressive.PAGE_SIZE and not first & set(second)
    assert sorted(scanner_ids_with_stats(big_sandbox)) == sorted(second)
    assert big_sandbox.requests.count() <= 2 * progressive.PAGE_SIZE
    assert any("40 of 1,000 scanners" in c.value for c in at.caption)


def test_a_second_viewer_of_the_same_key_sends_no_request(big_sandbox: Sandbox) -> None:
    overview(big_sandbox)
    big_sandbox.requests.clear()
    overview(big_sandbox)
    assert big_sandbox.requests.count() == 0


@pytest.fixture(scope="module")
def small_fleet() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", scanners=45, scan_delay=0.05) as sb:
        yield sb


def test_load_the_rest_fetches_every_other_scanner_a_chunk_per_step_then_redraws(
    small_fleet: Sandbox,
) -> None:
    at = overview(small_fleet)
    assert any("20 of 45 scanners" in c.value for c in at.caption)
    small_fleet.requests.clear()
    at.button(key="overview_load_rest").click().run()
    assert not at.exception, at.exception
    steps = 1
    while any(p for p in at.get("progress")) and steps < 10:
        at.run()  # each fragment run fetches one chunk (the timer does it in a browser)
        assert not at.exception, at.exception
        steps += 1
    fetched = scanner_ids_with_stats(small_fleet)
    assert len(fetched) == len(set(fetched)) == 25  # each other scanner once, none again
    assert not at.get("progress")
    assert not any("of 45 scanners" in c.value for c in at.caption)  # all loaded
    assert not any(b.key == "overview_load_rest" for b in at.button)


def test_stop_ends_loading_the_rest_and_keeps_what_was_loaded(small_fleet: Sandbox) -> None:
    at = overview(small_fleet)  # a new viewer: its own "loaded so far", the shared cache behind
    at.button(key="overview_load_rest").click().run()
    assert any(p for p in at.get("progress"))
    at.button(key=progressive.STOP_KEY).click().run()
    assert not at.exception, at.exception
    assert not at.get("progress")
    caption = next(c.value for c in at.caption if "of 45 scanners" in c.value)
    assert "40 of 45 scanners" in caption  # the page, and the one chunk loaded before Stop
