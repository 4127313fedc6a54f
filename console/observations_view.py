"""Pure transforms for the Observations explorer: API payloads in, tidy DataFrames out.

Stats responses (the ``/observations/stats/`` JSON) become the frames ``console.charts`` draws;
observation rows become one flat record frame that feeds the table, the trend and version
charts and the export. Everything here is plain pandas, testable without Streamlit. Inputs may
be raw JSON dicts or client models (anything with a ``.raw`` dict).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from console.charts import (
    BUCKET_SELECTION,
    OUTCOME_ORDER,
    STATUS_SELECTION,
    SUMMARY_ORDER,
    TAG_SELECTION,
    VERDICT_ORDER,
    VERDICT_SELECTION,
    TimeUnit,
)

IN_FLIGHT = "in flight"
_OUTCOME_OF_STATUS = {
    "succeeded": "succeeded",
    "failed": "failed",
    "ineligible": "ineligible",
    "pending": IN_FLIGHT,
    "running": IN_FLIGHT,
}
# What clicking a status bar filters on: "in flight" is two API statuses.
STATUSES_OF_OUTCOME: Mapping[str, tuple[str, ...]] = {
    "succeeded": ("succeeded",),
    "failed": ("failed",),
    "ineligible": ("ineligible",),
    IN_FLIGHT: ("pending", "running"),
}

RECORD_COLUMNS: tuple[str, ...] = (
    "id",
    "session_id",
    "status",
    "outcome",
    "triggered_by",
    "triggered_by_user",
    "scanner_name",
    "scanner_version",
    "model",
    "verdict",
    "score",
    "score_label",
    "tags",
    "tags_freeform",
    "title",
    "summary",
    "reasoning",
    "confidence",
    "signals_count",
    "created_at",
    "started_at",
    "completed_at",
    "duration_s",
    "error_kind",
    "error_label",
    "error_message",
    "recording_url",
)
_TIME_COLUMNS = ("created_at", "started_at", "completed_at")


def raw_of(item: Any) -> Mapping[str, Any]:
    """The JSON dict behind a client model, or the dict itself."""
    raw = getattr(item, "raw", item)
    return raw if isinstance(raw, Mapping) else {}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


# ---------------------------------------------------------------------------------------------
# Stats response -> chart frames
# ---------------------------------------------------------------------------------------------


def status_metrics(stats: Any) -> dict[str, int | float | None]:
    """The metric strip: total, succeeded, failed, ineligible, in_flight, success_rate."""
    counts = raw_of(stats).get("status_counts") or {}
    metrics: dict[str, int | float | None] = {
        key: _int(counts.get(key))
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
        {"outcome": outcome, "count": metrics[key] or 0, "share": _share(metrics[key] or 0, total)}
        for outcome, key in zip(
            OUTCOME_ORDER, ("succeeded", "failed", "ineligible", "in_flight"), strict=True
        )
    ]
    return pd.DataFrame(rows, columns=["outcome", "count", "share"])


def coverage_frame(stats: Any) -> pd.DataFrame:
    """Distinct sessions in the recent window and overall."""
    coverage = raw_of(stats).get("coverage") or {}
    recent, total = _int(coverage.get("recent_sessions")), _int(coverage.get("total_sessions"))
    days = _int(coverage.get("recent_days")) or 14
    return pd.DataFrame(
        [
            {"window": f"Last {days} days", "sessions": recent, "share": _share(recent, total)},
            {"window": "All time", "sessions": total, "share": _share(total, total)},
        ],
        columns=["window", "sessions", "share"],
    )


def verdict_frame(stats: Any) -> pd.DataFrame | None:
    """Monitor verdict counts in fixed order, or None when the stats carry no monitor block."""
    monitor = raw_of(stats).get("monitor")
    if not isinstance(monitor, Mapping):
        return None
    counts = [_int(monitor.get(f"{verdict}_total")) for verdict in VERDICT_ORDER]
    total = sum(counts)
    return pd.DataFrame(
        [
            {"verdict": verdict, "count": count, "share": _share(count, total)}
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
    counts = [_int(count) for count in histogram.get("counts") or []]
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
                "share": _share(count, total),
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
    return _int(summary.get("count")) if isinstance(summary, Mapping) else 0


def tag_frame(stats: Any) -> pd.DataFrame | None:
    """Fixed and freeform tag rankings in one frame (tag, kind, count, share of tagged)."""
    classifier = raw_of(stats).get("classifier")
    if not isinstance(classifier, Mapping):
        return None
    tagged = _int(classifier.get("total_with_tags"))
    rows = []
    for kind, key in (("fixed", "fixed_ranked"), ("freeform", "freeform_ranked")):
        for entry in classifier.get(key) or []:
            if isinstance(entry, Mapping) and entry.get("tag") is not None:
                count = _int(entry.get("count"))
                rows.append(
                    {
                        "tag": str(entry["tag"]),
                        "kind": kind,
                        "count": count,
                        "share": _share(count, tagged),
                    }
                )
    return pd.DataFrame(rows, columns=["tag", "kind", "count", "share"])


def tagged_count(stats: Any) -> int:
    """Succeeded classifier observations with at least one tag."""
    classifier = raw_of(stats).get("classifier")
    return _int(classifier.get("total_with_tags")) if isinstance(classifier, Mapping) else 0


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


# ---------------------------------------------------------------------------------------------
# Observation rows -> one flat record frame
# ---------------------------------------------------------------------------------------------


RecordingLink = Callable[[str], str | None]
"""Session id -> URL of its recording in PostHog (``Connection.recording_url``), or None."""


def moment_url(recording: str | None, at_ms: int) -> str | None:
    """The recording link starting the player at a cited moment (``?t=<seconds>``)."""
    if not recording or at_ms < 0:
        return None
    separator = "&" if "?" in recording else "?"
    return f"{recording}{separator}t={at_ms // 1000}"


_FAILED_KINDS: Mapping[str, tuple[str, str]] = {
    "provider_transient": (
        "AI provider unavailable",
        "The AI provider was temporarily unavailable; a retry usually works.",
    ),
    "provider_rejected": (
        "AI provider rejected the video",
        "The AI provider refused to process this recording's video.",
    ),
    "rasterization_failed": (
        "Recording video failed",
        "The recording could not be turned into a video for the model.",
    ),
    "validation_failed": (
        "AI output invalid",
        "The model's answer did not match the scanner's expected format.",
    ),
    "internal_error": ("Internal error", "Something went wrong inside Replay Vision."),
    "orphaned": ("Interrupted", "The scan stopped before finishing and was given up on."),
    "infra_transient": (
        "Infrastructure hiccup",
        "A temporary infrastructure problem stopped the scan; retrying helps.",
    ),
}
_INELIGIBLE_KINDS: Mapping[str, tuple[str, str]] = {
    "no_recording": ("No recording", "No recording exists for this session."),
    "too_short": ("Too short", "The recording is shorter than the 15 seconds a scan needs."),
    "too_inactive": ("Too inactive", "The recording has under 10 seconds of user activity."),
    "too_long": ("Too long", "The recording has more than an hour of activity."),
    "no_events": ("No events", "The recording has no events to analyse."),
    "no_snapshots": ("No snapshots", "The recording has no screen snapshots to render."),
}


def explain_error(error_reason: Any) -> dict[str, str] | None:
    """Split an ``error_reason`` ("kind:human message") into kind, label, description, message.

    Unknown kinds keep their raw kind as the label; a reason without a kind is all message.
    Returns None for an empty reason.
    """
    if not isinstance(error_reason, str) or not error_reason.strip():
        return None
    kind, sep, message = error_reason.partition(":")
    kind = kind.strip()
    if not sep or not re.fullmatch(r"[a-z][a-z0-9_]*", kind):
        return {
            "kind": "",
            "label": "Error",
            "description": "",
            "category": "",
            "message": error_reason.strip(),
        }
    if kind in _FAILED_KINDS:
        (label, description), category = _FAILED_KINDS[kind], "failed"
    elif kind in _INELIGIBLE_KINDS:
        (label, description), category = _INELIGIBLE_KINDS[kind], "ineligible"
    else:
        label, description, category = kind.replace("_", " ").capitalize(), "", ""
    return {
        "kind": kind,
        "label": label,
        "description": description,
        "category": category,
        "message": message.strip(),
    }


def _output(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    result = raw.get("scanner_result")
    output = result.get("model_output") if isinstance(result, Mapping) else None
    return output if isinstance(output, Mapping) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def reasoning_text(output: Mapping[str, Any]) -> str:
    """The model's reasoning (or a summarizer's summary) as plain text."""
    for key in ("reasoning", "summary"):
        text = output.get(key)
        if isinstance(text, str) and text.strip():
            return text
    for key in ("reasoning_segments", "summary_segments"):
        segments = output.get(key)
        if isinstance(segments, list) and segments:
            return "".join(_segment_text(segment) for segment in segments)
    return ""


def _segment_text(segment: Any) -> str:
    if not isinstance(segment, Mapping):
        return ""
    if segment.get("kind") == "chip" and isinstance(segment.get("timestamp_ms"), int):
        return f"[{format_offset(segment['timestamp_ms'])}]"
    value = segment.get("value")
    return value if isinstance(value, str) else ""


def cited_moments(output: Mapping[str, Any]) -> list[int]:
    """Distinct timestamps (ms from session start) the model cited, in order of appearance."""
    moments: dict[int, None] = {}
    for key in ("reasoning_segments", "summary_segments"):
        for segment in output.get(key) or []:
            if (
                isinstance(segment, Mapping)
                and segment.get("kind") == "chip"
                and isinstance(segment.get("timestamp_ms"), int)
                and segment["timestamp_ms"] >= 0
            ):
                moments.setdefault(segment["timestamp_ms"], None)
    return list(moments)


def format_offset(milliseconds: int) -> str:
    """A position in a recording: 83_000 -> "1:23", 3_723_000 -> "1:02:03"."""
    seconds = max(milliseconds, 0) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_duration(seconds: float | None) -> str:
    """A run duration: "850 ms", "12.4 s", "3m 05s"; "—" when unknown."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)) or seconds < 0:
        return "—"
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m {secs:02d}s"


