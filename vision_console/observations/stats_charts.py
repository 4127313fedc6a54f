"""The stats endpoint's answer as charts: status, coverage and the scanner type's distribution.

Each builder takes the typed block it draws (``StatusCounts``, ``Coverage``, ``MonitorStats``,
``ScorerStats``, ``ClassifierStats``) and builds its tidy frame right beside it, so one chart is
one place to edit: the score histogram is ``histogram_frame`` + ``score_histogram`` below. The
charts come from the stats endpoint, never from re-aggregating rows.

Which distribution a scanner gets is the registry's ``distribution_chart`` (a ``ChartKind``),
dispatched by an exhaustive ``match``. Charts that filter on click carry a *named* point
selection with explicit ``fields``, so Streamlit hands back field values, never Vega row ids.
Every mark has a tooltip; colours come from the constants below so one verdict looks the same
in every chart.

A chart's spec holds nothing that changes with the filter but its data: its title says what it
shows, and the figures that move (the total, the success rate) are in the metric strip or in
the ``caption`` under the chart. A filter click then swaps the data into the chart the browser
already drew instead of making it build the chart again (issue 14: click latency).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, assert_never

import altair as alt
import pandas as pd

from vision_api import (
    ClassifierStats,
    Coverage,
    Histogram,
    MonitorStats,
    ObservationStats,
    Scanner,
    ScorerStats,
    ScoreSummary,
    StatusCounts,
)
from vision_console import format as fmt
from vision_console import scanner_types
from vision_console.chart_spec import chart_spec
from vision_console.scanner_types import ChartKind

VERDICT_ORDER: tuple[str, ...] = scanner_types.VERDICTS
VERDICT_COLORS: Mapping[str, str] = {"yes": "#2f9e44", "no": "#e03131", "inconclusive": "#868e96"}

IN_FLIGHT = "in flight"
OUTCOME_ORDER: tuple[str, ...] = ("succeeded", "failed", "ineligible", IN_FLIGHT)
OUTCOME_COLORS: Mapping[str, str] = {
    "succeeded": "#1d4aff",
    "failed": "#c92a2a",
    "ineligible": "#adb5bd",
    IN_FLIGHT: "#f59f00",
}

TAG_KIND_ORDER: tuple[str, ...] = ("fixed", "freeform")
TAG_KIND_COLORS: Mapping[str, str] = {"fixed": "#1d4aff", "freeform": "#ae3ec9"}

SUMMARY_ORDER: tuple[str, ...] = ("min", "p25", "median", "mean", "p75", "max")
SUMMARY_COLORS: Mapping[str, str] = {
    "min": "#495057",
    "p25": "#f08c00",
    "median": "#c2255c",
    "mean": "#0c8599",
    "p75": "#f08c00",
    "max": "#495057",
}

VERDICT_SELECTION = "verdict_pick"
BUCKET_SELECTION = "bucket_pick"
TAG_SELECTION = "tag_pick"
STATUS_SELECTION = "status_pick"

BAR_ROW_HEIGHT = 24
PLOT_HEIGHT = 180
# Width follows the container; height is the plotting area alone, so titles, subtitles and axes
# never squeeze the bars (with Streamlit's default "fit", the height includes all of them).
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)
SHARE_FORMAT = ".0%"


def color_scale(colors: Mapping[str, str], order: Sequence[str]) -> alt.Scale:
    """A categorical colour scale pinned to a fixed domain, so colours never shift with data."""
    return alt.Scale(domain=list(order), range=[colors[key] for key in order])


def _highlight(selection: alt.Parameter) -> Any:
    """Full opacity for the selected datum (or everything when nothing is selected)."""
    return alt.condition(selection, alt.value(1.0), alt.value(0.35))


def share(part: float, whole: float) -> float:
    """part / whole, or 0 when there is no whole."""
    return part / whole if whole else 0.0


# -- status and coverage ---------------------------------------------------------------------


def status_frame(counts: StatusCounts) -> pd.DataFrame:
    """One row per outcome (succeeded, failed, ineligible, in flight) with count and share."""
    values = (counts.succeeded, counts.failed, counts.ineligible, counts.in_flight)
    rows = [
        {"outcome": outcome, "count": count, "share": share(count, counts.total)}
        for outcome, count in zip(OUTCOME_ORDER, values, strict=True)
    ]
    return pd.DataFrame(rows, columns=["outcome", "count", "share"])


def status_chart(counts: StatusCounts) -> alt.LayerChart:
    """Horizontal bars of terminal/in-flight counts (the total and success rate are the metric
    strip's).

    Clicking a bar selects its ``outcome`` (STATUS_SELECTION) for click-to-filter.
    """
    frame = status_frame(counts)
    title = alt.TitleParams("Status", subtitle="Click a bar to filter", anchor="start")
    pick = alt.selection_point(name=STATUS_SELECTION, fields=["outcome"])
    tooltip = [
        alt.Tooltip("outcome:N", title="Status"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of total", format=SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        y=alt.Y("outcome:N", sort=list(OUTCOME_ORDER), title=None),
        x=alt.X("count:Q", title="Observations", axis=COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color(
                "outcome:N", scale=color_scale(OUTCOME_COLORS, OUTCOME_ORDER), legend=None
            ),
            opacity=_highlight(pick),
        )
        .add_params(pick)
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("count:Q", format=","))
    return alt.LayerChart(
        layer=[bars, labels], title=title, height=BAR_ROW_HEIGHT * 4, autosize=AUTOSIZE
    )


def success_rate(counts: StatusCounts) -> str:
    """The API's whole-percent success rate, written by ``fmt`` ("—" with no outcome)."""
    return fmt.percent(None if counts.success_rate is None else counts.success_rate / 100)


def recent_window(coverage: Coverage) -> str:
    """The coverage window as every label names it: "last 14 days"."""
    return fmt.last_days(coverage.recent_days or DEFAULT_RECENT_DAYS)


DEFAULT_RECENT_DAYS = 14


def coverage_frame(coverage: Coverage) -> pd.DataFrame:
    """Distinct sessions in the recent window and overall."""
    recent, total = coverage.recent_sessions, coverage.total_sessions
    window = recent_window(coverage)
    return pd.DataFrame(
        [
            {
                "window": window[0].upper() + window[1:],
                "sessions": recent,
                "share": share(recent, total),
            },
            {"window": "All time", "sessions": total, "share": share(total, total)},
        ],
        columns=["window", "sessions", "share"],
    )


def coverage_chart(coverage: Coverage) -> alt.LayerChart:
    """Distinct sessions scanned recently versus in total."""
    frame = coverage_frame(coverage)
    tooltip = [
        alt.Tooltip("window:N", title="Window"),
        alt.Tooltip("sessions:Q", title="Distinct sessions", format=","),
        alt.Tooltip("share:Q", title="Share of all sessions", format=SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        y=alt.Y("window:N", sort=None, title=None),
        x=alt.X("sessions:Q", title="Distinct sessions", axis=COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = base.mark_bar(color="#1d4aff")
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("sessions:Q", format=","))
    title = alt.TitleParams(
        "Coverage",
        subtitle=f"Sessions scanned in the {recent_window(coverage)} vs all time",
        anchor="start",
    )
    return alt.LayerChart(
        layer=[bars, labels], title=title, height=BAR_ROW_HEIGHT * 2, autosize=AUTOSIZE
    )


def metric_cells(
    stats: ObservationStats, sessions_known: bool = True
) -> list[tuple[str, str, str | None]]:
    """The metric strip as (label, value, help): the same counts as the status chart.

    ``sessions_known`` is False when the view narrows the set (a score bucket) past what the
    console can count without fetching every row: the sessions cell then says so.
    """
    counts, coverage = stats.status_counts, stats.coverage
    window = recent_window(coverage)
    sessions = (
        (
            fmt.count(coverage.recent_sessions),
            f"Distinct sessions scanned; {fmt.count(coverage.total_sessions)} in total",
        )
        if sessions_known
        else (fmt.MISSING, "Counted once every observation of this score bucket is loaded")
    )
    return [
        ("Observations", fmt.count(counts.total), None),
        (
            "Success rate",
            success_rate(counts),
            "Succeeded ÷ (succeeded + failed); ineligible excluded",
        ),
        ("Failed", fmt.count(counts.failed), None),
        ("Ineligible", fmt.count(counts.ineligible), None),
        ("In flight", fmt.count(counts.in_flight), "Pending or running"),
        (f"Sessions, {window}", *sessions),
    ]


# -- monitor: verdicts -----------------------------------------------------------------------


def verdict_frame(monitor: MonitorStats) -> pd.DataFrame:
    """Monitor verdict counts in fixed order, with their share of all verdicts."""
    counts = (monitor.yes_total, monitor.no_total, monitor.inconclusive_total)
    total = sum(counts)
    return pd.DataFrame(
        [
            {"verdict": verdict, "count": count, "share": share(count, total)}
            for verdict, count in zip(VERDICT_ORDER, counts, strict=True)
        ],
        columns=["verdict", "count", "share"],
    )


def verdict_chart(monitor: MonitorStats) -> alt.LayerChart:
    """Monitor verdict distribution, one fixed colour per verdict.

    Clicking a bar selects its ``verdict`` (VERDICT_SELECTION).
    """
    frame = verdict_frame(monitor)
    pick = alt.selection_point(name=VERDICT_SELECTION, fields=["verdict"])
    tooltip = [
        alt.Tooltip("verdict:N", title="Verdict"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of verdicts", format=SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "verdict:N", sort=list(VERDICT_ORDER), title="Verdict", axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y("count:Q", title="Observations", axis=COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color(
                "verdict:N", scale=color_scale(VERDICT_COLORS, VERDICT_ORDER), legend=None
            ),
            opacity=_highlight(pick),
        )
        .add_params(pick)
    )
    labels = base.mark_text(baseline="bottom", dy=-3).encode(
        text=alt.Text("share:Q", format=SHARE_FORMAT)
    )
    title = alt.TitleParams("Verdicts", subtitle="Click a bar to filter", anchor="start")
    return alt.LayerChart(layer=[bars, labels], title=title, height=PLOT_HEIGHT, autosize=AUTOSIZE)


# -- scorer: the score histogram -------------------------------------------------------------

_BUCKET_LABEL = re.compile(r"^\s*(-?\d+)(?:\s*[–—-]\s*(-?\d+))?\s*$")


def parse_bucket_label(label: str) -> tuple[int, int] | None:
    """Integer bounds of a histogram label: "7" -> (7, 7), "0–4" -> (0, 4); None if unreadable."""
    match = _BUCKET_LABEL.match(label)
    if not match:
        return None
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) is not None else low
    return (low, high) if high >= low else None


def histogram_frame(histogram: Histogram) -> pd.DataFrame:
    """Scorer buckets with continuous edges.

    Scores are rounded to integers before bucketing, so a bucket labelled "a–b" holds scores
    in [a - 0.5, b + 0.5); those edges put the summary rules where the scores actually are.
    Labels that cannot be read fall back to unit-wide slots by position.
    """
    bounds = [parse_bucket_label(label) for label in histogram.labels]
    total = sum(histogram.counts)
    rows = []
    for position, (label, count, bound) in enumerate(
        zip(histogram.labels, histogram.counts, bounds, strict=True)
    ):
        start, end = (
            (bound[0] - 0.5, bound[1] + 0.5) if all(bounds) and bound else (position, position + 1)
        )
        rows.append(
            {
                "bucket": label,
                "start": float(start),
                "end": float(end),
                "count": count,
                "share": share(count, total),
            }
        )
    return pd.DataFrame(rows, columns=["bucket", "start", "end", "count", "share"])


def summary_frame(summary: ScoreSummary | None) -> pd.DataFrame:
    """min, p25, median, mean, p75, max as rows (stat, value); none when nothing was scored."""
    rows = (
        [{"stat": stat, "value": float(getattr(summary, stat))} for stat in SUMMARY_ORDER]
        if summary is not None
        else []
    )
    return pd.DataFrame(rows, columns=["stat", "value"])


def summary_caption(summary: ScoreSummary | None) -> str:
    """The summary statistics in one line under the histogram ("" when nothing was scored)."""
    if summary is None:
        return ""
    return " · ".join(f"{stat} {float(getattr(summary, stat)):,.2f}" for stat in SUMMARY_ORDER)


def _score_domain(buckets: pd.DataFrame) -> alt.Scale:
    """The histogram's own extent (no rounding out to 'nice' values beyond the scale)."""
    if buckets.empty:
        return alt.Scale(zero=False)
    return alt.Scale(
        domain=[float(buckets["start"].min()), float(buckets["end"].max())], nice=False, zero=False
    )


def score_label(scanner: Scanner) -> str | None:
    """What the scanner's scale measures ("Ease"), from its config, when it says."""
    scale = scanner.scanner_config.get("scale")
    label = scale.get("label") if isinstance(scale, Mapping) else None
    return label if isinstance(label, str) and label else None


def score_histogram(
    histogram: Histogram, summary: ScoreSummary | None, axis_label: str | None = None
) -> alt.LayerChart:
    """Scorer histogram with the summary statistics drawn as labelled rules.

    Clicking a bar selects its ``bucket`` label (BUCKET_SELECTION).
    """
    buckets = histogram_frame(histogram)
    axis_title = axis_label or "Score"
    pick = alt.selection_point(name=BUCKET_SELECTION, fields=["bucket"])
    bars = (
        alt.Chart(buckets)
        .mark_bar(color="#1d4aff", binSpacing=1)
        .encode(
            x=alt.X("start:Q", title=axis_title, scale=_score_domain(buckets)),
            x2="end:Q",
            y=alt.Y("count:Q", title="Observations", axis=COUNT_AXIS),
            y2=alt.datum(0),
            opacity=_highlight(pick),
            tooltip=[
                alt.Tooltip("bucket:N", title=axis_title),
                alt.Tooltip("count:Q", title="Observations", format=","),
                alt.Tooltip("share:Q", title="Share of scored", format=SHARE_FORMAT),
            ],
        )
        .add_params(pick)
    )
    rules = (
        alt.Chart(summary_frame(summary))
        .mark_rule(strokeWidth=2)
        .encode(
            x="value:Q",
            color=alt.Color(
                "stat:N",
                scale=color_scale(SUMMARY_COLORS, SUMMARY_ORDER),
                sort=list(SUMMARY_ORDER),
                title="Summary",
            ),
            strokeDash=alt.condition(
                alt.datum.stat == "mean", alt.value([5, 3]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("stat:N", title="Statistic"),
                alt.Tooltip("value:Q", title=axis_title, format=",.2f"),
            ],
        )
    )
    title = alt.TitleParams(
        "Score distribution", subtitle="Click a bucket to filter", anchor="start"
    )
    return alt.LayerChart(layer=[bars, rules], title=title, height=PLOT_HEIGHT, autosize=AUTOSIZE)


def bucket_window(histogram: Histogram, bucket: str, descending: bool) -> tuple[int, int] | None:
    """Where one histogram bucket's rows sit in the list sorted by ``result_score``.

    The API sorts scores with nulls last in both directions, and bucketing is monotonic in the
    score, so bucket k occupies a contiguous run of rows: after every lower bucket (ascending)
    or every higher one (descending). Returns (offset, count), or None for an unknown bucket.
    """
    if bucket not in histogram.labels:
        return None
    position = histogram.labels.index(bucket)
    counts = histogram.counts
    before = sum(counts[position + 1 :]) if descending else sum(counts[:position])
    return before, counts[position]


def histogram_of(stats: ObservationStats) -> Histogram | None:
    """The score histogram of a stats answer (scorers with scores), else None."""
    return stats.scorer.histogram if stats.scorer is not None else None


# -- classifier: tag ranking -----------------------------------------------------------------


def tag_frame(classifier: ClassifierStats) -> pd.DataFrame:
    """Fixed and freeform tag rankings in one frame (tag, kind, count, share of tagged)."""
    rows = [
        {
            "tag": entry.tag,
            "kind": kind,
            "count": entry.count,
            "share": share(entry.count, classifier.total_with_tags),
        }
        for kind, ranked in (
            ("fixed", classifier.fixed_ranked),
            ("freeform", classifier.freeform_ranked),
        )
        for entry in ranked
    ]
    return pd.DataFrame(rows, columns=["tag", "kind", "count", "share"])


def _ranked(frame: pd.DataFrame) -> list[str]:
    """Tags by count (highest first), then name: an explicit order, since layered charts drop
    field-based sorts."""
    if frame.empty:
        return []
    ordered = frame.sort_values(["count", "tag"], ascending=[False, True])
    return list(dict.fromkeys(ordered["tag"]))


def tag_ranking_chart(classifier: ClassifierStats) -> alt.LayerChart:
    """Classifier tags ranked by how often they were assigned, fixed and freeform apart.

    Clicking a bar selects its ``tag`` (TAG_SELECTION).
    """
    frame = tag_frame(classifier)
    pick = alt.selection_point(name=TAG_SELECTION, fields=["tag"])
    tooltip = [
        alt.Tooltip("tag:N", title="Tag"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of tagged", format=SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        y=alt.Y("tag:N", sort=_ranked(frame), title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("count:Q", title="Observations", axis=COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color(
                "kind:N", scale=color_scale(TAG_KIND_COLORS, TAG_KIND_ORDER), title="Tag kind"
            ),
            opacity=_highlight(pick),
        )
        .add_params(pick)
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("count:Q", format=","))
    title = alt.TitleParams("Tags", subtitle="Click a tag to filter", anchor="start")
    return alt.LayerChart(
        layer=[bars, labels],
        title=title,
        height=BAR_ROW_HEIGHT * max(len(frame), 1),
        autosize=AUTOSIZE,
    )


# -- the type's distribution, and every stats chart as specs --------------------------------


@dataclass(frozen=True)
class Distribution:
    """The type's distribution chart, ready to draw: its spec, what a click on it selects,
    its description, and a caption under it ("" for none)."""

    kind: ChartKind
    spec: dict[str, Any]
    selection: str
    description: str
    caption: str = ""


def distribution(kind: ChartKind, stats: ObservationStats, scanner: Scanner) -> Distribution | None:
    """The chart of ``kind`` for this answer, or None when its block has nothing to draw."""
    match kind:
        case "verdicts":
            if stats.monitor is None:
                return None
            monitor = stats.monitor
            total = monitor.yes_total + monitor.no_total + monitor.inconclusive_total
            return Distribution(
                kind,
                chart_spec(verdict_chart(monitor)),
                VERDICT_SELECTION,
                "Verdict distribution, click a bar to filter",
                fmt.count(total, "verdict"),
            )
        case "score_histogram":
            scorer: ScorerStats | None = stats.scorer
            if scorer is None or scorer.histogram is None or not scorer.histogram.labels:
                return None
            return Distribution(
                kind,
                chart_spec(score_histogram(scorer.histogram, scorer.summary, score_label(scanner))),
                BUCKET_SELECTION,
                "Score histogram with summary statistics, click a bucket to filter",
                " · ".join(
                    part
                    for part in (
                        f"{fmt.count(sum(scorer.histogram.counts))} scored",
                        summary_caption(scorer.summary),
                    )
                    if part
                ),
            )
        case "tag_ranking":
            classifier = stats.classifier
            if classifier is None or not (classifier.fixed_ranked or classifier.freeform_ranked):
                return None
            return Distribution(
                kind,
                chart_spec(tag_ranking_chart(classifier)),
                TAG_SELECTION,
                "Tags ranked by count, click a tag to filter",
                fmt.count(classifier.total_with_tags, "tagged observation"),
            )
        case _:
            assert_never(kind)


@dataclass(frozen=True)
class StatsCharts:
    """Every stats chart of one answer as a spec, built once and shared (``cache.shared``)."""

    status: dict[str, Any]
    coverage: dict[str, Any]
    distribution: Distribution | None


def specs(stats: ObservationStats, scanner: Scanner) -> StatsCharts:
    """Status, coverage and, when the scanner's type has one, its distribution chart."""
    kind = scanner_types.facts(scanner.scanner_type).distribution_chart
    return StatsCharts(
        status=chart_spec(status_chart(stats.status_counts)),
        coverage=chart_spec(coverage_chart(stats.coverage)),
        distribution=None if kind is None else distribution(kind, stats, scanner),
    )
