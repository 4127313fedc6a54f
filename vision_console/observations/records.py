"""Observation rows as one flat record frame, and what is derived from the rows.

The record frame feeds the table, the export and the trend and version charts. Trends and
version comparison are computed here from fetched rows: the stats endpoint has no time series
and no version filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from vision_console.observation_text import explain_error, user_label
from vision_console.observations.charts import OUTCOME_ORDER, SUMMARY_ORDER, VERDICT_ORDER, TimeUnit
from vision_console.observations.payload import (
    as_int,
    mapping,
    model_output,
    number,
    raw_of,
    strings,
)

IN_FLIGHT = "in flight"
_OUTCOME_OF_STATUS = {
    "succeeded": "succeeded",
    "failed": "failed",
    "ineligible": "ineligible",
    "pending": IN_FLIGHT,
    "running": IN_FLIGHT,
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


RecordingLink = Callable[[str], str | None]
"""Session id -> URL of its recording in PostHog (``Connection.recording_url``), or None."""


def observation_record(item: Any, recording_link: RecordingLink | None = None) -> dict[str, Any]:
    """One observation flattened to RECORD_COLUMNS (times still ISO strings)."""
    raw = raw_of(item)
    output = model_output(raw)
    result = raw.get("scanner_result")
    snapshot = mapping(raw.get("scanner_snapshot"))
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
        "triggered_by_user": user_label(raw.get("triggered_by_user")),
        "scanner_name": str(snapshot.get("name") or ""),
        "scanner_version": int(version) if isinstance(version, int) else None,
        "model": str(snapshot.get("model") or ""),
        "verdict": str(verdict) if isinstance(verdict, str) else None,
        "score": number(output.get("score")),
        "score_label": output.get("label") if isinstance(output.get("label"), str) else None,
        "tags": strings(output.get("tags")),
        "tags_freeform": strings(output.get("tags_freeform")),
        "title": output.get("title") if isinstance(output.get("title"), str) else None,
        "summary": output.get("summary") if isinstance(output.get("summary"), str) else None,
        "reasoning": (
            output.get("reasoning") if isinstance(output.get("reasoning"), str) else None
        ),
        "confidence": number(output.get("confidence")),
        "signals_count": (
            as_int(result.get("signals_count")) if isinstance(result, Mapping) else None
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
        if scanner_type == "monitor":
            verdicts = group["verdict"].dropna()
            row["Yes rate"] = (verdicts == "yes").mean() if len(verdicts) else None
        elif scanner_type == "scorer":
            scores = group["score"].dropna()
            row["Mean score"] = scores.mean() if len(scores) else None
            row["Median score"] = scores.median() if len(scores) else None
        summary.append(row)
    return pd.DataFrame(summary).sort_values("_order").drop(columns="_order").reset_index(drop=True)