def confidence_label(confidence: float | None) -> str:
    """High (≥ 0.8), Medium (≥ 0.5) or Low, with the percentage; "—" when unknown."""
    if confidence is None or math.isnan(confidence):
        return "—"
    level = "High" if confidence >= 0.8 else "Medium" if confidence >= 0.5 else "Low"
    return f"{level} ({confidence:.0%})"


def _user_label(user: Any) -> str:
    if not isinstance(user, Mapping):
        return ""
    name = " ".join(str(user.get(key) or "").strip() for key in ("first_name", "last_name"))
    return name.strip() or str(user.get("email") or "")


def observation_record(item: Any, recording_link: RecordingLink | None = None) -> dict[str, Any]:
    """One observation flattened to RECORD_COLUMNS (times still ISO strings)."""
    raw = raw_of(item)
    output = _output(raw)
    result = raw.get("scanner_result")
    snapshot = _mapping(raw.get("scanner_snapshot"))
    error = explain_error(raw.get("error_reason")) or {}
    version = snapshot.get("scanner_version")
    session_id = raw.get("session_id") if isinstance(raw.get("session_id"), str) else ""
    verdict = output.get("verdict")
    return {
        "id": str(raw.get("id") or ""),
        "session_id": session_id,
        "status": str(raw.get("status") or ""),
        "outcome": _OUTCOME_OF_STATUS.get(str(raw.get("status")), str(raw.get("status") or "")),
        "triggered_by": str(raw.get("triggered_by") or ""),
        "triggered_by_user": _user_label(raw.get("triggered_by_user")),
        "scanner_name": str(snapshot.get("name") or ""),
        "scanner_version": int(version) if isinstance(version, int) else None,
        "model": str(snapshot.get("model") or ""),
        "verdict": str(verdict) if isinstance(verdict, str) else None,
        "score": _number(output.get("score")),
        "score_label": output.get("label") if isinstance(output.get("label"), str) else None,
        "tags": _strings(output.get("tags")),
        "tags_freeform": _strings(output.get("tags_freeform")),
        "title": output.get("title") if isinstance(output.get("title"), str) else None,
        "summary": output.get("summary") if isinstance(output.get("summary"), str) else None,
        "reasoning": (
            output.get("reasoning") if isinstance(output.get("reasoning"), str) else None
        ),
        "confidence": _number(output.get("confidence")),
        "signals_count": (
            _int(result.get("signals_count")) if isinstance(result, Mapping) else None
        ),
        "created_at": raw.get("created_at"),
        "started_at": raw.get("started_at"),
        "completed_at": raw.get("completed_at"),
        "duration_s": None,
        "error_kind": error.get("kind") or None,
        "error_label": error.get("label") if error else None,
        "error_message": error.get("message") if error else None,
        "recording_url": recording_link(session_id) if recording_link and session_id else None,
    }


