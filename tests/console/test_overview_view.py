"""Unit tests for vision_console.overview.fleet_table: fleet table assembly, concurrency, daily
counts."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from vision_api import APIConnectionError, APITimeoutError
from vision_api.models import Observation, ObservationStats, Scanner, ScannerStats
from vision_console.overview import fleet_table as overview_view

NOW = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)


def make_scanner(name: str, **overrides: Any) -> Scanner:
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": name,
        "description": "",
        "scanner_type": "monitor",
        "scanner_config": {"prompt": "Did the user rage click?"},
        "query": {},
        "sampling_rate": 0.5,
        "provider": "google",
        "model": "gemini-3-flash-preview",
        "enabled": True,
        "emits_signals": False,
        "scanner_version": 1,
        "estimated_monthly_observations": 100,
        "created_at": "2026-10-01T00:00:00Z",
        "created_by": None,
    }
    data.update(overrides)
    return Scanner.from_dict(data)


def make_stats(
    recent: int, total: int, succeeded: int, failed: int, rate: int | None
) -> ObservationStats:
    return ObservationStats.from_dict(
        {
            "status_counts": {
                "total": total,
                "succeeded": succeeded,
                "failed": failed,
                "ineligible": total - succeeded - failed,
                "in_flight": 0,
                "success_rate": rate,
            },
            "coverage": {"recent_sessions": recent, "total_sessions": total, "recent_days": 14},
            "available_tags": [],
            "monitor": {"yes_total": succeeded, "no_total": 0, "inconclusive_total": 0},
            "classifier": None,
            "scorer": None,
        }
    )


def make_observation(scanner_id: str, created_at: datetime) -> Observation:
    return Observation.from_dict(
        {
            "id": str(uuid.uuid4()),
            "scanner_id": scanner_id,
            "session_id": str(uuid.uuid4()),
            "status": "succeeded",
            "error_reason": "",
            "workflow_id": "",
            "scanner_snapshot": None,
            "scanner_result": None,
            "triggered_by": "schedule",
            "triggered_by_user": None,
            "started_at": None,
            "completed_at": created_at.isoformat(),
            "created_at": created_at.isoformat(),
        }
    )


def link(scanner_id: str) -> str:
    return f"observations?scanner={scanner_id}"


# --- fetch_concurrently --------------------------------------------------------------------


def test_fetch_concurrently_returns_every_key_in_order_and_keeps_failures_apart() -> None:
    def fetch(key: int) -> int:
        if key == 3:
            raise RuntimeError("boom")
        return key * 10

    results = overview_view.fetch_concurrently([1, 2, 3, 4, 2], fetch, max_workers=3)
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

    overview_view.fetch_concurrently(range(20), fetch, max_workers=4)
    assert 1 < peak <= 4


def test_fetch_concurrently_runs_the_initializer_in_each_worker() -> None:
    marked = threading.local()
    seen: list[bool] = []

    def init() -> None:
        marked.ready = True

    def fetch(key: int) -> int:
        seen.append(getattr(marked, "ready", False))
        return key

    overview_view.fetch_concurrently(range(6), fetch, max_workers=2, initializer=init)
    assert seen == [True] * 6


def test_fetch_concurrently_with_no_keys_starts_nothing() -> None:
    assert overview_view.fetch_concurrently([], lambda key: key) == {}


# --- fleet table ---------------------------------------------------------------------------


def test_fleet_frame_joins_scanners_with_their_stats_and_last_observation() -> None:
    enabled = make_scanner("Checkout rage", sampling_rate=0.25, estimated_monthly_observations=120)
    lite = make_scanner(
        "Lite summary",
        scanner_type="summarizer",
        model="gemini-3.1-flash-lite-preview",
        estimated_monthly_observations=50,
    )
    disabled = make_scanner("Old scorer", scanner_type="scorer", enabled=False)
    seen = NOW - timedelta(hours=3)
    frame = overview_view.fleet_frame(
        [enabled, lite, disabled],
        stats={enabled.id: make_stats(7, 30, 20, 5, 80), lite.id: make_stats(0, 0, 0, 0, None)},
        last_seen={enabled.id: seen, lite.id: None},
        observations_link=link,
    )
    assert list(frame.columns) == list(overview_view.FLEET_COLUMNS)
    assert list(frame["name"]) == ["Checkout rage", "Lite summary", "Old scorer"]
    first = frame.iloc[0]
    assert (first["est_observations"], first["est_credits"]) == (120, 600)
    assert (first["observations_recent"], first["observations_total"]) == (7, 30)
    assert first["success_rate"] == 80
    assert first["last_observation"] == pd.Timestamp(seen)
    assert first["observations_link"] == f"observations?scanner={enabled.id}"
    assert first["model"] == "Gemini 3 Flash (preview)"
    second = frame.iloc[1]
    assert second["est_credits"] == 100  # the lite model costs 2 credits
    assert pd.isna(second["success_rate"])
    assert pd.isna(second["last_observation"])
    third = frame.iloc[2]
    assert (third["est_observations"], third["est_credits"]) == (0, 0)  # disabled: no schedule
    assert pd.isna(third["observations_recent"])  # stats missing: cells empty, row kept


def test_fleet_frame_prefers_the_servers_credit_figure() -> None:
    scanner = make_scanner(
        "Newer API", estimated_monthly_observations=10, estimated_monthly_credits=77
    )
    frame = overview_view.fleet_frame([scanner], {}, {}, link)
    assert frame.loc[0, "est_credits"] == 77


def test_unestimated_scanner_shows_no_estimate() -> None:
    scanner = make_scanner("Fresh", estimated_monthly_observations=None)
    frame = overview_view.fleet_frame([scanner], {}, {}, link)
    assert pd.isna(frame.loc[0, "est_observations"]) and pd.isna(frame.loc[0, "est_credits"])


def test_empty_fleet_gives_an_empty_table_with_the_columns() -> None:
    frame = overview_view.fleet_frame([], {}, {}, link)
    assert frame.empty and list(frame.columns) == list(overview_view.FLEET_COLUMNS)
    assert overview_view.fleet_totals(frame) == {
        "est_observations": 0,
        "est_credits": 0,
        "observations_recent": 0,
    }


def test_fleet_totals_and_monthly_cost_frame() -> None:
    a = make_scanner("A", estimated_monthly_observations=100)  # 500 credits
    b = make_scanner("B", model="gemini-3.1-flash-lite-preview", estimated_monthly_observations=100)
    c = make_scanner("C", enabled=False, estimated_monthly_observations=1000)
    d = make_scanner("D", estimated_monthly_observations=None)
    frame = overview_view.fleet_frame([a, b, c, d], {a.id: make_stats(4, 4, 4, 0, 100)}, {}, link)
    assert overview_view.fleet_totals(frame) == {
        "est_observations": 200,
        "est_credits": 700,
        "observations_recent": 4,
    }
    costs = overview_view.monthly_cost_frame(frame)
    assert list(costs["name"]) == ["A", "B"]  # disabled C and unestimated D have no monthly cost
    assert list(costs["est_credits"]) == [500, 200]
    assert list(costs["est_dollars"]) == pytest.approx([5.0, 2.0])
    assert list(costs["share"]) == pytest.approx([500 / 700, 200 / 700])


# --- recent observations -------------------------------------------------------------------


def test_last_observation_at_is_the_newest_created_at() -> None:
    sid = str(uuid.uuid4())
    times = [NOW - timedelta(days=2), NOW - timedelta(minutes=5), NOW - timedelta(days=9)]
    assert overview_view.last_observation_at([make_observation(sid, t) for t in times]) == times[1]
    assert overview_view.last_observation_at([]) is None


def test_covers_window_detects_a_truncated_fetch() -> None:
    sid = str(uuid.uuid4())
    since = NOW - timedelta(days=14)
    recent = [make_observation(sid, NOW - timedelta(days=i)) for i in range(3)]
    assert overview_view.covers_window(recent, limit=5, since=since)  # fewer than the cap
    assert not overview_view.covers_window(recent, limit=3, since=since)  # capped inside window
    older = [*recent, make_observation(sid, NOW - timedelta(days=20))]
    assert overview_view.covers_window(older, limit=4, since=since)  # cap reached past the window


def test_daily_observations_counts_per_day_and_fills_quiet_days() -> None:
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    recent = {
        a: [
            make_observation(a, NOW - timedelta(hours=1)),
            make_observation(a, NOW - timedelta(hours=2)),
            make_observation(a, NOW - timedelta(days=3)),
            make_observation(a, NOW - timedelta(days=30)),  # outside the window
        ],
        b: [],
    }
    frame = overview_view.daily_observations(recent, {a: "Alpha", b: "Beta"}, now=NOW, days=14)
    assert list(frame.columns) == ["date", "scanner", "observations"]
    assert set(frame["scanner"]) == {"Alpha"}  # a scanner with nothing in the window is left out
    assert len(frame) == 14
    by_day = frame.set_index("date")["observations"]
    assert by_day[pd.Timestamp("2026-11-28", tz="UTC")] == 2
    assert by_day[pd.Timestamp("2026-11-25", tz="UTC")] == 1
    assert by_day.sum() == 3


def test_daily_observations_of_an_idle_fleet_is_empty() -> None:
    frame = overview_view.daily_observations({}, {}, now=NOW)
    assert frame.empty and list(frame.columns) == ["date", "scanner", "observations"]


# --- scanners stats ------------------------------------------------------------------------


def test_type_summary_keeps_every_documented_type_and_new_ones_after() -> None:
    stats = ScannerStats.from_dict(
        {
            "total": 5,
            "enabled": 3,
            "by_type": {
                "monitor": {"enabled": 2, "total": 3},
                "classifier": {"enabled": 0, "total": 0},
                "scorer": {"enabled": 1, "total": 1},
                "summarizer": {"enabled": 0, "total": 0},
                "experiment": {"enabled": 0, "total": 1},
            },
        }
    )
    frame = overview_view.type_summary_frame(stats)
    assert list(frame["scanner_type"]) == [
        "monitor",
        "classifier",
        "scorer",
        "summarizer",
        "experiment",
    ]
    assert list(frame["enabled"]) == [2, 0, 1, 0, 0]
    assert list(frame["total"]) == [3, 0, 1, 0, 1]


# --- fleet activity ------------------------------------------------------------------------


def test_recent_limit_sizes_the_fetch_by_the_stats_window() -> None:
    assert overview_view.recent_limit(make_stats(0, 10, 10, 0, 100)) == 1  # just the last one
    assert overview_view.recent_limit(make_stats(42, 90, 90, 0, 100)) == 43  # + one older row
    assert overview_view.recent_limit(make_stats(10**6, 10**6, 0, 0, None)) == (
        overview_view.RECENT_OBSERVATIONS_CAP
    )
    assert overview_view.recent_limit(None) == overview_view.RECENT_OBSERVATIONS_FALLBACK


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

    activity = overview_view.fetch_fleet_activity(
        [ok, broken_stats, broken_list], stats, recent, max_workers=2
    )
    assert asked == {
        ok: 6,
        broken_stats: overview_view.RECENT_OBSERVATIONS_FALLBACK,
        broken_list: 6,
    }
    assert set(activity.stats) == {ok, broken_list}
    assert set(activity.recent) == {ok, broken_stats}
    assert len(activity.recent[ok]) == 6 and activity.limits[ok] == 6
    assert {sid: str(err) for sid, err in activity.errors.items()} == {
        broken_stats: "stats down",
        broken_list: "list down",
    }
    # Six rows for five in the window: the sixth is older, so the chart knows it is complete.
    assert overview_view.covers_window(
        activity.recent[ok], activity.limits[ok], overview_view.window_start(NOW, 5)
    )


def test_fetch_fleet_activity_lists_no_observations_for_a_scanner_with_none() -> None:
    empty, busy = str(uuid.uuid4()), str(uuid.uuid4())
    listed: list[str] = []

    def stats(scanner_id: str) -> ObservationStats:
        return make_stats(0, 0, 0, 0, None) if scanner_id == empty else make_stats(2, 9, 9, 0, 100)

    def recent(scanner_id: str, limit: int) -> list[Observation]:
        listed.append(scanner_id)
        return [make_observation(scanner_id, NOW - timedelta(hours=1))]

    activity = overview_view.fetch_fleet_activity([empty, busy], stats, recent, max_workers=2)
    assert listed == [busy]
    assert activity.recent[empty] == () and len(activity.recent[busy]) == 1
    assert overview_view.last_observation_at(activity.recent[empty]) is None
    assert not activity.errors


def test_fetch_fleet_activity_stops_calling_a_host_it_cannot_reach() -> None:
    ids = [str(uuid.uuid4()) for _ in range(6)]
    calls: list[str] = []

    def stats(scanner_id: str) -> ObservationStats:
        calls.append(scanner_id)
        raise APIConnectionError("refused", may_have_reached_server=False)

    def recent(scanner_id: str, limit: int) -> list[Observation]:
        calls.append(scanner_id)
        raise APIConnectionError("refused", may_have_reached_server=False)

    activity = overview_view.fetch_fleet_activity(ids, stats, recent, max_workers=1)
    assert calls == [ids[0]]  # one worker: the first call fails, every later one is skipped
    assert set(activity.errors) == set(ids)
    assert all(isinstance(error, APIConnectionError) for error in activity.errors.values())


def test_fetch_fleet_activity_keeps_calling_after_a_slow_answer() -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    calls: list[str] = []

    def stats(scanner_id: str) -> ObservationStats:
        calls.append(scanner_id)
        if scanner_id == ids[0]:
            raise APITimeoutError("read timed out", may_have_reached_server=True)
        return make_stats(0, 0, 0, 0, None)

    activity = overview_view.fetch_fleet_activity(ids, stats, lambda sid, limit: [], max_workers=1)
    assert calls.count(ids[0]) == 1 and set(calls) == set(ids)  # a timeout is not an outage
    assert set(activity.errors) == {ids[0]}
