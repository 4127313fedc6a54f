"""bench/fleet_scale.py still runs against the current Overview and export, and reports its
targets (at its smallest size: 100 scanners, a 5k-row export)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_fleet_scale_quick_run_reports_requests_and_export_memory() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fleet_scale.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    rows = [line for line in out.splitlines() if line.startswith("| 100 ")]
    apps = {(cells[2].strip(), cells[3].strip()) for cells in (r.split("|") for r in rows)}
    assert ("150", "console") in apps and ("0", "naive") in apps
    assert ("150", "naive (not run: floor)") in apps  # its latency floor is printed, not waited
    assert "Target met: first load within 60 requests" in out
    assert "| parquet |" in out and "| csv " in out
    assert "Peak RSS of any export" in out