def _to_utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")


def observation_records(
    items: Iterable[Any], recording_link: RecordingLink | None = None
) -> pd.DataFrame:
    """Observations as one row each: typed times (UTC), duration in seconds, result fields."""
    frame = pd.DataFrame(
        [observation_record(item, recording_link) for item in items], columns=list(RECORD_COLUMNS)
    )
    for column in _TIME_COLUMNS:
        frame[column] = _to_utc(frame[column])
    frame["duration_s"] = (frame["completed_at"] - frame["started_at"]).dt.total_seconds()
    frame["scanner_version"] = frame["scanner_version"].astype("Int64")
    for column in ("score", "confidence", "duration_s"):
        frame[column] = frame[column].astype("float64")
    return frame


def result_column(scanner_type: str) -> tuple[str, str]:
    """(record column, table heading) of the type's headline result."""
    return {
        "monitor": ("verdict", "Verdict"),
        "scorer": ("score", "Score"),
        "classifier": ("all_tags", "Tags"),
        "summarizer": ("title", "Summary"),
    }.get(scanner_type, ("title", "Result"))


TABLE_COLUMNS: tuple[str, ...] = (
    "Status",
    "Result",
    "Reason",
    "Session",
    "Recording",
    "Triggered by",
    "Version",
    "Confidence",
    "Started",
    "Completed",
    "Duration (s)",
)


