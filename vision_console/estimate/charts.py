"""The Estimate page's cost curve: observations and credits a month across sampling rates.

``cost_curve_chart`` is a pure Altair builder over ``vision_console.cost.cost_curve`` output;
``cost_curve`` draws it for the page's inputs. Its spec is kept per set of inputs
(``vision_console.cache.remember``), so an idle rerun draws it without rebuilding it, and only a
change of rate, budget, model or estimate builds a new one.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from vision_console import cache, cost
from vision_console.chart_spec import chart_spec
from vision_console.estimate.budget import Budget
from vision_console.estimate.inputs import Inputs
from vision_console.estimate.results import Shown

CHOSEN_COLOR = "#e03131"
BUDGET_COLOR = "#2f9e44"
QUOTA_COLOR = "#f08c00"
CURVE_COLOR = "#1d4aff"

_REFERENCE_COLORS = {"Budget": BUDGET_COLOR, "Quota left for this scanner": QUOTA_COLOR}

CURVE_HEIGHT = 240
_RATE_FORMAT = ".2%"
_COUNT_FORMAT = ",.0f"
# Width follows the container; height is the plotting area alone (Streamlit's default "fit"
# would squeeze the plot to make room for titles, legends and axes).
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def cost_curve(chosen: Inputs, shown: Shown, budget: Budget) -> None:
    """The cost across sampling rates, the chosen rate, budget and quota room marked."""
    answer = budget.answer
    extra_rates = (chosen.rate, *((answer.sampling_rate,) if answer else ()))
    headroom = quota_headroom(shown)
    unit = shown.month.unit

    def build() -> dict[str, Any]:
        curve = cost.cost_curve(shown.basis, shown.price, extra_rates=extra_rates, unit=unit)
        return chart_spec(
            cost_curve_chart(
                curve,
                chosen.rate,
                budget_credits=budget.credits,
                quota_headroom=headroom,
                credits_per_observation=shown.price,
                fleet_unit=unit,
            )
        )

    key = (shown.basis, shown.price, chosen.rate, budget.credits, extra_rates, headroom, unit)
    st.vega_lite_chart(cache.remember("estimate:cost_curve", key, build), width="stretch")


def quota_headroom(shown: Shown) -> int | None:
    """The quota's room for this scanner in observations a month (the curve's left axis).

    None without a quota to keep within, or when no rate could reach it.
    """
    view = shown.quota
    if view.quota is None or view.room is None or view.room == float("inf"):
        return None
    if view.quota.unit == "credits":
        return int(view.room // max(1, shown.price))
    return int(view.room)


def cost_curve_chart(
    curve: pd.DataFrame,
    chosen_rate: float,
    *,
    budget_credits: float | None = None,
    quota_headroom: int | None = None,
    credits_per_observation: int = 1,
    fleet_unit: cost.Unit = "credits",
) -> alt.LayerChart:
    """Observations and credits per month across sampling rates, the chosen rate marked.

    ``curve`` is ``vision_console.cost.cost_curve`` output and must contain ``chosen_rate``. Credits
    are observations times the model's price, so one line serves both: the left axis reads
    observations, the right axis credits, on scales pinned to the same proportion.
    ``budget_credits`` draws the budget as a horizontal rule, ``quota_headroom`` (observations left
    in the monthly quota for this scanner) another, drawn only when some is left. The fleet
    tooltip is in ``fleet_unit``.
    """
    top_observations = max(1, int(curve["observations"].max()))
    if quota_headroom is not None and quota_headroom > 0:
        top_observations = max(top_observations, quota_headroom)
    if budget_credits is not None and budget_credits > 0:
        top_observations = max(top_observations, int(budget_credits // credits_per_observation))
    observation_scale = alt.Scale(domain=[0, top_observations], nice=False)
    credit_scale = alt.Scale(domain=[0, top_observations * credits_per_observation], nice=False)
    tooltip = [
        alt.Tooltip("sampling_rate:Q", title="Sampling rate", format=_RATE_FORMAT),
        alt.Tooltip("observations:Q", title="Observations / month", format=_COUNT_FORMAT),
        alt.Tooltip("credits:Q", title="Credits / month", format=_COUNT_FORMAT),
        alt.Tooltip("dollars:Q", title="$ / month", format="$,.2f"),
        alt.Tooltip("fleet:Q", title=f"All scanners, {fleet_unit} / month", format=_COUNT_FORMAT),
    ]
    x = alt.X("sampling_rate:Q", title="Sampling rate", axis=alt.Axis(format="%"))
    base = alt.Chart(curve).encode(x=x)
    line = base.mark_line(color=CURVE_COLOR).encode(
        y=alt.Y("observations:Q", title="Observations / month", scale=observation_scale),
        tooltip=tooltip,
    )
    credits_axis = base.mark_line(opacity=0).encode(
        y=alt.Y(
            "credits:Q",
            title="Credits / month",
            scale=credit_scale,
            axis=alt.Axis(orient="right", format=_COUNT_FORMAT),
        ),
    )
    chosen = curve[curve["sampling_rate"] == chosen_rate]
    marked = alt.Chart(chosen).encode(
        x="sampling_rate:Q",
        y=alt.Y("observations:Q", scale=observation_scale),
        tooltip=tooltip,
    )
    layers: list[alt.Chart] = [
        line,
        alt.Chart(chosen)
        .mark_rule(color=CHOSEN_COLOR, strokeDash=[4, 3])
        .encode(x="sampling_rate:Q"),
        marked.mark_point(color=CHOSEN_COLOR, filled=True, size=90),
    ]
    references: list[dict[str, Any]] = []
    if budget_credits is not None:
        references.append(
            {
                "label": "Budget",
                "observations": budget_credits / credits_per_observation,
                "credits": budget_credits,
            }
        )
    if quota_headroom is not None and quota_headroom > 0:
        references.append(
            {
                "label": "Quota left for this scanner",
                "observations": quota_headroom,
                "credits": quota_headroom * credits_per_observation,
            }
        )
    if references:
        layers.append(
            alt.Chart(pd.DataFrame(references))
            .mark_rule(strokeDash=[2, 2])
            .encode(
                y=alt.Y("observations:Q", scale=observation_scale),
                color=alt.Color(
                    "label:N",
                    title=None,
                    scale=alt.Scale(
                        domain=[str(ref["label"]) for ref in references],
                        range=[_REFERENCE_COLORS[str(ref["label"])] for ref in references],
                    ),
                    legend=alt.Legend(orient="top"),
                ),
                tooltip=[
                    alt.Tooltip("label:N", title="Line"),
                    alt.Tooltip(
                        "observations:Q", title="Observations / month", format=_COUNT_FORMAT
                    ),
                    alt.Tooltip("credits:Q", title="Credits / month", format=_COUNT_FORMAT),
                ],
            )
        )
    left = alt.layer(*layers)
    chart: alt.LayerChart = (
        alt.layer(left, credits_axis)
        .resolve_scale(y="independent")
        .properties(
            height=CURVE_HEIGHT,
            title=alt.TitleParams("Cost across sampling rates", anchor="start"),
            autosize=_AUTOSIZE,
        )
    )
    return chart
