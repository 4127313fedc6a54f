"""vision_console.observations.export: CSV/Parquet bytes of the record frame, formula-safe CSV, safe
file names."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from vision_console.observations import export
from vision_console.observations import records as obs_records

Factory = Callable[..., dict[str, Any]]


def sample(observation: Factory) -> pd.DataFrame:
    rows = [
        observation("classifier", index, status)
        for index, status in enumerate(["succeeded", "succeeded", "failed", "pending"])
    ]
    return obs_records.observation_records(
        rows, lambda session: f"https://us.posthog.com/project/1/replay/{session}"
    )


def test_csv_has_one_line_per_observation_and_every_column(observation: Factory) -> None:
    frame = pd.read_csv(io.BytesIO(export.to_csv_bytes(sample(observation))), encoding="utf-8-sig")
    assert len(frame) == 4
    assert list(frame.columns) == list(obs_records.RECORD_COLUMNS)
    assert frame.loc[0, "tags"] == "bug; checkout"
    assert frame.loc[0, "recording_url"] == "https://us.posthog.com/project/1/replay/sess-0000"


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
    records = obs_records.observation_records([evil])
    text = export.to_csv_bytes(records).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    frame = pd.read_csv(io.StringIO(text))
    assert frame.loc[0, "confidence"] == 0.5


def test_parquet_keeps_types_and_lists(observation: Factory) -> None:
    table = pq.read_table(io.BytesIO(export.to_parquet_bytes(sample(observation))))
    assert table.num_rows == 4
    frame = table.to_pandas()
    assert list(frame.loc[0, "tags"]) == ["bug", "checkout"]
    assert list(frame.loc[3, "tags"]) == []
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert frame.loc[0, "confidence"] == 0.7


def test_empty_set_exports_a_header_only(observation: Factory) -> None:
    empty = obs_records.observation_records([])
    assert pd.read_csv(io.BytesIO(export.to_csv_bytes(empty))).shape == (
        0,
        len(obs_records.RECORD_COLUMNS),
    )
    assert pq.read_table(io.BytesIO(export.to_parquet_bytes(empty))).num_rows == 0


def test_file_names_are_filesystem_safe() -> None:
    when = datetime(2026, 11, 28, 14, 3)
    assert export.export_file_name("Checkout / Bugs!", "csv", when) == (
        "observations-checkout-bugs-20261128-1403.csv"
    )
    assert export.export_file_name("../../", "parquet", when) == (
        "observations-scanner-20261128-1403.parquet"
    )