def table_frame(records: pd.DataFrame, scanner_type: str) -> pd.DataFrame:
    """The explorer's table: one display row per record, indexed by observation id.

    The result column depends on the scanner type (verdict, score, tags or summary title);
    failed and ineligible rows explain themselves in "Reason".
    """
    column, _heading = result_column(scanner_type)
    if column == "all_tags":
        result = [
            list(fixed) + list(free)
            for fixed, free in zip(records["tags"], records["tags_freeform"], strict=True)
        ]
    else:
        result = list(records[column])
    table = pd.DataFrame(
        {
            "Status": records["status"],
            "Result": result,
            "Reason": records["error_label"],
            "Session": records["session_id"],
            "Recording": records["recording_url"],
            "Triggered by": records["triggered_by"].str.replace("_", " "),
            "Version": records["scanner_version"],
            "Confidence": records["confidence"],
            "Started": records["started_at"],
            "Completed": records["completed_at"],
            "Duration (s)": records["duration_s"],
        },
        columns=list(TABLE_COLUMNS),
    )
    table.index = pd.Index(records["id"], name="id")
    return table


# ---------------------------------------------------------------------------------------------
# Records -> trend and version frames (computed from fetched rows, not from the stats endpoint)
# ---------------------------------------------------------------------------------------------


