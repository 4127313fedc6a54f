"""Pure Altair chart builders for the Estimate and Overview pages (no Streamlit calls).

Each builder takes a tidy DataFrame from ``vision_console.cost`` or
``vision_console.overview.fleet_table`` and returns an Altair chart; the page renders it. Every mark
carries a tooltip, and scanner types keep the same colour everywhere (PostHog's badges: monitor
primary, classifier violet, scorer amber, summarizer green).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from vision_console.cost import dollars_for, format_dollars

TYPE_ORDER: tuple[str, ...] = ("monitor", "classifier", "scorer", "summarizer")
TYPE_COLORS: Mapping[str, str] = {
    "monitor": "#1d4aff",
    "classifier": "#7c3aed",
    "scorer": "#f59f00",
    "summarizer": "#2f9e44",
}
OTHER_TYPE_COLOR = "#868e96"

CHOSEN_COLOR = "#e03131"
BUDGET_COLOR = "#2f9e44"
QUOTA_COLOR = "#f08c00"
CURVE_COLOR = "#1d4aff"

_REFERENCE_COLORS = {"Budget": BUDGET_COLOR, "Quota left for this scanner": QUOTA_COLOR}

BAR_ROW_HEIGHT = 24
CURVE_HEIGHT = 240
OVER_TIME_HEIGHT = 220
_RATE_FORMAT = ".2%"
_COUNT_FORMAT = ",.0f"
# Width follows the container; height is the plotting area alone (Streamlit's default "fit"
# would squeeze the plot to make room for titles, legends and axes).
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def _type_scale(types: list[str]) -> alt.Scale:
    """Scanner-type colours pinned to a fixed domain; unknown (newer) types are grey."""
    domain = [*TYPE_ORDER, *sorted(set(types) - set(TYPE_ORDER))]
    return alt.Scale(domain=domain, range=[TYPE_COLORS.get(t, OTHER_TYPE_COLOR) for t in domain])


def cost_curve_chart(
    curve: pd.DataFrame,
    chosen_rate: float,
    *,
    budget_credits: float | None = None,
    quota_headroom: int | None = None,
    credits_per_observation: int = 1,
) -> alt.LayerChart:
    """Observations and credits per month across sampling rates, the chosen rate marked.

    ``curve`` is ``vision_console.cost.cost_curve`` output and must contain ``chosen_rate``. Credits
    are observations times the model's price, so one line serves both: the left axis reads
    observations, the right axis credits, on scales pinned to the same proportion.
    ``budget_credits`` draws the budget as a horizontal rule, ``quota_headroom`` (observations left
    in the monthly quota for this scanner) another, drawn only when some is left.
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
        alt.Tooltip(
            "fleet_observations:Q", title="Fleet observations / month", format=_COUNT_FORMAT
        ),
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


def monthly_cost_by_scanner_chart(costs: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of estimated credits per month per enabled scanner, coloured by type.

    ``costs`` is ``vision_console.overview.fleet_table.monthly_cost_frame`` output (most expensive
    first).
    """
    total = int(costs["est_credits"].sum()) if not costs.empty else 0
    chart: alt.Chart = (
        alt.Chart(costs)
        .mark_bar()
        .encode(
            x=alt.X(
                "est_credits:Q",
                title="Estimated credits / month",
                axis=alt.Axis(format=_COUNT_FORMAT),
            ),
            y=alt.Y("name:N", title=None, sort=list(costs["name"])),
            color=alt.Color(
                "scanner_type:N", title="Type", scale=_type_scale(list(costs["scanner_type"]))
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Scanner"),
                alt.Tooltip("scanner_type:N", title="Type"),
                alt.Tooltip(
                    "est_observations:Q", title="Observations / month", format=_COUNT_FORMAT
                ),
                alt.Tooltip("est_credits:Q", title="Credits / month", format=_COUNT_FORMAT),
                alt.Tooltip("est_dollars:Q", title="$ / month", format="$,.2f"),
                alt.Tooltip("share:Q", title="Share of fleet", format=".0%"),
            ],
        )
        .properties(
            height=max(BAR_ROW_HEIGHT, BAR_ROW_HEIGHT * len(costs)),
            autosize=_AUTOSIZE,
            title=alt.TitleParams(
                "Estimated monthly cost by scanner",
                subtitle=(
                    f"{total:,} credits ({format_dollars(dollars_for(total))}) a month"
                    " across enabled scanners"
                ),
                anchor="start",
            ),
        )
    )
    return chart


def observations_over_time_chart(daily: pd.DataFrame, days: int) -> alt.Chart:
    """Stacked daily observations across scanners over the last ``days`` days.

    ``daily`` is ``vision_console.overview.fleet_table.daily_observations`` output.
    """
    chart: alt.Chart = (
        alt.Chart(daily)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(date):T", title=None, axis=alt.Axis(format="%b %d")),
            y=alt.Y("sum(observations):Q", title="Observations", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("scanner:N", title="Scanner"),
            tooltip=[
                alt.Tooltip("yearmonthdate(date):T", title="Day"),
                alt.Tooltip("scanner:N", title="Scanner"),
                alt.Tooltip("sum(observations):Q", title="Observations"),
            ],
        )
        .properties(
            height=OVER_TIME_HEIGHT,
            autosize=_AUTOSIZE,
            title=alt.TitleParams(
                "Observations over time, across all scanners",
                subtitle=f"Last {days} days, by day (UTC)",
                anchor="start",
            ),
        )
    )
    return chart
