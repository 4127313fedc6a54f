"""vision_console.observations.set_charts: the whole set's trends and version comparison,
frames computed from the record frame, charts from the frames, per the registry's facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import pytest

from vision_api import Observation
from vision_console.observations import records as obs_records
from vision_console.observations import set_charts
from vision_console.observations.stats_charts import (
    OUTCOME_ORDER,
    VERDICT_COLORS,
    VERDICT_ORDER,
)

from .test_stats_charts import assert_tooltip_on_every_mark, mark_types, scanner, units

Factory = Callable[..., Observation]

MIXED = ["succeeded"] * 6 + ["failed", "ineligible", "pending", "running"]


def records(observation: Factory, scanner_type: str, statuses: list[str]) -> pd.DataFrame:
    rows = [observation(scanner_type, index, status) for index, status in enumerate(statuses)]
    return obs_records.observation_records(rows)


# --- over time --------------------------------------------------------------------------------


def test_over_time_counts_every_row_once(observation: Factory) -> None:
    frame, unit = set_charts.over_time_frame(records(observation, "monitor", MIXED))
    assert frame["count"].sum() == len(MIXED)
    assert set(frame["category"]) == {"succeeded", "failed", "ineligible", "in flight"}
    assert unit == "yearmonthdate"


def test_over_time_is_hourly_for_short_spans(observation: Factory) -> None:
    rows = [
        observation("monitor", index, created_at=f"2026-11-20T0{index}:00:00Z")
        for index in range(3)
    ]
    frame, unit = set_charts.over_time_frame(obs_records.observation_records(rows))
    assert unit == "yearmonthdatehours"
    assert len(frame) == 3


def test_verdicts_over_time_only_count_settled_verdicts(observation: Factory) -> None:
    frame, _unit = set_charts.over_time_frame(records(observation, "monitor", MIXED), "verdict")
    assert set(frame["category"]) == {"yes"}
    assert frame["count"].sum() == 6


def test_over_time_chart_stacks_outcomes_per_period(observation: Factory) -> None:
    rows = records(observation, "monitor", MIXED)
    spec = set_charts.over_time_chart(rows, "outcome", "Observations over time").to_dict()
    assert mark_types(spec) == ["bar"]
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["x"]["timeUnit"]) == ("period", "yearmonthdate")
    assert encoding["y"]["stack"] == "zero"
    assert encoding["color"]["scale"]["domain"] == list(OUTCOME_ORDER)
    assert sum(row["count"] for row in spec["datasets"][spec["data"]["name"]]) == len(MIXED)
    assert_tooltip_on_every_mark(spec)


def test_verdict_over_time_reuses_the_verdict_colours(observation: Factory) -> None:
    rows = records(observation, "monitor", MIXED)
    spec = set_charts.over_time_chart(rows, "verdict", "Verdicts over time").to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == [
        VERDICT_COLORS[key] for key in VERDICT_ORDER
    ]


@pytest.mark.parametrize(
    ("scanner_type", "charts"),
    [
        ("monitor", {"over_time", "trend"}),
        ("scorer", {"over_time"}),
        ("indexer", {"over_time"}),
    ],
)
def test_the_trend_tab_adds_the_types_trend_column(
    observation: Factory, scanner_type: str, charts: set[str]
) -> None:
    specs = set_charts.trend_specs(records(observation, "monitor", MIXED), scanner_type)
    assert set(specs) == charts


# --- versions ---------------------------------------------------------------------------------


def test_version_mix_shares_sum_to_one_per_version(observation: Factory) -> None:
    frame = set_charts.version_mix_frame(records(observation, "monitor", MIXED))
    assert frame.groupby("version")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert frame.groupby("version")["count"].sum().to_dict() == {"v1": 5, "v2": 5}


def test_version_score_frame_summarises_each_version(observation: Factory) -> None:
    rows = [
        observation("scorer", 0),
        observation("scorer", 2),
        observation(
            "scorer", 1, scanner_result={"model_output": {"score": 2.0}, "signals_count": 0}
        ),
    ]
    frame = set_charts.version_score_frame(obs_records.observation_records(rows))
    by_version = frame.set_index("version")
    assert by_version.loc["v1", "count"] == 2 and by_version.loc["v1", "mean"] == 7.5
    assert by_version.loc["v2", "min"] == 2.0


def test_version_tag_frame_shares_are_per_version(observation: Factory) -> None:
    rows = [
        observation("classifier", 0),
        observation(
            "classifier",
            2,
            scanner_result={
                "model_output": {"tags": ["bug"], "tags_freeform": []},
                "signals_count": 0,
            },
        ),
    ]
    frame = set_charts.version_tag_frame(obs_records.observation_records(rows))
    v1 = frame[frame["version"] == "v1"].set_index("tag")["share"].to_dict()
    assert v1 == {"bug": 1.0, "checkout": 0.5, "rage-click": 0.5}


def test_version_summary_reports_rates(observation: Factory) -> None:
    summary = set_charts.version_summary(records(observation, "monitor", MIXED), "verdict_mix")
    assert list(summary["Version"]) == ["v1", "v2"]
    assert summary["Observations"].sum() == len(MIXED)
    assert summary.loc[0, "Success rate"] == pytest.approx(3 / 4)
    assert summary.loc[0, "Yes rate"] == 1.0


def test_version_summary_adds_the_scorers_mean_and_median(observation: Factory) -> None:
    summary = set_charts.version_summary(records(observation, "scorer", MIXED), "score_by_version")
    assert summary.loc[0, "Mean score"] == 7.5
    assert "Yes rate" not in summary


def test_versions_sort_numerically(observation: Factory) -> None:
    rows = [
        observation(
            "scorer", 0, scanner_snapshot={"scanner_version": version, "scanner_config": {}}
        )
        for version in (10, 2, 1)
    ]
    spec = set_charts.version_score_chart(obs_records.observation_records(rows)).to_dict()
    assert units(spec)[0]["encoding"]["x"]["sort"] == ["v1", "v2", "v10"]


def test_version_mix_chart_normalises_each_version_to_100_percent(observation: Factory) -> None:
    rows = records(observation, "monitor", MIXED)
    spec = set_charts.version_mix_chart(rows, "outcome", "Outcome by version").to_dict()
    assert spec["encoding"]["y"]["stack"] == "normalize"
    assert spec["encoding"]["x"]["sort"] == ["v1", "v2"]
    assert {row["version"] for row in spec["datasets"][spec["data"]["name"]]} == {"v1", "v2"}
    assert_tooltip_on_every_mark(spec)


def test_version_score_chart_draws_range_box_median_and_mean(observation: Factory) -> None:
    spec = set_charts.version_score_chart(records(observation, "scorer", MIXED), "Ease").to_dict()
    assert mark_types(spec) == ["rule", "bar", "tick", "point"]
    fields = [unit["encoding"]["y"]["field"] for unit in units(spec)]
    assert fields == ["min", "p25", "median", "mean"]
    assert_tooltip_on_every_mark(spec)


def test_version_tag_chart_is_a_labelled_heatmap(observation: Factory) -> None:
    spec = set_charts.version_tag_chart(records(observation, "classifier", MIXED)).to_dict()
    assert mark_types(spec) == ["rect", "text"]
    assert units(spec)[0]["encoding"]["color"]["field"] == "share"
    assert_tooltip_on_every_mark(spec)


@pytest.mark.parametrize(
    ("scanner_type", "detail"),
    [
        ("monitor", "Verdicts by scanner version"),
        ("scorer", "Score by version"),
        ("classifier", "Tags by version"),
        ("summarizer", None),
        ("indexer", None),
    ],
)
def test_the_versions_tab_draws_the_types_version_chart(
    observation: Factory, scanner_type: str, detail: str | None
) -> None:
    specs = set_charts.version_specs(records(observation, "monitor", MIXED), scanner(scanner_type))
    assert "version_summary" in specs and "version_outcomes" in specs
    if detail is None:
        assert "version_detail" not in specs
    else:
        assert specs["version_detail"]["title"]["text"] == detail


@pytest.mark.parametrize(
    "builder",
    [
        lambda rows: set_charts.version_score_chart(rows),
        lambda rows: set_charts.version_tag_chart(rows),
        lambda rows: set_charts.over_time_chart(rows, "verdict", "Verdicts"),
    ],
)
def test_builders_accept_empty_data(observation: Factory, builder: Any) -> None:
    chart = builder(records(observation, "scorer", ["failed"]))
    assert isinstance(chart, alt.TopLevelMixin)
    assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
