"""Observations as one flat record frame; the table's grid and the CSV/Parquet export of it.

The record frame feeds the table, the whole-set charts (``set_charts``) and the export. It is
read from the typed ``Observation`` (its result accessors, snapshot and error reason); what a
scanner type adds is the registry's: the table's result column and the export's columns.

CSV text cells that a spreadsheet would run as a formula (leading =, +, -, @, tab or carriage
return) are prefixed with an apostrophe: observation text comes from an LLM watching user
sessions and is untrusted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vision_api import Observation
from vision_console import scanner_types
from vision_console.observation_text import explain_error
from vision_console.observations.labels import rating_text
from vision_console.observations.stats_charts import IN_FLIGHT

_OUTCOME_OF_STATUS = {
    "succeeded": "succeeded",
    "failed": "failed",
    "ineligible": "ineligible",
    "pending": IN_FLIGHT,
    "running": IN_FLIGHT,
}

RESULT_COLUMNS: tuple[str, ...] = (
    "verdict",
    "score",
    "score_label",
    "tags",
    "tags_freeform",
    "title",
    "summary",
)
"""Columns only some scanner types fill (the registry's ``export_columns`` pick among them)."""

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
    *RESULT_COLUMNS,
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
    "rating",
)
TABLE_ONLY_COLUMNS: tuple[str, ...] = ("rating",)
"""Columns the table shows but exports leave out (a rating is a teammate's, not the scan's)."""
COMMON_COLUMNS: tuple[str, ...] = tuple(
    c for c in RECORD_COLUMNS if c not in RESULT_COLUMNS and c not in TABLE_ONLY_COLUMNS
)
_TIME_COLUMNS = ("created_at", "started_at", "completed_at")


RecordingLink = Callable[[str], str | None]
"""Session id -> URL of its recording in PostHog (``Connection.recording_url``), or None."""


def observation_record(
    observation: Observation, recording_link: RecordingLink | None = None
) -> dict[str, Any]:
    """One observation flattened to RECORD_COLUMNS."""
    snapshot, result = observation.scanner_snapshot, observation.scanner_result
    error = explain_error(observation)
    user = observation.triggered_by_user
    duration = observation.duration
    session_id = observation.session_id
    return {
        "id": observation.id,
        "session_id": session_id,
        "status": observation.status,
        "outcome": _OUTCOME_OF_STATUS.get(observation.status, observation.status),
        "triggered_by": observation.triggered_by,
        "triggered_by_user": user.display_name if user is not None else "",
        "scanner_name": snapshot.name if snapshot else "",
        "scanner_version": observation.scanner_version,
        "model": snapshot.model if snapshot else "",
        "verdict": observation.verdict,
        "score": observation.score,
        "score_label": result.score_label if result else None,
        "tags": list(observation.tags),
        "tags_freeform": list(observation.tags_freeform),
        "title": observation.title,
        "summary": observation.summary,
        "reasoning": observation.reasoning,
        "confidence": observation.confidence,
        "signals_count": result.signals_count if result else None,
        "created_at": observation.created_at,
        "started_at": observation.started_at,
        "completed_at": observation.completed_at,
        "duration_s": None if duration is None else duration.total_seconds(),
        "error_kind": (error.kind or None) if error else None,
        "error_label": error.label if error else None,
        "error_message": error.message if error else None,
        "recording_url": recording_link(session_id) if recording_link and session_id else None,
        "rating": rating_text(observation.label),
    }


def observation_records(
    items: Iterable[Observation], recording_link: RecordingLink | None = None
) -> pd.DataFrame:
    """Observations as one row each: typed times (UTC), duration in seconds, result fields."""
    frame = pd.DataFrame(
        [observation_record(item, recording_link) for item in items], columns=list(RECORD_COLUMNS)
    )
    for column in _TIME_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True, errors="coerce")
    frame["scanner_version"] = frame["scanner_version"].astype("Int64")
    for column in ("score", "confidence", "duration_s"):
        frame[column] = frame[column].astype("float64")
    return frame


# -- the table ---------------------------------------------------------------------------------

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


def result_values(records: pd.DataFrame, scanner_type: str) -> list[Any]:
    """The type's result per row (its ``result_column``; a classifier's fixed + freeform tags)."""
    column = scanner_types.facts(scanner_type).result_column
    if column == "all_tags":
        return [
            list(fixed) + list(free)
            for fixed, free in zip(records["tags"], records["tags_freeform"], strict=True)
        ]
    return list(records[column])