def time_unit_for(created: pd.Series) -> TimeUnit:
    """Hourly bars when the rows span three days or less, daily otherwise."""
    created = created.dropna()
    if created.empty:
        return "yearmonthdate"
    span = created.max() - created.min()
    return "yearmonthdatehours" if span <= pd.Timedelta(days=3) else "yearmonthdate"


def over_time_frame(records: pd.DataFrame, by: str = "outcome") -> tuple[pd.DataFrame, TimeUnit]:
    """Counts per period and category ("outcome", or "verdict" over succeeded monitor rows)."""
    rows = records.dropna(subset=["created_at"])
    if by == "verdict":
        rows = rows[rows["verdict"].isin(VERDICT_ORDER)]
        order: Sequence[str] = VERDICT_ORDER
    else:
        order = OUTCOME_ORDER
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


def _version_label(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.dropna(subset=["scanner_version"]).copy()
    frame["version_number"] = frame["scanner_version"].astype(int)
    frame["version"] = "v" + frame["version_number"].astype(str)
    return frame


def version_mix_frame(records: pd.DataFrame, by: str = "outcome") -> pd.DataFrame:
    """Per version and category (outcome or verdict): count, share of the version, totals."""
    order: Sequence[str] = VERDICT_ORDER if by == "verdict" else OUTCOME_ORDER
    rows = _version_label(records)
    if by == "verdict":
        rows = rows[rows["verdict"].isin(VERDICT_ORDER)]
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
    return grouped[
        [
            "version",
            "version_number",
            "category",
            "count",
            "share",
            "version_total",
            "category_rank",
        ]
    ]


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


def version_summary(records: pd.DataFrame, scanner_type: str) -> pd.DataFrame:
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
    for (number, label), group in rows.groupby(["version_number", "version"]):
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
            "_order": number,
        }
        if scanner_type == "monitor":
            verdicts = group["verdict"].dropna()
            row["Yes rate"] = (verdicts == "yes").mean() if len(verdicts) else None
        elif scanner_type == "scorer":
            scores = group["score"].dropna()
            row["Mean score"] = scores.mean() if len(scores) else None
            row["Median score"] = scores.median() if len(scores) else None
        summary.append(row)
    return pd.DataFrame(summary).sort_values("_order").drop(columns="_order").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# One observation -> detail view content
# ---------------------------------------------------------------------------------------------


def headline(item: Any, scanner_type: str) -> dict[str, Any]:
    """The detail view's headline: {"label", "value", "caption"} per scanner type.

    Monitor: the verdict; scorer: "score / max" with the scale label; classifier: the tags
    (freeform marked); summarizer: the title. Unsettled or failed rows say why there is none.
    """
    raw = raw_of(item)
    output = _output(raw)
    status = str(raw.get("status") or "")
    if not output:
        reason = {
            "pending": "Waiting to start",
            "running": "Scanning now…",
            "failed": "Failed before completion",
            "ineligible": "The model was not invoked",
        }.get(status, "No result")
        return {"label": "Result", "value": reason, "caption": ""}
    snapshot = _mapping(raw.get("scanner_snapshot"))
    config = _mapping(snapshot.get("scanner_config"))
    if scanner_type == "monitor":
        verdict = output.get("verdict")
        return {
            "label": "Verdict",
            "value": str(verdict).upper() if verdict else "—",
            "caption": "",
        }
    if scanner_type == "scorer":
        score = _number(output.get("score"))
        scale = _mapping(config.get("scale"))
        top = _number(scale.get("max"))
        value = "—" if score is None else f"{score:g}" + (f" / {top:g}" if top is not None else "")
        label = output.get("label") or scale.get("label")
        return {
            "label": "Score",
            "value": value,
            "caption": str(label) if isinstance(label, str) else "",
        }
    if scanner_type == "classifier":
        fixed, free = _strings(output.get("tags")), _strings(output.get("tags_freeform"))
        value = ", ".join(fixed + [f"{tag} (freeform)" for tag in free]) or "No tags"
        return {"label": "Tags", "value": value, "caption": ""}
    title = output.get("title")
    return {
        "label": "Summary",
        "value": str(title) if isinstance(title, str) else "—",
        "caption": "",
    }


