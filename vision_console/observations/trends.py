"""Trends per scanner: its headline result per day or week of ``created_at``, with the change
against the week before called out ("Yes-rate 42% → 51%, +9 pts vs last week").

The headline is the scanner type's (its ``version_chart`` kind in the registry): a monitor's
yes-rate, a scorer's median score, a classifier's tag mix. The stats endpoint has no time
series, so these come from the filtered set's rows: the table's own request when the whole set
fits in it (no request more), or the whole set once loaded below; never a request of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, assert_never

import altair as alt
import pandas as pd

from vision_console import format as fmt
from vision_console import scanner_types
from vision_console.chart_spec import chart_spec
from vision_console.observations.stats_charts import AUTOSIZE, PLOT_HEIGHT, VERDICT_ORDER
from vision_console.scanner_types import VersionChartKind

Period = Literal["day", "week"]
PERIODS: tuple[Period, ...] = ("day", "week")
TOP_TAGS = 6
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Change:
    """One headline figure this week against last week, and the sentence that says it."""

    series: str
    before: float | None
    after: float | None
    text: str


def _period_start(created: pd.Series, period: Period) -> pd.Series:
    naive = created.dt.tz_convert("UTC").dt.tz_localize(None).dt.floor("D")
    if period == "week":
        return naive - pd.to_timedelta(naive.dt.day_of_week, unit="D")
    return naive


def trend_frame(records: pd.DataFrame, kind: VersionChartKind, period: Period) -> pd.DataFrame:
    """One row per period and series: the value (a rate, or a score) and the rows behind it."""
    columns = ["period", "series", "value", "rows"]
    rows = records.dropna(subset=["created_at"])
    match kind:
        case "verdict_mix":
            rows = rows[rows["verdict"].isin(VERDICT_ORDER)]
            if rows.empty:
                return pd.DataFrame(columns=columns)
            grouped = rows.assign(
                period=_period_start(rows["created_at"], period), yes=rows["verdict"] == "yes"
            ).groupby("period")["yes"]
            frame = pd.DataFrame({"value": grouped.mean(), "rows": grouped.size()}).reset_index()
            frame["series"] = "Yes-rate"
        case "score_by_version":
            rows = rows.dropna(subset=["score"])
            if rows.empty:
                return pd.DataFrame(columns=columns)
            grouped = rows.assign(period=_period_start(rows["created_at"], period)).groupby(
                "period"
            )["score"]
            frame = pd.DataFrame({"value": grouped.median(), "rows": grouped.size()}).reset_index()
            frame["series"] = "Median score"
        case "tag_mix":
            return _tag_mix(rows, period)
        case _:
            assert_never(kind)
    return frame[columns]


def _tagged(rows: pd.DataFrame) -> pd.DataFrame:
    """Succeeded rows, one per (row, tag) with fixed and freeform tags together."""
    rows = rows[rows["status"] == "succeeded"]
    return rows.assign(
        tag=[
            list(dict.fromkeys([*fixed, *free]))
            for fixed, free in zip(rows["tags"], rows["tags_freeform"], strict=True)
        ]
    )


def _tag_mix(rows: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per period, the share of succeeded observations carrying each of the top tags."""
    columns = ["period", "series", "value", "rows"]
    tagged = _tagged(rows)
    if tagged.empty:
        return pd.DataFrame(columns=columns)
    tagged = tagged.assign(period=_period_start(tagged["created_at"], period))
    per_period = tagged.groupby("period").size()
    exploded = tagged.explode("tag").dropna(subset=["tag"])
    if exploded.empty:
        return pd.DataFrame(columns=columns)
    top = exploded["tag"].value_counts().nlargest(TOP_TAGS).index
    counts = (
        exploded[exploded["tag"].isin(top)].groupby(["period", "tag"]).size().reset_index(name="n")
    )
    counts["value"] = counts["n"] / counts["period"].map(per_period)
    counts["rows"] = counts["period"].map(per_period)
    return counts.rename(columns={"tag": "series"})[columns]


def _window(records: pd.DataFrame, start: datetime, end: datetime) -> pd.DataFrame:
    created = records["created_at"]
    return records[(created >= pd.Timestamp(start)) & (created < pd.Timestamp(end))]


def week_over_week(
    records: pd.DataFrame, kind: VersionChartKind, now: datetime | None = None
) -> list[Change]:
    """The last 7 days against the 7 before them (by ``created_at``), as sentences."""
    end = now or datetime.now(UTC)
    rows = records.dropna(subset=["created_at"])
    last, this = _window(rows, end - 2 * WEEK, end - WEEK), _window(rows, end - WEEK, end)
    match kind:
        case "verdict_mix":
            before, after = _yes_rate(last), _yes_rate(this)
            return [Change("Yes-rate", before, after, _rate_text("Yes-rate", before, after))]
        case "score_by_version":
            before, after = _median(last), _median(this)
            return [Change("Median score", before, after, _score_text(before, after))]
        case "tag_mix":
            return _tag_changes(last, this)
        case _:
            assert_never(kind)


