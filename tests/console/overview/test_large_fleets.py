"""A fleet of hundreds of active scanners: the charts name the biggest and sum the rest, so they
stay readable and under Altair's 5,000-row limit (F5: the daily chart is scanners × days rows)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.console.overview.builders import NOW, make_observation, make_scanner, make_stats
from vision_console.chart_spec import Unavailable, build
from vision_console.overview import charts, frames
from vision_console.overview.activity import FleetActivity
from vision_console.overview.fleet import build_fleet

SCANNERS = 400


def _fleet_activity(scanners: list) -> FleetActivity:  # type: ignore[type-arg]
    recent = {
        s.id: [make_observation(s.id, NOW - timedelta(days=day)) for day in range(14)]
        for s in scanners
    }
    stats = {s.id: make_stats(14, 14, 14, 0, 100) for s in scanners}
    return FleetActivity(stats=stats, recent=recent, errors={}, limits=dict.fromkeys(stats, 100))


def test_four_hundred_active_scanners_draw_both_charts() -> None:
    scanners = [make_scanner(f"scanner {i:03}") for i in range(SCANNERS)]
    fleet = build_fleet(scanners, _fleet_activity(scanners), NOW, lambda sid: sid)
    assert isinstance(fleet.daily_spec, dict) and isinstance(fleet.cost_spec, dict)
    assert len(fleet.table) == SCANNERS  # the table keeps every scanner


def test_daily_keeps_the_busiest_scanners_and_sums_the_rest_per_day() -> None:
    days = pd.date_range("2026-11-01", periods=3, freq="D")
    daily = pd.DataFrame(
        [{"date": day, "scanner": f"s{i:02}", "observations": i} for i in range(20) for day in days]
    )
    top = frames.top_daily(daily, n=5)
    names = set(top["scanner"])
    assert {f"s{i}" for i in range(15, 20)} <= names
    assert "15 other scanners" in names
    other = top[top["scanner"] == "15 other scanners"]
    assert len(other) == 3 and list(other["observations"]) == [sum(range(15))] * 3
    assert top["observations"].sum() == daily["observations"].sum()
    assert frames.top_daily(daily, n=20) is daily


def test_costs_keep_the_most_expensive_and_sum_the_rest_as_other() -> None:
    costs = pd.DataFrame(
        {
            "name": [f"s{i}" for i in range(6)],
            "scanner_type": ["monitor"] * 6,
            "type": ["Monitor"] * 6,
            "est_observations": [60, 50, 40, 30, 20, 10],
            "est_credits": [600, 500, 400, 300, 200, 100],
            "est_dollars": [6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
            "share": [x / 2100 for x in (600, 500, 400, 300, 200, 100)],
        }
    )
    top = frames.top_costs(costs, n=3)
    assert list(top["name"]) == ["s0", "s1", "s2", "3 other scanners"]
    assert top.iloc[-1]["est_credits"] == 600 and top.iloc[-1]["type"] == "Other"
    assert top["est_credits"].sum() == costs["est_credits"].sum()
    spec = build("cost", lambda: charts.monthly_cost_by_scanner_chart(top))
    assert isinstance(spec, dict)


def test_a_chart_that_cannot_be_built_is_unavailable_not_an_exception() -> None:
    too_many = pd.DataFrame(
        {"date": pd.date_range("2020-01-01", periods=6000, freq="h"), "scanner": "a"}
    ).assign(observations=1)
    spec = build(
        "Observations over time", lambda: charts.observations_over_time_chart(too_many, 14)
    )
    assert spec == Unavailable("Observations over time")


def test_an_unavailable_chart_is_a_notice_and_the_page_goes_on() -> None:
    def page() -> None:
        import streamlit as st

        from vision_console.chart_spec import Unavailable, draw

        draw(Unavailable("Observations over time"))
        st.write("after the chart")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert "Observations over time" in at.warning[0].value
    assert at.markdown[0].value == "after the chart"