def _when(value: Any) -> pd.Timestamp | None:
    if not isinstance(value, str) or not value:
        return None
    stamp = pd.to_datetime(value, utc=True, errors="coerce", format="ISO8601")
    return None if pd.isna(stamp) else stamp


def format_time(value: Any) -> str:
    """An ISO timestamp as "2026-11-28 14:03:12 UTC"; "—" when missing or unreadable."""
    stamp = _when(value)
    return "—" if stamp is None else stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def lifecycle(item: Any) -> list[tuple[str, str]]:
    """Created, started, completed and the run duration, formatted for display."""
    raw = raw_of(item)
    started, completed = _when(raw.get("started_at")), _when(raw.get("completed_at"))
    duration = (
        (completed - started).total_seconds()
        if started is not None and completed is not None
        else None
    )
    return [
        ("Created", format_time(raw.get("created_at"))),
        ("Started", format_time(raw.get("started_at"))),
        ("Completed", format_time(raw.get("completed_at"))),
        ("Run time", format_duration(duration)),
    ]


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {_display(item)}" for key, item in value.items()) or "—"
    return str(value)


def snapshot_items(item: Any) -> list[tuple[str, str]]:
    """The scanner as it was when this observation ran: name, type, version, model, config."""
    raw = raw_of(item)
    snapshot = raw.get("scanner_snapshot")
    if not isinstance(snapshot, Mapping):
        return []
    items = [
        ("Scanner", _display(snapshot.get("name"))),
        ("Type", _display(snapshot.get("scanner_type"))),
        (
            "Version",
            f"v{snapshot['scanner_version']}"
            if isinstance(snapshot.get("scanner_version"), int)
            else "—",
        ),
        ("Model", _display(snapshot.get("model"))),
        ("Provider", _display(snapshot.get("provider"))),
        ("Emits signals", _display(snapshot.get("emits_signals"))),
    ]
    config = snapshot.get("scanner_config")
    if isinstance(config, Mapping):
        names = {
            "allow_inconclusive": "Allow inconclusive",
            "multi_label": "Multi-label",
            "allow_freeform_tags": "Freeform tags",
            "tags": "Tag vocabulary",
            "scale": "Scale",
            "length": "Summary length",
        }
        items += [
            (names.get(key, key.replace("_", " ").capitalize()), _display(value))
            for key, value in config.items()
            if key != "prompt"
        ]
    return items


def snapshot_prompt(item: Any) -> str:
    """The prompt the scanner ran with (shown as plain text)."""
    snapshot = raw_of(item).get("scanner_snapshot")
    config = snapshot.get("scanner_config") if isinstance(snapshot, Mapping) else None
    prompt = config.get("prompt") if isinstance(config, Mapping) else None
    return prompt if isinstance(prompt, str) else ""


def neighbours(position: int, total: int) -> tuple[int | None, int | None]:
    """Positions of the previous and next observation in the filtered, sorted set."""
    previous = position - 1 if position > 0 else None
    following = position + 1 if position + 1 < total else None
    return previous, following


def page_count(total: int, page_size: int) -> int:
    """How many pages the filtered set fills (at least one, so page 1 always exists)."""
    return max(1, math.ceil(total / page_size))


# ---------------------------------------------------------------------------------------------
# Chart clicks -> filter changes
# ---------------------------------------------------------------------------------------------


