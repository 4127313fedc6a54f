"""The whole filtered set's charts: trends over time and the comparison of scanner versions.

The stats endpoint has no time series and no version filter, so these are computed from the
fetched rows (the record frame of ``records``): each frame builder sits beside its chart. What
a scanner type adds is the registry's: its ``trend_by`` column charted over time, and its
``version_chart`` (a ``VersionChartKind``, dispatched by an exhaustive ``match``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, assert_never

import altair as alt
import pandas as pd

from vision_api import Scanner
from vision_console import scanner_types
from vision_console.chart_spec import chart_spec
from vision_console.observations.stats_charts import (
    AUTOSIZE,
    BAR_ROW_HEIGHT,
    COUNT_AXIS,
    IN_FLIGHT,
    OUTCOME_COLORS,
    OUTCOME_ORDER,
    PLOT_HEIGHT,
    SHARE_FORMAT,
    SUMMARY_COLORS,
    SUMMARY_ORDER,
    VERDICT_COLORS,
    VERDICT_ORDER,
    color_scale,
    score_label,
)
from vision_console.scanner_types import VersionChartKind

TimeUnit = Literal["yearmonthdate", "yearmonthdatehours"]

PALETTES: Mapping[str, tuple[Mapping[str, str], tuple[str, ...]]] = {
    "outcome": (OUTCOME_COLORS, OUTCOME_ORDER),
    "verdict": (VERDICT_COLORS, VERDICT_ORDER),
}
"""Colours and order of each record column a chart splits by (keyed by column)."""


def _versions(frame: pd.DataFrame) -> list[str]:
    """Version labels ("v2", "v10") in numeric order."""
    if frame.empty:
        return []
    ordered = frame.sort_values("version_number")
    return list(dict.fromkeys(ordered["version"]))


def _version_label(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.dropna(subset=["scanner_version"]).copy()
    frame["version_number"] = frame["scanner_version"].astype(int)
    frame["version"] = "v" + frame["version_number"].astype(str)
    return frame


def _rows_of(records: pd.DataFrame, by: str) -> pd.DataFrame:
    """The rows a split by ``by`` counts: every row by outcome, only known values otherwise."""
    if by == "outcome":
        return records
    return records[records[by].isin(PALETTES[by][1])]


# -- over time ---------------------------------------------------------------------------------


def time_unit_for(created: pd.Series) -> TimeUnit:
    """Hourly bars when the rows span three days or less, daily otherwise."""
    created = created.dropna()
    if created.empty:
        return "yearmonthdate"
    span = created.max() - created.min()
    return "yearmonthdatehours" if span <= pd.Timedelta(days=3) else "yearmonthdate"


def over_time_frame(records: pd.DataFrame, by: str = "outcome") -> tuple[pd.DataFrame, TimeUnit]:
    """Counts per period and category ("outcome", or a type's ``trend_by`` column)."""
    rows = _rows_of(records.dropna(subset=["created_at"]), by)
    order = PALETTES[by][1]
    unit = time_unit_for(rows["created_at"])
    freq = "h" if unit == "yearmonthdatehours" else "D"
    periods = rows["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.floor(freq)
    grouped = (
        rows.assign(period=periods, category=rows[by])
        .groupby(["period", "category"])
        .size()
        .reset_index(name="count")
    )
    grouped["category_rank"] = grouped["category"].map({key: i for i, key in enumerate(order)})
    return grouped[["period", "category", "count", "category_rank"]], unit


def over_time_chart(records: pd.DataFrame, by: str, title: str) -> alt.Chart:
    """Stacked bars of observations per period and category (outcome or verdict)."""
    frame, time_unit = over_time_frame(records, by)
    colors, order = PALETTES[by]
    time_format = "%b %-d %H:00" if "hours" in time_unit else "%b %-d, %Y"
    chart: alt.Chart = (
        alt.Chart(
            frame,
            title=alt.TitleParams(title, anchor="start"),
            height=PLOT_HEIGHT,
            autosize=AUTOSIZE,
        )
        .mark_bar()
        .encode(
            x=alt.X(
                "period:T", timeUnit=time_unit, title="Created", axis=alt.Axis(format=time_format)
            ),
            y=alt.Y("count:Q", title="Observations", stack="zero", axis=COUNT_AXIS),
            color=alt.Color(
                "category:N", scale=color_scale(colors, order), sort=list(order), title=None
            ),
            order=alt.Order("category_rank:Q"),
            tooltip=[
                alt.Tooltip("period:T", timeUnit=time_unit, title="Period", format=time_format),
                alt.Tooltip("category:N", title="Outcome"),
                alt.Tooltip("count:Q", title="Observations", format=","),
            ],
        )
    )
    return chart


def trend_specs(records: pd.DataFrame, scanner_type: str) -> dict[str, dict[str, Any]]:
    """The Over time tab: outcomes, and the type's ``trend_by`` column when it has one."""
    specs = {
        "over_time": chart_spec(
            over_time_chart(records, "outcome", "Observations over time by outcome")
        )
    }
    trend_by = scanner_types.facts(scanner_type).trend_by
    if trend_by is not None:
        title = f"{trend_by.replace('_', ' ').capitalize()}s over time"
        specs["trend"] = chart_spec(over_time_chart(records, trend_by, title))
    return specs


# -- scanner versions --------------------------------------------------------------------------


def version_mix_frame(records: pd.DataFrame, by: str = "outcome") -> pd.DataFrame:
    """Per version and category (outcome or verdict): count, share of the version, totals."""
    order = PALETTES[by][1]
    rows = _rows_of(_version_label(records), by)
    grouped = (
        rows.groupby(["version_number", "version", by])
        .size()
        .reset_index(name="count")
        .rename(columns={by: "category"})
    )
    totals = grouped.groupby("version_number")["count"].transform("sum")
    grouped["share"] = grouped["count"] / totals
    grouped["version_total"] = totals
    grouped["category_rank"] = grouped["category"].map({key: i for i, key in enumerate(order)})
    columns = ["version", "version_number", "category", "count", "share", "version_total"]
    return grouped[[*columns, "category_rank"]]


def version_mix_chart(records: pd.DataFrame, by: str, title: str) -> alt.Chart:
    """Per scanner version, the share of each category (outcome or verdict), stacked to 100%."""
    frame = version_mix_frame(records, by)
    colors, order = PALETTES[by]
    chart: alt.Chart = (
        alt.Chart(
            frame,
            title=alt.TitleParams(title, anchor="start"),
            height=PLOT_HEIGHT,
            autosize=AUTOSIZE,
        )
        .mark_bar()
        .encode(
            x=alt.X(
                "version:N",
                sort=_versions(frame),
                title="Scanner version",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("share:Q", title="Share", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color(
                "category:N", scale=color_scale(colors, order), sort=list(order), title=None
            ),
            order=alt.Order("category_rank:Q"),
            tooltip=[
                alt.Tooltip("version:N", title="Version"),
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("count:Q", title="Observations", format=","),
                alt.Tooltip("share:Q", title="Share of version", format=SHARE_FORMAT),
                alt.Tooltip("version_total:Q", title="Version total", format=","),
            ],
        )
    )
    return chart


def version_score_frame(records: pd.DataFrame) -> pd.DataFrame:
    """Per version: count, min, p25, median, mean, p75, max of numeric scores."""
    rows = _version_label(records).dropna(subset=["score"])
    columns = ["version", "version_number", "count", *SUMMARY_ORDER]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    scores = rows.groupby(["version_number", "version"])["score"]
    frame = pd.DataFrame(
        {
            "count": scores.count(),
            "min": scores.min(),
            "p25": scores.quantile(0.25),
            "median": scores.median(),
            "mean": scores.mean(),
            "p75": scores.quantile(0.75),
            "max": scores.max(),
        }
    ).reset_index()
    return frame[columns]


def version_score_chart(records: pd.DataFrame, axis_label: str | None = None) -> alt.LayerChart:
    """Per scanner version, the score range (min–max), interquartile box, median and mean."""
    frame = version_score_frame(records)
    axis_title = axis_label or "Score"
    tooltip = [
        alt.Tooltip("version:N", title="Version"),
        alt.Tooltip("count:Q", title="Scored", format=","),
    ]
    tooltip += [alt.Tooltip(f"{stat}:Q", title=stat, format=",.2f") for stat in SUMMARY_ORDER]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "version:N",
            sort=_versions(frame),
            title="Scanner version",
            axis=alt.Axis(labelAngle=0),
        ),
        tooltip=tooltip,
    )
    whisker = base.mark_rule(color="#495057").encode(y=alt.Y("min:Q", title=axis_title), y2="max:Q")
    box = base.mark_bar(size=28, color="#1d4aff", opacity=0.45).encode(y="p25:Q", y2="p75:Q")
    median = base.mark_tick(size=28, thickness=3, color=SUMMARY_COLORS["median"]).encode(
        y="median:Q"
    )
    mean = base.mark_point(
        shape="diamond", filled=True, size=70, color=SUMMARY_COLORS["mean"]
    ).encode(y="mean:Q")
    title = alt.TitleParams(
        "Score by version", subtitle="range, p25–p75 box, median tick, mean diamond", anchor="start"
    )
    return alt.LayerChart(
        layer=[whisker, box, median, mean], title=title, height=PLOT_HEIGHT, autosize=AUTOSIZE
    )


def version_tag_frame(records: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """Per version and tag (fixed + freeform): count and share of the version's succeeded rows."""
    rows = _version_label(records)
    rows = rows[rows["status"] == "succeeded"]
    columns = ["version", "version_number", "tag", "count", "share"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    succeeded = rows.groupby("version_number").size()
    exploded = (
        rows.assign(
            tag=[
                list(dict.fromkeys([*fixed, *free]))
                for fixed, free in zip(rows["tags"], rows["tags_freeform"], strict=True)
            ]
        )
        .explode("tag")
        .dropna(subset=["tag"])
    )
    grouped = (
        exploded.groupby(["version_number", "version", "tag"]).size().reset_index(name="count")
    )
    keep = grouped.groupby("tag")["count"].sum().nlargest(top).index
    grouped = grouped[grouped["tag"].isin(keep)].copy()
    grouped["share"] = grouped["count"] / grouped["version_number"].map(succeeded)
    return grouped[columns].reset_index(drop=True)


def version_tag_chart(records: pd.DataFrame) -> alt.LayerChart:
    """Heatmap of how often each tag was assigned, as a share of each version's tagged rows."""
    frame = version_tag_frame(records)
    tooltip = [
        alt.Tooltip("version:N", title="Version"),
        alt.Tooltip("tag:N", title="Tag"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of version's succeeded", format=SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "version:N",
            sort=_versions(frame),
            title="Scanner version",
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y("tag:N", title=None, axis=alt.Axis(labelLimit=220)),
        tooltip=tooltip,
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title="Share",
            scale=alt.Scale(scheme="blues", domain=[0, 1]),
            legend=alt.Legend(format="%"),
        )
    )
    labels = base.mark_text().encode(
        text=alt.Text("share:Q", format=SHARE_FORMAT),
        color=alt.condition(alt.datum.share > 0.6, alt.value("white"), alt.value("#151515")),
    )
    rows = max(frame["tag"].nunique() if not frame.empty else 1, 1)
    title = alt.TitleParams("Tags by version", anchor="start")
    return alt.LayerChart(
        layer=[cells, labels], title=title, height=BAR_ROW_HEIGHT * rows, autosize=AUTOSIZE
    )


def version_summary(records: pd.DataFrame, kind: VersionChartKind | None) -> pd.DataFrame:
    """One row per version: observations, success rate and the type's headline number."""
    rows = _version_label(records)
    columns = [
        "Version",
        "Observations",
        "Succeeded",
        "Failed",
        "Ineligible",
        "In flight",
        "Success rate",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    summary = []
    for (version_number, label), group in rows.groupby(["version_number", "version"]):
        outcomes = group["outcome"].value_counts()
        decided = outcomes.get("succeeded", 0) + outcomes.get("failed", 0)
        row: dict[str, Any] = {
            "Version": label,
            "Observations": len(group),
            "Succeeded": int(outcomes.get("succeeded", 0)),
            "Failed": int(outcomes.get("failed", 0)),
            "Ineligible": int(outcomes.get("ineligible", 0)),
            "In flight": int(outcomes.get(IN_FLIGHT, 0)),
            "Success rate": (outcomes.get("succeeded", 0) / decided) if decided else None,
            "_order": version_number,
        }
        row |= _version_headline(group, kind)
        summary.append(row)
    return pd.DataFrame(summary).sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _version_headline(group: pd.DataFrame, kind: VersionChartKind | None) -> dict[str, Any]:
    """The type's own number per version (its version chart says which)."""
    match kind:
        case "verdict_mix":
            verdicts = group["verdict"].dropna()
            return {"Yes rate": (verdicts == "yes").mean() if len(verdicts) else None}
        case "score_by_version":
            scores = group["score"].dropna()
            return {
                "Mean score": scores.mean() if len(scores) else None,
                "Median score": scores.median() if len(scores) else None,
            }
        case "tag_mix" | None:
            return {}
        case _:
            assert_never(kind)


def _version_chart(
    kind: VersionChartKind, records: pd.DataFrame, scanner: Scanner
) -> alt.TopLevelMixin:
    match kind:
        case "verdict_mix":
            return version_mix_chart(records, "verdict", "Verdicts by scanner version")
        case "score_by_version":
            return version_score_chart(records, score_label(scanner))
        case "tag_mix":
            return version_tag_chart(records)
        case _:
            assert_never(kind)


def version_specs(records: pd.DataFrame, scanner: Scanner) -> dict[str, Any]:
    """The Versions tab: the summary table, outcomes per version and the type's own chart."""
    kind = scanner_types.facts(scanner.scanner_type).version_chart
    specs: dict[str, Any] = {
        "version_summary": version_summary(records, kind),
        "version_outcomes": chart_spec(
            version_mix_chart(records, "outcome", "Outcome by scanner version")
        ),
    }
    if kind is not None:
        specs["version_detail"] = chart_spec(_version_chart(kind, records, scanner))
    return specs
