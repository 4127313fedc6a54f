"""Retrying failed observations on today's API (issue 13), in AppTest against the sandbox over
real HTTP: every failed one of the filter after an inline confirmation that states the count
and the cost (credits and dollars), and one from its detail, which then opens the session's
new observation (the server deletes the failed row) or closes with a notice.

Each test makes its own scanner with hand-inserted failed rows of sessions that scan cleanly,
so it never uses up the demo's failed rows other tests read.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from tests.sandbox.conftest import insert_observations, now_iso
from vision_api import Observation, Scanner, VisionClient
from vision_console import format as fmt
from vision_sandbox import Sandbox

from .conftest import AppFactory, make_app
from .test_observations_page import metrics, open_page

pytestmark = pytest.mark.timeout(300)
PRICE = 5
"""Credits per observation of gemini-3-flash-preview, the model these scanners use."""


@dataclass(frozen=True)
class Failing:
    """A scanner with failed observations (newest first) of sessions that scan cleanly."""

    scanner: Scanner
    ids: list[str]
    sessions: list[str]


MakeFailing = Callable[..., Failing]


def _client(sb: Sandbox) -> VisionClient:
    return VisionClient(base_url=sb.base_url, project_id=sb.project_id, api_key=sb.api_key)


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Iterator[VisionClient]:
    with _client(sandbox) as c:
        yield c


def _failing_maker(sb: Sandbox, client: VisionClient) -> Iterator[MakeFailing]:
    made: list[str] = []

    def make(count: int) -> Failing:
        scanner = client.scanners.create(
            name=f"obs-test-retry-{uuid.uuid4().hex[:8]}",
            scanner_type="monitor",
            scanner_config={"prompt": "Did the visitor hit an error?"},
            model="gemini-3-flash-preview",
            enabled=False,
        )
        made.append(scanner.id)
        sessions = sb.sample_sessions("eligible", count)
        rows = [
            {"status": "failed", "session_id": session, "created_at": now_iso(hours=n + 1)}
            for n, session in enumerate(sessions)
        ]
        return Failing(scanner, insert_observations(sb, scanner.id, rows), sessions)

    yield make
    for scanner_id in made:
        client.scanners.delete(scanner_id)


@pytest.fixture
def failing(sandbox: Sandbox, client: VisionClient) -> Iterator[MakeFailing]:
    yield from _failing_maker(sandbox, client)


def clicked(at: AppTest, button: str) -> AppTest:
    at.button(key=button).click().run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown source as it reads (the console escapes what it interpolates)."""
    return markdown.replace("\\", "")


def session_rows(client: VisionClient, scanner_id: str, session: str) -> list[Observation]:
    return list(client.observations.list(scanner_id, session_id=session).items)


def retried(client: VisionClient, scanner_id: str, sessions: list[str]) -> dict[str, str]:
    """Each session's observation made by a retry, waiting for the scans to create them."""
    deadline = time.monotonic() + 20
    while True:
        found = {
            item.session_id: item.id
            for item in client.observations.list(scanner_id, limit=100).items
            if item.triggered_by == "retry"
        }
        if set(found) >= set(sessions) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


# --- every failed observation of the filter ---------------------------------------------------


def test_retry_all_failed_confirms_count_and_cost_then_retries_each(
    app: AppFactory, client: VisionClient, failing: MakeFailing
) -> None:
    made = failing(3)
    at = open_page(app, scanner=made.scanner.id)
    assert metrics(at)["Failed"] == "3"
    assert at.button(key="observations.retry_all").label == "Retry 3 failed observations"
    assert not any("oldest first?" in m.value for m in at.markdown)  # nothing asked yet

    clicked(at, "observations.retry_all")
    question = [plain(m.value) for m in at.markdown if "oldest first?" in m.value]
    assert question == [
        "Retry **3 failed observations** of the current filter, oldest first? This costs "
        f"**up to {fmt.credits_and_money(3 * PRICE)}**."
    ]
    statuses = {o.status for o in client.observations.list(made.scanner.id).items}
    assert statuses == {"failed"}  # asking sent nothing

    clicked(at, "observations.retry_all_confirm")
    assert (
        "Retried 3 of 3 failed observations. Their new observations appear as the scans start."
        in [plain(i.value) for i in at.info]
    )
    assert not any("oldest first?" in m.value for m in at.markdown)  # the step closed
    remaining = {o.id for o in client.observations.list(made.scanner.id, limit=100).items}
    assert remaining.isdisjoint(made.ids)  # each failed row was replaced by the server
    assert set(retried(client, made.scanner.id, made.sessions)) == set(made.sessions)


