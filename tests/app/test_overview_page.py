"""AppTest of the Overview page against its own demo sandbox: what it shows is what the API says.

The module runs on a private demo-seeded sandbox (not the shared one), so the fleet it shows is
fixed while it is compared with the API, and global counts may be asserted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import make_app
from vision_api import VisionClient
from vision_console import cache, connection, scanner_types
from vision_console.overview import activity, charts, progressive
from vision_console.overview.fleet_table import TABLE_KEY
from vision_sandbox import Sandbox

STATS_PATH = "/observations/stats/"


@pytest.fixture(scope="module")
def fleet_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", scan_delay=0.05) as sb:
        yield sb


@pytest.fixture
def client(fleet_sandbox: Sandbox) -> Iterator[VisionClient]:
    with VisionClient(
        base_url=fleet_sandbox.base_url,
        project_id=fleet_sandbox.project_id,
        api_key=fleet_sandbox.api_key,
    ) as c:
        yield c


@pytest.fixture(autouse=True)
def _faults_off(fleet_sandbox: Sandbox) -> Iterator[None]:
    yield
    fleet_sandbox.faults.reset()


def overview(sb: Sandbox, **options: Any) -> AppTest:
    at = make_app(sb, **options)  # the Overview is the default page
    assert not at.exception, at.exception
    return at


def fleet_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_table_equals_each_scanners_stats(fleet_sandbox: Sandbox, client: VisionClient) -> None:
    table = fleet_table(overview(fleet_sandbox)).set_index("id")
    scanners = {s.id: s for s in client.scanners.iter()}
    assert set(table.index) == set(scanners)
    for scanner_id, scanner in scanners.items():
        row = table.loc[scanner_id]
        stats = client.observations.stats(scanner_id, recent_days=14)
        newest = client.observations.list(scanner_id, order_by="-created_at", limit=1).items
        assert row["name"] == scanner.name
        assert row["scanner_type"] == scanner.scanner_type
        assert row["type"] == scanner_types.label(scanner.scanner_type)
        assert bool(row["enabled"]) == scanner.enabled
        assert row["sampling_rate"] == pytest.approx(scanner.sampling_rate)
        assert row["observations_recent"] == stats.coverage.recent_sessions
        assert row["observations_total"] == stats.status_counts.total
        if stats.status_counts.success_rate is None:
            assert pd.isna(row["success_rate"])
        else:
            assert row["success_rate"] == stats.status_counts.success_rate
        assert row["last_observation"] == pd.Timestamp(newest[0].created_at)
        if scanner.enabled:
            assert row["est_observations"] == scanner.estimated_monthly_observations
            assert row["est_credits"] == scanner.estimated_monthly_credits
        else:
            assert row["est_credits"] == 0
        assert row["observations_link"] == f"observations?scanner={scanner_id}"


def test_metrics_strip_matches_scanner_stats_and_creators(
    fleet_sandbox: Sandbox, client: VisionClient
) -> None:
    at = overview(fleet_sandbox)
    stats = client.scanners.stats()
    assert metric(at, "Enabled scanners") == f"{stats.enabled} / {stats.total}"
    for scanner_type, counts in stats.by_type.items():
        assert metric(at, scanner_types.label(scanner_type)) == f"{counts.enabled} / {counts.total}"
    creators = client.scanners.creators()
    caption = next(c.value for c in at.caption if "creators" in c.value)
    assert f"{len(creators)} creators" in caption
    for user in creators:
        assert user.first_name in caption
    enabled = [s for s in client.scanners.iter() if s.enabled]
    expected = sum(s.estimated_monthly_credits or 0 for s in enabled)
    assert metric(at, "Estimated credits / month") == f"{expected:,}"


def test_each_scanner_is_fetched_once_and_a_rerun_fetches_nothing(
    fleet_sandbox: Sandbox, client: VisionClient
) -> None:
    while client.scanners.list(limit=1).count < 50:  # the page must stay usable with 50
        client.scanners.create(
            name=f"Overview load {uuid.uuid4().hex[:8]}",
            scanner_type="monitor",
            scanner_config={"prompt": "Did the user give up?"},
            model="gemini-3.5-flash-lite",
            sampling_rate=0.01,
        )
    fleet_sandbox.requests.clear()
    at = overview(fleet_sandbox)
    table = fleet_table(at)
    assert len(table) == progressive.PAGE_SIZE  # the page in view; the rest on request
    log = fleet_sandbox.requests
    assert log.count(path_contains=STATS_PATH) == progressive.PAGE_SIZE
    # Observations are listed once for each scanner of the page that has any, never for an
    # empty one.
    with_observations = set(table.loc[table["observations_total"] > 0, "id"])
    listed = [
        entry.path.split("/scanners/")[1].split("/")[0]
        for entry in log.entries
        if "/observations/" in entry.path and STATS_PATH not in entry.path
    ]
    assert sorted(listed) == sorted(with_observations)
    assert log.count() == log.count(method="GET")
    log.clear()
    at.run()
    assert log.count() == 0
    assert any("20 of 50 scanners" in c.value for c in at.caption)


def test_a_failed_stats_call_keeps_every_row(fleet_sandbox: Sandbox) -> None:
    fleet_sandbox.faults.fail_next(1, status=404, path_contains=STATS_PATH)
    at = overview(fleet_sandbox)
    table = fleet_table(at)
    assert table["observations_total"].isna().sum() == 1
    assert len(table) == table["name"].nunique()
    warning = next(w.value for w in at.warning if "Could not load the activity" in w.value)
    assert "of 1 scanner" in warning and "1 scanners" not in warning
    fleet_sandbox.requests.clear()
    at.run()  # the failure is kept, not retried on every rerun
    assert fleet_sandbox.requests.count(path_contains=STATS_PATH) == 0
    at.button(key="overview_refresh").click().run()
    assert fleet_sandbox.requests.count(path_contains=STATS_PATH) == len(table)
    assert fleet_table(at)["observations_total"].notna().all()
    assert not any("Could not load the activity" in w.value for w in at.warning)


def test_selecting_a_row_links_to_its_observations(fleet_sandbox: Sandbox) -> None:
    at = overview(fleet_sandbox)
    first = fleet_table(at).iloc[0]
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    link = at.main.get("page_link")[0]
    assert link.proto.page.endswith("observations")
    assert f"scanner={first['id']}" in link.proto.query_string


def test_scanner_list_failure_is_explained(fleet_sandbox: Sandbox) -> None:
    fleet_sandbox.faults.fail_next(1, status=403, path_contains="/scanners/stats/")
    at = overview(fleet_sandbox)
    assert any("Could not load the scanners" in e.value for e in at.error)
    assert not at.dataframe


class Counting:
    """Wraps a function, counting its calls."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function, self.calls = function, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.function(*args, **kwargs)


