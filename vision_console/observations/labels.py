"""Ratings (👍/👎 labels, current era) as numbers and charts: ratings by day, and agreement, the
share of 👍 among rated observations, per scanner version and per verdict or score bucket.

Agreement goes beyond PostHog's own UI: it shows whether a prompt change (a new version) made
the scanner more right, and which results people disagree with. Per version it comes from the
stats ``labels.version_markers`` (all time); per verdict or bucket from the rated rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from vision_api import Histogram, Label, LabelStats, Observation
from vision_console import format as fmt
from vision_console.chart_spec import chart_spec
from vision_console.observations.stats_charts import (
    AUTOSIZE,
    COUNT_AXIS,
    PLOT_HEIGHT,
    VERDICT_ORDER,
    parse_bucket_label,
)

RATING_ORDER: tuple[str, ...] = ("👍 right", "👎 wrong")
RATING_COLORS: tuple[str, ...] = ("#2f9e44", "#e03131")
AGREEMENT_COLUMNS = ["group", "up", "down", "rated", "agreement"]


def rating_text(label: Label | None) -> str:
    """A table cell: 👍 or 👎, or empty when not rated."""
    if label is None:
        return ""
    return "👍" if label.is_correct else "👎"


def by_day_frame(labels: LabelStats) -> pd.DataFrame:
    """One row per day and rating: how many scanned that day were rated right or wrong."""
    rows = [
        {"date": pd.Timestamp(day.date), "rating": rating, "count": count}
        for day in labels.by_day
        for rating, count in zip(RATING_ORDER, (day.up, day.down), strict=True)
    ]
    return pd.DataFrame(rows, columns=["date", "rating", "count"])


def by_day_chart(labels: LabelStats) -> alt.Chart:
    """Stacked bars of ratings per day the session was scanned."""
    chart: alt.Chart = (
        alt.Chart(
            by_day_frame(labels),
            title=alt.TitleParams(
                "Ratings by day",
                subtitle=f"{fmt.count(labels.total, 'rated observation')} · by day scanned",
                anchor="start",
            ),
            height=PLOT_HEIGHT,
            autosize=AUTOSIZE,
        )
        .mark_bar()
        .encode(
            x=alt.X(
                "date:T", timeUnit="yearmonthdate", title="Scanned", axis=alt.Axis(format="%b %-d")
            ),
            y=alt.Y("count:Q", title="Ratings", stack="zero", axis=COUNT_AXIS),
            color=alt.Color(
                "rating:N",
                scale=alt.Scale(domain=list(RATING_ORDER), range=list(RATING_COLORS)),
                title=None,
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Day", format="%b %-d, %Y"),
                alt.Tooltip("rating:N", title="Rating"),
                alt.Tooltip("count:Q", title="Observations", format=","),
            ],
        )
    )
    return chart


def _agreement(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["group", "up", "down"])
    frame["rated"] = frame["up"] + frame["down"]
    frame = frame[frame["rated"] > 0].copy()
    frame["agreement"] = frame["up"] / frame["rated"]
    return frame[AGREEMENT_COLUMNS].reset_index(drop=True)


def agreement_by_version(labels: LabelStats) -> pd.DataFrame:
    """Per scanner version (all time), the share of its rated observations rated right."""
    markers = sorted(labels.version_markers, key=lambda marker: marker.version)
    return _agreement([(f"v{m.version}", m.up, m.down) for m in markers])


def _score_group(score: float | None, histogram: Histogram | None) -> str | None:
    """The histogram bucket holding a score (scores are rounded before bucketing)."""
    if score is None or histogram is None:
        return None
    rounded = round(score)
    for label in histogram.labels:
        bounds = parse_bucket_label(label)
        if bounds and bounds[0] <= rounded <= bounds[1]:
            return label
    return None


def agreement_by_result(items: Sequence[Observation], histogram: Histogram | None) -> pd.DataFrame:
    """Per verdict (monitors) or score bucket (scorers), among the rated observations given."""
    counts: dict[str, list[int]] = {}
    for item in items:
        if item.label is None:
            continue
        group = item.verdict if item.verdict in VERDICT_ORDER else None
        group = group or _score_group(item.score, histogram)
        if group is None:
            continue
        tally = counts.setdefault(group, [0, 0])
        tally[0 if item.label.is_correct else 1] += 1
    order = list(VERDICT_ORDER) + (list(histogram.labels) if histogram else [])
    ranked = sorted(counts, key=lambda g: order.index(g) if g in order else len(order))
    return _agreement([(group, counts[group][0], counts[group][1]) for group in ranked])


def agreement_chart(frame: pd.DataFrame, title: str, axis: str) -> alt.LayerChart:
    """Bars of agreement (share rated right) per group, labelled with the share."""
    base = alt.Chart(frame).encode(
        x=alt.X("group:N", sort=list(frame["group"]), title=axis, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "agreement:Q",
            title="Rated right",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
        ),
        tooltip=[
            alt.Tooltip("group:N", title=axis),
            alt.Tooltip("agreement:Q", title="Rated right", format=".0%"),
            alt.Tooltip("up:Q", title="👍", format=","),
            alt.Tooltip("down:Q", title="👎", format=","),
        ],
    )
    bars = base.mark_bar(color="#2f9e44")
    text = base.mark_text(baseline="bottom", dy=-3).encode(
        text=alt.Text("agreement:Q", format=".0%")
    )
    return alt.LayerChart(
        layer=[bars, text],
        title=alt.TitleParams(
            title, subtitle="Share of rated observations rated 👍 right", anchor="start"
        ),
        height=PLOT_HEIGHT,
        autosize=AUTOSIZE,
    )


def specs(
    labels: LabelStats, items: Sequence[Observation] | None, histogram: Histogram | None
) -> dict[str, Any]:
    """Every ratings chart that has data: by day, by version, by verdict or score bucket."""
    built: dict[str, Any] = {}
    if labels.by_day:
        built["by_day"] = chart_spec(by_day_chart(labels))
    versions = agreement_by_version(labels)
    if not versions.empty:
        built["by_version"] = chart_spec(
            agreement_chart(versions, "Agreement by scanner version", "Version")
        )
    if items is not None:
        results = agreement_by_result(items, histogram)
        if not results.empty:
            axis = "Score bucket" if histogram is not None else "Verdict"
            built["by_result"] = chart_spec(
                agreement_chart(results, f"Agreement by {axis.lower()}", axis)
            )
    return built