def table_frame(records: pd.DataFrame, scanner_type: str) -> pd.DataFrame:
    """The explorer's table: one display row per record, indexed by observation id.

    The result column is the scanner type's (verdict, score, tags or summary title); failed
    and ineligible rows explain themselves in "Reason".
    """
    table = pd.DataFrame(
        {
            "Status": records["status"],
            "Result": result_values(records, scanner_type),
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


# -- export --------------------------------------------------------------------------------------

LIST_SEPARATOR = "; "
_FORMULA_START = re.compile(r"^[\s\u00a0\u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")
"""A spreadsheet formula trigger, also after leading whitespace (Excel and LibreOffice skip it)
and in its full-width form."""
_LIST_COLUMNS = ("tags", "tags_freeform")


def export_columns(scanner_type: str) -> list[str]:
    """The common columns and the scanner type's own results (``export_columns``)."""
    own = scanner_types.facts(scanner_type).export_columns
    return [c for c in RECORD_COLUMNS if c in COMMON_COLUMNS or c in own]


def export_frame(records: pd.DataFrame, scanner_type: str) -> pd.DataFrame:
    """The records in export column order, list columns as real lists, no index."""
    frame = records[export_columns(scanner_type)].reset_index(drop=True).copy()
    for column in _LIST_COLUMNS:
        if column in frame:
            frame[column] = [
                list(value) if isinstance(value, list | tuple) else [] for value in frame[column]
            ]
    return frame


def _neutralise(value: object) -> object:
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def csv_text(records: pd.DataFrame, scanner_type: str, *, header: bool = True) -> str:
    """The records as CSV text (no BOM): formula-safe text cells, lists joined, UTC times.

    ``header=False`` gives rows only, for appending one page after another to one file.
    """
    frame = export_frame(records, scanner_type)
    for column in _LIST_COLUMNS:
        if column in frame:
            frame[column] = [LIST_SEPARATOR.join(value) for value in frame[column]]
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(_neutralise)
    return str(frame.to_csv(index=False, header=header, date_format="%Y-%m-%dT%H:%M:%S.%fZ"))


def to_csv_bytes(records: pd.DataFrame, scanner_type: str) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets detect the encoding), formula-safe text cells."""
    return csv_text(records, scanner_type).encode("utf-8-sig")


_ARROW_TYPES: dict[str, pa.DataType] = {
    "scanner_version": pa.int64(),
    "score": pa.float64(),
    "confidence": pa.float64(),
    "duration_s": pa.float64(),
    "signals_count": pa.int64(),
    "created_at": pa.timestamp("ns", tz="UTC"),
    "started_at": pa.timestamp("ns", tz="UTC"),
    "completed_at": pa.timestamp("ns", tz="UTC"),
    "tags": pa.list_(pa.string()),
    "tags_freeform": pa.list_(pa.string()),
}
"""Export column types that are not text: fixed, so every page of a streamed Parquet export
has the same schema (a page whose column is all empty would otherwise infer "null")."""


def export_schema(scanner_type: str) -> pa.Schema:
    """The Parquet schema of one scanner type's export."""
    return pa.schema(
        [(column, _ARROW_TYPES.get(column, pa.string())) for column in export_columns(scanner_type)]
    )


def parquet_table(records: pd.DataFrame, scanner_type: str) -> pa.Table:
    """The records as an Arrow table in ``export_schema``: one Parquet row group's worth."""
    return pa.Table.from_pandas(
        export_frame(records, scanner_type),
        schema=export_schema(scanner_type),
        preserve_index=False,
    )


def to_parquet_bytes(records: pd.DataFrame, scanner_type: str) -> bytes:
    """Parquet with typed columns: UTC timestamps, nullable ints, string lists for tags."""
    buffer = io.BytesIO()
    pq.write_table(parquet_table(records, scanner_type), buffer)
    return buffer.getvalue()


def export_file_name(scanner_name: str, extension: str, now: datetime) -> str:
    """A filesystem-safe name such as ``observations-checkout-bugs-20261128-1403.csv``."""
    slug = re.sub(r"[^a-z0-9]+", "-", scanner_name.lower()).strip("-")[:60] or "scanner"
    return f"observations-{slug}-{now:%Y%m%d-%H%M}.{extension}"
