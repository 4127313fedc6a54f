"""Unit tests for vision_console.cost_charts: the specs carry the data and marks the pages rely
on."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vision_console import cost, cost_charts
from vision_console.cost import VolumeBasis


def datasets(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return list(spec.get("datasets", {}).values())


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for layer in spec.get("layer", []):
        found.append(layer)
        found.extend(layers(layer))
    return found


def test_cost_curve_marks_the_chosen_rate_and_the_budget() -> None:
    basis = VolumeBasis(matched_sessions_in_window=900, window_days=30)
    curve = cost.cost_curve(basis, 5, extra_rates=[0.1234])
    chart = cost_charts.cost_curve_chart(
        curve, 0.1234, budget_credits=1000, quota_headroom=2500, credits_per_observation=5
    )
    spec = chart.to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    chosen = [rows for rows in datasets(spec) if len(rows) == 1 and "sampling_rate" in rows[0]]
    assert chosen and chosen[0][0]["sampling_rate"] == 0.1234
    assert chosen[0][0]["observations"] == cost.observations_at(basis, 0.1234)
    references = [rows for rows in datasets(spec) if rows and "label" in rows[0]]
    assert references == [
        [
            {"label": "Budget", "observations": 200.0, "credits": 1000},
            {"label": "Quota left for this scanner", "observations": 2500, "credits": 12500},
        ]
    ]
    marks = [layer.get("mark", {}) for layer in layers(spec)]
    assert any(isinstance(m, dict) and m.get("color") == cost_charts.CHOSEN_COLOR for m in marks)


def test_cost_curve_axes_stay_proportional_so_one_line_reads_on_both() -> None:
    basis = VolumeBasis(matched_sessions_in_window=900, window_days=30)
    curve = cost.cost_curve(basis, 15, extra_rates=[0.5])
    spec = cost_charts.cost_curve_chart(curve, 0.5, credits_per_observation=15).to_dict()
    domains = [
        layer["encoding"]["y"]["scale"]["domain"]
        for layer in layers(spec)
        if "encoding" in layer and "scale" in layer["encoding"].get("y", {})
    ]
    assert [0, 900] in domains and [0, 900 * 15] in domains


def test_cost_curve_of_no_sessions_still_renders() -> None:
    basis = VolumeBasis(matched_sessions_in_window=0, window_days=30)
    curve = cost.cost_curve(basis, 5, extra_rates=[1.0])
    assert cost_charts.cost_curve_chart(curve, 1.0, credits_per_observation=5).to_dict()


def test_monthly_cost_chart_keeps_type_colours_fixed() -> None:
    costs = pd.DataFrame(
        {
            "name": ["B", "A"],
            "scanner_type": ["scorer", "experiment"],
            "est_observations": [10, 5],
            "est_credits": [50, 75],
            "est_dollars": [0.5, 0.75],
            "share": [0.4, 0.6],
        }
    )
    spec = cost_charts.monthly_cost_by_scanner_chart(costs).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"][:4] == list(cost_charts.TYPE_ORDER)
    assert dict(zip(scale["domain"], scale["range"], strict=True))["scorer"] == "#f59f00"
    assert dict(zip(scale["domain"], scale["range"], strict=True))["experiment"] == "#868e96"
    assert spec["encoding"]["y"]["sort"] == ["B", "A"]
    assert "125 credits ($1.25)" in spec["title"]["subtitle"]


def test_observations_over_time_chart_stacks_by_scanner() -> None:
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-11-27", "2026-11-28"], utc=True),
            "scanner": ["A", "A"],
            "observations": [1, 2],
        }
    )
    spec = cost_charts.observations_over_time_chart(daily, 14).to_dict()
    assert spec["encoding"]["color"]["field"] == "scanner"
    assert spec["title"]["subtitle"] == "Last 14 days, by day (UTC)"


def test_cost_curve_draws_only_the_reference_lines_that_apply() -> None:
    basis = VolumeBasis(matched_sessions_in_window=900, window_days=30, other_enabled_monthly=5000)
    curve = cost.cost_curve(basis, 5, extra_rates=[0.2])
    spec = cost_charts.cost_curve_chart(
        curve, 0.2, budget_credits=500, quota_headroom=-2000, credits_per_observation=5
    ).to_dict()
    references = [rows for rows in datasets(spec) if rows and "label" in rows[0]]
    assert [row["label"] for row in references[0]] == ["Budget"]  # no quota left: no quota line
    colours = [
        layer["encoding"]["color"]["scale"]
        for layer in layers(spec)
        if "color" in layer.get("encoding", {})
    ]
    assert colours == [{"domain": ["Budget"], "range": [cost_charts.BUDGET_COLOR]}]
    bare = cost_charts.cost_curve_chart(curve, 0.2, credits_per_observation=5).to_dict()
    assert not [rows for rows in datasets(bare) if rows and "label" in rows[0]]
