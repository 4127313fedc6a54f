"""Stats responses (``/observations/stats/``) as the tidy frames
``vision_console.observations.charts`` draws.

The charts come from the stats endpoint, never from re-aggregating rows; these functions only
reshape its answer (and read the histogram's labels back into score ranges).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vision_console.observations.charts import OUTCOME_ORDER, SUMMARY_ORDER, VERDICT_ORDER
from vision_console.observations.payload import as_int, raw_of, share


def status_metrics(stats: Any) -> dict[str, int | float | None]:
    """The metric strip: total, succeeded, failed, ineligible, in_flight, success_rate."""
    counts = raw_of(stats).get("status_counts") or {}
    metrics: dict[str, int | float | None] = {
        key: as_int(counts.get(key))
        for key in ("total", "succeeded", "failed", "ineligible", "in_flight")
    }
    rate = counts.get("success_rate")
    metrics["success_rate"] = rate if isinstance(rate, int | float) else None
    return metrics


def status_frame(stats: Any) -> pd.DataFrame:
    """One row per outcome (succeeded, failed, ineligible, in flight) with count and share."""
    metrics = status_metrics(stats)
    total = metrics["total"] or 0
    rows = [
        {"outcome": outcome, "count": metrics[key] or 0, "share": share(metrics[key] or 0, total)}
        for outcome, key in zip(
            OUTCOME_ORDER, ("succeeded", "failed", "ineligible", "in_flight"), strict=True
        )
    ]
    return pd.DataFrame(rows, columns=["outcome", "count", "share"])


def metric_cells(stats: Any) -> list[tuple[str, str, str | None]]:
    """The metric strip as (label, value, help): the same counts as the status chart."""
    metrics = status_metrics(stats)
    coverage = coverage_frame(stats)
    rate = metrics["success_rate"]
    return [
        ("Observations", f"{metrics['total']:,}", None),
        (
            "Success rate",
            "—" if rate is None else f"{rate:g}%",
            "Succeeded ÷ (succeeded + failed); ineligible excluded",
        ),
        ("Failed", f"{metrics['failed']:,}", None),
        ("Ineligible", f"{metrics['ineligible']:,}", None),
        ("In flight", f"{metrics['in_flight']:,}", "Pending or running"),
        (
            f"Sessions, {str(coverage.loc[0, 'window']).lower()}",
            f"{coverage.loc[0, 'sessions']:,}",
            f"Distinct sessions scanned; {coverage.loc[1, 'sessions']:,} in total",
        ),
    ]


def coverage_frame(stats: Any) -> pd.DataFrame:
    """Distinct sessions in the recent window and overall."""
    coverage = raw_of(stats).get("coverage") or {}
    recent, total = as_int(coverage.get("recent_sessions")), as_int(coverage.get("total_sessions"))
    days = as_int(coverage.get("recent_days")) or 14
    return pd.DataFrame(
        [
            {"window": f"Last {days} days", "sessions": recent, "share": share(recent, total)},
            {"window": "All time", "sessions": total, "share": share(total, total)},
        ],
        columns=["window", "sessions", "share"],
    )


def verdict_frame(stats: Any) -> pd.DataFrame | None:
    """Monitor verdict counts in fixed order, or None when the stats carry no monitor block."""
    monitor = raw_of(stats).get("monitor")
    if not isinstance(monitor, Mapping):
        return None
    counts = [as_int(monitor.get(f"{verdict}_total")) for verdict in VERDICT_ORDER]
    total = sum(counts)
    return pd.DataFrame(
        [
            {"verdict": verdict, "count": count, "share": share(count, total)}
            for verdict, count in zip(VERDICT_ORDER, counts, strict=True)
        ],
        columns=["verdict", "count", "share"],
    )


_BUCKET_LABEL = re.compile(r"^\s*(-?\d+)(?:\s*[–—-]\s*(-?\d+))?\s*$")


def parse_bucket_label(label: str) -> tuple[int, int] | None:
    """Integer bounds of a histogram label: "7" -> (7, 7), "0–4" -> (0, 4); None if unreadable."""
    match = _BUCKET_LABEL.match(label)
    if not match:
        return None
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) is not None else low
    return (low, high) if high >= low else None


def histogram_frame(stats: Any) -> pd.DataFrame | None:
    """Scorer buckets with continuous edges, or None when there is no histogram.

    Scores are rounded to integers before bucketing, so a bucket labelled "a–b" holds scores
    in [a - 0.5, b + 0.5); those edges put the summary rules where the scores actually are.
    Labels that cannot be read fall back to unit-wide slots by position.
    """
    scorer = raw_of(stats).get("scorer")
    histogram = scorer.get("histogram") if isinstance(scorer, Mapping) else None
    if not isinstance(histogram, Mapping):
        return None
    labels = [str(label) for label in histogram.get("labels") or []]
    counts = [as_int(count) for count in histogram.get("counts") or []]
    if not labels or len(labels) != len(counts):
        return None
    bounds = [parse_bucket_label(label) for label in labels]
    total = sum(counts)
    rows = []
    for position, (label, count, bound) in enumerate(zip(labels, counts, bounds, strict=True)):
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


def summary_frame(stats: Any) -> pd.DataFrame | None:
    """min, p25, median, mean, p75, max as rows (stat, value), or None when nothing was scored."""
    scorer = raw_of(stats).get("scorer")
    summary = scorer.get("summary") if isinstance(scorer, Mapping) else None
    if not isinstance(summary, Mapping):
        return None
    rows = [
        {"stat": stat, "value": float(summary[stat])}
        for stat in SUMMARY_ORDER
        if isinstance(summary.get(stat), int | float)
    ]
    return pd.DataFrame(rows, columns=["stat", "value"]) if rows else None


def scored_count(stats: Any) -> int:
    """How many observations carry a numeric score (the summary's count)."""
    scorer = raw_of(stats).get("scorer")
    summary = scorer.get("summary") if isinstance(scorer, Mapping) else None
    return as_int(summary.get("count")) if isinstance(summary, Mapping) else 0


def tag_frame(stats: Any) -> pd.DataFrame | None:
    """Fixed and freeform tag rankings in one frame (tag, kind, count, share of tagged)."""
    classifier = raw_of(stats).get("classifier")
    if not isinstance(classifier, Mapping):
        return None
    tagged = as_int(classifier.get("total_with_tags"))
    rows = []
    for kind, key in (("fixed", "fixed_ranked"), ("freeform", "freeform_ranked")):
        for entry in classifier.get(key) or []:
            if isinstance(entry, Mapping) and entry.get("tag") is not None:
                count = as_int(entry.get("count"))
                rows.append(
                    {
                        "tag": str(entry["tag"]),
                        "kind": kind,
                        "count": count,
                        "share": share(count, tagged),
                    }
                )
    return pd.DataFrame(rows, columns=["tag", "kind", "count", "share"])


def tagged_count(stats: Any) -> int:
    """Succeeded classifier observations with at least one tag."""
    classifier = raw_of(stats).get("classifier")
    return as_int(classifier.get("total_with_tags")) if isinstance(classifier, Mapping) else 0


def available_tags(stats: Any) -> list[str]:
    """The tag vocabulary the stats report for this filtered set (classifiers only)."""
    return [str(tag) for tag in raw_of(stats).get("available_tags") or []]


def bucket_window(buckets: pd.DataFrame, bucket: str, descending: bool) -> tuple[int, int] | None:
    """Where one histogram bucket's rows sit in the list sorted by ``result_score``.

    The API sorts scores with nulls last in both directions, and bucketing is monotonic in the
    score, so bucket k occupies a contiguous run of rows: after every lower bucket (ascending)
    or every higher one (descending). Returns (offset, count), or None for an unknown bucket.
    """
    labels = list(buckets["bucket"])
    if bucket not in labels:
        return None
    position = labels.index(bucket)
    counts = [int(count) for count in buckets["count"]]
    before = sum(counts[position + 1 :]) if descending else sum(counts[:position])
    return before, counts[position]


@dataclass(frozen=True)
class StatsSummary:
    """What the page reads from one stats answer on every run, derived once per answer."""

    buckets: pd.DataFrame | None
    labels: tuple[str, ...]
    total: int
    tags: tuple[str, ...]


def summarise(stats: Any) -> StatsSummary:
    """The score buckets (scorers), their labels, the set's size and its tag vocabulary."""
    buckets = histogram_frame(stats)
    return StatsSummary(
        buckets=buckets,
        labels=tuple(buckets["bucket"]) if buckets is not None else (),
        total=int(status_metrics(stats)["total"] or 0),
        tags=tuple(available_tags(stats)),
    )