def test_cancel_closes_the_confirmation_without_retrying(
    app: AppFactory, client: VisionClient, failing: MakeFailing
) -> None:
    made = failing(2)
    at = clicked(open_page(app, scanner=made.scanner.id), "observations.retry_all")
    assert any("oldest first?" in m.value for m in at.markdown)
    clicked(at, "observations.retry_all_cancel")
    assert not any("oldest first?" in m.value for m in at.markdown)
    assert {o.id for o in client.observations.list(made.scanner.id).items} == set(made.ids)


def test_retries_the_server_refuses_are_counted_with_their_reason(
    app: AppFactory, client: VisionClient, sandbox: Sandbox, failing: MakeFailing
) -> None:
    made = failing(3)
    at = clicked(open_page(app, scanner=made.scanner.id), "observations.retry_all")
    sandbox.faults.fail_next(1, 409, path_contains="/retry", method="POST")
    clicked(at, "observations.retry_all_confirm")
    (summary,) = [plain(i.value) for i in at.info if "Retried" in i.value]
    assert summary.startswith("Retried 2 of 3 failed observations. Not retried: 1 × ")
    assert summary.endswith(". Their new observations appear as the scans start.")
    oldest = made.ids[-1]  # oldest first: the refused one is still there, still failed
    assert client.observations.retrieve(made.scanner.id, oldest).status == "failed"


# --- one, from its detail -----------------------------------------------------------------------


def test_retry_from_the_detail_opens_the_sessions_new_observation(
    app: AppFactory, client: VisionClient, failing: MakeFailing
) -> None:
    made = failing(2)
    failed, session = made.ids[0], made.sessions[0]
    at = open_page(app, scanner=made.scanner.id, obs=failed)
    assert at.query_params["obs"] == failed

    clicked(at, "observations.retry_one")
    (new,) = session_rows(client, made.scanner.id, session)
    assert new.id != failed and new.triggered_by == "retry"
    assert at.query_params["obs"] == new.id  # not the deleted row, nor its neighbour
    assert any(session in plain(c.value) for c in at.caption if c.value.startswith("Session"))
    assert any("new observation is open" in str(t.proto) for t in at.get("toast"))


def test_a_failed_observation_offers_a_retry_and_no_rating(
    app: AppFactory, failing: MakeFailing
) -> None:
    made = failing(1)
    at = open_page(app, scanner=made.scanner.id, obs=made.ids[0])
    buttons = {b.key for b in at.button}
    assert "observations.retry_one" in buttons
    assert not buttons & {"observations.rate_up", "observations.quick_up"}  # no result to judge
    assert not any(c.value == "Did the scanner get this right?" for c in at.caption)


def test_a_refused_retry_from_the_detail_is_explained_and_keeps_it_open(
    app: AppFactory, client: VisionClient, sandbox: Sandbox, failing: MakeFailing
) -> None:
    made = failing(1)
    at = open_page(app, scanner=made.scanner.id, obs=made.ids[0])
    sandbox.faults.fail_next(1, 409, path_contains="/retry", method="POST")
    clicked(at, "observations.retry_one")
    assert at.error, "the refusal is explained"
    assert at.query_params["obs"] == made.ids[0]
    assert client.observations.retrieve(made.scanner.id, made.ids[0]).status == "failed"


@pytest.fixture(scope="module")
def slow_sandbox() -> Iterator[Sandbox]:
    """A sandbox whose scans take two minutes to start: a retry's new row is not there yet."""
    with Sandbox.start(seed="demo", scan_delay=120, era="current") as sb:
        yield sb


@pytest.fixture
def slow_client(slow_sandbox: Sandbox) -> Iterator[VisionClient]:
    with _client(slow_sandbox) as c:
        yield c


@pytest.fixture
def slow_failing(slow_sandbox: Sandbox, slow_client: VisionClient) -> Iterator[MakeFailing]:
    yield from _failing_maker(slow_sandbox, slow_client)


def test_retry_from_the_detail_closes_it_with_a_notice_until_the_new_row_exists(
    slow_sandbox: Sandbox, slow_client: VisionClient, slow_failing: MakeFailing
) -> None:
    made = slow_failing(2)
    failed, session = made.ids[0], made.sessions[0]
    at = make_app(
        slow_sandbox, "observations", query_params={"scanner": made.scanner.id, "obs": failed}
    )
    assert not at.exception, at.exception
    clicked(at, "observations.retry_one")
    assert session_rows(slow_client, made.scanner.id, session) == []
    assert "obs" not in at.query_params  # the detail closed: its row is gone
    assert "observations.detail_close" not in {b.key for b in at.button}
    notice = [plain(i.value) for i in at.info if "Retry started" in i.value]
    assert notice and session in notice[0]
