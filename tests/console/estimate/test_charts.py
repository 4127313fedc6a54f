"""Unit tests for vision_console.estimate.charts: the cost curve carries the data and marks the
page relies on."""

from __future__ import annotations

from typing import Any

from vision_console import cost
from vision_console.cost import VolumeBasis
from vision_console.estimate import charts


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
    chart = charts.cost_curve_chart(
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
    assert any(isinstance(m, dict) and m.get("color") == charts.CHOSEN_COLOR for m in marks)


def test_cost_curve_axes_stay_proportional_so_one_line_reads_on_both() -> None:
    basis = VolumeBasis(matched_sessions_in_window=900, window_days=30)
    curve = cost.cost_curve(basis, 15, extra_rates=[0.5])
    spec = charts.cost_curve_chart(curve, 0.5, credits_per_observation=15).to_dict()
    domains = [
        layer["encoding"]["y"]["scale"]["domain"]
        for layer in layers(spec)
        if "encoding" in layer and "scale" in layer["encoding"].get("y", {})
    ]
    assert [0, 900] in domains and [0, 900 * 15] in domains


def test_cost_curve_of_no_sessions_still_renders() -> None:
    basis = VolumeBasis(matched_sessions_in_window=0, window_days=30)
    curve = cost.cost_curve(basis, 5, extra_rates=[1.0])
    assert charts.cost_curve_chart(curve, 1.0, credits_per_observation=5).to_dict()


def test_cost_curve_draws_only_the_reference_lines_that_apply() -> None:
    basis = VolumeBasis(matched_sessions_in_window=900, window_days=30, other_enabled_monthly=5000)
    curve = cost.cost_curve(basis, 5, extra_rates=[0.2])
    spec = charts.cost_curve_chart(
        curve, 0.2, budget_credits=500, quota_headroom=-2000, credits_per_observation=5
    ).to_dict()
    references = [rows for rows in datasets(spec) if rows and "label" in rows[0]]
    assert [row["label"] for row in references[0]] == ["Budget"]  # no quota left: no quota line
    colours = [
        layer["encoding"]["color"]["scale"]
        for layer in layers(spec)
        if "color" in layer.get("encoding", {})
    ]
    assert colours == [{"domain": ["Budget"], "range": [charts.BUDGET_COLOR]}]
    bare = charts.cost_curve_chart(curve, 0.2, credits_per_observation=5).to_dict()
    assert not [rows for rows in datasets(bare) if rows and "label" in rows[0]]
