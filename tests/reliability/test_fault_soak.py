"""Fault soak: the whole console walked while the API fails a third of its requests.

The sandbox answers 20 % of requests with 503, 10 % with 429 (Retry-After: 1 s) and delays every
request by 200 ms. A scripted viewer goes through every page, creates and edits a scanner, and
checks that each page shows exactly what the API holds; like a person, it re-runs a page that
says a failure was temporary and presses save again after a failed save. Nothing may raise, and
no write may be sent twice: each press of save sends at most one write, and exactly one create
and one update succeed. The client's retries that absorbed faults are counted from its log.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.reliability.conftest import RetryLog
from tests.reliability.walk import SCANNERS_PATH, Viewer, form_key, metric
from vision_api import VisionClient
from vision_console import models_catalog, sampling_modes
from vision_sandbox import Sandbox
from vision_sandbox.faults import InjectedFault

pytestmark = pytest.mark.timeout(240)

LATENCY_MS, RATE_503, RATE_429, RETRY_AFTER_S = 200, 0.20, 0.10, 1
EXPLORED = "Checkout friction"


@pytest.fixture(scope="module")
def soak_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", scan_delay=0.05, era="current") as sb:
        yield sb


@dataclass(frozen=True)
class Truth:
    """What the API holds, read before any fault is injected."""

    enabled: int
    total: int
    names: frozenset[str]
    first_page: list[str]
    explored_id: str
    explored_total: int
    explored_sessions: list[str]
    matched_sessions: int


def read_truth(sandbox: Sandbox) -> Truth:
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as client:
        scanners = list(client.scanners.iter())
        stats = client.scanners.stats()
        explored = next(s for s in scanners if s.name == EXPLORED)
        # A new draft is estimated with the current era's default coverage, as the page does.
        estimate = client.scanners.estimate(
            query={},
            model=models_catalog.DEFAULT_MODEL,
            sampling_mode=sampling_modes.DEFAULT_FOR_NEW,
        )
        return Truth(
            enabled=stats.enabled,
            total=stats.total,
            names=frozenset(s.name for s in scanners),
            first_page=[s.name for s in client.scanners.list(order_by="name", limit=50).items],
            explored_id=explored.id,
            explored_total=client.observations.stats(explored.id).status_counts.total,
            explored_sessions=[
                o.session_id
                for o in client.observations.list(explored.id, order_by="-created_at", limit=50)
            ],
            matched_sessions=estimate.matched_sessions_in_window,
        )


def fail_the_first_create(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer the first create (``POST .../scanners/``) with a 503, whatever else is sent.

    ``fail_next`` matches paths by substring, and the live form's cost box POSTs to
    ``.../scanners/estimate/`` before any save, which would take the fault instead.
    """
    faults = sandbox.faults
    decide, left = faults.decide, [1]

    def deciding(method: str, path: str) -> InjectedFault:
        fault = decide(method, path)
        if left[0] and method == "POST" and path.split("?", 1)[0].endswith(SCANNERS_PATH):
            left[0] -= 1
            return dataclasses.replace(fault, status=503, retry_after=None)
        return fault

    monkeypatch.setattr(faults, "decide", deciding)


def successes(sandbox: Sandbox, method: str, path_end: str) -> int:
    return sum(
        1
        for e in sandbox.requests.entries
        if e.method == method and e.path.endswith(path_end) and 200 <= e.status < 300
    )


def sent(sandbox: Sandbox, method: str, path_end: str) -> int:
    return sum(
        1 for e in sandbox.requests.entries if e.method == method and e.path.endswith(path_end)
    )


def test_every_page_shows_the_right_data_and_writes_once_under_faults(
    soak_sandbox: Sandbox,
    retry_log: RetryLog,
    record_property: pytest.RecordProperty,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    truth = read_truth(soak_sandbox)
    name = f"Soak {uuid.uuid4().hex[:8]}"
    soak_sandbox.requests.clear()
    soak_sandbox.faults.configure(
        latency_ms=LATENCY_MS, rate_503=RATE_503, rate_429=RATE_429, retry_after=RETRY_AFTER_S
    )
    # Whatever the dice say, the first create and the first update fail: writes are never
    # retried by the client, so the viewer must see why and press save again.
    fail_the_first_create(soak_sandbox, monkeypatch)
    soak_sandbox.faults.fail_next(1, status=429, method="PATCH", retry_after=RETRY_AFTER_S)
    try:
        viewer = Viewer(soak_sandbox)
        at = viewer.settle("overview")
        assert metric(at, "Enabled scanners") == f"{truth.enabled} / {truth.total}"
        assert set(at.dataframe[0].value["name"]) == truth.names

        at = viewer.open("scanners")
        assert list(at.dataframe[0].value["Name"]) == truth.first_page

        at.button(key="scanners.new").click().run()
        at.button(key="scanners.template.blank").click().run()
        at.text_input(key=form_key(at, "name")).set_value(name)
        at.text_area(key=form_key(at, "prompt")).set_value("Did the user give up at checkout?")
        create_presses = viewer.submit_until_saved(
            "create", lambda at: "scanners.form" not in at.session_state
        )
        created_id = at.query_params["id"]  # a new scanner opens on its own page
        at = viewer.follow("scanner")
        assert at.query_params["id"] == created_id

        at.button(key="scanner.edit").click().run()
        at = viewer.follow("scanners")  # the form is on the Scanners page
        at.text_area(key=form_key(at, "description")).set_value("Edited under faults")
        edit_presses = viewer.submit_until_saved(
            "edit", lambda at: "scanners.form" not in at.session_state
        )
        viewer.settle("after edit")

        at = viewer.open("observations", scanner=truth.explored_id)
        assert metric(at, "Observations") == f"{truth.explored_total:,}"
        table = next(f.value for f in at.dataframe if "Session" in f.value.columns)
        assert list(table["Session"]) == truth.explored_sessions

        at = viewer.open("estimate")
        assert metric(at, "Matching sessions") == f"{truth.matched_sessions:,}"
        before = len(soak_sandbox.requests.entries)
        at.slider(key="estimate:draft:rate_slider").set_value(42.0).run()
        assert not at.exception
        assert len(soak_sandbox.requests.entries) == before  # a rate move sends nothing
    finally:
        soak_sandbox.faults.reset()

    create_path, item_path = SCANNERS_PATH, f"{SCANNERS_PATH}{created_id}/"
    assert create_presses >= 2 and edit_presses >= 2
    assert successes(soak_sandbox, "POST", create_path) == 1
    assert sent(soak_sandbox, "POST", create_path) == create_presses
    assert successes(soak_sandbox, "PATCH", item_path) == 1
    assert sent(soak_sandbox, "PATCH", item_path) <= edit_presses
    with VisionClient(
        base_url=soak_sandbox.base_url,
        project_id=soak_sandbox.project_id,
        api_key=soak_sandbox.api_key,
    ) as client:
        matching = client.scanners.list(search=name).items
        assert [s.id for s in matching] == [created_id]
        assert matching[0].description == "Edited under faults"

    log = soak_sandbox.requests.entries
    injected = sum(1 for e in log if e.status in (429, 503))
    figures = {
        "requests": len(log),
        "injected_faults": injected,
        "client_retries": retry_log.retried,
        "client_gave_up": retry_log.gave_up,
        "viewer_reruns": viewer.reruns,
        "create_presses": create_presses,
        "edit_presses": edit_presses,
    }
    for key, value in figures.items():
        record_property(key, value)
    print(f"\nfault soak: {figures}")
    assert retry_log.retried > 0  # faults were met and absorbed, not dodged
