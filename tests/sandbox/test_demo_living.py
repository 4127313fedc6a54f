"""The living demo: scheduled sweeps, seeded in-flight scans that finish, recording links.

The sweeper is driven by explicit ticks (its thread is off unless ``sweep_interval`` is given);
results are read over HTTP once the scan worker has finished them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

from vision_sandbox import Sandbox
from vision_sandbox.eras import Era
from vision_sandbox.sampling import passes
from vision_sandbox.sweeper import Sweeper, in_sample

from .conftest import Api, add_recording

PRICING = {
    "properties": [
        {"key": "$current_url", "type": "event", "operator": "icontains", "value": "pricing"}
    ]
}


@pytest.fixture
def fresh() -> Iterator[Api]:
    """An empty sandbox with no sweeper thread: only explicit ticks sweep."""
    with Sandbox.start(seed="empty", scan_delay=0.05) as sb:
        client = Api(sb)
        yield client
        client.session.close()


def _settle(api: Api, scanner_id: str, expected: int) -> list[dict[str, Any]]:
    """The scanner's observations once ``expected`` of them have left pending/running."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rows: list[dict[str, Any]] = api.get(f"{scanner_id}/observations/", limit=100).json()[
            "results"
        ]
        done = [row for row in rows if row["status"] not in ("pending", "running")]
        if len(done) >= expected:
            return rows
        time.sleep(0.02)
    raise AssertionError(f"{expected} observations of {scanner_id} never finished")


def _recordings(sb: Sandbox, n: int, **features: Any) -> list[str]:
    return [add_recording(sb, days_ago=1 + i / 10, **features) for i in range(n)]


def test_tick_schedules_matching_sessions_for_enabled_scanners(fresh: Api) -> None:
    pricing = set(_recordings(fresh.sb, 3, start_url="https://shop.example.com/pricing"))
    _recordings(fresh.sb, 3, start_url="https://shop.example.com/cart")
    watcher = fresh.create(query=PRICING)
    off = fresh.create(enabled=False)
    before = fresh.get(f"{watcher['id']}/").json()["last_swept_at"]

    scheduled = fresh.sb.sweeper.tick(budget=10)

    assert {s.session_id for s in scheduled if s.scanner_id == watcher["id"]} == pricing
    assert all(s.scanner_id != off["id"] for s in scheduled)
    rows = _settle(fresh, watcher["id"], 3)
    assert {row["session_id"] for row in rows} == pricing
    assert {row["triggered_by"] for row in rows} == {"schedule"}
    assert all(row["triggered_by_user"] is None for row in rows)
    assert {row["status"] for row in rows} <= {"succeeded", "failed"}
    assert fresh.get(f"{watcher['id']}/").json()["last_swept_at"] > before
    assert fresh.get(f"{off['id']}/observations/").json()["count"] == 0


def test_a_session_is_swept_once_and_on_demand_scans_keep_their_trigger(fresh: Api) -> None:
    first, second = _recordings(fresh.sb, 2)
    scanner = fresh.create()
    assert fresh.post(f"{scanner['id']}/observe/", {"session_id": first}).status_code == 202
    fresh.wait_for_observation(scanner["id"], first, lambda o: o["status"] == "succeeded")

    scheduled = fresh.sb.sweeper.tick(budget=10)

    assert [s.session_id for s in scheduled] == [second]
    assert fresh.sb.sweeper.tick(budget=10) == []
    rows = {row["session_id"]: row for row in _settle(fresh, scanner["id"], 2)}
    assert rows[first]["triggered_by"] == "on_demand"
    assert rows[first]["triggered_by_user"] is not None
    assert rows[second]["triggered_by"] == "schedule"


def test_sweeps_follow_the_sampling_rate_and_skip_ineligible_sessions(fresh: Api) -> None:
    eligible = _recordings(fresh.sb, 40)
    _recordings(fresh.sb, 5, duration=5.0)
    half = fresh.create(sampling_rate=0.5)
    paused = fresh.create(sampling_rate=0.0)

    scheduled = fresh.sb.sweeper.tick(budget=100)

    sampled = {s for s in eligible if in_sample(half["id"], s, 0.5)}
    assert 0 < len(sampled) < len(eligible)
    assert {s.session_id for s in scheduled if s.scanner_id == half["id"]} == sampled
    assert all(s.scanner_id != paused["id"] for s in scheduled)
    rows = _settle(fresh, half["id"], len(sampled))
    assert "ineligible" not in {row["status"] for row in rows}


