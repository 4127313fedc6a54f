"""Unit tests for vision_console.overview.activity: concurrency, fetch sizing, failures."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

from tests.console.overview.builders import NOW, make_observation, make_stats
from vision_api import APIConnectionError, APITimeoutError
from vision_api.models import Observation, ObservationStats
from vision_console.overview import activity

# --- fetch_concurrently --------------------------------------------------------------------


def test_fetch_concurrently_returns_every_key_in_order_and_keeps_failures_apart() -> None:
    def fetch(key: int) -> int:
        if key == 3:
            raise RuntimeError("boom")
        return key * 10

    results = activity.fetch_concurrently([1, 2, 3, 4, 2], fetch, max_workers=3)
    assert list(results) == [1, 2, 3, 4]
    assert [r.value for r in results.values()] == [10, 20, None, 40]
    assert not results[3].ok and str(results[3].error) == "boom"
    assert results[1].ok


def test_fetch_concurrently_bounds_the_requests_in_flight() -> None:
    lock = threading.Lock()
    running = 0
    peak = 0

    def fetch(key: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return key

    activity.fetch_concurrently(range(20), fetch, max_workers=4)
    assert 1 < peak <= 4


def test_fetch_concurrently_runs_the_initializer_in_each_worker() -> None:
    marked = threading.local()
    seen: list[bool] = []

    def init() -> None:
        marked.ready = True

    def fetch(key: int) -> int:
        seen.append(getattr(marked, "ready", False))
        return key

    activity.fetch_concurrently(range(6), fetch, max_workers=2, initializer=init)
    assert seen == [True] * 6


def test_fetch_concurrently_with_no_keys_starts_nothing() -> None:
    assert activity.fetch_concurrently([], lambda key: key) == {}


# --- recent observations -------------------------------------------------------------------


def test_last_observation_at_is_the_newest_created_at() -> None:
    sid = str(uuid.uuid4())
    times = [NOW - timedelta(days=2), NOW - timedelta(minutes=5), NOW - timedelta(days=9)]
    assert activity.last_observation_at([make_observation(sid, t) for t in times]) == times[1]
    assert activity.last_observation_at([]) is None


def test_covers_window_detects_a_truncated_fetch() -> None:
    sid = str(uuid.uuid4())
    since = NOW - timedelta(days=14)
    recent = [make_observation(sid, NOW - timedelta(days=i)) for i in range(3)]
    assert activity.covers_window(recent, limit=5, since=since)  # fewer than the cap
    assert not activity.covers_window(recent, limit=3, since=since)  # capped inside window
    older = [*recent, make_observation(sid, NOW - timedelta(days=20))]
    assert activity.covers_window(older, limit=4, since=since)  # cap reached past the window


# --- fleet activity ------------------------------------------------------------------------


def test_recent_limit_sizes_the_fetch_by_the_stats_window() -> None:
    assert activity.recent_limit(make_stats(0, 10, 10, 0, 100)) == 1  # just the last one
    assert activity.recent_limit(make_stats(42, 90, 90, 0, 100)) == 43  # + one older row
    assert activity.recent_limit(make_stats(10**6, 10**6, 0, 0, None)) == (
        activity.RECENT_OBSERVATIONS_CAP
    )
    assert activity.recent_limit(None) == activity.RECENT_OBSERVATIONS_FALLBACK


def test_fetch_fleet_activity_sizes_each_fetch_and_isolates_failures() -> None:
    ok, broken_stats, broken_list = (str(uuid.uuid4()) for _ in range(3))
    asked: dict[str, int] = {}

    def stats(scanner_id: str) -> ObservationStats:
        if scanner_id == broken_stats:
            raise RuntimeError("stats down")
        return make_stats(5, 20, 20, 0, 100)

    def recent(scanner_id: str, limit: int) -> list[Observation]:
        asked[scanner_id] = limit
        if scanner_id == broken_list:
            raise RuntimeError("list down")
        return [
            make_observation(scanner_id, NOW - timedelta(days=day, hours=1)) for day in range(limit)
        ]

    found = activity.fetch_fleet_activity(
        [ok, broken_stats, broken_list], stats, recent, max_workers=2
    )
    assert asked == {
        ok: 6,
        broken_stats: activity.RECENT_OBSERVATIONS_FALLBACK,
        broken_list: 6,
    }
    assert set(found.stats) == {ok, broken_list}
    assert set(found.recent) == {ok, broken_stats}
    assert len(found.recent[ok]) == 6 and found.limits[ok] == 6
    assert {sid: str(err) for sid, err in found.errors.items()} == {
        broken_stats: "stats down",
        broken_list: "list down",
    }
    # Six rows for five in the window: the sixth is older, so the chart knows it is complete.
    assert activity.covers_window(found.recent[ok], found.limits[ok], activity.window_start(NOW, 5))


def test_fetch_fleet_activity_lists_no_observations_for_a_scanner_with_none() -> None:
    empty, busy = str(uuid.uuid4()), str(uuid.uuid4())
    listed: list[str] = []

    def stats(scanner_id: str) -> ObservationStats:
        return make_stats(0, 0, 0, 0, None) if scanner_id == empty else make_stats(2, 9, 9, 0, 100)

    def recent(scanner_id: str, limit: int) -> list[Observation]:
        listed.append(scanner_id)
        return [make_observation(scanner_id, NOW - timedelta(hours=1))]

    found = activity.fetch_fleet_activity([empty, busy], stats, recent, max_workers=2)
    assert listed == [busy]
    assert found.recent[empty] == () and len(found.recent[busy]) == 1
    assert activity.last_observation_at(found.recent[empty]) is None
    assert not found.errors


def test_fetch_fleet_activity_stops_calling_a_host_it_cannot_reach() -> None:
    ids = [str(uuid.uuid4()) for _ in range(6)]
    calls: list[str] = []

    def stats(scanner_id: str) -> ObservationStats:
        calls.append(scanner_id)
        raise APIConnectionError("refused", may_have_reached_server=False)

    def recent(scanner_id: str, limit: int) -> list[Observation]:
        calls.append(scanner_id)
        raise APIConnectionError("refused", may_have_reached_server=False)

    found = activity.fetch_fleet_activity(ids, stats, recent, max_workers=1)
    assert calls == [ids[0]]  # one worker: the first call fails, every later one is skipped
    assert set(found.errors) == set(ids)
    assert all(isinstance(error, APIConnectionError) for error in found.errors.values())


def test_fetch_fleet_activity_keeps_calling_after_a_slow_answer() -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    calls: list[str] = []

    def stats(scanner_id: str) -> ObservationStats:
        calls.append(scanner_id)
        if scanner_id == ids[0]:
            raise APITimeoutError("read timed out", may_have_reached_server=True)
        return make_stats(0, 0, 0, 0, None)

    found = activity.fetch_fleet_activity(ids, stats, lambda sid, limit: [], max_workers=1)
    assert calls.count(ids[0]) == 1 and set(calls) == set(ids)  # a timeout is not an outage
    assert set(found.errors) == {ids[0]}