def _yes_rate(rows: pd.DataFrame) -> float | None:
    verdicts = rows["verdict"][rows["verdict"].isin(VERDICT_ORDER)]
    return float((verdicts == "yes").mean()) if len(verdicts) else None


def _median(rows: pd.DataFrame) -> float | None:
    scores = rows["score"].dropna()
    return float(scores.median()) if len(scores) else None


def _tag_shares(rows: pd.DataFrame) -> tuple[dict[str, float], int]:
    tagged = _tagged(rows)
    if tagged.empty:
        return {}, 0
    counts = tagged.explode("tag").dropna(subset=["tag"])["tag"].value_counts()
    return {str(tag): int(n) / len(tagged) for tag, n in counts.items()}, len(tagged)


def _tag_changes(last: pd.DataFrame, this: pd.DataFrame, top: int = 3) -> list[Change]:
    """The tags whose share moved most (both weeks need tagged rows to compare)."""
    before, before_rows = _tag_shares(last)
    after, after_rows = _tag_shares(this)
    if not before_rows or not after_rows:
        return [Change("Tag mix", None, None, _rate_text("Tag mix", None, None))]
    tags = set(before) | set(after)
    moved = sorted(tags, key=lambda t: (-abs(after.get(t, 0.0) - before.get(t, 0.0)), t))[:top]
    return [
        Change(
            tag,
            before.get(tag, 0.0),
            after.get(tag, 0.0),
            _rate_text(tag, before.get(tag, 0.0), after.get(tag, 0.0)),
        )
        for tag in moved
    ]


def _rate_text(name: str, before: float | None, after: float | None) -> str:
    """ "Yes-rate 42% → 51%, +9 pts vs last week" (points are whole percentage points)."""
    if before is None or after is None:
        return f"{name}: not enough observations in both of the last two weeks to compare"
    points = round(after * 100) - round(before * 100)
    return f"{name} {fmt.percent(before)} → {fmt.percent(after)}, {points:+d} pts vs last week"


def _score_text(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "Median score: not enough scores in both of the last two weeks to compare"
    return f"Median score {before:,.1f} → {after:,.1f}, {after - before:+,.1f} vs last week"


def trend_kind(scanner_type: str) -> VersionChartKind | None:
    """The type's headline trend (its registry ``version_chart``); None for summarizers."""
    return scanner_types.facts(scanner_type).version_chart


TITLES: dict[str, str] = {
    "verdict_mix": "Yes-rate over time",
    "score_by_version": "Median score over time",
    "tag_mix": "Tag mix over time",
}


def trend_chart(frame: pd.DataFrame, kind: VersionChartKind, period: Period) -> alt.Chart:
    """Lines (with points) of the headline per period; a share axis for rates and tags."""
    is_share = kind != "score_by_version"
    value_axis = alt.Axis(format="%") if is_share else alt.Axis()
    value_format = ".0%" if is_share else ",.2f"
    time_format = "%b %-d" if period == "day" else "week of %b %-d"
    chart: alt.Chart = (
        alt.Chart(
            frame,
            title=alt.TitleParams(
                TITLES[kind], subtitle=f"By {period} of creation", anchor="start"
            ),
            height=PLOT_HEIGHT,
            autosize=AUTOSIZE,
        )
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title="Created", axis=alt.Axis(format=time_format)),
            y=alt.Y(
                "value:Q",
                title="Share" if is_share else "Median score",
                axis=value_axis,
                scale=alt.Scale(zero=is_share),
            ),
            color=alt.Color("series:N", title=None),
            tooltip=[
                alt.Tooltip("period:T", title=period.capitalize(), format=time_format),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("value:Q", title="Value", format=value_format),
                alt.Tooltip("rows:Q", title="Observations", format=","),
            ],
        )
    )
    return chart


@dataclass(frozen=True)
class Trend:
    """What the trend section draws for one set of rows and one period."""

    spec: dict[str, Any] | None
    changes: list[Change]


def build(records: pd.DataFrame, scanner_type: str, period: Period) -> Trend | None:
    """The trend chart and the week-over-week sentences; None when the type has no headline."""
    kind = trend_kind(scanner_type)
    if kind is None:
        return None
    frame = trend_frame(records, kind, period)
    spec = chart_spec(trend_chart(frame, kind, period)) if not frame.empty else None
    return Trend(spec, week_over_week(records, kind))
