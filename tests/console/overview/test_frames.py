"""Unit tests for vision_console.overview.frames: the fleet table, daily counts, type counts."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pandas as pd
import pytest

from tests.console.overview.builders import NOW, make_observation, make_scanner, make_stats
from vision_api.models import ScannerStats
from vision_console import scanner_types
from vision_console.overview import frames


def link(scanner_id: str) -> str:
    return f"observations?scanner={scanner_id}"


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
    frame = frames.fleet_frame(
        [enabled, lite, disabled],
        stats={enabled.id: make_stats(7, 30, 20, 5, 80), lite.id: make_stats(0, 0, 0, 0, None)},
        last_seen={enabled.id: seen, lite.id: None},
        observations_link=link,
    )
    assert list(frame.columns) == list(frames.FLEET_COLUMNS)
    assert list(frame["name"]) == ["Checkout rage", "Lite summary", "Old scorer"]
    first = frame.iloc[0]
    assert (first["est_observations"], first["est_credits"]) == (120, 600)
    assert (first["observations_recent"], first["observations_total"]) == (7, 30)
    assert first["success_rate"] == 80
    assert first["last_observation"] == pd.Timestamp(seen)
    assert first["observations_link"] == f"observations?scanner={enabled.id}"
    assert first["model"] == "Gemini 3 Flash"
    assert first["type"] == scanner_types.label("monitor")
    assert frame.iloc[1]["type"] == scanner_types.label("summarizer")
    second = frame.iloc[1]
    assert second["est_credits"] == 100  # the lite model costs 2 credits
    assert pd.isna(second["success_rate"])
    assert pd.isna(second["last_observation"])
    third = frame.iloc[2]
    assert (third["est_observations"], third["est_credits"]) == (0, 0)  # disabled: no schedule
    assert pd.isna(third["observations_recent"])  # stats missing: cells empty, row kept


def test_a_scanner_of_an_unknown_type_keeps_its_row_labelled_by_its_name() -> None:
    newer = make_scanner("From a newer server", scanner_type="indexer")
    frame = frames.fleet_frame([newer], {}, {}, link)
    assert frame.loc[0, "scanner_type"] == "indexer"
    assert frame.loc[0, "type"] == scanner_types.generic_facts("indexer").label == "Indexer"
    assert list(frames.monthly_cost_frame(frame)["type"]) == ["Indexer"]


def test_fleet_frame_prefers_the_servers_credit_figure() -> None:
    scanner = make_scanner(
        "Newer API", estimated_monthly_observations=10, estimated_monthly_credits=77
    )
    frame = frames.fleet_frame([scanner], {}, {}, link)
    assert frame.loc[0, "est_credits"] == 77


def test_unestimated_scanner_shows_no_estimate() -> None:
    scanner = make_scanner("Fresh", estimated_monthly_observations=None)
    frame = frames.fleet_frame([scanner], {}, {}, link)
    assert pd.isna(frame.loc[0, "est_observations"]) and pd.isna(frame.loc[0, "est_credits"])


def test_empty_fleet_gives_an_empty_table_with_the_columns() -> None:
    frame = frames.fleet_frame([], {}, {}, link)
    assert frame.empty and list(frame.columns) == list(frames.FLEET_COLUMNS)
    assert frames.list_totals([]) == {
        "est_observations": 0,
        "est_credits": 0,
        "credits_this_month": None,
        "observations_this_month": None,
    }


def test_list_totals_and_monthly_cost_frame() -> None:
    a = make_scanner("A", estimated_monthly_observations=100)  # 500 credits
    b = make_scanner("B", model="gemini-3.1-flash-lite-preview", estimated_monthly_observations=100)
    c = make_scanner("C", enabled=False, estimated_monthly_observations=1000)
    d = make_scanner("D", estimated_monthly_observations=None)
    frame = frames.fleet_frame([a, b, c, d], {a.id: make_stats(4, 4, 4, 0, 100)}, {}, link)
    assert frames.list_totals([a, b, c, d]) == {
        "est_observations": 200,
        "est_credits": 700,
        "credits_this_month": None,
        "observations_this_month": None,
    }
    costs = frames.monthly_cost_frame(frame)
    assert list(costs["name"]) == ["A", "B"]
    assert (
        list(costs["type"]) == [scanner_types.label("monitor")] * 2
    )  # disabled C and unestimated D have no monthly cost
    assert list(costs["est_credits"]) == [500, 200]
    assert list(costs["est_dollars"]) == pytest.approx([5.0, 2.0])
    assert list(costs["share"]) == pytest.approx([500 / 700, 200 / 700])


# --- daily observations ---------------------------------------------------------------------


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
    frame = frames.daily_observations(recent, {a: "Alpha", b: "Beta"}, now=NOW, days=14)
    assert list(frame.columns) == ["date", "scanner", "observations"]
    assert set(frame["scanner"]) == {"Alpha"}  # a scanner with nothing in the window is left out
    assert len(frame) == 14
    by_day = frame.set_index("date")["observations"]
    assert by_day[pd.Timestamp("2026-11-28", tz="UTC")] == 2
    assert by_day[pd.Timestamp("2026-11-25", tz="UTC")] == 1
    assert by_day.sum() == 3


def test_daily_observations_of_an_idle_fleet_is_empty() -> None:
    frame = frames.daily_observations({}, {}, now=NOW)
    assert frame.empty and list(frame.columns) == ["date", "scanner", "observations"]


# --- scanners stats ------------------------------------------------------------------------


def test_type_counts_keep_every_registry_type_and_new_ones_after() -> None:
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
    counts = frames.type_counts(stats)
    assert [count.kind for count in counts] == [*scanner_types.KNOWN_TYPES, "experiment"]
    assert [count.label for count in counts] == [
        *(scanner_types.facts(kind).label for kind in scanner_types.KNOWN_TYPES),
        "Experiment",
    ]
    assert [count.enabled for count in counts] == [2, 0, 1, 0, 0]
    assert [count.total for count in counts] == [3, 0, 1, 0, 1]
    assert [count.known for count in counts] == [True, True, True, True, False]


def test_type_counts_keep_a_registry_type_the_server_left_out() -> None:
    stats = ScannerStats.from_dict(
        {"total": 1, "enabled": 1, "by_type": {"scorer": {"enabled": 1, "total": 1}}}
    )
    counts = {count.kind: (count.enabled, count.total) for count in frames.type_counts(stats)}
    assert counts == {kind: (0, 0) for kind in scanner_types.KNOWN_TYPES} | {"scorer": (1, 1)}


def test_this_billing_periods_figures_come_from_the_list_when_it_carries_them() -> None:
    a = make_scanner("A", credits_this_month=120, observations_this_month=24)
    b = make_scanner("B", enabled=False, credits_this_month=30, observations_this_month=6)
    c = make_scanner("C")  # a scanner the list says nothing about this period for
    totals = frames.list_totals([a, b, c])
    assert (totals["credits_this_month"], totals["observations_this_month"]) == (150, 30)
    frame = frames.fleet_frame([a, b, c], {}, {}, link)
    assert list(frame["credits_this_month"].astype("float").fillna(-1)) == [120, 30, -1]
