"""Outage: the API goes away mid-session and comes back on the same address.

The sandbox is stopped under a live console session, then restarted on the same port with the
same database. While it is down every page must say the API is unreachable (and raise nothing);
once it is back, the next run of each page shows its data again without reconnecting; a scanner
form being filled in keeps every value through a failed save and saves once the API returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from tests.reliability.walk import (
    SCANNERS_PATH,
    Viewer,
    assert_no_exception,
    form_key,
    page_path,
    problems,
    says,
)
from vision_api import VisionClient
from vision_api import _client as vision_client
from vision_console import cache, connection
from vision_console.scanners import form_panel as form_view
from vision_sandbox import Sandbox

pytestmark = pytest.mark.timeout(240)

PAGES = ("overview", "scanners", "observations", "estimate")
UNREACHABLE = "The API is unreachable."


class Outage:
    """A sandbox that can be stopped and started again at the same address and database."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.sandbox = Sandbox.start(db_path=db_path, seed="demo", scan_delay=0.05)
        self.port = self.sandbox.port

    def stop(self) -> None:
        self.sandbox.stop()

    def restart(self) -> Sandbox:
        self.sandbox = Sandbox.start(
            db_path=self.db_path, seed="demo", port=self.port, scan_delay=0.05
        )
        return self.sandbox


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    made = Outage(tmp_path_factory.mktemp("outage") / "outage.sqlite3")
    yield made
    made.sandbox.stop()


@pytest.fixture(autouse=True)
def _short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's backoff, a tenth as long: a dead host is retried the same number of times
    (the client's tests check the delays), but the suite does not sleep through them."""
    real = vision_client.retry_delay

    def shorter(attempt: int, retry_after: float | None, *, jitter: float) -> float:
        return real(attempt, retry_after, jitter=jitter) / 10

    monkeypatch.setattr(vision_client, "retry_delay", shorter)


def forget_cached_reads(sandbox: Sandbox) -> None:
    """What time does to a session during a long outage: every cached read has expired."""
    st.cache_data.clear()
    cache.invalidate(connection.fingerprint(sandbox.base_url, sandbox.project_id, sandbox.api_key))


def show(viewer: Viewer, page: str) -> None:
    viewer.at.switch_page(page_path(page)).run()
    assert_no_exception(viewer.at, page)


def test_every_page_says_unreachable_then_recovers_by_itself(outage: Outage) -> None:
    viewer = Viewer(outage.sandbox)
    for page in PAGES:
        show(viewer, page)
        assert not problems(viewer.at), f"{page}: {problems(viewer.at)}"

    outage.stop()
    forget_cached_reads(outage.sandbox)
    for page in PAGES:
        show(viewer, page)
        assert says(viewer.at, UNREACHABLE), f"{page}: {problems(viewer.at)}"

    outage.restart()
    for page in PAGES:
        show(viewer, page)
        assert not problems(viewer.at), f"{page} after the API returned: {problems(viewer.at)}"
        assert viewer.at.metric or viewer.at.dataframe, f"{page} shows no data"


def test_a_form_keeps_its_values_through_the_outage_and_saves_once(outage: Outage) -> None:
    viewer = Viewer(outage.sandbox, page="scanners")
    at = viewer.at
    at.button(key="scanners.new").click().run()
    at.button(key="scanners.template.blank").click().run()
    typed = {
        "name": "Written during an outage",
        "prompt": "Did the user leave before paying?",
        "description": "Typed while the API was down",
    }
    at.text_input(key=form_key(at, "name")).set_value(typed["name"])
    at.text_area(key=form_key(at, "prompt")).set_value(typed["prompt"])
    at.text_area(key=form_key(at, "description")).set_value(typed["description"])

    outage.stop()
    at.button(key=form_key(at, "submit")).click().run()
    assert_no_exception(at, "save during the outage")
    assert says(at, UNREACHABLE), problems(at)
    assert at.text_input(key=form_key(at, "name")).value == typed["name"]
    assert at.text_area(key=form_key(at, "prompt")).value == typed["prompt"]
    assert at.text_area(key=form_key(at, "description")).value == typed["description"]

    sandbox = outage.restart()
    presses = viewer.submit_until_saved(
        "save after the outage",
        lambda at: form_view.SESSION_KEY not in at.session_state and not problems(at),
    )
    created = [
        e
        for e in sandbox.requests.entries
        if e.method == "POST" and e.path.endswith(SCANNERS_PATH) and e.status == 201
    ]
    assert len(created) == 1
    assert presses <= 2  # a stale pooled connection may cost one press, never a duplicate
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as client:
        saved = client.scanners.list(search=typed["name"]).items
        assert [(s.name, s.description) for s in saved] == [(typed["name"], typed["description"])]
