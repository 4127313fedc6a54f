"""The AppTest benches still run against the current pages, and report their targets.

A bench drives the pages the way a viewer does (open a section, pick a row, apply a filter);
when a page changes shape, the bench must change with it, or BENCHMARKS.md silently stops
being reproducible. These run each bench at its smallest size and check what it reports, not
how fast anything was.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_bench(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize("era", ["current", "seed"])
def test_request_bench_finds_no_request_on_steps_that_change_no_query_input(era: str) -> None:
    out = run_bench("app_requests.py", "--era", era)
    assert f"counted at the sandbox, {era} era)" in out
    assert "Target met: no request on any step that changes no query input." in out
    assert "Whole script: console" in out


def test_rerun_bench_measures_every_page_with_no_request_and_no_spec_built() -> None:
    out = run_bench("app_rerun.py", "--sizes", "0", "--repeats", "1")
    rows = [line for line in out.splitlines() if line.startswith("| 0 ") and "console" in line]
    pages = {cells[2].strip(): cells for cells in (row.split("|") for row in rows)}
    assert set(pages) >= {
        "console frame, no page body",
        "console overview",
        "console scanners",
        "console observations",
        "console estimate",
    }
    for name, cells in pages.items():
        requests, specs = cells[-3].strip(), cells[-2].strip()
        assert (requests, specs) == ("0", "0"), f"{name}: {requests} requests, {specs} specs"


def test_explorer_pages_bench_times_every_view_at_three_depths_on_matching_pages() -> None:
    out = run_bench("explorer_pages.py", "--size", "2000", "--repeats", "1")
    assert "every page matched the naive one" in out
    rows = [line for line in out.splitlines() if line.startswith(("| scorer ", "| monitor "))]
    depths = [cells[5].strip().split(" ")[0] for cells in (row.split("|") for row in rows)]
    assert len(rows) == 33, out
    assert depths.count("first") == depths.count("middle") == depths.count("last") == 11, out
