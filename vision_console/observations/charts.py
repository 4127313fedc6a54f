"""Pure Altair chart builders for the Observations explorer (no Streamlit calls).

Every builder takes a tidy DataFrame (from ``vision_console.observations.stats_frames`` for the
stats endpoint's answer, ``vision_console.observations.records`` for fetched rows) and returns an
Altair chart. Charts that support click-to-filter carry a *named* point selection with explicit
``fields``, so Streamlit hands back field values, never Vega row ids. Every mark has a tooltip;
colours for verdicts, outcomes and tag kinds come from the constants below so one verdict looks the
same in every chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import altair as alt
import pandas as pd
import pyarrow as pa
from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes

VERDICT_ORDER: tuple[str, ...] = ("yes", "no", "inconclusive")
VERDICT_COLORS: Mapping[str, str] = {"yes": "#2f9e44", "no": "#e03131", "inconclusive": "#868e96"}

OUTCOME_ORDER: tuple[str, ...] = ("succeeded", "failed", "ineligible", "in flight")
OUTCOME_COLORS: Mapping[str, str] = {
    "succeeded": "#1d4aff",
    "failed": "#c92a2a",
    "ineligible": "#adb5bd",
    "in flight": "#f59f00",
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

TimeUnit = Literal["yearmonthdate", "yearmonthdatehours"]

BAR_ROW_HEIGHT = 24
PLOT_HEIGHT = 180
# Width follows the container; height is the plotting area alone, so titles, subtitles and axes
# never squeeze the bars (with Streamlit's default "fit", the height includes all of them).
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
_COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)
_SHARE_FORMAT = ".0%"


def _scale(colors: Mapping[str, str], order: Sequence[str]) -> alt.Scale:
    """A categorical colour scale pinned to a fixed domain, so colours never shift with data."""
    return alt.Scale(domain=list(order), range=[colors[key] for key in order])


def _ranked(frame: pd.DataFrame) -> list[str]:
    """Tags by count (highest first), then name: an explicit order, since layered charts drop
    field-based sorts."""
    if frame.empty:
        return []
    ordered = frame.sort_values(["count", "tag"], ascending=[False, True])
    return list(dict.fromkeys(ordered["tag"]))


def _versions(frame: pd.DataFrame) -> list[str]:
    """Version labels ("v2", "v10") in numeric order."""
    if frame.empty:
        return []
    ordered = frame.sort_values("version_number")
    return list(dict.fromkeys(ordered["version"]))


def _score_domain(buckets: pd.DataFrame) -> alt.Scale:
    """The histogram's own extent (no rounding out to 'nice' values beyond the scale)."""
    if buckets.empty:
        return alt.Scale(zero=False)
    return alt.Scale(
        domain=[float(buckets["start"].min()), float(buckets["end"].max())], nice=False, zero=False
    )


def _highlight(selection: alt.Parameter) -> Any:
    """Full opacity for the selected datum (or everything when nothing is selected)."""
    return alt.condition(selection, alt.value(1.0), alt.value(0.35))


