"""Streamed exports: every page appended to one file, formula-safe CSV, one Parquet schema,
at most a few pages in flight, and a cancelled or failed export leaves no partial file."""

from __future__ import annotations

import gzip
import os
import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from vision_api import Observation
from vision_console.observations import export_stream

START = datetime(2026, 11, 1, tzinfo=UTC)


def observation(n: int, **overrides: Any) -> Observation:
    data: dict[str, Any] = {
        "id": str(uuid.UUID(int=n + 1)),
        "scanner_id": "s1",
        "session_id": f"session-{n}",
        "status": "succeeded",
        "error_reason": "",
        "workflow_id": "",
        "scanner_snapshot": None,
        "scanner_result": {
            "model_output": {
                "scanner_type": "monitor",
                "verdict": "yes" if n % 2 else "no",
                "confidence": 0.9,
                "reasoning": f"reason {n}",
            }
        },
        "triggered_by": "schedule",
        "triggered_by_user": None,
        "started_at": None,
        "completed_at": (START + timedelta(minutes=n)).isoformat(),
        "created_at": (START + timedelta(minutes=n)).isoformat(),
    }
    data.update(overrides)
    return Observation.from_dict(data)


def pages_of(rows: list[Observation], size: int) -> list[list[Observation]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def test_csv_pages_append_under_one_header_with_formula_cells_neutralised(tmp_path: Path) -> None:
    rows = [observation(n) for n in range(25)]
    rows[7] = observation(7, session_id="=HYPERLINK(1)")
    path = tmp_path / "out.csv"
    written = export_stream.write_pages(
        pages_of(rows, 10), path, "monitor", "csv", total=25, page_rows=10
    )
    assert written == 25
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert len(frame) == 25 and frame.loc[0, "session_id"] == "session-0"
    assert frame.loc[7, "session_id"] == "'=HYPERLINK(1)"
    assert path.read_text(encoding="utf-8-sig").count("session_id") == 1  # one header


def test_a_large_csv_is_gzipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_stream, "GZIP_ABOVE", 5)
    rows = [observation(n) for n in range(12)]
    path = tmp_path / "out.csv.gz"
    export_stream.write_pages(pages_of(rows, 5), path, "monitor", "csv", total=12, page_rows=5)
    with gzip.open(path, "rt", encoding="utf-8-sig") as text:
        assert len(pd.read_csv(text)) == 12


def test_parquet_pages_share_one_schema_even_when_a_page_has_an_empty_column(
    tmp_path: Path,
) -> None:
    failed = {"status": "failed", "error_reason": "timeout", "scanner_result": None}
    rows = [observation(n) for n in range(5)] + [observation(n, **failed) for n in range(5, 10)]
    path = tmp_path / "out.parquet"
    export_stream.write_pages(pages_of(rows, 5), path, "monitor", "parquet", total=10, page_rows=5)
    file = pq.ParquetFile(path)
    assert file.metadata.num_rows == 10 and file.num_row_groups == 2
    frame = file.read().to_pandas()
    assert list(frame["verdict"][:5]) == ["no", "yes", "no", "yes", "no"]
    assert frame["verdict"][5:].isna().all()
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"


def test_an_empty_set_still_writes_a_readable_file(tmp_path: Path) -> None:
    csv_path, parquet_path = tmp_path / "e.csv", tmp_path / "e.parquet"
    export_stream.write_pages([], csv_path, "monitor", "csv", total=0)
    export_stream.write_pages([], parquet_path, "monitor", "parquet", total=0)
    assert pd.read_csv(csv_path, encoding="utf-8-sig").empty
    assert pq.read_table(parquet_path).num_rows == 0


def test_a_cancelled_export_removes_its_partial_file(tmp_path: Path) -> None:
    rows = [observation(n) for n in range(30)]
    path = tmp_path / "out.parquet"
    seen: list[export_stream.Progress] = []
    with pytest.raises(export_stream.Cancelled):
        export_stream.write_pages(
            pages_of(rows, 10),
            path,
            "monitor",
            "parquet",
            total=30,
            page_rows=10,
            on_progress=seen.append,
            should_stop=lambda: len(seen) >= 2,
        )
    assert not path.exists()
    assert [p.rows for p in seen] == [10, 20] and seen[-1].pages_total == 3


def test_a_failed_page_removes_the_partial_file(tmp_path: Path) -> None:
    def pages() -> Any:
        yield [observation(0)]
        raise ConnectionError("the API went away")

    path = tmp_path / "out.csv"
    with pytest.raises(ConnectionError):
        export_stream.write_pages(pages(), path, "monitor", "csv", total=2, page_rows=1)
    assert not path.exists()


def test_pages_are_fetched_in_order_with_few_in_flight() -> None:
    rows = [observation(n) for n in range(95)]
    lock, in_flight, peak, asked = threading.Lock(), [0], [0], []

    def fetch(offset: int, limit: int) -> Sequence[Observation]:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            asked.append((offset, limit))
        try:
            return rows[offset : offset + limit]
        finally:
            with lock:
                in_flight[0] -= 1

    got = [o for page in export_stream.fetch_pages(fetch, 95, page_rows=10, ahead=2) for o in page]
    assert got == rows
    assert sorted(asked) == [(o, min(10, 95 - o)) for o in range(0, 95, 10)]
    assert peak[0] <= 2


def test_a_short_page_ends_the_export() -> None:
    rows = [observation(n) for n in range(25)]  # the stats said 40: 15 were deleted since

    def fetch(offset: int, limit: int) -> Sequence[Observation]:
        return rows[offset : offset + limit]

    got = [o for page in export_stream.fetch_pages(fetch, 40, page_rows=10, ahead=1) for o in page]
    assert got == rows


def test_progress_eta_counts_the_request_budget() -> None:
    # 1 page took 0.01 s, but 499 more pages cannot go faster than 480 a minute.
    step = export_stream.Progress(
        rows=2000, total=1_000_000, pages=1, pages_total=500, elapsed_s=0.01
    )
    assert step.eta_s == pytest.approx(499 / 8)


def test_file_names_say_what_the_file_is() -> None:
    now = datetime(2026, 12, 4, 14, 3, tzinfo=UTC)
    assert export_stream.file_name_for("Checkout bugs", "csv", 10, now) == (
        "observations-checkout-bugs-20261204-1403.csv",
        "text/csv",
    )
    name, mime = export_stream.file_name_for("Checkout bugs", "csv", 1_000_000, now)
    assert name.endswith(".csv.gz") and mime == "application/gzip"
    name, _ = export_stream.file_name_for("Checkout bugs", "parquet", 1_000_000, now)
    assert name.endswith(".parquet")


def test_stale_viewer_directories_are_swept(tmp_path: Path) -> None:
    old, fresh = tmp_path / "old", tmp_path / "fresh"
    old.mkdir()
    fresh.mkdir()
    (old / "x.csv").write_bytes(b"x")
    now = fresh.stat().st_mtime
    os.utime(old, (now - 7200, now - 7200))
    assert export_stream.sweep(tmp_path, now) == 1
    assert not old.exists() and fresh.exists()
