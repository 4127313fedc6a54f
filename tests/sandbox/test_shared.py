"""The process-wide sandbox registry behind the console's demo mode."""

from __future__ import annotations

from pathlib import Path

import requests

from vision_sandbox import running_sandbox, shared_sandbox


def test_one_running_sandbox_per_database_file(tmp_path: Path) -> None:
    first = tmp_path / "a" / "demo.sqlite3"
    assert running_sandbox(first) is None
    a = shared_sandbox(first, seed="empty")
    try:
        assert shared_sandbox(tmp_path / "a" / ".." / "a" / "demo.sqlite3") is a
        assert running_sandbox(first) is a
        b = shared_sandbox(tmp_path / "b.sqlite3", seed="empty")
        try:
            assert b is not a and b.base_url != a.base_url
            headers = {"Authorization": f"Bearer {a.api_key}"}
            url = f"{a.base_url}/api/projects/{a.project_id}/vision/scanners/stats/"
            assert requests.get(url, headers=headers, timeout=10).status_code == 200
        finally:
            b.stop()
    finally:
        a.stop()