def status_chart(frame: pd.DataFrame, success_rate: int | None, total: int) -> alt.LayerChart:
    """Horizontal bars of terminal/in-flight counts, titled with the success rate.

    ``frame`` columns: ``outcome`` (one of OUTCOME_ORDER), ``count``, ``share``.
    Clicking a bar selects its ``outcome`` (STATUS_SELECTION) for click-to-filter.
    """
    rate = "—" if success_rate is None else f"{success_rate}%"
    in_flight = int(frame.loc[frame["outcome"] == "in flight", "count"].sum())
    title = alt.TitleParams(
        f"Status · success rate {rate}",
        subtitle=f"{total:,} observations · {in_flight:,} in flight",
        anchor="start",
    )
    pick = alt.selection_point(name=STATUS_SELECTION, fields=["outcome"])
    tooltip = [
        alt.Tooltip("outcome:N", title="Status"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of total", format=_SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        y=alt.Y("outcome:N", sort=list(OUTCOME_ORDER), title=None),
        x=alt.X("count:Q", title="Observations", axis=_COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color("outcome:N", scale=_scale(OUTCOME_COLORS, OUTCOME_ORDER), legend=None),
            opacity=_highlight(pick),
        )
        .add_params(pick)
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("count:Q", format=","))
    return alt.LayerChart(
        layer=[bars, labels], title=title, height=BAR_ROW_HEIGHT * 4, autosize=_AUTOSIZE
    )


def coverage_chart(frame: pd.DataFrame, recent_days: int) -> alt.LayerChart:
    """Distinct sessions scanned recently versus in total.

    ``frame`` columns: ``window`` (display label), ``sessions``, ``share`` (of the total).
    """
    tooltip = [
        alt.Tooltip("window:N", title="Window"),
        alt.Tooltip("sessions:Q", title="Distinct sessions", format=","),
        alt.Tooltip("share:Q", title="Share of all sessions", format=_SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        y=alt.Y("window:N", sort=None, title=None),
        x=alt.X("sessions:Q", title="Distinct sessions", axis=_COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = base.mark_bar(color="#1d4aff")
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("sessions:Q", format=","))
    title = alt.TitleParams(
        "Coverage",
        subtitle=f"Sessions scanned in the last {recent_days} days vs all time",
        anchor="start",
    )
    return alt.LayerChart(
        layer=[bars, labels], title=title, height=BAR_ROW_HEIGHT * 2, autosize=_AUTOSIZE
    )


def verdict_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Monitor verdict distribution, one fixed colour per verdict.

    ``frame`` columns: ``verdict`` (yes/no/inconclusive), ``count``, ``share``.
    Clicking a bar selects its ``verdict`` (VERDICT_SELECTION).
    """
    total = int(frame["count"].sum()) if not frame.empty else 0
    pick = alt.selection_point(name=VERDICT_SELECTION, fields=["verdict"])
    tooltip = [
        alt.Tooltip("verdict:N", title="Verdict"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of verdicts", format=_SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "verdict:N", sort=list(VERDICT_ORDER), title="Verdict", axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y("count:Q", title="Observations", axis=_COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color("verdict:N", scale=_scale(VERDICT_COLORS, VERDICT_ORDER), legend=None),
            opacity=_highlight(pick),
        )
        .add_params(pick)
    )
    labels = base.mark_text(baseline="bottom", dy=-3).encode(
        text=alt.Text("share:Q", format=_SHARE_FORMAT)
    )
    title = alt.TitleParams(
        "Verdicts", subtitle=f"{total:,} verdicts · click a bar to filter", anchor="start"
    )
    return alt.LayerChart(layer=[bars, labels], title=title, height=PLOT_HEIGHT, autosize=_AUTOSIZE)


def score_histogram(
    buckets: pd.DataFrame, summary: pd.DataFrame, score_label: str | None = None
) -> alt.LayerChart:
    """Scorer histogram with the summary statistics drawn as labelled rules.

    ``buckets`` columns: ``bucket`` (server label), ``start``/``end`` (continuous edges, so the
    rules for min/p25/median/mean/p75/max land where the scores are), ``count``, ``share``.
    ``summary`` columns: ``stat`` (SUMMARY_ORDER), ``value``.
    Clicking a bar selects its ``bucket`` label (BUCKET_SELECTION).
    """
    scored = int(buckets["count"].sum()) if not buckets.empty else 0
    axis_title = score_label or "Score"
    pick = alt.selection_point(name=BUCKET_SELECTION, fields=["bucket"])
    bars = (
        alt.Chart(buckets)
        .mark_bar(color="#1d4aff", binSpacing=1)
        .encode(
            x=alt.X("start:Q", title=axis_title, scale=_score_domain(buckets)),
            x2="end:Q",
            y=alt.Y("count:Q", title="Observations", axis=_COUNT_AXIS),
            y2=alt.datum(0),
            opacity=_highlight(pick),
            tooltip=[
                alt.Tooltip("bucket:N", title=axis_title),
                alt.Tooltip("count:Q", title="Observations", format=","),
                alt.Tooltip("share:Q", title="Share of scored", format=_SHARE_FORMAT),
            ],
        )
        .add_params(pick)
    )
    rules = (
        alt.Chart(summary)
        .mark_rule(strokeWidth=2)
        .encode(
            x="value:Q",
            color=alt.Color(
                "stat:N",
                scale=_scale(SUMMARY_COLORS, SUMMARY_ORDER),
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
        "Score distribution",
        subtitle=f"{scored:,} scored · click a bucket to filter",
        anchor="start",
    )
    return alt.LayerChart(layer=[bars, rules], title=title, height=PLOT_HEIGHT, autosize=_AUTOSIZE)


def tag_ranking_chart(frame: pd.DataFrame, total_with_tags: int) -> alt.LayerChart:
    """Classifier tags ranked by how often they were assigned, fixed and freeform apart.

    ``frame`` columns: ``tag``, ``kind`` (fixed/freeform), ``count``, ``share`` (of tagged
    observations). Clicking a bar selects its ``tag`` (TAG_SELECTION).
    """
    pick = alt.selection_point(name=TAG_SELECTION, fields=["tag"])
    tooltip = [
        alt.Tooltip("tag:N", title="Tag"),
        alt.Tooltip("kind:N", title="Kind"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of tagged", format=_SHARE_FORMAT),
    ]
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "tag:N",
            sort=_ranked(frame),
            title=None,
            axis=alt.Axis(labelLimit=220),
        ),
        x=alt.X("count:Q", title="Observations", axis=_COUNT_AXIS),
        tooltip=tooltip,
    )
    bars = (
        base.mark_bar()
        .encode(
            color=alt.Color(
                "kind:N", scale=_scale(TAG_KIND_COLORS, TAG_KIND_ORDER), title="Tag kind"
            ),
            opacity=_highlight(pick),
        )
        .add_params(pick)
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("count:Q", format=","))
    rows = max(len(frame), 1)
    title = alt.TitleParams(
        "Tags",
        subtitle=f"{total_with_tags:,} tagged observations · click a tag to filter",
        anchor="start",
    )
    return alt.LayerChart(
        layer=[bars, labels], title=title, height=BAR_ROW_HEIGHT * rows, autosize=_AUTOSIZE
    )


def over_time_chart(
    frame: pd.DataFrame,
    time_unit: TimeUnit,
    colors: Mapping[str, str],
    order: Sequence[str],
    title: str,
) -> alt.Chart:
    """Stacked bars of observations per period and category (outcome or verdict).

    ``frame`` columns: ``period`` (datetime), ``category``, ``count``. ``time_unit`` is a
    Vega-Lite time unit such as ``yearmonthdate`` or ``yearmonthdatehours``.
    """
    time_format = "%b %d %H:00" if "hours" in time_unit else "%b %d, %Y"
    chart: alt.Chart = (
        alt.Chart(
            frame,
            title=alt.TitleParams(title, anchor="start"),
            height=PLOT_HEIGHT,
            autosize=_AUTOSIZE,
        )
        .mark_bar()
        .encode(
            x=alt.X(
                "period:T", timeUnit=time_unit, title="Created", axis=alt.Axis(format=time_format)
            ),
            y=alt.Y("count:Q", title="Observations", stack="zero", axis=_COUNT_AXIS),
            color=alt.Color(
                "category:N", scale=_scale(colors, order), sort=list(order), title=None
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


def version_mix_chart(
    frame: pd.DataFrame,
    colors: Mapping[str, str],
    order: Sequence[str],
    title: str,
) -> alt.Chart:
    """Per scanner version, the share of each category (outcome or verdict), stacked to 100%.

    ``frame`` columns: ``version`` (label "vN"), ``version_number``, ``category``, ``count``,
    ``share`` (within the version), ``version_total``.
    """
    chart: alt.Chart = (
        alt.Chart(
            frame,
            title=alt.TitleParams(title, anchor="start"),
            height=PLOT_HEIGHT,
            autosize=_AUTOSIZE,
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
                "category:N", scale=_scale(colors, order), sort=list(order), title=None
            ),
            order=alt.Order("category_rank:Q"),
            tooltip=[
                alt.Tooltip("version:N", title="Version"),
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("count:Q", title="Observations", format=","),
                alt.Tooltip("share:Q", title="Share of version", format=_SHARE_FORMAT),
                alt.Tooltip("version_total:Q", title="Version total", format=","),
            ],
        )
    )
    return chart


def version_score_chart(frame: pd.DataFrame, score_label: str | None = None) -> alt.LayerChart:
    """Per scanner version, the score range (min–max), interquartile box, median and mean.

    ``frame`` columns: ``version``, ``version_number``, and SUMMARY_ORDER stats plus ``count``.
    """
    axis_title = score_label or "Score"
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
        layer=[whisker, box, median, mean], title=title, height=PLOT_HEIGHT, autosize=_AUTOSIZE
    )


def version_tag_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Heatmap of how often each tag was assigned, as a share of each version's tagged rows.

    ``frame`` columns: ``version``, ``version_number``, ``tag``, ``count``, ``share``.
    """
    tooltip = [
        alt.Tooltip("version:N", title="Version"),
        alt.Tooltip("tag:N", title="Tag"),
        alt.Tooltip("count:Q", title="Observations", format=","),
        alt.Tooltip("share:Q", title="Share of version's succeeded", format=_SHARE_FORMAT),
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
        text=alt.Text("share:Q", format=_SHARE_FORMAT),
        color=alt.condition(alt.datum.share > 0.6, alt.value("white"), alt.value("#151515")),
    )
    rows = max(frame["tag"].nunique() if not frame.empty else 1, 1)
    title = alt.TitleParams("Tags by version", anchor="start")
    return alt.LayerChart(
        layer=[cells, labels], title=title, height=BAR_ROW_HEIGHT * rows, autosize=_AUTOSIZE
    )


def chart_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite dict to draw, built (and validated) once, cheap to send on every rerun.

    Altair's default 300px view size is dropped (as ``st.altair_chart`` does), and each
    inline dataset becomes Arrow IPC bytes, the form Streamlit ships datasets in: handed
    bytes, Streamlit sends them as they are, where rows or a table would be converted again
    on every rerun.
    """
    spec: dict[str, Any] = chart.to_dict()
    config = spec.get("config", {})
    config.pop("view", None)
    if not config:
        spec.pop("config", None)
    datasets = spec.get("datasets", {})
    for name, rows in datasets.items():
        try:
            datasets[name] = convert_arrow_table_to_arrow_bytes(pa.Table.from_pylist(rows))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            continue  # mixed-type column: let Streamlit convert the rows itself
    return spec
