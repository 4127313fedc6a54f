"""The Overview's fleet activity is shared by every viewer of the same credentials.

Each viewer is its own AppTest session running the real frame (connection, sidebar) and then
``activity.shared_activity`` as the Overview does; Streamlit's data cache is process-wide, as
on a server, so two sessions stand for two browser tabs. Requests are counted at the sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP_TIMEOUT_SECONDS
from vision_console import cache, connection
from vision_sandbox import Sandbox

STATS_PATH = "/observations/stats/"

VIEWER_SCRIPT = """
import streamlit as st

from vision_console import cache
from vision_console.overview import activity
from vision_console.frame import render_frame

render_frame()
scanners = cache.all_scanners()
found = activity.shared_activity(scanners)
observed = sum(stats.status_counts.total for stats in found.stats.values())
st.text(f"{len(scanners)} scanners")
st.text(f"{len(found.stats)} with stats, {observed} observations")
st.text(f"{len(found.errors)} failed")
"""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """This module's own demo sandbox. The session's shared one grows with every scanner the
    tests before create (186 on one worker), and two full loads of a fleet that size (a stats
    and a list request per scanner each) outrun a test's request budget of 480 a minute: the
    pacer held back the rest and the counts below came up short."""
    with Sandbox.start(seed="demo", scan_delay=0.2, era="current") as sb:
        yield sb


def viewer(sb: Sandbox, *, project_id: int | None = None, api_key: str | None = None) -> AppTest:
    """A new session on ``sb`` (the demo project unless told), run once."""
    at = AppTest.from_string(VIEWER_SCRIPT, default_timeout=APP_TIMEOUT_SECONDS)
    at.secrets["posthog"] = {
        "host": sb.base_url,
        "project_id": project_id or sb.project_id,
        "personal_api_key": api_key or sb.api_key,
    }
    at.run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> list[str]:
    return [text.value for text in at.text]


def scanner_count(at: AppTest) -> int:
    return int(shown(at)[0].split()[0])


def requests_under(sb: Sandbox, project_id: int, path: str) -> int:
    return sum(
        1
        for entry in sb.requests.entries
        if f"/projects/{project_id}/" in entry.path and path in entry.path
    )


def test_a_second_viewer_with_the_same_credentials_fetches_no_activity(sandbox: Sandbox) -> None:
    sandbox.requests.clear()
    first = viewer(sandbox)
    scanners = scanner_count(first)
    assert scanners > 0
    assert sandbox.requests.count(path_contains=STATS_PATH) == scanners
    sandbox.requests.clear()
    second = viewer(sandbox)
    assert (
        sandbox.requests.count() == 0
    )  # the lists are shared by vision_console.cache, activity here
    assert shown(second) == shown(first)
    assert shown(second)[2] == "0 failed"


def test_a_viewer_with_other_credentials_fetches_its_own(sandbox: Sandbox) -> None:
    viewer(sandbox)
    sandbox.requests.clear()
    other = viewer(sandbox, project_id=sandbox.other_project_id, api_key=sandbox.other_api_key)
    scanners = scanner_count(other)
    assert scanners > 0
    assert requests_under(sandbox, sandbox.other_project_id, STATS_PATH) == scanners
    assert requests_under(sandbox, sandbox.project_id, "/") == 0
    sandbox.requests.clear()
    viewer(sandbox)  # the demo project's viewers still share theirs
    assert sandbox.requests.count() == 0


def test_a_write_makes_the_shared_activity_stale(sandbox: Sandbox) -> None:
    scanners = scanner_count(viewer(sandbox))
    cache.invalidate(connection.fingerprint(sandbox.base_url, sandbox.project_id, sandbox.api_key))
    sandbox.requests.clear()
    viewer(sandbox)
    assert sandbox.requests.count(path_contains=STATS_PATH) == scanners


def test_a_load_in_which_a_scanner_failed_is_not_shared(sandbox: Sandbox) -> None:
    sandbox.faults.fail_next(1, status=404, path_contains=STATS_PATH)
    try:
        failed = viewer(sandbox)
    finally:
        sandbox.faults.reset()
    assert shown(failed)[2] == "1 failed"
    sandbox.requests.clear()
    retried = viewer(sandbox)  # the next viewer tries every scanner again, and succeeds
    assert sandbox.requests.count(path_contains=STATS_PATH) == scanner_count(retried)
    assert shown(retried)[2] == "0 failed"
    sandbox.requests.clear()
    viewer(sandbox)  # a complete load is shared
    assert sandbox.requests.count(path_contains=STATS_PATH) == 0
