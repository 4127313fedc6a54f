"""Page-level: a second viewer of the Overview with the same credentials sends no stats request."""

from __future__ import annotations

from tests.app.conftest import make_app
from vision_sandbox import Sandbox

STATS_PATH = "/observations/stats/"


def test_a_second_overview_viewer_fetches_no_activity_another_key_fetches_its_own(
    sandbox: Sandbox,
) -> None:
    sandbox.requests.clear()
    first = make_app(sandbox)
    assert not first.exception
    rows = len(first.dataframe[0].value)
    assert sandbox.requests.count(path_contains=STATS_PATH) == rows
    sandbox.requests.clear()
    second = make_app(sandbox)
    assert not second.exception
    assert sandbox.requests.count() == 0
    assert second.dataframe[0].value.equals(first.dataframe[0].value)
    other = make_app(
        sandbox, secrets={"project_id": sandbox.other_project_id}, api_key=sandbox.other_api_key
    )
    assert not other.exception
    other_rows = len(other.dataframe[0].value)
    assert sandbox.requests.count(path_contains=STATS_PATH) == other_rows > 0
    assert sandbox.requests.count(path_contains=f"/projects/{sandbox.project_id}/") == 0
