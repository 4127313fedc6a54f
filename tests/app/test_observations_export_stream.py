"""Exporting a set too large to hold: streamed to a per-viewer file, page by page, then offered
for download; requests counted at the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.app.conftest import make_app
from vision_api import VisionClient
from vision_console import cache
from vision_console.observations import export_stream
from vision_sandbox import Sandbox

BULK = 4500


@pytest.fixture(scope="module")
def bulk_sandbox() -> Iterator[Sandbox]:
    with Sandbox.start(seed="demo", observations=BULK, scan_delay=0.05) as sb:
        yield sb


@pytest.fixture(autouse=True)
def _code_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Source edited elsewhere while this runs must not look like a new deployment."""
    monkeypatch.setattr(cache, "code_version", lambda: "export-stream-test")


def scorer(sb: Sandbox) -> tuple[str, int]:
    with VisionClient(base_url=sb.base_url, project_id=sb.project_id, api_key=sb.api_key) as c:
        found = next(s for s in c.scanners.iter() if s.name == "UX quality")
        return found.id, c.observations.stats(found.id).status_counts.total


@pytest.mark.parametrize("form", ["parquet", "csv"])
def test_a_large_set_is_exported_page_by_page_to_a_file_and_offered_for_download(
    bulk_sandbox: Sandbox, form: str
) -> None:
    scanner_id, total = scorer(bulk_sandbox)
    assert total > BULK
    at = make_app(
        bulk_sandbox, "observations", query_params={"scanner": scanner_id, "whole_set": "true"}
    )
    assert not at.exception
    bulk_sandbox.requests.clear()
    at.session_state["observations.export_format"] = form
    at.button(key="observations.export_start").click().run()
    assert not at.exception, at.exception
    lists = [e for e in bulk_sandbox.requests.entries if e.path.endswith("/observations/")]
    pages = -(-total // export_stream.PAGE_ROWS)
    assert len(lists) == pages  # one request per 2,000 rows, no stats call
    assert bulk_sandbox.requests.count() == pages
    done = at.session_state["observations.export_done"][1]
    assert done.rows == total and done.path.exists()
    if form == "parquet":
        assert pq.ParquetFile(done.path).metadata.num_rows == total
    else:
        assert len(pd.read_csv(done.path, encoding="utf-8-sig")) == total
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [f"Download {done.file_name}"]
    at.button(key="observations.export_discard").click().run()
    assert not done.path.exists()
    assert not at.get("download_button")