def test_budget_caps_a_tick_and_the_rate_spreads_over_ticks(fresh: Api) -> None:
    _recordings(fresh.sb, 12)
    fresh.create()
    assert len(fresh.sb.sweeper.tick(budget=2)) == 2
    paced = Sweeper(fresh.sb.db, lambda: None, interval=20, per_minute=4.5)
    counts = [len(paced.tick()) for _ in range(4)]
    assert counts == [1, 2, 1, 2]


@pytest.mark.parametrize(
    ("era", "limits"),
    [("seed", {"monthly_quota": 1}), ("current", {"credit_limit": 5})],
)
def test_sweeps_skip_a_project_out_of_quota(era: Era, limits: dict[str, int]) -> None:
    with Sandbox.start(seed="empty", scan_delay=0.05, era=era, **limits) as sb:
        api = Api(sb)
        first, *_ = _recordings(sb, 3)
        scanner = api.create()
        assert api.post(f"{scanner['id']}/observe/", {"session_id": first}).status_code == 202
        assert sb.sweeper.tick(budget=5) == []


def test_sweeps_keep_an_on_demand_reserve_of_the_quota() -> None:
    with Sandbox.start(seed="empty", scan_delay=0.05, era="seed", monthly_quota=10) as sb:
        _recordings(sb, 12)
        Api(sb).create()
        assert len(sb.sweeper.tick(budget=20)) == 9
        assert sb.sweeper.tick(budget=20) == []


def test_sweeps_honour_the_sampling_mode(fresh: Api) -> None:
    # Fixed ids: the surfacing score hashes the id, so random ones left no session passing
    # `focused` about once in fifty runs. These 30 are known to include some that pass (2).
    sessions = [
        add_recording(fresh.sb, days_ago=1 + i / 10, session_id=f"rec-sampling-{i:02d}")
        for i in range(30)
    ]
    focused = fresh.create(sampling_mode="focused")

    scheduled = fresh.sb.sweeper.tick(budget=100)

    rows = fresh.sb.db.conn().execute("SELECT * FROM recordings").fetchall()
    assert {row["session_id"] for row in rows} == set(sessions)
    kept = {row["session_id"] for row in rows if passes("focused", dict(row))}
    assert 0 < len(kept) < len(sessions)
    assert {s.session_id for s in scheduled if s.scanner_id == focused["id"]} == kept


def test_the_sweeper_thread_sweeps_every_interval(fresh: Api) -> None:
    _recordings(fresh.sb, 2)
    scanner = fresh.create()
    wakes = threading.Semaphore(0)
    sweeper = Sweeper(fresh.sb.db, wakes.release, interval=0.01, per_minute=6000)
    sweeper.start()
    try:
        assert wakes.acquire(timeout=10) and wakes.acquire(timeout=10)
    finally:
        sweeper.stop()
    assert len(_settle(fresh, scanner["id"], 2)) == 2


def test_seeded_in_flight_scans_finish_with_the_living_demo() -> None:
    with Sandbox.start(seed="demo", scan_delay=0.05, sweep_interval=3600) as sb:
        api = Api(sb)
        deadline = time.monotonic() + 10
        remaining = -1
        while time.monotonic() < deadline and remaining != 0:
            remaining = sum(
                api.get(f"{s['id']}/observations/stats/").json()["status_counts"]["in_flight"]
                for s in api.get(limit=100).json()["results"]
            )
            time.sleep(0.05)
        assert remaining == 0
        finished = api.get(
            f"{api.get(limit=1, search='Checkout friction').json()['results'][0]['id']}"
            "/observations/",
            order_by="-created_at",
            limit=3,
        ).json()["results"]
        assert {row["status"] for row in finished} <= {"succeeded", "failed", "ineligible"}
        assert all(row["completed_at"] for row in finished)


def test_recording_links_open_a_demo_page_with_the_session_escaped(sandbox: Sandbox) -> None:
    session = '<img src=x onerror=alert(1)>/"&'
    url = f"{sandbox.base_url}/project/{sandbox.project_id}/replay/{quote(session, safe='')}"
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "demo" in response.text and "no recording" in response.text
    assert "<img" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;/&quot;&amp;" in response.text
    assert requests.head(url, timeout=10).status_code == 200


def test_api_paths_keep_their_json_404(sandbox: Sandbox) -> None:
    for path in ("/api/projects/1/replay/abc", "/project/1/replays/abc", "/nothing"):
        response = requests.get(sandbox.base_url + path, timeout=10)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    posted = requests.post(f"{sandbox.base_url}/project/1/replay/abc", timeout=10)
    assert posted.headers["content-type"].startswith("application/json")
