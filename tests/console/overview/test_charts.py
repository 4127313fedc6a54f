"""Unit tests for vision_console.overview.charts: the specs carry the data, colours and order
the page relies on."""

from __future__ import annotations

import pandas as pd

from vision_console import scanner_types
from vision_console.overview import charts


def test_monthly_cost_chart_keeps_type_colours_fixed() -> None:
    costs = pd.DataFrame(
        {
            "name": ["B", "A"],
            "scanner_type": ["scorer", "experiment"],
            "type": ["Scorer", "Experiment"],
            "est_observations": [10, 5],
            "est_credits": [50, 75],
            "est_dollars": [0.5, 0.75],
            "share": [0.4, 0.6],
        }
    )
    spec = charts.monthly_cost_by_scanner_chart(costs).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    known = scanner_types.KNOWN_TYPES
    assert scale["domain"][:4] == [scanner_types.label(kind) for kind in known]
    assert scale["range"][:4] == [scanner_types.facts(kind).color for kind in known]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["Scorer"] == scanner_types.facts("scorer").color
    assert colours["Experiment"] == scanner_types.GENERIC_COLOR
    assert spec["encoding"]["color"]["field"] == "type"
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
    spec = charts.observations_over_time_chart(daily, 14).to_dict()
    assert spec["encoding"]["color"]["field"] == "scanner"
    assert spec["title"]["subtitle"] == "Last 14 days, by day (UTC)"
