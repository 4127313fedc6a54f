"""Chart builders: DataFrame in, Vega-Lite spec out (marks, encodings, selections, tooltips)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import pytest

from vision_console.observations import charts, stats_frames
from vision_console.observations import records as obs_records

Factory = Callable[..., dict[str, Any]]


def units(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every single-view (mark-bearing) spec inside a possibly layered/concatenated spec."""
    found = [spec] if "mark" in spec else []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            found += units(child)
    return found


def mark_types(spec: dict[str, Any]) -> list[str]:
    marks = [unit["mark"] for unit in units(spec)]
    return [mark if isinstance(mark, str) else mark["type"] for mark in marks]


def selection(spec: dict[str, Any], name: str) -> dict[str, Any]:
    params = [param for param in spec.get("params", []) if param.get("name") == name]
    assert params, f"no selection named {name}"
    return params[0]


def data_rows(spec: dict[str, Any], unit: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a mark draws: its own dataset, or the one its layer shares."""
    return spec["datasets"][(unit.get("data") or spec["data"])["name"]]


def assert_tooltip_on_every_mark(spec: dict[str, Any]) -> None:
    for unit in units(spec):
        assert unit["encoding"].get("tooltip"), f"{unit['mark']} has no tooltip"


def records(observation: Factory, scanner_type: str, statuses: list[str]) -> pd.DataFrame:
    rows = [observation(scanner_type, index, status) for index, status in enumerate(statuses)]
    return obs_records.observation_records(
        rows, lambda session: f"https://eu.posthog.com/project/2/replay/{session}"
    )


MIXED = ["succeeded"] * 6 + ["failed", "ineligible", "pending", "running"]


def test_status_chart_titles_success_rate_and_in_flight(stats: Factory) -> None:
    spec = charts.status_chart(stats_frames.status_frame(stats("monitor")), 88, 40).to_dict()
    assert spec["title"]["text"] == "Status · success rate 88%"
    assert "3 in flight" in spec["title"]["subtitle"]
    assert "40 observations" in spec["title"]["subtitle"]
    assert mark_types(spec) == ["bar", "text"]
    assert_tooltip_on_every_mark(spec)


def test_status_chart_without_decided_rows_shows_a_dash_not_zero(stats: Factory) -> None:
    frame = stats_frames.status_frame(
        stats(
            "monitor",
            status_counts={
                "total": 2,
                "succeeded": 0,
                "failed": 0,
                "ineligible": 0,
                "in_flight": 2,
                "success_rate": None,
            },
        )
    )
    spec = charts.status_chart(frame, None, 2).to_dict()
    assert spec["title"]["text"] == "Status · success rate —"


def test_status_chart_selects_outcomes_with_fixed_colours(stats: Factory) -> None:
    spec = charts.status_chart(stats_frames.status_frame(stats("monitor")), 88, 40).to_dict()
    assert selection(spec, charts.STATUS_SELECTION)["select"] == {
        "type": "point",
        "fields": ["outcome"],
    }
    bars = units(spec)[0]
    scale = bars["encoding"]["color"]["scale"]
    assert scale["domain"] == list(charts.OUTCOME_ORDER)
    assert scale["range"] == [charts.OUTCOME_COLORS[key] for key in charts.OUTCOME_ORDER]
    assert [row["count"] for row in data_rows(spec, bars)] == [30, 4, 3, 3]


def test_coverage_chart_compares_recent_and_total_sessions(stats: Factory) -> None:
    spec = charts.coverage_chart(stats_frames.coverage_frame(stats("scorer")), 14).to_dict()
    bars = units(spec)[0]
    assert bars["encoding"]["x"]["field"] == "sessions"
    assert {row["window"]: row["sessions"] for row in data_rows(spec, bars)} == {
        "Last 14 days": 25,
        "All time": 38,
    }
    assert "last 14 days" in spec["title"]["subtitle"]
    assert_tooltip_on_every_mark(spec)


def test_verdict_chart_has_a_named_point_selection_on_verdict(stats: Factory) -> None:
    spec = charts.verdict_chart(stats_frames.verdict_frame(stats("monitor"))).to_dict()
    assert selection(spec, charts.VERDICT_SELECTION)["select"] == {
        "type": "point",
        "fields": ["verdict"],
    }
    assert mark_types(spec) == ["bar", "text"]
    assert_tooltip_on_every_mark(spec)


def test_verdict_chart_colours_each_verdict_with_the_shared_constant(stats: Factory) -> None:
    spec = charts.verdict_chart(stats_frames.verdict_frame(stats("monitor"))).to_dict()
    color = units(spec)[0]["encoding"]["color"]
    assert color["field"] == "verdict"
    assert dict(zip(color["scale"]["domain"], color["scale"]["range"], strict=True)) == dict(
        charts.VERDICT_COLORS
    )


def test_verdict_chart_keeps_yes_no_inconclusive_order_and_counts(stats: Factory) -> None:
    spec = charts.verdict_chart(stats_frames.verdict_frame(stats("monitor"))).to_dict()
    bars = units(spec)[0]
    assert bars["encoding"]["x"]["sort"] == ["yes", "no", "inconclusive"]
    assert {row["verdict"]: row["count"] for row in data_rows(spec, bars)} == {
        "yes": 18,
        "no": 9,
        "inconclusive": 3,
    }
    assert "30 verdicts" in spec["title"]["subtitle"]


def test_score_histogram_marks_every_summary_statistic(stats: Factory) -> None:
    payload = stats("scorer")
    spec = charts.score_histogram(
        stats_frames.histogram_frame(payload), stats_frames.summary_frame(payload), "Ease"
    ).to_dict()
    bars, rules = units(spec)
    assert (bars["mark"]["type"], rules["mark"]["type"]) == ("bar", "rule")
    assert {row["stat"]: row["value"] for row in data_rows(spec, rules)} == {
        "min": 1.0,
        "p25": 3.25,
        "median": 5.5,
        "mean": 5.6,
        "p75": 8.0,
        "max": 10.0,
    }
    assert rules["encoding"]["x"]["field"] == "value"
    assert bars["encoding"]["x"]["title"] == "Ease"
    assert_tooltip_on_every_mark(spec)


def test_score_histogram_buckets_are_clickable_by_label(stats: Factory) -> None:
    payload = stats("scorer")
    spec = charts.score_histogram(
        stats_frames.histogram_frame(payload), stats_frames.summary_frame(payload)
    ).to_dict()
    assert selection(spec, charts.BUCKET_SELECTION)["select"] == {
        "type": "point",
        "fields": ["bucket"],
    }
    bars = units(spec)[0]
    assert [row["count"] for row in data_rows(spec, bars)] == payload["scorer"]["histogram"][
        "counts"
    ]
    assert bars["encoding"]["x2"]["field"] == "end"


def test_tag_ranking_separates_fixed_and_freeform_and_selects_tags(stats: Factory) -> None:
    spec = charts.tag_ranking_chart(stats_frames.tag_frame(stats("classifier")), 28).to_dict()
    assert selection(spec, charts.TAG_SELECTION)["select"] == {"type": "point", "fields": ["tag"]}
    bars = units(spec)[0]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["fixed", "freeform"]
    assert bars["encoding"]["y"]["sort"] == ["bug", "checkout", "confusion", "rage-click"]
    kinds = {row["tag"]: row["kind"] for row in data_rows(spec, bars)}
    assert kinds == {
        "bug": "fixed",
        "checkout": "fixed",
        "confusion": "fixed",
        "rage-click": "freeform",
    }
    assert_tooltip_on_every_mark(spec)


def test_tag_ranking_orders_by_count_then_name_explicitly(stats: Factory) -> None:
    tied = {
        "fixed_ranked": [{"tag": "zeta", "count": 3}, {"tag": "alpha", "count": 3}],
        "freeform_ranked": [{"tag": "mid", "count": 5}],
        "total_with_tags": 6,
    }
    spec = charts.tag_ranking_chart(
        stats_frames.tag_frame(stats("classifier", classifier=tied)), 6
    ).to_dict()
    # A field-based sort would be dropped by Vega-Lite in a layered chart.
    assert units(spec)[0]["encoding"]["y"]["sort"] == ["mid", "alpha", "zeta"]


def test_histogram_bars_rise_from_zero(stats: Factory) -> None:
    payload = stats("scorer")
    spec = charts.score_histogram(
        stats_frames.histogram_frame(payload), stats_frames.summary_frame(payload)
    ).to_dict()
    assert units(spec)[0]["encoding"]["y2"] == {"datum": 0}


def test_versions_sort_numerically(observation: Factory) -> None:
    rows = [
        observation(
            "scorer", 0, scanner_snapshot={"scanner_version": version, "scanner_config": {}}
        )
        for version in (10, 2, 1)
    ]
    frame = obs_records.version_score_frame(obs_records.observation_records(rows))
    spec = charts.version_score_chart(frame).to_dict()
    assert units(spec)[0]["encoding"]["x"]["sort"] == ["v1", "v2", "v10"]


def test_tag_ranking_grows_with_the_number_of_tags(stats: Factory) -> None:
    few = charts.tag_ranking_chart(stats_frames.tag_frame(stats("classifier")), 28).to_dict()
    many_tags = {
        "fixed_ranked": [{"tag": f"t{i}", "count": 10 - i} for i in range(10)],
        "freeform_ranked": [],
        "total_with_tags": 10,
    }
    many = charts.tag_ranking_chart(
        stats_frames.tag_frame(stats("classifier", classifier=many_tags)), 10
    ).to_dict()
    assert many["height"] > few["height"]


def test_over_time_chart_stacks_outcomes_per_period(observation: Factory) -> None:
    frame, unit = obs_records.over_time_frame(records(observation, "monitor", MIXED))
    spec = charts.over_time_chart(
        frame, unit, charts.OUTCOME_COLORS, charts.OUTCOME_ORDER, "Observations over time"
    ).to_dict()
    assert mark_types(spec) == ["bar"]
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["x"]["timeUnit"]) == ("period", unit)
    assert encoding["y"]["stack"] == "zero"
    assert encoding["color"]["scale"]["domain"] == list(charts.OUTCOME_ORDER)
    assert sum(row["count"] for row in spec["datasets"][spec["data"]["name"]]) == len(MIXED)
    assert_tooltip_on_every_mark(spec)


def test_verdict_over_time_reuses_the_verdict_colours(observation: Factory) -> None:
    frame, unit = obs_records.over_time_frame(records(observation, "monitor", MIXED), by="verdict")
    spec = charts.over_time_chart(
        frame, unit, charts.VERDICT_COLORS, charts.VERDICT_ORDER, "Verdicts over time"
    ).to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == [
        charts.VERDICT_COLORS[key] for key in charts.VERDICT_ORDER
    ]


def test_version_mix_chart_normalises_each_version_to_100_percent(observation: Factory) -> None:
    frame = obs_records.version_mix_frame(records(observation, "monitor", MIXED))
    spec = charts.version_mix_chart(
        frame, charts.OUTCOME_COLORS, charts.OUTCOME_ORDER, "Outcome by version"
    ).to_dict()
    assert spec["encoding"]["y"]["stack"] == "normalize"
    assert spec["encoding"]["x"]["sort"] == ["v1", "v2"]
    assert {row["version"] for row in spec["datasets"][spec["data"]["name"]]} == {"v1", "v2"}
    assert_tooltip_on_every_mark(spec)


def test_version_score_chart_draws_range_box_median_and_mean(observation: Factory) -> None:
    frame = obs_records.version_score_frame(records(observation, "scorer", MIXED))
    spec = charts.version_score_chart(frame, "Ease").to_dict()
    assert mark_types(spec) == ["rule", "bar", "tick", "point"]
    fields = [unit["encoding"]["y"]["field"] for unit in units(spec)]
    assert fields == ["min", "p25", "median", "mean"]
    assert_tooltip_on_every_mark(spec)


def test_version_tag_chart_is_a_labelled_heatmap(observation: Factory) -> None:
    frame = obs_records.version_tag_frame(records(observation, "classifier", MIXED))
    spec = charts.version_tag_chart(frame).to_dict()
    assert mark_types(spec) == ["rect", "text"]
    cells = units(spec)[0]
    assert cells["encoding"]["color"]["field"] == "share"
    assert_tooltip_on_every_mark(spec)


@pytest.mark.parametrize(
    "builder",
    [
        lambda stats, observation: charts.verdict_chart(
            stats_frames.verdict_frame(
                stats("monitor", monitor={"yes_total": 0, "no_total": 0, "inconclusive_total": 0})
            )
        ),
        lambda stats, observation: charts.tag_ranking_chart(
            pd.DataFrame(columns=["tag", "kind", "count", "share"]), 0
        ),
        lambda stats, observation: charts.version_score_chart(
            obs_records.version_score_frame(records(observation, "scorer", ["failed"]))
        ),
    ],
)
def test_builders_accept_empty_data(stats: Factory, observation: Factory, builder: Any) -> None:
    chart = builder(stats, observation)
    assert isinstance(chart, alt.TopLevelMixin)
    assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
