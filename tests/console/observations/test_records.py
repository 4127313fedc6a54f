"""vision_console.observations.records: typed observations -> the record frame, the table's
grid (the type's result column), and CSV/Parquet export (the type's columns, formula-safe CSV,
safe file names)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from vision_api import Observation
from vision_console.observations import records as obs_records

Factory = Callable[..., Observation]

MIXED = ["succeeded"] * 6 + ["failed", "ineligible", "pending", "running"]


def link(session_id: str) -> str:
    return f"https://eu.posthog.com/project/2/replay/{session_id}"


def records(observation: Factory, scanner_type: str, statuses: list[str]) -> pd.DataFrame:
    rows = [observation(scanner_type, index, status) for index, status in enumerate(statuses)]
    return obs_records.observation_records(rows, link)


# --- records ----------------------------------------------------------------------------------


def test_records_carry_the_link_the_connection_builds(observation: Factory) -> None:
    frame = obs_records.observation_records(
        [observation("monitor")], lambda session: f"L/{session}"
    )
    assert frame.loc[0, "recording_url"] == "L/sess-0000"
    assert pd.isna(
        obs_records.observation_records([observation("monitor")]).loc[0, "recording_url"]
    )


def test_records_flatten_every_type(observation: Factory) -> None:
    frame = records(observation, "monitor", MIXED)
    assert list(frame.columns) == list(obs_records.RECORD_COLUMNS)
    assert len(frame) == len(MIXED)
    first = frame.iloc[0]
    assert (first["verdict"], first["confidence"], first["duration_s"]) == ("yes", 0.91, 12.5)
    assert first["recording_url"] == "https://eu.posthog.com/project/2/replay/sess-0000"
    assert str(frame["created_at"].dt.tz) == "UTC"
    failed = frame[frame["status"] == "failed"].iloc[0]
    assert (failed["error_kind"], failed["error_label"]) == (
        "provider_transient",
        "AI provider unavailable",
    )
    assert pd.isna(failed["verdict"])
    pending = frame[frame["status"] == "pending"].iloc[0]
    assert pending["outcome"] == "in flight" and pd.isna(pending["duration_s"])


def test_records_survive_odd_rows(observation: Factory) -> None:
    """What the model leaves empty (a mistyped result, no snapshot, no times) stays empty."""
    odd = observation(
        "scorer",
        1,
        scanner_result={"model_output": {"score": "high"}},
        scanner_snapshot=None,
        started_at=None,
        triggered_by_user={"id": 3, "uuid": "u", "first_name": "Ada", "email": "a@x.io"},
    )
    frame = obs_records.observation_records([odd])
    assert pd.isna(frame.loc[0, "score"]) and pd.isna(frame.loc[0, "started_at"])
    assert pd.isna(frame.loc[0, "scanner_version"]) and frame.loc[0, "scanner_name"] == ""
    assert frame.loc[0, "triggered_by_user"] == "Ada"


@pytest.mark.parametrize(
    ("scanner_type", "expected"),
    [
        ("monitor", "yes"),
        ("scorer", 7.5),
        ("classifier", ["bug", "checkout", "rage-click"]),
        ("summarizer", "Bought a plan"),
    ],
)
def test_table_result_column_follows_the_scanner_type(
    observation: Factory, scanner_type: str, expected: Any
) -> None:
    table = obs_records.table_frame(
        records(observation, scanner_type, ["succeeded", "failed"]), scanner_type
    )
    assert list(table.columns) == list(obs_records.TABLE_COLUMNS)
    assert table.iloc[0]["Result"] == expected
    assert table.iloc[1]["Reason"] == "AI provider unavailable"
    assert table.index.name == "id"
    assert table.iloc[0]["Triggered by"] == "on demand"


def test_an_unknown_type_shows_its_title_as_the_result(observation: Factory) -> None:
    table = obs_records.table_frame(records(observation, "summarizer", ["succeeded"]), "indexer")
    assert table.iloc[0]["Result"] == "Bought a plan"


# --- export -----------------------------------------------------------------------------------


def sample(observation: Factory) -> pd.DataFrame:
    rows = [
        observation("classifier", index, status)
        for index, status in enumerate(["succeeded", "succeeded", "failed", "pending"])
    ]
    return obs_records.observation_records(
        rows, lambda session: f"https://us.posthog.com/project/1/replay/{session}"
    )


def test_csv_has_one_line_per_observation_and_the_types_columns(observation: Factory) -> None:
    csv = obs_records.to_csv_bytes(sample(observation), "classifier")
    frame = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert len(frame) == 4
    assert list(frame.columns) == obs_records.export_columns("classifier")
    assert {"tags", "tags_freeform"} <= set(frame.columns)
    assert not {"verdict", "score", "title"} & set(frame.columns)
    assert frame.loc[0, "tags"] == "bug; checkout"
    assert frame.loc[0, "recording_url"] == "https://us.posthog.com/project/1/replay/sess-0000"


@pytest.mark.parametrize(
    ("scanner_type", "own"),
    [
        ("monitor", {"verdict"}),
        ("scorer", {"score", "score_label"}),
        ("classifier", {"tags", "tags_freeform"}),
        ("summarizer", {"title", "summary"}),
        ("indexer", {"title", "summary", "verdict", "score"}),
    ],
)
def test_export_columns_are_the_common_ones_and_the_types(scanner_type: str, own: set[str]) -> None:
    columns = obs_records.export_columns(scanner_type)
    assert set(columns) == set(obs_records.COMMON_COLUMNS) | own


def test_csv_neutralises_spreadsheet_formulas(observation: Factory) -> None:
    evil = observation(
        "summarizer",
        0,
        scanner_result={
            "model_output": {
                "title": '=HYPERLINK("http://x")',
                "summary": "@SUM(1)",
                "confidence": 0.5,
            },
            "signals_count": 0,
        },
    )
    rows = obs_records.observation_records([evil])
    text = obs_records.to_csv_bytes(rows, "summarizer").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    frame = pd.read_csv(io.StringIO(text))
    assert frame.loc[0, "confidence"] == 0.5


@pytest.mark.parametrize(
    "cell", [" =1+1", "\t=1+1", "\u00a0@SUM(A1)", "\n-2+3", "\uff1d1+1", "  +A1"]
)
def test_csv_neutralises_formulas_after_leading_whitespace(observation: Factory, cell: str) -> None:
    evil = observation(
        "summarizer",
        0,
        scanner_result={"model_output": {"title": cell, "summary": "plain"}, "signals_count": 0},
    )
    text = obs_records.to_csv_bytes(obs_records.observation_records([evil]), "summarizer")
    frame = pd.read_csv(io.StringIO(text.decode("utf-8-sig")), keep_default_na=False)
    assert frame.loc[0, "title"] == "'" + cell
    assert frame.loc[0, "summary"] == "plain"


def test_parquet_keeps_types_and_lists(observation: Factory) -> None:
    parquet = obs_records.to_parquet_bytes(sample(observation), "classifier")
    table = pq.read_table(io.BytesIO(parquet))
    assert table.num_rows == 4
    frame = table.to_pandas()
    assert list(frame.loc[0, "tags"]) == ["bug", "checkout"]
    assert list(frame.loc[3, "tags"]) == []
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert frame.loc[0, "confidence"] == 0.7


def test_empty_set_exports_a_header_only() -> None:
    empty = obs_records.observation_records([])
    assert pd.read_csv(io.BytesIO(obs_records.to_csv_bytes(empty, "monitor"))).shape == (
        0,
        len(obs_records.export_columns("monitor")),
    )
    assert pq.read_table(io.BytesIO(obs_records.to_parquet_bytes(empty, "monitor"))).num_rows == 0


def test_file_names_are_filesystem_safe() -> None:
    when = datetime(2026, 11, 28, 14, 3)
    assert obs_records.export_file_name("Checkout / Bugs!", "csv", when) == (
        "observations-checkout-bugs-20261128-1403.csv"
    )
    assert obs_records.export_file_name("../../", "parquet", when) == (
        "observations-scanner-20261128-1403.parquet"
    )


def test_the_rating_is_a_table_column_that_exports_leave_out(observation: Factory) -> None:
    rated = [
        observation("monitor", 0, label={"is_correct": True, "feedback": ""}),
        observation("monitor", 1, label={"is_correct": False, "feedback": "missed it"}),
        observation("monitor", 2),
    ]
    frame = obs_records.observation_records(rated)
    assert list(frame["rating"]) == ["👍", "👎", ""]
    assert "rating" not in obs_records.export_columns("monitor")
    assert "rating" not in obs_records.csv_text(frame, "monitor").splitlines()[0]