def test_an_idle_rerun_fetches_and_builds_nothing_until_a_write(
    fleet_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = {
        "fetch": Counting(activity.fetch_fleet_activity),
        "cost chart": Counting(charts.monthly_cost_by_scanner_chart),
        "daily chart": Counting(charts.observations_over_time_chart),
    }
    monkeypatch.setattr(activity, "fetch_fleet_activity", counted["fetch"])
    monkeypatch.setattr(charts, "monthly_cost_by_scanner_chart", counted["cost chart"])
    monkeypatch.setattr(charts, "observations_over_time_chart", counted["daily chart"])
    at = overview(fleet_sandbox)
    assert {name: c.calls for name, c in counted.items()} == dict.fromkeys(counted, 1)
    at.run()
    at.session_state[TABLE_KEY] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 3  # quota meter, cost, daily: from the specs kept
    assert {name: c.calls for name, c in counted.items()} == dict.fromkeys(counted, 1)
    # A write through the console bumps the data generation: the next run fetches afresh.
    cache.invalidate(
        connection.fingerprint(
            fleet_sandbox.base_url, fleet_sandbox.project_id, fleet_sandbox.api_key
        )
    )
    at.run()
    assert {name: c.calls for name, c in counted.items()} == dict.fromkeys(counted, 2)


def test_the_quota_meter_shows_this_periods_quota_in_the_eras_unit(
    fleet_sandbox: Sandbox, client: VisionClient
) -> None:
    at = overview(fleet_sandbox)
    found = client.quota.retrieve()
    captions = " ".join(c.value for c in at.caption)
    assert f"{found.used:,} of {found.limit:,} {found.unit} used" in captions
    assert "Quota this period" in " ".join(m.value for m in at.markdown)


def test_without_a_quota_endpoint_the_overview_says_so_and_goes_on(fleet_sandbox: Sandbox) -> None:
    fleet_sandbox.faults.fail_next(1, status=404, path_contains="/quota/")
    at = overview(fleet_sandbox)
    assert any("load the quota" in c.value for c in at.caption)
    assert fleet_table(at) is not None and not at.exception