def filters_from_selection(
    selection_name: str, points: Sequence[Mapping[str, Any]] | None
) -> dict[str, Any]:
    """The filter change a chart click asks for (an empty selection clears that filter).

    Verdict bars set ``verdict``, tag bars set ``tags``, histogram buckets set ``bucket`` and
    status bars set ``status`` ("in flight" meaning pending + running). Unknown selection
    names or malformed points change nothing.
    """
    field = _PICK_FIELDS.get(selection_name)
    if field is None:
        return {}
    values = list(
        dict.fromkeys(
            str(point[field])
            for point in points or []
            if isinstance(point, Mapping) and point.get(field) is not None
        )
    )
    if selection_name == VERDICT_SELECTION:
        return {"verdict": tuple(value for value in values if value in VERDICT_ORDER)}
    if selection_name == TAG_SELECTION:
        return {"tags": tuple(values)}
    if selection_name == BUCKET_SELECTION:
        return {"bucket": values[0] if values else None}
    if selection_name == STATUS_SELECTION:
        statuses = [status for value in values for status in STATUSES_OF_OUTCOME.get(value, ())]
        return {"status": tuple(statuses)}
    return {}


_PICK_FIELDS: Mapping[str, str] = {
    VERDICT_SELECTION: "verdict",
    TAG_SELECTION: "tag",
    BUCKET_SELECTION: "bucket",
    STATUS_SELECTION: "outcome",
}


# ---------------------------------------------------------------------------------------------
# Which rows to request for one table page
# ---------------------------------------------------------------------------------------------

WHOLE_SET_LIMIT = 1000


@dataclass(frozen=True)
class PageRequest:
    """One list request for a table page: the API window and where the page sits in it.

    ``whole_set`` means the window holds the entire filtered set (at most WHOLE_SET_LIMIT
    rows): paging, previous/next, trends, versions and export then need no further request.
    """

    order_by: str
    offset: int
    limit: int
    start: int
    whole_set: bool


def plan_page_request(
    total: int,
    page: int,
    page_size: int,
    order_by: str,
    buckets: pd.DataFrame | None = None,
    bucket: str | None = None,
    whole_set_limit: int = WHOLE_SET_LIMIT,
) -> PageRequest:
    """Plan the single list request behind one table page.

    With a score bucket chosen, rows are sorted by score (the user's direction when they
    sorted by score, else ascending) and the window is that bucket's run of rows (see
    ``bucket_window``), so a bucket filter costs no extra request either.
    """
    base, size = 0, total
    if bucket is not None and buckets is not None:
        descending = order_by == "-result_score"
        order_by = "-result_score" if descending else "result_score"
        window = bucket_window(buckets, bucket, descending)
        base, size = window if window else (0, 0)
    first = (page - 1) * page_size
    if size <= whole_set_limit:
        limit = size if bucket is not None else whole_set_limit
        return PageRequest(order_by, base, max(limit, 1), first, True)
    limit = max(1, min(page_size, size - first))
    return PageRequest(order_by, base + first, limit, 0, False)


FIRST, LAST = "first", "last"


def step_target(
    page: int,
    page_size: int,
    position: int,
    total: int,
    step: int,
    page_ids: Sequence[str],
    window_ids: Sequence[str] | None = None,
) -> tuple[int, str] | None:
    """Where the previous (step -1) or next (+1) observation of the filtered set is.

    Returns (page, target) where target is the observation id, or FIRST/LAST of that page
    when it lies on a page not fetched yet; None at either end of the set. ``window_ids``
    is the whole filtered set when it is in hand.
    """
    overall = (page - 1) * page_size + position + step
    if overall < 0 or overall >= total:
        return None
    target_page = overall // page_size + 1
    if window_ids is not None and overall < len(window_ids):
        return target_page, window_ids[overall]
    if target_page == page and 0 <= position + step < len(page_ids):
        return page, page_ids[position + step]
    return target_page, FIRST if step > 0 else LAST
