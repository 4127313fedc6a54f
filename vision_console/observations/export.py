"""Export a filtered observation set to CSV or Parquet bytes (for st.download_button).

The export frame is the flat record frame from ``vision_console.observations.records``, with list
columns kept as lists in Parquet and joined with "; " in CSV. CSV text cells that a
spreadsheet would run as a formula (leading =, +, -, @, tab or carriage return) are prefixed
with an apostrophe: observation text comes from an LLM watching user sessions and is untrusted.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import pandas as pd

LIST_SEPARATOR = "; "
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_LIST_COLUMNS = ("tags", "tags_freeform")


def export_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The records in export column order, list columns as real lists, no index."""
    frame = records.reset_index(drop=True).copy()
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


def to_csv_bytes(records: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets detect the encoding), formula-safe text cells."""
    frame = export_frame(records)
    for column in _LIST_COLUMNS:
        if column in frame:
            frame[column] = [LIST_SEPARATOR.join(value) for value in frame[column]]
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(_neutralise)
    text = str(frame.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ"))
    return text.encode("utf-8-sig")


def to_parquet_bytes(records: pd.DataFrame) -> bytes:
    """Parquet with typed columns: UTC timestamps, nullable ints, string lists for tags."""
    buffer = io.BytesIO()
    export_frame(records).to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def export_file_name(scanner_name: str, extension: str, now: datetime) -> str:
    """A filesystem-safe name such as ``observations-checkout-bugs-20261128-1403.csv``."""
    slug = re.sub(r"[^a-z0-9]+", "-", scanner_name.lower()).strip("-")[:60] or "scanner"
    return f"observations-{slug}-{now:%Y%m%d-%H%M}.{extension}"
